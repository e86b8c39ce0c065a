// Question: each joint exercise, with all its participants.
// Example: tiegraph query cypher/exercise_participants.cypher
// Notes: a two-party exercise is one JOINT_EXERCISE relationship, a larger one a
// :Tie:JointExercise node with a PARTICIPATED_IN relationship from each participant.
// `count` is how many exercises the record stands for ("25 joint exercises in 2025").
CALL () {
  MATCH (a:Actor)-[r:JOINT_EXERCISE]->(b:Actor)
  RETURN r AS tie, [a.id, b.id] AS participants
  UNION ALL
  MATCH (p:Actor)-[:PARTICIPATED_IN]->(t:JointExercise)
  WITH t, p ORDER BY p.id
  RETURN t AS tie, collect(p.id) AS participants
}
WITH tie, participants ORDER BY tie.year, tie.tieId
UNWIND participants AS participant
WITH tie, participant ORDER BY participant
RETURN tie.tieId AS tieId, tie.title AS title, tie.date AS date, tie.year AS year,
       coalesce(tie.count, 1) AS count, tie.status AS status,
       count(participant) AS participantCount, collect(participant) AS participants
ORDER BY year, tieId
