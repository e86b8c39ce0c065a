// Question: what did the cooperation network look like in a given year?
// Example: tiegraph query cypher/network_as_of.cypher --param year=2020
// Notes: a tie is in force from the year of its start (`date`) to its lastYear: an event
// (exercise, transfer, meeting, assistance) only in its own year, an ended standing tie until
// its endYear, a standing tie without an end from then on.  Undated ties are left out;
// tentative ones (announced, planned, proposed) too unless includeTentative is true.  One row
// per pair of actors (each pair once), with the number of ties between them and their types;
// a multilateral tie joins every pair of its participants.  (Each tie is expanded from itself:
// no join on actor ids, so the planner has no Cartesian product to choose.)
:param year => 2020;
:param includeTentative => false;

CALL () {
  MATCH (x:Actor)-[r:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP]->(y:Actor)
  WHERE r.year <= $year AND coalesce(r.lastYear, $year) >= $year
    AND ($includeTentative OR NOT coalesce(r.tentative, false))
  RETURN CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS actorA,
         CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS actorB, r.tieId AS tieId, type(r) AS type
  UNION ALL
  MATCH (t:Tie)
  WHERE t.year <= $year AND coalesce(t.lastYear, $year) >= $year
    AND ($includeTentative OR NOT coalesce(t.tentative, false))
  WITH t, [(p:Actor)-[:PARTICIPATED_IN]->(t) | p.id] AS participants
  UNWIND participants AS actorA
  UNWIND participants AS actorB
  WITH t, actorA, actorB WHERE actorA < actorB
  RETURN actorA, actorB, t.tieId AS tieId, t.type AS type
}
WITH actorA, actorB, tieId, type ORDER BY type
RETURN actorA, actorB, count(DISTINCT tieId) AS ties, collect(DISTINCT type) AS types
ORDER BY ties DESC, actorA, actorB
