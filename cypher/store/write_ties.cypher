// Write shape (store.writer): relationships of ONE type, merged on (type, tie_id, pair).
// {{REL_TYPE}} is replaced by a relationship type of the vocabulary (model/vocabulary.py,
// e.g. ARMS_TRANSFER), never by user text.  $rows = [{from, to, tie_id, pair, props}].
// Loading twice, or re-running a load that failed half-way, finds the same relationships.
UNWIND $rows AS row
MATCH (a:Actor {id: row.from})
MATCH (b:Actor {id: row.to})
MERGE (a)-[r:{{REL_TYPE}} {tie_id: row.tie_id, pair: row.pair}]->(b)
SET r = row.props
RETURN count(r) AS written
