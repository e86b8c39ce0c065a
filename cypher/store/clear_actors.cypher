// tiegraph load --replace, step 2: delete up to $limit actor nodes (and anything still
// attached to them).  Nodes without the :Actor label are not the project's and stay.
MATCH (a:Actor)
WITH a LIMIT $limit
DETACH DELETE a
RETURN count(*) AS deleted
