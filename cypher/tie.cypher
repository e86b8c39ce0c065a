// Question: everything stored for one tie: its type, participants, dates, status and sources.
// Example: tiegraph query cypher/tie.cypher --param tieId=aze-tur-shusha-declaration-2021
// Notes: a bilateral tie is one relationship, a multilateral one a :Tie node; both carry the
// tieId (each relationship type and :Tie have a unique index on it, so this is a few index
// seeks).  To edit a tie in Browser:
//   MATCH ()-[r {tieId: $tieId}]->() SET r.status = 'ended'   (or MATCH (t:Tie {tieId: $tieId}))
:param tieId => 'aze-tur-shusha-declaration-2021';

CALL () {
  MATCH (a:Actor)-[r:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP {tieId: $tieId}]->(b:Actor)
  RETURN type(r) AS type, [a.id, b.id] AS participants, properties(r) AS props
  UNION ALL
  MATCH (t:Tie {tieId: $tieId})
  MATCH (p:Actor)-[in:PARTICIPATED_IN]->(t)
  WITH t, p ORDER BY in.position
  RETURN t.type AS type, collect(p.id) AS participants, properties(t) AS props
}
RETURN props.tieId AS tieId, type, participants, props.date AS date, props.precision AS precision,
       props.status AS status, props.title AS title, props.sourceDocuments AS documents,
       props.sourceLocators AS locators
