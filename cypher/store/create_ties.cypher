// Write shape (store.writer): bilateral ties, one relationship each, of any vocabulary type.
// $rows = [{tieId, type, from, to, props}] from store.rows.edge_row; `type` is always a
// relationship type of the vocabulary (store.rows takes it from model/vocabulary.py), set with
// Neo4j 5.26's dynamic type $(…).  The writer first deletes any copy of these ties
// (find_ties.cypher, delete_found.cypher, same transaction), so CREATE gives exactly one relationship per tie
// without MERGE's per-relationship lookup, lock and read/write barrier; the per-type
// uniqueness constraint on tieId still refuses a duplicate.
UNWIND $rows AS row
MATCH (a:Actor {id: row.from})
MATCH (b:Actor {id: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props, r.dateFrom = date(row.dateFrom), r.dateTo = date(row.dateTo)
RETURN count(r) AS written
