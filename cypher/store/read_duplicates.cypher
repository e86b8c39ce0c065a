// Read-back (store.readback): each dataset's own version of the ties another dataset also codes.
MATCH (d:Duplicate)
RETURN d.type AS type, d.participants AS participants, d.record AS record
ORDER BY d.tieId
