// Question: how many ties were formed each year, by tie type?
// Example: tiegraph query cypher/ties_per_year.cypher --format csv
// Notes: each tie counts once (a multilateral tie is one :Tie node); the sum over types of a year
// equals `tiegraph report`'s ties_by_year.  Undated ties are left out.
CALL () {
  MATCH (:Actor)-[r:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP]->(:Actor)
  WHERE r.year IS NOT NULL
  RETURN r.year AS year, type(r) AS type
  UNION ALL
  MATCH (t:Tie)
  WHERE t.year IS NOT NULL
  RETURN t.year AS year, t.type AS type
}
RETURN year, type, count(*) AS ties
ORDER BY year, type
