// Read-back (store.readback): what each dataset covers, one :Coverage node per dataset.
MATCH (c:Coverage)
RETURN properties(c) AS props
