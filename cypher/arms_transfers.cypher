// Question: every arms transfer and licensed production, with the system and the sources.
// Parameters: none.
// Example: tiegraph query cypher/arms_transfers.cypher --format csv
// Notes: `date` is the written date (date_text) with its precision: "2021" means some day in
// 2021, never 2021-01-01.  Rows are sorted by the earliest possible day (r.date).
MATCH (supplier:Actor)-[r:ARMS_TRANSFER|LICENSED_PRODUCTION]->(recipient:Actor)
RETURN r.date_text AS date, r.precision AS precision, type(r) AS type,
       supplier.id AS supplier, recipient.id AS recipient,
       r.attr_system AS system, r.attr_quantity AS quantity, r.attr_value AS value,
       r.status AS status, r.title AS title, r.tie_id AS tie_id, r.sources AS sources
ORDER BY r.date, r.tie_id
