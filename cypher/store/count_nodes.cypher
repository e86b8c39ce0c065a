// tiegraph load --bulk, before replacing the database: how many nodes of any label it holds
// (answered from Neo4j's counts store).  --bulk needs --replace unless this is 0.
MATCH (n)
RETURN count(n) AS nodes
