// Write shape (store.writer): actor nodes, merged on :Actor(id).
// $rows = [{id, label, props}] from store.rows.write_plan; `label` is State, Company or
// Organization (store.cypher.KIND_LABELS), set with Neo4j 5.26's dynamic label $(…).
// SET a = row.props replaces every property, so a field removed from the files disappears;
// the kind label is reset so an actor whose kind changed does not keep its old label.
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a = row.props
REMOVE a:State:Company:Organization
SET a:$(row.label)
RETURN count(a) AS written
