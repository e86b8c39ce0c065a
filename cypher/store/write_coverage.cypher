// store.writer, before the actors: one :Coverage node per dataset, what it covers (the years and
// tie types it observes, systematic or documentary: model/coverage.py), merged on the dataset
// name.  The read-back needs it to tell a year outside a dataset's coverage (missing) from a year
// without ties (zero).  $rows = [{dataset, props}] from store.rows.coverage_rows.
UNWIND $rows AS row
MERGE (c:Coverage {dataset: row.dataset})
SET c = row.props
RETURN count(c) AS written
