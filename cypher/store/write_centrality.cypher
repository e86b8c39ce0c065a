// Centrality write-back (store.rows.centrality_rows): degree, weightedDegree, betweenness,
// eigenvector (all ties) and the same with suffix Latest for centralityYear, the latest year
// with a tie that is not tentative.  $rows = [{id, props}].
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a += row.props
RETURN count(a) AS written
