// Read-back (store.readback): every bilateral tie, a relationship of a vocabulary type between
// two actors ({{TIE_TYPES}}: the vocabulary's relationship types).  Other relationships are not
// ties and are ignored.
MATCH (a:Actor)-[r:{{TIE_TYPES}}]->(b:Actor)
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
