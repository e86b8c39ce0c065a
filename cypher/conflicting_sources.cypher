// Question: which ties do the sources disagree on, and how?
// Parameters: none.
// Example: tiegraph query cypher/conflicting_sources.cypher --format json
// Notes: every reading is kept on the tie: conflict_note gives "field: value (source); ...",
// conflicts_json the structured readings.  One row per tie, however many pairs it has.
MATCH (:Actor)-[r]->(:Actor)
WHERE r.conflict = true
RETURN DISTINCT r.tie_id AS tie_id, type(r) AS type, r.date_text AS date, r.title AS title,
       r.participants AS participants, r.conflict_note AS conflict, r.source_documents AS documents
ORDER BY tie_id
