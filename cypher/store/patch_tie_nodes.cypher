// tiegraph load --bulk, after the import and the indexes: the properties of multilateral tie
// nodes a CSV field cannot carry exactly (see patch_ties.cypher).  $rows = [{tieId, props}];
// returns the nodes written (checked against the plan).
UNWIND $rows AS row
MATCH (t:Tie {tieId: row.tieId})
USING INDEX SEEK t:Tie(tieId)
SET t += row.props
RETURN count(t) AS written
