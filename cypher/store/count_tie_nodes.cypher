// store.writer, once per load: how many multilateral tie nodes the database holds (Neo4j's
// counts store, no scan).  With none, and no tie relationship either, every batch is created
// without first looking for older copies (find_ties.cypher, delete_found.cypher).
MATCH (t:Tie)
RETURN count(t) AS nodes
