// Read-back (store.readback): every actor with its labels and properties.
MATCH (a:Actor)
RETURN labels(a) AS labels, properties(a) AS props
