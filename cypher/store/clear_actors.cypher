// tiegraph load --replace, step 3: delete the actor nodes (and anything still attached to them),
// $rows per transaction.  Nodes without the :Actor or :Tie label are not the project's and stay.
MATCH (a:Actor)
CALL (a) {
  DETACH DELETE a
} IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS deleted
