// store.writer, before writing a batch: how many relationships of type {{REL_TYPE}} already
// carry one of the batch's tie ids ($ids).  Run once per vocabulary type (a tie whose type
// changed in the files is found under its old type); uses the per-type tie_id index.
// USING INDEX SEEK: without it, a plan cached while the type had few relationships may scan
// the whole tie_id index once per row (quadratic: 0.5 s per batch seen on a 5,000-tie re-load).
UNWIND $ids AS id
MATCH (:Actor)-[r:{{REL_TYPE}} {tie_id: id}]->(:Actor)
USING INDEX SEEK r:{{REL_TYPE}}(tie_id)
RETURN count(r) AS existing
