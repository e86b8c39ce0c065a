// tiegraph load --replace, step 2: delete the multilateral tie nodes with their participant
// relationships, $rows per transaction.
MATCH (t:Tie)
CALL (t) {
  DETACH DELETE t
} IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS deleted
