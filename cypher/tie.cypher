// Question: everything stored for one tie: each of its pair relationships and its sources.
// Parameters (paste into Neo4j Browser before running):
// :param tie_id => 'aze-tur-shusha-declaration-2021'
// Example: tiegraph query cypher/tie.cypher --param tie_id=aze-tur-shusha-declaration-2021
// Notes: to edit a tie in Browser, edit all its relationships at once:
//   MATCH ()-[r {tie_id: $tie_id}]->() SET r.status = 'ended'
MATCH (a:Actor)-[r]->(b:Actor)
WHERE r.tie_id = $tie_id
RETURN r.pair AS pair, type(r) AS type, a.id AS from, b.id AS to, r.date_text AS date,
       r.precision AS precision, r.status AS status, r.title AS title, r.sources AS sources
ORDER BY pair
