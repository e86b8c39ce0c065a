// tiegraph load --replace, step 1: delete up to $limit relationships between actors.
// Run in a loop of small transactions until it returns 0, so a large graph never needs
// one huge transaction.
MATCH (:Actor)-[r]-(:Actor)
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
