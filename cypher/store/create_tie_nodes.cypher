// Write shape (store.writer): multilateral ties, one :Tie node each (plus its type label, e.g.
// :JointExercise, set with Neo4j 5.26's dynamic label $(…) from the vocabulary), with a
// PARTICIPATED_IN relationship from every participant ({position} keeps their order).
// $rows = [{tieId, label, participants: [id, ...], props}] from store.rows.node_row.
// Returns the participant relationships written (checked against the plan: a missing actor
// rolls the whole batch back).
UNWIND $rows AS row
CREATE (t:Tie:$(row.label))
SET t = row.props, t.dateFrom = date(row.dateFrom), t.dateTo = date(row.dateTo)
WITH t, row
UNWIND range(0, size(row.participants) - 1) AS position
MATCH (a:Actor {id: row.participants[position]})
CREATE (a)-[:PARTICIPATED_IN {position: position}]->(t)
RETURN count(*) AS written
