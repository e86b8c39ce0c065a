// store.writer, after the coverage: one :Duplicate node per cross-dataset duplicate the merge left out
// (loaders/overlap.py: the same exercise in MME and JME is kept once, as MME's). The node holds the
// other dataset's own version of the tie (its date, parties and sources), so a dataset's own row of
// the thesis can be computed from the graph as from the files. Not connected to any actor: Browser
// patterns over actors never meet it. $rows = [{tieId, props}] from store.rows.duplicate_rows.
UNWIND $rows AS row
MERGE (d:Duplicate {tieId: row.tieId})
SET d = row.props
RETURN count(d) AS written
