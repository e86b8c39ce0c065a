// Load summary: actor nodes by label.
MATCH (a:Actor)
UNWIND labels(a) AS label
WITH label WHERE label IN $labels
RETURN label, count(*) AS nodes
ORDER BY label
