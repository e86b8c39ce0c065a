// Read-back (store.readback): every relationship of a vocabulary type between two actors.
// $types: the vocabulary's relationship types.  Other relationships are not ties and are ignored.
MATCH (a:Actor)-[r]->(b:Actor)
WHERE type(r) IN $types
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
