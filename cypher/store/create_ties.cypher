// Write shape (store.writer), fast path: relationships of ONE type, created.
// {{REL_TYPE}} is replaced by a relationship type of the vocabulary, never by user text.
// $rows = [{tie_id, pairs: [[from, to, pair], ...], props}] as for write_ties.cypher.
// Used only for a batch none of whose tie ids is in the database (the writer checks first,
// in the same transaction, with find_ties.cypher), so CREATE gives exactly what MERGE would,
// without MERGE's per-relationship lookup, lock and read/write barrier.  The
// (tie_id, pair) uniqueness constraint still refuses a duplicate.
UNWIND $rows AS row
UNWIND row.pairs AS pair
MATCH (a:Actor {id: pair[0]})
MATCH (b:Actor {id: pair[1]})
CREATE (a)-[r:{{REL_TYPE}}]->(b)
SET r = row.props, r.pair = pair[2]
RETURN count(r) AS written
