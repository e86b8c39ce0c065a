// Question: which ties does an actor have, year by year and by tie type?
// Parameters (paste into Neo4j Browser before running):
// :param actor => 'TUR'
// Example: tiegraph query cypher/actor_ties.cypher --param actor=TUR
// Notes: a multilateral tie is one relationship per participant pair, so ties are counted
// with count(DISTINCT r.tie_id).  year is the year of `date_text`; undated ties come last.
MATCH (a:Actor {id: $actor})-[r]-(other:Actor)
WHERE r.tie_id IS NOT NULL
WITH r, other
ORDER BY r.tie_id, other.id
RETURN r.year AS year, type(r) AS type, count(DISTINCT r.tie_id) AS ties,
       collect(DISTINCT other.id) AS partners, collect(DISTINCT r.tie_id) AS tie_ids
ORDER BY year, type
