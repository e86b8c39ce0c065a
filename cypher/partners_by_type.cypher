// Question: who are an actor's partners (e.g. Türkiye's), by tie type?
// Parameters (paste into Neo4j Browser before running):
// :param actor => 'TUR'
// Example: tiegraph query cypher/partners_by_type.cypher --param actor=TUR
// Notes: `direction` says, for directed types, whether the actor is the origin ("to" partner:
// e.g. TUR supplies the partner) or the target ("from" partner); empty for undirected types.
// Ties are distinct tie ids; first/last year of the ties with that partner.
MATCH (a:Actor {id: $actor})-[r]-(partner:Actor)
WHERE r.tie_id IS NOT NULL
RETURN type(r) AS type,
       CASE WHEN NOT coalesce(r.directed, false) THEN ''
            WHEN startNode(r) = a THEN 'to' ELSE 'from' END AS direction,
       partner.id AS partner, partner.name AS name, count(DISTINCT r.tie_id) AS ties,
       min(r.year) AS first_year, max(r.year) AS last_year
ORDER BY type, direction, ties DESC, partner
