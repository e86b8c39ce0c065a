// Question: how many ties were formed each year, by tie type?
// Parameters: none.
// Example: tiegraph query cypher/ties_per_year.cypher --format csv
// Notes: counts distinct tie ids (a multilateral tie is counted once, not once per pair);
// the sum over types of a year equals `tiegraph report`'s ties_by_year.  Undated ties are
// left out.
MATCH (:Actor)-[r]->(:Actor)
WHERE r.tie_id IS NOT NULL AND r.year IS NOT NULL
RETURN r.year AS year, type(r) AS type, count(DISTINCT r.tie_id) AS ties
ORDER BY year, type
