// Question: what did the cooperation network look like in a given year?
// Parameters (paste into Neo4j Browser before running):
// :param year => 2020
// Example: tiegraph query cypher/network_as_of.cypher --param year=2020
// Notes: a tie counts from the year of its start (date_text) until its end_year, if any;
// undated ties are left out.  One row per pair of actors (each pair once), with the number of
// distinct ties between them and their types.
MATCH (a:Actor)-[r]-(b:Actor)
WHERE a.id < b.id AND r.tie_id IS NOT NULL AND r.year <= $year
  AND (r.end_year IS NULL OR r.end_year >= $year)
WITH a, b, r
ORDER BY type(r)
RETURN a.id AS actor_a, b.id AS actor_b, count(DISTINCT r.tie_id) AS ties,
       collect(DISTINCT type(r)) AS types
ORDER BY ties DESC, actor_a, actor_b
