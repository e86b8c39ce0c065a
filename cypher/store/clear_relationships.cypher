// tiegraph load --replace, step 1: delete every relationship between actors, $rows per
// transaction.  CALL { … } IN TRANSACTIONS commits batch by batch inside one auto-commit query
// (store.writer runs it with session.run), so a large graph never needs one huge transaction
// and a clear that fails half-way is finished by running it again.
MATCH (:Actor)-[r:{{TIE_TYPES}}]->(:Actor)
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS deleted
