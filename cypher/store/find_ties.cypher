// store.writer, before writing a batch that may already be in the database (a re-load, or a load
// that died half-way), in the same transaction: the element ids of the relationships of type
// {{REL_TYPE}} (a vocabulary type, never user text) that are copies of the batch's ties ($ids).
// Run once per type that held ties when the load started, all before delete_found.cypher
// deletes what they found: an index seek that runs after deletions in the same transaction
// pays for the transaction's state (1-4 s for 10,000 ids, exploratory), a seek before them does
// not.  USING INDEX SEEK: with a per-row value the planner may otherwise scan the whole index.
UNWIND $ids AS id
MATCH (:Actor)-[r:{{REL_TYPE}} {tieId: id}]->(:Actor)
USING INDEX SEEK r:{{REL_TYPE}}(tieId)
RETURN collect(elementId(r)) AS found
