// Question: which ties do the sources disagree on, and how?
// Example: tiegraph query cypher/conflicting_sources.cypher --format json
// Notes: every reading is kept on the tie: conflictNote gives "field: value (source); ...",
// conflictsJson the structured readings.  Bilateral ties are relationships, multilateral ties
// :Tie nodes; one row per tie either way.
CALL () {
  MATCH (a:Actor)-[r:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP]->(b:Actor)
  WHERE r.conflict = true
  RETURN r.tieId AS tieId, type(r) AS type, r.date AS date, r.title AS title,
         [a.id, b.id] AS participants, r.conflictNote AS conflict, r.sourceDocuments AS documents
  UNION ALL
  MATCH (t:Tie)
  WHERE t.conflict = true
  MATCH (p:Actor)-[in:PARTICIPATED_IN]->(t)
  WITH t, p ORDER BY in.position
  RETURN t.tieId AS tieId, t.type AS type, t.date AS date, t.title AS title,
         collect(p.id) AS participants, t.conflictNote AS conflict, t.sourceDocuments AS documents
}
RETURN tieId, type, date, title, participants, conflict, documents
ORDER BY tieId
