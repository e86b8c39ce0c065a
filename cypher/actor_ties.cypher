// Question: which ties does an actor have, year by year and by tie type?
// Example: tiegraph query cypher/actor_ties.cypher --param actor=TUR
// Notes: a bilateral tie is one relationship to the partner, a multilateral tie one :Tie node
// whose other participants are the partners; each tie counts once.  year is the year of
// `date`; undated ties come last.
:param actor => 'TUR';

MATCH (a:Actor {id: $actor})
CALL (a) {
  MATCH (a)-[r:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP]-(other:Actor)
  RETURN r.tieId AS tieId, r.year AS year, type(r) AS type, [other.id] AS partners
  UNION ALL
  MATCH (a)-[:PARTICIPATED_IN]->(t:Tie)<-[:PARTICIPATED_IN]-(other:Actor)
  WITH t, other ORDER BY other.id
  RETURN t.tieId AS tieId, t.year AS year, t.type AS type, collect(other.id) AS partners
}
WITH year, type, tieId, partners ORDER BY tieId
UNWIND partners AS partner
WITH year, type, tieId, partner ORDER BY partner
RETURN year, type, count(DISTINCT tieId) AS ties, collect(DISTINCT partner) AS partners,
       collect(DISTINCT tieId) AS tieIds
ORDER BY year, type
