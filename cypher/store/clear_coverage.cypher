// tiegraph load --replace, with the ties: delete the datasets' coverage nodes.
MATCH (c:Coverage)
DETACH DELETE c
