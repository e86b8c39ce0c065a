// Question: every arms transfer and licensed production, with the system and the sources.
// Example: tiegraph query cypher/arms_transfers.cypher --format csv
// Notes: `date` is the date as written with its precision: "2021" means some day in 2021
// (dateFrom 2021-01-01 to dateTo 2021-12-31), never 2021-01-01.  Rows are sorted by dateFrom.
// Both types are directed and bilateral: supplier (licensor) -> recipient (licensee).
// `system` is the tie's attributes.system, one name in every dataset (SIPRI: the weapon designation).
MATCH (supplier:Actor)-[r:ARMS_TRANSFER|LICENSED_PRODUCTION]->(recipient:Actor)
RETURN r.date AS date, r.precision AS precision, type(r) AS type,
       supplier.id AS supplier, recipient.id AS recipient,
       r.attr_system AS system, r.attr_quantity AS quantity, r.attr_value AS value,
       r.status AS status, r.tentative AS tentative, r.title AS title, r.tieId AS tieId,
       r.sourceDocuments AS documents, r.sourceLocators AS locators
ORDER BY r.dateFrom, r.tieId
