// store.writer, after an update-path batch, in the same transaction: delete relationships of
// type {{REL_TYPE}} that carry the id of a tie of the batch but are no longer one of its pairs
// (a participant was dropped, or the type changed in the files).  Run once per vocabulary type.
// $ties = [{id, keys: ["TYPE A|B", ...]}].  Ties absent from the files are left alone
// (use tiegraph load --replace to drop them).
// USING INDEX SEEK: without it, a plan cached while the type had few relationships may scan
// the whole tie_id index once per row (quadratic: 0.5 s per batch seen on a 5,000-tie re-load).
UNWIND $ties AS tie
MATCH (:Actor)-[r:{{REL_TYPE}} {tie_id: tie.id}]->(:Actor)
USING INDEX SEEK r:{{REL_TYPE}}(tie_id)
WHERE NOT (type(r) + ' ' + coalesce(r.pair, '')) IN tie.keys
DELETE r
RETURN count(*) AS deleted
