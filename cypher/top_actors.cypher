// Question: which actors are most central (as computed by the last `tiegraph load`)?
// Parameters (paste into Neo4j Browser before running):
// :param top => 10
// Example: tiegraph query cypher/top_actors.cypher --param top=10
// Notes: degree, betweenness and eigenvector centrality over all ties (one edge per pair of
// actors, companies as their own nodes), and degree in the latest year (centrality_year).
// Empty after `tiegraph load --no-centrality`.
MATCH (a:Actor)
WHERE a.degree IS NOT NULL
RETURN a.id AS actor, a.name AS name, a.kind AS kind, a.degree AS degree,
       a.betweenness AS betweenness, a.eigenvector AS eigenvector,
       a.degree_latest AS degree_latest, a.centrality_year AS centrality_year
ORDER BY degree DESC, betweenness DESC, actor
LIMIT $top
