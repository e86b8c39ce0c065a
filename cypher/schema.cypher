// tiegraph schema: applied by `tiegraph load` before every load, all statements in one
// transaction (Neo4j refuses schema changes and data writes in one transaction).
// Every statement is IF NOT EXISTS / IF EXISTS, so applying it again changes nothing.
//
// Indexes the queries and the loader use, and only those (tests/test_store_profile.py PROFILEs
// every saved query and fails on a scan of all nodes or relationships):
// * actor_id: every query starting from an actor ({id: $actor}), the loader's MATCH of both ends;
// * tie_id and one <type>_tie_id_unique per relationship type: tie.cypher (Neo4j seeks the index
//   of each type of a pattern [r:A|B {tieId: $tieId}]), and the loader's search for the older
//   copy of a re-loaded tie (store/find_ties.cypher, find_tie_nodes.cypher);
// * tie_year: network_as_of.cypher's range on multilateral ties (t.year <= $year);
// * coverage_dataset: the loader's MERGE of one :Coverage node per dataset;
// * duplicate_tie_id: the loader's MERGE of one :Duplicate node per cross-dataset duplicate.
// Relationship indexes are per type in Neo4j, hence one line per type of the vocabulary
// (model/vocabulary.py); tests/test_store.py checks that every type is here.
//
// To apply by hand in Neo4j Browser: paste the whole file (Browser runs ';'-separated
// statements one by one when "multi-statement query editor" is enabled).

// Indexes and constraints of tiegraph before the tie-node model (one relationship per pair, with
// tie_id, pair, year and status indexed): no query uses them any more, so they go.
DROP INDEX actor_name IF EXISTS;
DROP INDEX actor_kind IF EXISTS;
DROP CONSTRAINT alliance_treaty_tie_pair IF EXISTS;
DROP INDEX alliance_treaty_tie_id IF EXISTS;
DROP INDEX alliance_treaty_year IF EXISTS;
DROP INDEX alliance_treaty_status IF EXISTS;
DROP CONSTRAINT defense_cooperation_agreement_tie_pair IF EXISTS;
DROP INDEX defense_cooperation_agreement_tie_id IF EXISTS;
DROP INDEX defense_cooperation_agreement_year IF EXISTS;
DROP INDEX defense_cooperation_agreement_status IF EXISTS;
DROP CONSTRAINT intelligence_protocol_tie_pair IF EXISTS;
DROP INDEX intelligence_protocol_tie_id IF EXISTS;
DROP INDEX intelligence_protocol_year IF EXISTS;
DROP INDEX intelligence_protocol_status IF EXISTS;
DROP CONSTRAINT strategic_partnership_tie_pair IF EXISTS;
DROP INDEX strategic_partnership_tie_id IF EXISTS;
DROP INDEX strategic_partnership_year IF EXISTS;
DROP INDEX strategic_partnership_status IF EXISTS;
DROP CONSTRAINT arms_transfer_tie_pair IF EXISTS;
DROP INDEX arms_transfer_tie_id IF EXISTS;
DROP INDEX arms_transfer_year IF EXISTS;
DROP INDEX arms_transfer_status IF EXISTS;
DROP CONSTRAINT licensed_production_tie_pair IF EXISTS;
DROP INDEX licensed_production_tie_id IF EXISTS;
DROP INDEX licensed_production_year IF EXISTS;
DROP INDEX licensed_production_status IF EXISTS;
DROP CONSTRAINT defense_industrial_cooperation_tie_pair IF EXISTS;
DROP INDEX defense_industrial_cooperation_tie_id IF EXISTS;
DROP INDEX defense_industrial_cooperation_year IF EXISTS;
DROP INDEX defense_industrial_cooperation_status IF EXISTS;
DROP CONSTRAINT joint_exercise_tie_pair IF EXISTS;
DROP INDEX joint_exercise_tie_id IF EXISTS;
DROP INDEX joint_exercise_year IF EXISTS;
DROP INDEX joint_exercise_status IF EXISTS;
DROP CONSTRAINT training_tie_pair IF EXISTS;
DROP INDEX training_tie_id IF EXISTS;
DROP INDEX training_year IF EXISTS;
DROP INDEX training_status IF EXISTS;
DROP CONSTRAINT military_assistance_tie_pair IF EXISTS;
DROP INDEX military_assistance_tie_id IF EXISTS;
DROP INDEX military_assistance_year IF EXISTS;
DROP INDEX military_assistance_status IF EXISTS;
DROP CONSTRAINT defense_meeting_tie_pair IF EXISTS;
DROP INDEX defense_meeting_tie_id IF EXISTS;
DROP INDEX defense_meeting_year IF EXISTS;
DROP INDEX defense_meeting_status IF EXISTS;
DROP CONSTRAINT membership_tie_pair IF EXISTS;
DROP INDEX membership_tie_id IF EXISTS;
DROP INDEX membership_year IF EXISTS;
DROP INDEX membership_status IF EXISTS;

// The schema of the tie-node model.
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT tie_id IF NOT EXISTS FOR (t:Tie) REQUIRE t.tieId IS UNIQUE;
CREATE INDEX tie_year IF NOT EXISTS FOR (t:Tie) ON (t.year);
CREATE CONSTRAINT coverage_dataset IF NOT EXISTS FOR (c:Coverage) REQUIRE c.dataset IS UNIQUE;
CREATE CONSTRAINT duplicate_tie_id IF NOT EXISTS FOR (d:Duplicate) REQUIRE d.tieId IS UNIQUE;

CREATE CONSTRAINT alliance_treaty_tie_id_unique IF NOT EXISTS FOR ()-[r:ALLIANCE_TREATY]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT defense_cooperation_agreement_tie_id_unique IF NOT EXISTS FOR ()-[r:DEFENSE_COOPERATION_AGREEMENT]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT intelligence_protocol_tie_id_unique IF NOT EXISTS FOR ()-[r:INTELLIGENCE_PROTOCOL]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT strategic_partnership_tie_id_unique IF NOT EXISTS FOR ()-[r:STRATEGIC_PARTNERSHIP]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT arms_transfer_tie_id_unique IF NOT EXISTS FOR ()-[r:ARMS_TRANSFER]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT licensed_production_tie_id_unique IF NOT EXISTS FOR ()-[r:LICENSED_PRODUCTION]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT defense_industrial_cooperation_tie_id_unique IF NOT EXISTS FOR ()-[r:DEFENSE_INDUSTRIAL_COOPERATION]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT joint_exercise_tie_id_unique IF NOT EXISTS FOR ()-[r:JOINT_EXERCISE]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT training_tie_id_unique IF NOT EXISTS FOR ()-[r:TRAINING]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT military_assistance_tie_id_unique IF NOT EXISTS FOR ()-[r:MILITARY_ASSISTANCE]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT defense_meeting_tie_id_unique IF NOT EXISTS FOR ()-[r:DEFENSE_MEETING]-() REQUIRE r.tieId IS UNIQUE;
CREATE CONSTRAINT membership_tie_id_unique IF NOT EXISTS FOR ()-[r:MEMBERSHIP]-() REQUIRE r.tieId IS UNIQUE;
