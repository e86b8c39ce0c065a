"""The Neo4j store: row builders (no server), and load / read-back / queries / errors on a real Neo4j.

The server tests use the session-scoped ``neo4j_server`` fixture (a real local
Neo4j 5.26 started from its jars); each test starts from an empty database
(community edition has the single database ``neo4j``).  Nothing is mocked.
"""

from __future__ import annotations

import json
import math
import random
import re
import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from helpers import REPO
from typer.testing import CliRunner

from tiegraph.analysis.report import ReportOptions, build_report
from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import PartialDate
from tiegraph.model.errors import DataValidationError, StoreError, UsageError
from tiegraph.model.vocabulary import TIE_TYPES, TURKIC_SIX
from tiegraph.store.connection import Connection, open_driver
from tiegraph.store.cypher import (
    CYPHER_DIR,
    RELATIONSHIP_TYPES,
    SCHEMA_FILE,
    TIE_LABELS,
    library_queries,
    query_parts,
    read_query_file,
    split_statements,
    with_relationship_type,
    with_tie_types,
)
from tiegraph.store.query import parse_params, parse_value
from tiegraph.store.readback import dataset_from_records, read_dataset, tie_rows_of
from tiegraph.store.rows import (
    CENTRALITY_PROPERTIES,
    TIE_PROPERTIES,
    batches,
    centrality_rows,
    centrality_year,
    edge_row,
    expected_counts,
    n_relationships,
    node_props,
    node_row,
    tie_batches,
    tie_props,
    tie_row,
    write_plan,
)
from tiegraph.store.writer import apply_schema, database_counts, load_into, typed_query

FIXTURE = REPO / "tests" / "fixtures" / "store"

# Hand-counted from tests/fixtures/store (see the comments in its files): the 4-participant
# exercise and the 3-participant meeting are :Tie nodes, everything else one relationship.
FIXTURE_LABELS = {"Actor": 8, "Company": 2, "DefenseMeeting": 1, "JointExercise": 1, "Organization": 1,
                  "State": 5, "Tie": 2}
FIXTURE_RELATIONSHIPS = {
    "ALLIANCE_TREATY": 1, "ARMS_TRANSFER": 2, "DEFENSE_COOPERATION_AGREEMENT": 1,
    "INTELLIGENCE_PROTOCOL": 1, "JOINT_EXERCISE": 1, "LICENSED_PRODUCTION": 1, "MEMBERSHIP": 2,
    "PARTICIPATED_IN": 7, "STRATEGIC_PARTNERSHIP": 1, "TRAINING": 1,
}
FIXTURE_TIES = {**{k: v for k, v in FIXTURE_RELATIONSHIPS.items() if k != "PARTICIPATED_IN"},
                "DEFENSE_MEETING": 1, "JOINT_EXERCISE": 2}


@pytest.fixture(scope="module")
def fixture_data():
    return load_dataset(FIXTURE)


def _neo4j_rows(dataset):
    """What read_actors / read_ties / read_tie_nodes would return for a database holding ``dataset``."""
    plan = write_plan(dataset)
    actors = [(["Actor", label], row["props"]) for label, rs in plan.actors.items() for row in rs]
    edges = [(rel, *tie.participants, tie_props(tie)) for rel, ties in plan.edges.items() for tie in ties]
    nodes = [(["Tie", label], node_props(tie), [[p, i] for i, p in enumerate(tie.participants)])
             for label, ties in plan.nodes.items() for tie in ties]
    return actors, tie_rows_of(edges, nodes), [row["props"] for row in plan.coverage]


def _close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9: eigenvector centrality (ARPACK) differs in the last bits between runs."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


# ---------------------------------------------------------------- pure: no server


def test_schema_file_covers_every_relationship_type():
    statements = split_statements(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert all("IF NOT EXISTS" in s or "IF EXISTS" in s for s in statements)
    creates = [s for s in statements if "CREATE" in s]
    assert any("FOR (a:Actor) REQUIRE a.id IS UNIQUE" in s for s in creates)
    assert any("FOR (t:Tie) REQUIRE t.tieId IS UNIQUE" in s for s in creates)
    for tie_type in TIE_TYPES.values():
        assert any(f"[r:{tie_type.relationship}]" in s and "REQUIRE r.tieId IS UNIQUE" in s for s in creates)
    assert len(creates) == 4 + len(TIE_TYPES)  # and nothing else: see test_store_profile.py


def test_split_statements_keeps_quotes_and_line_numbers():
    text = "// header; with a semicolon\nMATCH (n {name: 'a;b // c'})\nRETURN n;\n\nRETURN 2;"
    statements = split_statements(text)
    assert len(statements) == 2
    assert "'a;b // c'" in statements[0]
    assert statements[0].startswith("\nMATCH")  # the header's line is kept: error lines match the file
    assert statements[1].strip() == "RETURN 2"


def test_param_lines_are_defaults_and_keep_line_numbers():
    text = "// Q\n:param actor => 'TUR';\n:param year => 2020;\n:param on => true;\n\nRETURN $actor"
    statement, params = query_parts(text, "q.cypher")
    assert params == {"actor": "TUR", "year": 2020, "on": True}
    assert statement.splitlines()[5] == "RETURN $actor"  # line 6, as in the file
    with pytest.raises(UsageError, match=r"q.cypher: ':param year = 2' must look like ':param name => value;'"):
        query_parts(":param year = 2;\nRETURN 1", "q.cypher")


def test_relationship_type_comes_only_from_the_vocabulary():
    template = "MATCH ()-[r:{{REL_TYPE}}]->()"
    assert with_relationship_type(template, "ARMS_TRANSFER") == "MATCH ()-[r:ARMS_TRANSFER]->()"
    for bad in ("arms_transfer", "ARMS_TRANSFER]->() DETACH DELETE (x", "KNOWS", ""):
        with pytest.raises(ValueError):
            with_relationship_type(template, bad)
    assert with_tie_types("[r:{{TIE_TYPES}}]").count("|") == len(TIE_TYPES) - 1
    find = typed_query("find_ties", "ARMS_TRANSFER")  # per-row ids: a seek is forced, never a scan
    assert "USING INDEX SEEK r:ARMS_TRANSFER(tieId)" in find and "{{" not in find.split("UNWIND")[1]
    plan = write_plan(load_dataset(FIXTURE))  # the dynamic $(row.type) / $(row.label) come from here
    assert {edge_row(t)["type"] for ties in plan.edges.values() for t in ties} <= set(RELATIONSHIP_TYPES)
    assert {node_row(t)["label"] for ties in plan.nodes.values() for t in ties} <= set(TIE_LABELS.values())


def test_fixture_rows_match_hand_counts(fixture_data):
    counts = expected_counts(fixture_data)
    assert counts.labels == FIXTURE_LABELS
    assert counts.relationships == FIXTURE_RELATIONSHIPS
    assert counts.ties == FIXTURE_TIES


def test_a_multilateral_tie_is_one_node_and_a_bilateral_one_one_relationship(fixture_data):
    exercise = fixture_data.tie("turkic-exercise-2023")
    row = node_row(exercise)
    assert (row["tieId"], row["label"], row["participants"]) == \
        ("turkic-exercise-2023", "JointExercise", ["TUR", "AZE", "KAZ", "KGZ"])
    assert row["props"]["type"] == "JOINT_EXERCISE" and n_relationships(exercise) == 4
    transfer = edge_row(fixture_data.tie("baykar-kgz-tb2-2021"))
    assert (transfer["type"], transfer["from"], transfer["to"]) == ("ARMS_TRANSFER", "baykar", "KGZ")
    assert tie_row(fixture_data.tie("aze-tur-exercises-2025"))["type"] == "JOINT_EXERCISE"  # two parties


def test_tie_properties(fixture_data):
    import datetime as dt

    training = tie_props(fixture_data.tie("tur-kgz-training-1990s"))
    assert (training["date"], training["precision"], training["dateFrom"], training["dateTo"], training["year"]) == \
        ("1990s", "decade", dt.date(1990, 1, 1), dt.date(1999, 12, 31), 1990)
    assert (training["endDate"], training["endYear"], training["lastYear"]) == ("2010", 2010, 2010)
    transfer = tie_props(fixture_data.tie("baykar-kgz-tb2-2021"))
    assert (transfer["dateFrom"], transfer["dateTo"], transfer["lastYear"]) == \
        (dt.date(2021, 1, 1), dt.date(2021, 12, 31), 2021)  # an event is in force in its year only
    assert transfer["attr_system"] == "Bayraktar TB2" and transfer["attr_quantity"] == 3
    assert transfer["sourceUrls"] == ["https://example.org/tb2"] and "sourceQuotes" not in transfer  # all ""
    assert transfer["tentative"] is False and "count" not in transfer
    shusha = tie_props(fixture_data.tie("aze-tur-shusha-2021"))
    assert shusha["conflict"] is True and "strategic_partnership (doc-b.txt)" in shusha["conflictNote"]
    assert "lastYear" not in shusha  # a standing tie without an end: in force from then on
    assert len({len(shusha[k]) for k in ("sourceDocuments", "sourceLocators", "sourceQuotes") if k in shusha}) == 1
    assert tie_props(fixture_data.tie("aze-tur-exercises-2025"))["count"] == 25
    meeting = node_props(fixture_data.tie("kaz-kgz-tur-meeting"))
    assert not {"date", "dateFrom", "precision", "year"} & meeting.keys()  # undated: absent, not null
    for tie in fixture_data.ties:
        props = node_props(tie)
        assert None not in props.values()
        assert all(k in TIE_PROPERTIES or k.startswith("attr_") for k in props)


def test_batches_split_rows():
    assert [len(b) for b in batches(list(range(7)), 3)] == [3, 3, 1]
    with pytest.raises(ValueError):
        list(batches([1], 0))


def test_tie_batches_keep_ties_whole_and_counts_need_no_rows(fixture_data):
    plan = write_plan(fixture_data)
    assert plan.relationships == sum(FIXTURE_RELATIONSHIPS.values()) and plan.total == 8 + 2 + 18  # actors, tie nodes, relationships
    ties = [fixture_data.tie("turkic-exercise-2023"), fixture_data.tie("aze-tur-exercises-2025")]
    assert [(len(rows), n) for rows, n in tie_batches(ties, 2)] == [(1, 4), (1, 1)]
    assert [(len(rows), n) for rows, n in tie_batches(ties, 10)] == [(2, 5)]


def test_centrality_rows_cover_every_actor(fixture_data):
    rows = centrality_rows(fixture_data)
    assert [r["id"] for r in rows] == list(fixture_data.actors)
    assert all(set(r["props"]) == set(CENTRALITY_PROPERTIES) for r in rows)
    by_id = {r["id"]: r["props"] for r in rows}
    assert by_id["UZB"]["degree"] == 0.0 and by_id["TUR"]["centralityYear"] == 2025
    assert by_id["TUR"]["degreeLatest"] > 0 and by_id["KAZ"]["degreeLatest"] == 0.0


def test_the_latest_centrality_year_is_not_a_year_of_plans_only(fixture_data):
    plans = replace(fixture_data.tie("aze-tur-exercises-2025"), id="plan-2030", status="planned",
                    start=PartialDate.parse("2030"))
    dataset = replace(fixture_data, ties=[*fixture_data.ties, plans])
    assert centrality_year(dataset) == 2025
    assert {r["props"]["centralityYear"] for r in centrality_rows(dataset)} == {2025}


@pytest.mark.parametrize("source", ["fixture", "bundled"])
def test_readback_rebuilds_the_dataset_from_rows_in_any_order(source, fixture_data):
    dataset = fixture_data if source == "fixture" else _bundled_or_skip()
    actors, ties, coverage = _neo4j_rows(dataset)
    random.Random(3).shuffle(actors)
    random.Random(4).shuffle(ties)
    back = dataset_from_records(actors, ties, "neo4j", coverage)
    assert list(back.actors) == list(dataset.actors) and back.actors == dataset.actors
    assert back.coverage == dataset.coverage
    assert back.ties == dataset.ties
    assert [t.attributes for t in back.ties] == [t.attributes for t in dataset.ties]
    assert _close(build_report(back, ReportOptions(TURKIC_SIX)), build_report(dataset, ReportOptions(TURKIC_SIX)))


def _edit(ties, tie_id, **changes):
    return [(kind, parts, {**props, **changes}, what) if props["tieId"] == tie_id else (kind, parts, props, what)
            for kind, parts, props, what in ties]


def test_readback_uses_consistent_browser_edits(fixture_data):
    actors, ties, _ = _neo4j_rows(fixture_data)
    ties = _edit(ties, "turkic-exercise-2023", status="planned", tentative=True, title="Birlik")
    back = dataset_from_records(actors, ties, "neo4j")
    tie = back.tie("turkic-exercise-2023")
    assert (tie.status, tie.title, tie.tentative) == ("planned", "Birlik", True)


BROWSER_TIE = {"tieId": "tur-kaz-new-2024", "status": "delivered", "date": "2024",
               "sourceDocuments": ["doc-x.txt"], "sourceLocators": ["p. 2"], "attr_system": "Akıncı"}


def test_readback_accepts_a_minimal_tie_made_in_browser(fixture_data):
    actors, ties, _ = _neo4j_rows(fixture_data)
    extra = tie_rows_of([("ARMS_TRANSFER", "TUR", "KAZ", BROWSER_TIE)], [])
    back = dataset_from_records(actors, ties + extra, "neo4j")
    tie = back.ties[-1]
    assert (tie.id, tie.participants, tie.year, tie.start.precision, tie.count, tie.dataset) == \
        ("tur-kaz-new-2024", ("TUR", "KAZ"), 2024, "year", 1, "seeds")
    assert tie.sources[0].cite() == "doc-x.txt, p. 2" and tie.attributes == {"system": "Akıncı"}


def test_readback_reports_inconsistent_edits(fixture_data):
    actors, ties, _ = _neo4j_rows(fixture_data)
    edited = _edit(ties, "kgz-tur-dca-2021", year=1999)
    with pytest.raises(DataValidationError) as err:
        dataset_from_records(actors, edited, "neo4j")
    assert str(err.value).startswith("neo4j: tie 'kgz-tur-dca-2021': field 'year': has 1999 but the tie's "
                                     "other properties give 2021")
    with pytest.raises(DataValidationError, match="field 'tentative': has False but"):
        dataset_from_records(actors, _edit(ties, "turkic-exercise-2023", status="planned"), "neo4j")
    # a node without its type label, two ties with one id, a status outside the vocabulary
    unlabelled = tie_rows_of([], [(["Tie"], {"tieId": "x-1", "status": "held"}, [["TUR", 0]])])
    with pytest.raises(DataValidationError, match=r"tie 'x-1': field 'type': the tie node has labels Tie"):
        dataset_from_records(actors, ties + unlabelled, "neo4j")
    twice = [t for t in ties if t[2]["tieId"] == "tur-ots-2009"]
    with pytest.raises(DataValidationError, match="field 'tieId': two ties have this id"):
        dataset_from_records(actors, ties + twice, "neo4j")
    with pytest.raises(DataValidationError, match="field 'status': unknown status 'rumoured'"):
        dataset_from_records(actors, _edit(ties, "tur-ots-2009", status="rumoured"), "neo4j")


def test_parse_params_types_values():
    assert parse_params(["actor=TUR", "year=2020", "share=0.5", "tentative=false", 'ids=["TUR","AZE"]',
                         "code=\"007\"", "title=a=b"]) == {
        "actor": "TUR", "year": 2020, "share": 0.5, "tentative": False, "ids": ["TUR", "AZE"],
        "code": "007", "title": "a=b"}
    assert parse_value("[not json") == "[not json"
    with pytest.raises(Exception, match="must look like name=value"):
        parse_params(["year"])


def _header_params(path: Path) -> dict[str, Any]:
    """The ``:param name => value;`` lines of a saved query, as query parameters."""
    return query_parts(path.read_text(encoding="utf-8"), path.name)[1]


def test_library_queries_are_documented_and_typed():
    queries = library_queries()
    assert len(queries) >= 8
    every_type = "|".join(RELATIONSHIP_TYPES)
    for path in queries:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("// Question: "), path.name
        assert f"Example: tiegraph query cypher/{path.name}" in text, path.name
        statement, params = query_parts(text, path.name)
        used = set(re.findall(r"\$(\w+)", statement))
        assert used == set(params), path.name  # every parameter has a :param line, Browser runs as is
        for name in used:
            assert f"--param {name}=" in text or isinstance(params[name], bool), (path.name, name)
        # every relationship pattern is typed; a list of all tie types is the vocabulary's, in order
        assert not re.search(r"-\[\w*\]-|-\[\w* \{|-\[\*|\(\w*\)-\[\w*\]", statement), path.name
        for types in re.findall(r"\[\w*:([A-Z_|]+)", statement):
            if types.count("|") >= 5:
                assert types.removesuffix("|PARTICIPATED_IN") == every_type, path.name


def test_missing_query_file_is_one_error_line():
    result = CliRunner().invoke(app, ["query", "cypher/no_such_query.cypher"])
    assert result.exit_code == 1
    assert result.stderr == "Error: Cypher file not found: cypher/no_such_query.cypher\n"
    assert read_query_file("ties_per_year") == (CYPHER_DIR / "ties_per_year.cypher").read_text()


def _bundled_or_skip():
    try:
        return load_dataset()
    except DataValidationError as exc:  # the bundled data is being written in parallel
        pytest.skip(f"bundled data does not validate yet: {str(exc).splitlines()[0]}")


# ---------------------------------------------------------------- real Neo4j


class Store:
    def __init__(self, conn: Connection, driver: Any):
        self.conn, self.driver, self.db = conn, driver, conn.database

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self.driver.session(database=self.db) as session:
            return [r.data() for r in session.run(query, params)]

    def counts(self):
        counts = database_counts(self.driver, self.db)
        return counts.labels, counts.relationships, counts.ties

    def snapshot(self) -> tuple[list, list]:
        """Every node and relationship with its properties (floats to 9 digits: see ``_close``)."""
        nodes = self.run("MATCH (a) RETURN labels(a) AS labels, properties(a) AS props")
        rels = self.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, coalesce(b.id, b.tieId) AS b, "
                        "properties(r) AS props")

        def key(row: dict) -> str:
            props = {k: (float(f"{v:.9g}") if isinstance(v, float) else v) for k, v in row["props"].items()}
            return json.dumps({**row, "props": props}, sort_keys=True, default=str)

        return sorted(map(key, nodes)), sorted(map(key, rels))


@pytest.fixture
def store(neo4j_server):  # noqa: F811
    conn = Connection(neo4j_server.bolt_uri, neo4j_server.user, neo4j_server.password, "neo4j")
    with open_driver(conn) as driver:
        Store(conn, driver).run("MATCH (n) DETACH DELETE n")
        yield Store(conn, driver)


@pytest.fixture
def env(store):
    return {"NEO4J_URI": store.conn.uri, "NEO4J_USER": store.conn.user,
            "NEO4J_PASSWORD": store.conn.password, "NEO4J_DATABASE": None}


def cli(args: list[str], env: dict, expect: int = 0):
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == expect, (result.stdout, result.stderr)
    return result


def test_schema_is_applied_idempotently(store):
    statements = apply_schema(store.driver, store.db)
    apply_schema(store.driver, store.db)
    store.run("CREATE INDEX arms_transfer_year IF NOT EXISTS FOR ()-[r:ARMS_TRANSFER]-() ON (r.year)")
    apply_schema(store.driver, store.db)  # an index of the old model, which no query uses, is dropped
    constraints = {r["name"] for r in store.run("SHOW CONSTRAINTS YIELD name")}
    indexes = {r["name"] for r in store.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")}
    assert constraints == {"actor_id", "tie_id", "coverage_dataset",
                           *(f"{t.name}_tie_id_unique" for t in TIE_TYPES.values())}
    assert indexes == constraints | {"tie_year"}
    assert len([s for s in statements if "CREATE" in s]) == len(indexes)


def test_load_fixture_counts_and_summary(store, env):
    result = cli(["load", "--data", str(FIXTURE)], env)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    assert ("Loaded 8 actors and 13 ties (11 relationships, 2 tie nodes with 7 participant relationships) "
            "into database 'neo4j'") in result.stdout
    assert re.search(r"JOINT_EXERCISE\s+│\s+2\s+│\s+1\s+│\s+1", result.stdout)
    assert "Note:" not in result.stdout
    # dates keep their precision and the interval they stand for; values arrive typed
    row = store.run("MATCH ()-[r:TRAINING {tieId: 'tur-kgz-training-1990s'}]->() "
                    "RETURN r.date AS d, r.precision AS p, r.dateFrom AS f, r.dateTo AS t, r.year AS y")[0]
    assert (row["d"], row["p"], row["f"].iso_format(), row["t"].iso_format(), row["y"]) == \
        ("1990s", "decade", "1990-01-01", "1999-12-31", 1990)
    # one node or one edge per tie: TUR's neighbourhood as Browser draws it
    drawn = store.run("MATCH (a:Actor {id: 'TUR'})-[r]-(b) RETURN coalesce(r.tieId, b.tieId) AS tie")
    assert len(drawn) == len({r["tie"] for r in drawn}) == 9
    labels = store.run("MATCH (a:Actor {id: 'tai'}) RETURN labels(a) AS l, a.country AS c, a.aliases AS al")[0]
    assert (sorted(labels["l"]), labels["c"], labels["al"]) == (["Actor", "Company", "DegreeBand1"], "TUR", ["TUSAŞ"])


def test_reload_is_idempotent(store, env):
    cli(["load", "--data", str(FIXTURE)], env)
    first = store.snapshot()
    cli(["load", "--data", str(FIXTURE), "--batch-size", "3"], env)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    assert store.snapshot() == first


@pytest.mark.parametrize("fail_at", [1, 9])  # in the first actor batch / among the ties
def test_a_failed_load_is_repaired_by_running_it_again(store, fixture_data, fail_at):
    calls = []

    def crash(what: str, rows: int) -> None:
        calls.append((what, rows))
        if len(calls) == fail_at:
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected failure"):
        load_into(store.driver, store.db, fixture_data, batch_size=2, on_batch=crash)
    labels, relationships, _ = store.counts()
    written = sum(n for _, n in calls)
    assert labels.get("Actor", 0) + labels.get("Tie", 0) + sum(relationships.values()) == written  # committed only
    load_into(store.driver, store.db, fixture_data, batch_size=2)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    recovered = store.snapshot()
    store.run("MATCH (n) DETACH DELETE n")
    load_into(store.driver, store.db, fixture_data)
    assert store.snapshot() == recovered


def test_replace_clears_only_the_projects_data(store, env, fixture_data):
    cli(["load", "--data", str(FIXTURE)], env)
    store.run("MATCH (t:Actor {id: 'TUR'}) CREATE (:Actor:State {id: 'ZZZ', name: 'Gone', kind: 'state'})"
              "-[:JOINT_EXERCISE {tieId: 'old-tie'}]->(t) CREATE (:Note {text: 'not ours'})")
    result = cli(["load", "--data", str(FIXTURE)], env)
    assert "Note: the database holds 9 actors and 14 ties" in result.stdout
    cli(["load", "--data", str(FIXTURE), "--replace", "--batch-size", "2"], env)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    assert store.run("MATCH (n:Note) RETURN n.text AS t") == [{"t": "not ours"}]


def test_a_reload_replaces_a_tie_whose_participants_changed(store, fixture_data):
    load_into(store.driver, store.db, fixture_data)
    exercise = fixture_data.tie("turkic-exercise-2023")

    def with_participants(*participants: str):
        return replace(fixture_data, ties=[replace(t, participants=participants) if t is exercise else t
                                           for t in fixture_data.ties])

    result = load_into(store.driver, store.db, with_participants("TUR", "AZE", "KAZ"))
    assert result.replaced == len(fixture_data.ties)  # every tie's older copy deleted, none doubled
    left = store.run("MATCH (a:Actor)-[p:PARTICIPATED_IN]->(:Tie {tieId: 'turkic-exercise-2023'}) "
                     "RETURN a.id AS a ORDER BY p.position")
    assert [r["a"] for r in left] == ["TUR", "AZE", "KAZ"]
    load_into(store.driver, store.db, with_participants("TUR", "AZE"))  # now bilateral: an edge, no node
    labels, relationships, ties = store.counts()
    assert "JointExercise" not in labels and (relationships["JOINT_EXERCISE"], ties["JOINT_EXERCISE"]) == (2, 2)
    assert relationships["PARTICIPATED_IN"] == 3


def test_centrality_is_written_back(store, env, fixture_data):
    cli(["load", "--data", str(FIXTURE)], env)
    stored = {r["id"]: r["props"] for r in store.run(
        "MATCH (a:Actor) RETURN a.id AS id, a {" + ", ".join(f".{p}" for p in CENTRALITY_PROPERTIES) + "} AS props")}
    expected = {r["id"]: r["props"] for r in centrality_rows(fixture_data)}
    assert _close(stored, expected)
    bands = {r["id"]: r["bands"] for r in store.run(
        "MATCH (a:Actor) RETURN a.id AS id, [l IN labels(a) WHERE l STARTS WITH 'DegreeBand'] AS bands")}
    assert bands == {r["id"]: [r["degreeBand"]] for r in centrality_rows(fixture_data)}
    assert bands["TUR"] != ["DegreeBand1"] and bands["UZB"] == ["DegreeBand1"]  # TUR has partners, UZB none
    cli(["load", "--data", str(FIXTURE), "--no-centrality"], env)
    assert store.run("MATCH (a:Actor) WHERE a.degree IS NOT NULL RETURN count(a) AS n") == [{"n": 0}]
    assert store.run("MATCH (a:Actor) WHERE any(l IN labels(a) WHERE l STARTS WITH 'DegreeBand') "
                     "RETURN count(a) AS n") == [{"n": 0}]


def test_bundled_data_loads_with_counts_from_the_dataset(store, env):
    dataset = _bundled_or_skip()
    started = time.perf_counter()
    cli(["load"], env)
    elapsed = time.perf_counter() - started
    expected = expected_counts(dataset)
    assert store.counts() == (expected.labels, expected.relationships, expected.ties)
    assert sum(expected.ties.values()) == len(dataset.ties)
    assert elapsed < 60


REPORT_VARIANTS = [[], ["--level", "actor"], ["--no-tentative", "--from", "2021"],
                   ["--projection", "star", "--level", "actor"]]


@pytest.mark.parametrize("source", ["fixture", "bundled"])
def test_report_from_neo4j_equals_report_from_files(store, env, source):
    data = ["--data", str(FIXTURE)] if source == "fixture" else []
    if source == "bundled":
        _bundled_or_skip()
    cli(["load", *data], env)
    for variant in REPORT_VARIANTS:
        from_files = json.loads(cli(["report", *data, "--format", "json", *variant], env).stdout)
        from_neo4j = json.loads(cli(["report", "--source", "neo4j", "--format", "json", *variant], env).stdout)
        assert _close(from_neo4j, from_files), variant
        assert from_neo4j["summary"] == from_files["summary"]


def test_read_dataset_equals_the_files(store, fixture_data):
    load_into(store.driver, store.db, fixture_data)
    back = read_dataset(store.driver, store.db, "neo4j")
    assert back.actors == fixture_data.actors and back.ties == fixture_data.ties
    assert [t.attributes for t in back.ties] == [t.attributes for t in fixture_data.ties]


def test_browser_edits_reach_the_report(store, env):
    cli(["load", "--data", str(FIXTURE)], env)
    before = json.loads(cli(["report", "--source", "neo4j", "--format", "json", "--no-tentative"], env).stdout)
    store.run("MATCH (t:Tie {tieId: 'turkic-exercise-2023'}) SET t.status = 'planned', t.tentative = true")
    after = json.loads(cli(["report", "--source", "neo4j", "--format", "json", "--no-tentative"], env).stdout)
    assert after["summary"]["ties"] == before["summary"]["ties"] - 1 == 11
    store.run("MATCH (a:Actor {id: 'TUR'}), (b:Actor {id: 'KAZ'}) CREATE (a)-[r:ARMS_TRANSFER]->(b) "
              "SET r = $props", props=BROWSER_TIE)
    added = json.loads(cli(["report", "--source", "neo4j", "--format", "json", "--no-tentative"], env).stdout)
    assert added["summary"]["ties"] == 12
    assert {"type": "arms_transfer", "ties": 3} in added["ties_by_type"]
    store.run("MATCH ()-[r:DEFENSE_COOPERATION_AGREEMENT {tieId: 'kgz-tur-dca-2021'}]->() SET r.year = 1999")
    result = cli(["report", "--source", "neo4j"], env, expect=1)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {store.conn.uri} database 'neo4j': tie 'kgz-tur-dca-2021': "
                                    "field 'year': has 1999 but the tie's other properties give 2021")
    assert cli(["report", "--source", "neo4j", "--data", str(FIXTURE)], env, expect=1).stderr == \
        "Error: --data reads files: it cannot be combined with --source neo4j\n"


def test_graphml_export_from_neo4j_equals_export_from_files(store, env, tmp_path):
    cli(["load", "--data", str(FIXTURE)], env)
    cli(["export", "graphml", str(tmp_path / "files.graphml"), "--data", str(FIXTURE), "--per-tie"], env)
    cli(["export", "graphml", str(tmp_path / "neo4j.graphml"), "--source", "neo4j", "--per-tie"], env)
    files, neo = (nx.read_graphml(tmp_path / f"{n}.graphml") for n in ("files", "neo4j"))
    assert dict(files.nodes(data=True)) == dict(neo.nodes(data=True))
    edges = lambda g: sorted(json.dumps([a, b, k, d], sort_keys=True) for a, b, k, d in g.edges(keys=True, data=True))  # noqa: E731
    assert edges(files) == edges(neo) and files.number_of_edges() == 20


def _query(env, name: str, *params: str, fmt: str = "json") -> list[dict]:
    args = ["query", f"cypher/{name}.cypher", "--format", fmt]
    for param in params:
        args += ["--param", param]
    return json.loads(cli(args, env).stdout)


def test_saved_queries_on_the_fixture(store, env, fixture_data):
    cli(["load", "--data", str(FIXTURE)], env)
    ties = _query(env, "actor_ties", "actor=TUR")
    assert {(r["year"], r["type"]): r["ties"] for r in ties} == {
        (None, "DEFENSE_MEETING"): 1, (1990, "TRAINING"): 1, (2009, "MEMBERSHIP"): 1,
        (2020, "ARMS_TRANSFER"): 1, (2021, "ALLIANCE_TREATY"): 1, (2021, "DEFENSE_COOPERATION_AGREEMENT"): 1,
        (2022, "INTELLIGENCE_PROTOCOL"): 1, (2023, "JOINT_EXERCISE"): 1, (2025, "JOINT_EXERCISE"): 1}
    assert [r["year"] for r in ties][-1] is None  # undated last
    exercise = next(r for r in ties if r["year"] == 2023)
    assert exercise["partners"] == ["AZE", "KAZ", "KGZ"]

    transfers = _query(env, "arms_transfers")
    assert [(r["tieId"], r["date"], r["system"]) for r in transfers] == [
        ("tur-aze-tb2-2020", "2020-07-15", "Bayraktar TB2"), ("baykar-kgz-tb2-2021", "2021", "Bayraktar TB2"),
        ("tai-kaz-anka-2022", "2022-05", "ANKA")]
    assert transfers[1]["documents"] == ["doc-c.txt"] and transfers[1]["locators"] == ["para. 7"]
    assert [r["tieId"] for r in _query(env, "transfers_of_system", "system=bayraktar")] == \
        ["tur-aze-tb2-2020", "baykar-kgz-tb2-2021"]

    exercises = _query(env, "exercise_participants")
    assert [(r["tieId"], r["participantCount"], r["participants"], r["count"]) for r in exercises] == [
        ("turkic-exercise-2023", 4, ["AZE", "KAZ", "KGZ", "TUR"], 1),
        ("aze-tur-exercises-2025", 2, ["AZE", "TUR"], 25)]

    network = _query(env, "network_as_of", "year=2021")
    assert [(r["actorA"], r["actorB"], r["ties"]) for r in network] == [
        ("AZE", "TUR", 1), ("AZE", "ots", 1), ("KGZ", "TUR", 1), ("KGZ", "baykar", 1), ("TUR", "ots", 1)]
    # (the 2020 TB2 transfer is an event: in force in 2020 only)
    assert _query(env, "network_as_of", "year=2005") == [
        {"actorA": "KGZ", "actorB": "TUR", "ties": 1, "types": ["TRAINING"]}]
    in_2023 = _query(env, "network_as_of", "year=2023")  # the 2023 exercise joins its 6 pairs that year only
    assert sum("JOINT_EXERCISE" in r["types"] for r in in_2023) == 6
    assert not any("JOINT_EXERCISE" in r["types"] for r in _query(env, "network_as_of", "year=2024"))

    per_year = _query(env, "ties_per_year")
    totals: dict[int, int] = {}
    for r in per_year:
        totals[r["year"]] = totals.get(r["year"], 0) + r["ties"]
    assert totals == {r["year"]: r["ties"] for r in build_report(fixture_data, ReportOptions(TURKIC_SIX))["ties_by_year"]}
    assert {"year": 2023, "type": "JOINT_EXERCISE", "ties": 1} in per_year  # 4 participants, one tie

    path = _query(env, "shortest_path", "fromActor=KGZ", "toActor=tai")
    assert [(r["hops"], r["path"]) for r in path] == [(2, ["KGZ", "KAZ", "tai"])]
    assert _query(env, "shortest_path", "fromActor=KGZ", "toActor=UZB") == []

    conflicts = _query(env, "conflicting_sources")
    assert [r["tieId"] for r in conflicts] == ["aze-tur-shusha-2021", "kaz-tur-intelligence-2022"]
    assert conflicts[1]["conflict"] == "start: 2022-08 (doc-a.txt); 2022-10 (doc-c.txt)"

    partners = _query(env, "partners_by_type", "actor=TUR")
    assert {"type": "ARMS_TRANSFER", "direction": "to", "partner": "AZE", "name": "Azerbaijan", "ties": 1,
            "firstYear": 2020, "lastYear": 2020} in partners
    assert {"type": "JOINT_EXERCISE", "direction": "", "partner": "AZE", "name": "Azerbaijan", "ties": 2,
            "firstYear": 2023, "lastYear": 2025} in partners
    assert {(r["type"], r["direction"], r["partner"]) for r in partners if r["type"] == "MEMBERSHIP"} == \
        {("MEMBERSHIP", "to", "ots")}

    top = _query(env, "top_actors", "top=3")
    expected = sorted(centrality_rows(fixture_data),
                      key=lambda r: (-r["props"]["degree"], -r["props"]["betweenness"], r["id"]))[:3]
    assert [r["actor"] for r in top] == [r["id"] for r in expected]

    tie = _query(env, "tie", "tieId=turkic-exercise-2023")
    assert [(r["type"], r["participants"]) for r in tie] == [("JOINT_EXERCISE", ["TUR", "AZE", "KAZ", "KGZ"])]
    assert [(r["type"], r["participants"]) for r in _query(env, "tie", "tieId=baykar-kgz-tb2-2021")] == \
        [("ARMS_TRANSFER", ["baykar", "KGZ"])]


def test_tentative_ties_are_left_out_of_paths_and_networks_by_default(store, env, fixture_data):
    planned = replace(fixture_data.tie("tai-kaz-anka-2022"), id="kgz-uzb-plan", participants=("KGZ", "UZB"),
                      type="defense_cooperation_agreement", status="proposed", attributes={})
    load_into(store.driver, store.db, replace(fixture_data, ties=[*fixture_data.ties, planned]), centrality=False)
    assert _query(env, "shortest_path", "fromActor=KGZ", "toActor=UZB") == []
    path = _query(env, "shortest_path", "fromActor=KGZ", "toActor=UZB", "includeTentative=true")
    assert [(r["hops"], r["path"], r["tieIds"]) for r in path] == [(1, ["KGZ", "UZB"], ["kgz-uzb-plan"])]
    assert not any(r["actorB"] == "UZB" for r in _query(env, "network_as_of", "year=2022"))
    assert any(r["actorB"] == "UZB" for r in _query(env, "network_as_of", "year=2022", "includeTentative=true"))


def test_every_saved_query_runs_with_its_example_parameters(store, env):
    dataset = _bundled_or_skip()
    cli(["load"], env)
    for path in library_queries():
        args = ["query", str(path.relative_to(REPO)), "--format", "json"]
        result = cli(args, env)  # the :param lines' values: what Browser runs when the file is pasted
        assert result.stderr == "", (path.name, result.stderr)  # no warning (an unknown property …)
        assert json.loads(result.stdout), path.name  # every example finds something in the bundled data
    per_year = json.loads(cli(["query", "ties_per_year", "--format", "json"], env).stdout)
    assert sum(r["ties"] for r in per_year) == sum(1 for t in dataset.ties if t.year is not None)


def test_query_formats_and_write_mode(store, env, tmp_path):
    cli(["load", "--data", str(FIXTURE)], env)
    csv_out = cli(["query", "cypher/ties_per_year.cypher", "--format", "csv"], env).stdout
    assert csv_out.splitlines()[0] == "year,type,ties" and "2023,JOINT_EXERCISE,1" in csv_out
    table = cli(["query", "cypher/ties_per_year.cypher"], env).stdout
    assert table.startswith("ties_per_year (11 rows)") and re.search(r"│\s+2023 │ JOINT_EXERCISE\s+│\s+1 │", table)
    writer = tmp_path / "write.cypher"
    writer.write_text("// Question: none\nCREATE (:Scratch {n: $n}) RETURN $n AS n\n", encoding="utf-8")
    refused = cli(["query", str(writer), "--param", "n=1"], env, expect=1)
    assert refused.stderr == f"Error: {writer}: the query writes, but runs read-only (add --write if that is intended)\n"
    cli(["query", str(writer), "--param", "n=1", "--write"], env)
    assert store.run("MATCH (s:Scratch) RETURN s.n AS n") == [{"n": 1}]
    graph_values = tmp_path / "graph_values.cypher"
    graph_values.write_text("MATCH p = (a:Actor {id: 'TUR'})-[r:MEMBERSHIP]->(o) "
                            "RETURN p, a, r, r.dateFrom AS date", encoding="utf-8")
    row = json.loads(cli(["query", str(graph_values), "--format", "json"], env).stdout)[0]
    assert row["p"] == {"nodes": ["TUR", "ots"], "relationships": ["MEMBERSHIP"]}
    assert row["a"]["_labels"] == ["Actor", "DegreeBand2", "State"] and row["a"]["aliases"] == ["Turkey", "Turkiye"]
    assert (row["r"]["_type"], row["r"]["tieId"], row["date"]) == ("MEMBERSHIP", "tur-ots-2009", "2009-10-03")


def test_report_from_an_empty_database_says_so(store, env):
    result = cli(["report", "--source", "neo4j"], env, expect=1)
    assert result.stderr == (f"Error: {store.conn.uri} database 'neo4j' holds no tiegraph data "
                             "(no :Actor nodes): run 'tiegraph load' first\n")


# ---------------------------------------------------------------- errors: one line, quickly


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", [["load", "--data", str(FIXTURE)], ["query", "ties_per_year"],
                                     ["report", "--source", "neo4j"]])
def test_unreachable_server_is_one_line_within_seconds(command):
    uri = f"bolt://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    result = CliRunner().invoke(app, command, env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    assert time.perf_counter() - started < 6
    assert result.exit_code == 1
    assert result.stderr == (f"Error: cannot reach Neo4j at {uri} (is it running? start it with "
                             "'tiegraph neo4j start', or set NEO4J_URI / --uri)\n")


def test_wrong_password_is_one_line(store, env):
    result = cli(["query", "ties_per_year"], {**env, "NEO4J_PASSWORD": "not-the-password"}, expect=1)
    assert result.stderr == (f"Error: Neo4j at {store.conn.uri} refused user 'neo4j': wrong user name or "
                             "password (set NEO4J_USER / NEO4J_PASSWORD)\n")


def test_unknown_database_is_one_line(store, env):
    started = time.perf_counter()
    result = cli(["load", "--data", str(FIXTURE), "--database", "nosuchdb"], env, expect=1)
    assert time.perf_counter() - started < 6
    assert result.stderr == (f"Error: database 'nosuchdb' does not exist on Neo4j at {store.conn.uri} "
                             "(community edition has only 'neo4j'; set --database or NEO4J_DATABASE)\n")


def test_cypher_syntax_error_names_file_and_line(store, env, tmp_path):
    broken = tmp_path / "broken.cypher"
    broken.write_text("// Question: broken on purpose\nMATCH (a:Actor\nRETURN a\n", encoding="utf-8")
    result = cli(["query", str(broken)], env, expect=1)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {broken}: Cypher syntax error at line 3, column 1: ")


def test_missing_parameter_is_one_line(store, env, tmp_path):
    query = tmp_path / "q.cypher"
    query.write_text(":param fromActor => 'TUR';\nRETURN $fromActor, $toActor", encoding="utf-8")
    result = cli(["query", str(query)], env, expect=1)
    assert result.stderr == f"Error: {query}: missing parameter $toActor (give --param toActor=VALUE)\n"


def test_store_error_type_for_library_callers():
    conn = Connection(f"bolt://127.0.0.1:{_free_port()}", "neo4j", "x", "neo4j")
    with pytest.raises(StoreError, match="cannot reach Neo4j"):
        with open_driver(conn):
            pass
