// tiegraph load --bulk, after the import and the indexes: the tie properties a CSV field cannot
// carry exactly (an empty list, a list item with white space at an end, an attribute name the
// importer's header would misread), set on the tie's relationship.
// {{REL_TYPE}} is replaced by a relationship type of the vocabulary, never by user text.
// $rows = [{tieId, props}]; returns the relationships written (checked against the plan).
UNWIND $rows AS row
MATCH (:Actor)-[r:{{REL_TYPE}} {tieId: row.tieId}]->(:Actor)
USING INDEX SEEK r:{{REL_TYPE}}(tieId)
SET r += row.props
RETURN count(r) AS written
