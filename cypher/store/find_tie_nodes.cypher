// store.writer, with find_ties.cypher: the element ids of the :Tie nodes (multilateral ties)
// that are copies of the batch's ties ($ids).
UNWIND $ids AS id
MATCH (t:Tie {tieId: id})
USING INDEX SEEK t:Tie(tieId)
RETURN collect(elementId(t)) AS found
