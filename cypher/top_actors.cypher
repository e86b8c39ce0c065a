// Question: which actors are most central (as computed by the last `tiegraph load`)?
// Example: tiegraph query cypher/top_actors.cypher --param top=10
// Notes: degree, betweenness and eigenvector centrality over all ties (one edge per pair of
// actors, companies as their own nodes), and degree in centralityYear: the latest year with a
// tie that is not tentative (not a year of plans only).  Empty after
// `tiegraph load --no-centrality`.
:param top => 10;

MATCH (a:Actor)
WHERE a.degree IS NOT NULL
RETURN a.id AS actor, a.name AS name, a.kind AS kind, a.degree AS degree,
       a.betweenness AS betweenness, a.eigenvector AS eigenvector,
       a.degreeLatest AS degreeLatest, a.centralityYear AS centralityYear
ORDER BY degree DESC, betweenness DESC, actor
LIMIT $top
