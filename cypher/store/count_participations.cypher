// Load summary: how many PARTICIPATED_IN relationships (actor -> multilateral tie) the database
// holds (Neo4j's counts store, no scan).
MATCH ()-[r:PARTICIPATED_IN]->()
RETURN count(r) AS relationships
