// store.writer, once per load: how many relationships of type {{REL_TYPE}} the database holds
// (answered from Neo4j's counts store, without a scan).  When every vocabulary type has none,
// every batch takes the CREATE fast path without asking find_ties.cypher.
MATCH ()-[r:{{REL_TYPE}}]->()
RETURN count(r) AS relationships
