// store.writer and the load summary: how many relationships of type {{REL_TYPE}} the database
// holds (answered from Neo4j's counts store, without a scan).
MATCH ()-[r:{{REL_TYPE}}]->()
RETURN count(r) AS relationships
