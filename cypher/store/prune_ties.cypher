// After a load: delete relationships that carry the id of a loaded tie but are no longer
// one of its pairs (a participant was dropped or the type changed in the files).
// $pairs = {tie_id: ["TYPE A|B", ...]}.  Ties absent from the files are left alone
// (use tiegraph load --replace to drop them).
MATCH (:Actor)-[r]->(:Actor)
WHERE r.tie_id IS NOT NULL AND $pairs[r.tie_id] IS NOT NULL
  AND NOT (type(r) + ' ' + coalesce(r.pair, '')) IN $pairs[r.tie_id]
DELETE r
RETURN count(*) AS deleted
