// Question: which transfers or licensed productions involve a given system (e.g. drones)?
// Example: tiegraph query cypher/transfers_of_system.cypher --param system=Bayraktar
// Notes: case-insensitive match on the system attribute and the title; attributes.system is one name in
// every dataset (the bundled data's system, SIPRI's weapon designation).
:param system => 'Bayraktar';

MATCH (supplier:Actor)-[r:ARMS_TRANSFER|LICENSED_PRODUCTION]->(recipient:Actor)
WHERE toLower(coalesce(r.attr_system, '') + ' ' + coalesce(r.title, '')) CONTAINS toLower($system)
RETURN r.date AS date, type(r) AS type, supplier.id AS supplier, recipient.id AS recipient,
       r.attr_system AS system, r.attr_quantity AS quantity, r.status AS status,
       r.tieId AS tieId, r.sourceDocuments AS documents
ORDER BY r.dateFrom, r.tieId
