// store.writer, before writing a batch that may already be in the database (a re-load, or a load
// that died half-way), in the same transaction: delete every copy of the batch's ties ($ids),
// as a relationship of any vocabulary type or as a :Tie node with its participant relationships.
// {{TIE_TYPES}} is replaced by the vocabulary's relationship types (A|B|…): the planner seeks each
// type's tieId constraint index (a union of index seeks, no scan).  A tie whose type or
// participants changed in the files is thereby replaced, never duplicated.
UNWIND $ids AS id
CALL (id) {
  MATCH (:Actor)-[r:{{TIE_TYPES}} {tieId: id}]->(:Actor)
  DELETE r
  RETURN count(*) AS deleted
  UNION ALL
  MATCH (t:Tie {tieId: id})
  DETACH DELETE t
  RETURN count(*) AS deleted
}
RETURN sum(deleted) AS deleted
