// Question: each joint exercise, with all its participants.
// Parameters: none.
// Example: tiegraph query cypher/exercise_participants.cypher
// Notes: a multilateral exercise is stored as one JOINT_EXERCISE relationship per pair of
// participants (same tie_id); here they are folded back into one row per exercise.
// `count` is how many exercises the record stands for ("25 joint exercises in 2025").
MATCH (a:Actor)-[r:JOINT_EXERCISE]->(b:Actor)
UNWIND [a.id, b.id] AS participant
WITH r.tie_id AS tie_id, r.title AS title, r.date_text AS date, r.year AS year,
     r.count AS count, r.status AS status, participant
ORDER BY participant
RETURN tie_id, title, date, year, count, status,
       count(DISTINCT participant) AS n_participants, collect(DISTINCT participant) AS participants
ORDER BY year, tie_id
