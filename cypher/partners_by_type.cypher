// Question: who are an actor's partners (e.g. Türkiye's), by tie type?
// Example: tiegraph query cypher/partners_by_type.cypher --param actor=TUR
// Notes: `direction` says, for directed types, whether the actor is the origin ("to" partner:
// e.g. TUR supplies the partner) or the target ("from" partner); empty for undirected types.
// The partners in a multilateral tie are its other participants.  Ties are counted once;
// first/last year of the ties with that partner.
:param actor => 'TUR';

MATCH (a:Actor {id: $actor})
CALL (a) {
  MATCH (a)-[r:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP]-(partner:Actor)
  RETURN type(r) AS type, r.tieId AS tieId, r.year AS year, partner,
         CASE WHEN type(r) IN ['ARMS_TRANSFER', 'LICENSED_PRODUCTION', 'TRAINING', 'MILITARY_ASSISTANCE', 'MEMBERSHIP']
              THEN CASE WHEN startNode(r) = a THEN 'to' ELSE 'from' END ELSE '' END AS direction
  UNION ALL
  MATCH (a)-[:PARTICIPATED_IN]->(t:Tie)<-[:PARTICIPATED_IN]-(partner:Actor)
  RETURN t.type AS type, t.tieId AS tieId, t.year AS year, partner, '' AS direction
}
RETURN type, direction, partner.id AS partner, partner.name AS name, count(DISTINCT tieId) AS ties,
       min(year) AS firstYear, max(year) AS lastYear
ORDER BY type, direction, ties DESC, partner
