// Read-back (store.readback): every multilateral tie node with its labels, properties and
// participants (each with the position on its PARTICIPATED_IN relationship).
MATCH (t:Tie)
OPTIONAL MATCH (a:Actor)-[p:PARTICIPATED_IN]->(t)
WITH t, a, p
ORDER BY p.position, a.id
RETURN labels(t) AS labels, properties(t) AS props,
       collect([a.id, p.position]) AS participants
