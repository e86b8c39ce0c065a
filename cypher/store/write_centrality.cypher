// Centrality write-back (store.rows.centrality_rows): degree, weightedDegree, betweenness,
// eigenvector (all ties) and the same with suffix Latest for centralityYear, the latest year
// with a tie that is not tentative; and the actor's DegreeBand1..5 label (by its number of partners),
// which the Browser style sizes nodes by.  $rows = [{id, props, degreeBand}].
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
REMOVE a:DegreeBand1:DegreeBand2:DegreeBand3:DegreeBand4:DegreeBand5
SET a += row.props, a:$(row.degreeBand)
RETURN count(a) AS written
