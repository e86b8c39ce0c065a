// Write shape (store.writer): actor nodes of ONE kind label, merged on :Actor(id).
// {{LABEL}} is replaced by State, Company or Organization, looked up in store.cypher.KIND_LABELS,
// never by user text.  $rows = [{id, props}] from store.rows.build_rows.
// SET a = row.props replaces every property, so a field removed from the files disappears;
// the kind label is reset so an actor whose kind changed does not keep its old label.
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a = row.props
REMOVE a:State:Company:Organization
SET a:{{LABEL}}
RETURN count(a) AS written
