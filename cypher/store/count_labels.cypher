// Load summary: actor, tie, coverage and duplicate nodes by label ($labels: the labels to report).
CALL () {
  MATCH (a:Actor)
  UNWIND labels(a) AS label
  RETURN label
  UNION ALL
  MATCH (t:Tie)
  UNWIND labels(t) AS label
  RETURN label
  UNION ALL
  MATCH (c:Coverage)
  RETURN 'Coverage' AS label
  UNION ALL
  MATCH (d:Duplicate)
  RETURN 'Duplicate' AS label
}
WITH label WHERE label IN $labels
RETURN label, count(*) AS nodes
ORDER BY label
