// Write shape (store.writer), update path: relationships of ONE type, merged on (type, tie_id, pair).
// {{REL_TYPE}} is replaced by a relationship type of the vocabulary (model/vocabulary.py,
// e.g. ARMS_TRANSFER), never by user text.  $rows = [{tie_id, pairs: [[from, to, pair], ...], props}]
// from store.rows.tie_write_row: one row per tie, its shared properties once.
// Used for a batch when some of its ties are already in the database: loading twice, or
// re-running a load that failed half-way, finds the same relationships.  Their properties are
// replaced (SET r = wanted drops a property removed from the files) only when they differ, so
// an unchanged re-load rewrites no property record and no index entry.
UNWIND $rows AS row
UNWIND row.pairs AS pair
WITH row, pair, row.props AS props
MATCH (a:Actor {id: pair[0]})
MATCH (b:Actor {id: pair[1]})
MERGE (a)-[r:{{REL_TYPE}} {tie_id: row.tie_id, pair: pair[2]}]->(b)
WITH r, props {.*, pair: pair[2]} AS wanted
CALL (r, wanted) {
  WITH r, wanted WHERE properties(r) <> wanted
  SET r = wanted
}
RETURN count(r) AS written
