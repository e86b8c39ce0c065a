// tiegraph load --bulk, after the import and cypher/schema.cypher: wait until every index and
// constraint is populated (ONLINE), at most $seconds; fails if one is not by then.
CALL db.awaitIndexes($seconds)
