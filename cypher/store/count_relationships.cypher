// Load summary: relationships and distinct ties by relationship type ($types: the vocabulary).
MATCH (:Actor)-[r]->(:Actor)
WHERE type(r) IN $types
RETURN type(r) AS type, count(r) AS relationships, count(DISTINCT r.tie_id) AS ties
ORDER BY type
