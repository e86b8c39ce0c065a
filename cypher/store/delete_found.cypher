// store.writer, after find_ties.cypher / find_tie_nodes.cypher, in the same transaction: delete
// the older copies they found, by element id ($relationships, $nodes; a tie node goes with its
// PARTICIPATED_IN relationships).  Then the batch is CREATEd: a tie whose type or participants
// changed in the files is replaced, never duplicated.
CALL (){
  UNWIND $relationships AS found
  MATCH ()-[r]->()
  WHERE elementId(r) = found
  DELETE r
  RETURN count(*) AS deleted
  UNION ALL
  UNWIND $nodes AS found
  MATCH (t:Tie)
  WHERE elementId(t) = found
  DETACH DELETE t
  RETURN count(*) AS deleted
}
RETURN sum(deleted) AS deleted
