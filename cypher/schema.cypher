// tiegraph schema: applied by `tiegraph load` before every load, one statement per
// transaction (Neo4j refuses schema changes and data writes in one transaction).
// Every statement is IF NOT EXISTS, so applying it again changes nothing.
// Relationship indexes are per relationship type in Neo4j, hence one block per type of the
// vocabulary (model/vocabulary.py); tests/test_store.py checks that every type is here.
//
// To apply by hand in Neo4j Browser: paste the whole file (Browser runs ';'-separated
// statements one by one when "multi-statement query editor" is enabled).

// Actors: one node per id.
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE;
CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name);
CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind);

// ALLIANCE_TREATY: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT alliance_treaty_tie_pair IF NOT EXISTS FOR ()-[r:ALLIANCE_TREATY]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX alliance_treaty_tie_id IF NOT EXISTS FOR ()-[r:ALLIANCE_TREATY]-() ON (r.tie_id);
CREATE INDEX alliance_treaty_year IF NOT EXISTS FOR ()-[r:ALLIANCE_TREATY]-() ON (r.year);
CREATE INDEX alliance_treaty_status IF NOT EXISTS FOR ()-[r:ALLIANCE_TREATY]-() ON (r.status);

// DEFENSE_COOPERATION_AGREEMENT: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT defense_cooperation_agreement_tie_pair IF NOT EXISTS FOR ()-[r:DEFENSE_COOPERATION_AGREEMENT]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX defense_cooperation_agreement_tie_id IF NOT EXISTS FOR ()-[r:DEFENSE_COOPERATION_AGREEMENT]-() ON (r.tie_id);
CREATE INDEX defense_cooperation_agreement_year IF NOT EXISTS FOR ()-[r:DEFENSE_COOPERATION_AGREEMENT]-() ON (r.year);
CREATE INDEX defense_cooperation_agreement_status IF NOT EXISTS FOR ()-[r:DEFENSE_COOPERATION_AGREEMENT]-() ON (r.status);

// INTELLIGENCE_PROTOCOL: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT intelligence_protocol_tie_pair IF NOT EXISTS FOR ()-[r:INTELLIGENCE_PROTOCOL]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX intelligence_protocol_tie_id IF NOT EXISTS FOR ()-[r:INTELLIGENCE_PROTOCOL]-() ON (r.tie_id);
CREATE INDEX intelligence_protocol_year IF NOT EXISTS FOR ()-[r:INTELLIGENCE_PROTOCOL]-() ON (r.year);
CREATE INDEX intelligence_protocol_status IF NOT EXISTS FOR ()-[r:INTELLIGENCE_PROTOCOL]-() ON (r.status);

// STRATEGIC_PARTNERSHIP: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT strategic_partnership_tie_pair IF NOT EXISTS FOR ()-[r:STRATEGIC_PARTNERSHIP]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX strategic_partnership_tie_id IF NOT EXISTS FOR ()-[r:STRATEGIC_PARTNERSHIP]-() ON (r.tie_id);
CREATE INDEX strategic_partnership_year IF NOT EXISTS FOR ()-[r:STRATEGIC_PARTNERSHIP]-() ON (r.year);
CREATE INDEX strategic_partnership_status IF NOT EXISTS FOR ()-[r:STRATEGIC_PARTNERSHIP]-() ON (r.status);

// ARMS_TRANSFER: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT arms_transfer_tie_pair IF NOT EXISTS FOR ()-[r:ARMS_TRANSFER]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX arms_transfer_tie_id IF NOT EXISTS FOR ()-[r:ARMS_TRANSFER]-() ON (r.tie_id);
CREATE INDEX arms_transfer_year IF NOT EXISTS FOR ()-[r:ARMS_TRANSFER]-() ON (r.year);
CREATE INDEX arms_transfer_status IF NOT EXISTS FOR ()-[r:ARMS_TRANSFER]-() ON (r.status);

// LICENSED_PRODUCTION: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT licensed_production_tie_pair IF NOT EXISTS FOR ()-[r:LICENSED_PRODUCTION]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX licensed_production_tie_id IF NOT EXISTS FOR ()-[r:LICENSED_PRODUCTION]-() ON (r.tie_id);
CREATE INDEX licensed_production_year IF NOT EXISTS FOR ()-[r:LICENSED_PRODUCTION]-() ON (r.year);
CREATE INDEX licensed_production_status IF NOT EXISTS FOR ()-[r:LICENSED_PRODUCTION]-() ON (r.status);

// DEFENSE_INDUSTRIAL_COOPERATION: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT defense_industrial_cooperation_tie_pair IF NOT EXISTS FOR ()-[r:DEFENSE_INDUSTRIAL_COOPERATION]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX defense_industrial_cooperation_tie_id IF NOT EXISTS FOR ()-[r:DEFENSE_INDUSTRIAL_COOPERATION]-() ON (r.tie_id);
CREATE INDEX defense_industrial_cooperation_year IF NOT EXISTS FOR ()-[r:DEFENSE_INDUSTRIAL_COOPERATION]-() ON (r.year);
CREATE INDEX defense_industrial_cooperation_status IF NOT EXISTS FOR ()-[r:DEFENSE_INDUSTRIAL_COOPERATION]-() ON (r.status);

// JOINT_EXERCISE: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT joint_exercise_tie_pair IF NOT EXISTS FOR ()-[r:JOINT_EXERCISE]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX joint_exercise_tie_id IF NOT EXISTS FOR ()-[r:JOINT_EXERCISE]-() ON (r.tie_id);
CREATE INDEX joint_exercise_year IF NOT EXISTS FOR ()-[r:JOINT_EXERCISE]-() ON (r.year);
CREATE INDEX joint_exercise_status IF NOT EXISTS FOR ()-[r:JOINT_EXERCISE]-() ON (r.status);

// TRAINING: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT training_tie_pair IF NOT EXISTS FOR ()-[r:TRAINING]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX training_tie_id IF NOT EXISTS FOR ()-[r:TRAINING]-() ON (r.tie_id);
CREATE INDEX training_year IF NOT EXISTS FOR ()-[r:TRAINING]-() ON (r.year);
CREATE INDEX training_status IF NOT EXISTS FOR ()-[r:TRAINING]-() ON (r.status);

// MILITARY_ASSISTANCE: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT military_assistance_tie_pair IF NOT EXISTS FOR ()-[r:MILITARY_ASSISTANCE]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX military_assistance_tie_id IF NOT EXISTS FOR ()-[r:MILITARY_ASSISTANCE]-() ON (r.tie_id);
CREATE INDEX military_assistance_year IF NOT EXISTS FOR ()-[r:MILITARY_ASSISTANCE]-() ON (r.year);
CREATE INDEX military_assistance_status IF NOT EXISTS FOR ()-[r:MILITARY_ASSISTANCE]-() ON (r.status);

// DEFENSE_MEETING: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT defense_meeting_tie_pair IF NOT EXISTS FOR ()-[r:DEFENSE_MEETING]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX defense_meeting_tie_id IF NOT EXISTS FOR ()-[r:DEFENSE_MEETING]-() ON (r.tie_id);
CREATE INDEX defense_meeting_year IF NOT EXISTS FOR ()-[r:DEFENSE_MEETING]-() ON (r.year);
CREATE INDEX defense_meeting_status IF NOT EXISTS FOR ()-[r:DEFENSE_MEETING]-() ON (r.status);

// MEMBERSHIP: one relationship per (tie_id, pair); lookups by tie id, filters by year and status.
CREATE CONSTRAINT membership_tie_pair IF NOT EXISTS FOR ()-[r:MEMBERSHIP]-() REQUIRE (r.tie_id, r.pair) IS UNIQUE;
CREATE INDEX membership_tie_id IF NOT EXISTS FOR ()-[r:MEMBERSHIP]-() ON (r.tie_id);
CREATE INDEX membership_year IF NOT EXISTS FOR ()-[r:MEMBERSHIP]-() ON (r.year);
CREATE INDEX membership_status IF NOT EXISTS FOR ()-[r:MEMBERSHIP]-() ON (r.status);
