// Centrality write-back (store.rows.centrality_rows): degree, weighted_degree, betweenness,
// eigenvector (all ties) and the same with suffix _latest for the latest year (centrality_year).
// $rows = [{id, props}].
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a += row.props
RETURN count(a) AS written
