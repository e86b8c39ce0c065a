// Question: what is the shortest chain of cooperation ties between two actors?
// Parameters (paste into Neo4j Browser before running):
// :param from_actor => 'KGZ'
// :param to_actor => 'baykar'
// Example: tiegraph query cypher/shortest_path.cypher --param from_actor=KGZ --param to_actor=baykar
// Notes: any tie type, either direction, at most 8 hops; no row when they are not connected.
MATCH (a:Actor {id: $from_actor}), (b:Actor {id: $to_actor})
MATCH p = shortestPath((a)-[*..8]-(b))
WHERE all(r IN relationships(p) WHERE r.tie_id IS NOT NULL)
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS path,
       [r IN relationships(p) | type(r)] AS types, [r IN relationships(p) | r.tie_id] AS tie_ids
