// Write shape (store.writer): actor nodes, merged on :Actor(id).
// $rows = [{id, label, props}] from store.rows.write_plan; `label` is State, Company or
// Organization (store.cypher.KIND_LABELS), set with Neo4j 5.26's dynamic label $(…).
// SET a = row.props replaces every property, so a field removed from the files disappears;
// the kind label is reset so an actor whose kind changed does not keep its old label, and the
// degree-band label (set by write_centrality) so a load without centrality leaves none stale.
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a = row.props
REMOVE a:State:Company:Organization:DegreeBand1:DegreeBand2:DegreeBand3:DegreeBand4:DegreeBand5
SET a:$(row.label)
RETURN count(a) AS written
