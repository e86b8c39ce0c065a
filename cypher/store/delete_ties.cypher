// store.writer, before writing a batch that may already be in the database (a re-load, or a load
// that died half-way), in the same transaction: delete every copy of the batch's ties ($ids), as a
// relationship of any vocabulary type or as a :Tie node with its participant relationships.  A
// tie whose type or participants changed in the files is thereby replaced, never duplicated.
// The block between the FOR_EACH_REL_TYPE and END lines is repeated once per relationship type of
// the vocabulary ({{REL_TYPE}} replaced by it, never by user text).  One branch per type with
// USING INDEX SEEK, not one pattern [r:A|B|…]: for a per-row value the planner may pick a scan
// of a type's whole tieId index (it did, for types with few relationships when the plan was
// cached), and a re-load became quadratic.
UNWIND $ids AS id
CALL (id) {
  // {{FOR_EACH_REL_TYPE}}
  MATCH (:Actor)-[r:{{REL_TYPE}} {tieId: id}]->(:Actor)
  USING INDEX SEEK r:{{REL_TYPE}}(tieId)
  DELETE r
  RETURN count(*) AS deleted
  UNION ALL
  // {{END}}
  MATCH (t:Tie {tieId: id})
  USING INDEX SEEK t:Tie(tieId)
  DETACH DELETE t
  RETURN count(*) AS deleted
}
RETURN sum(deleted) AS deleted
