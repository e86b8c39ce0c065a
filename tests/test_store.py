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

from tiegraph.cli import app
from tiegraph.graph.report import build_report
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.errors import DataValidationError, StoreError
from tiegraph.model.vocabulary import TIE_TYPES
from tiegraph.store.connection import Connection, open_driver
from tiegraph.store.cypher import (
    CYPHER_DIR,
    SCHEMA_FILE,
    library_queries,
    read_query_file,
    single_statement,
    split_statements,
    with_label,
    with_relationship_type,
)
from tiegraph.store.query import parse_params, parse_value
from tiegraph.store.readback import dataset_from_records, read_dataset
from tiegraph.store.rows import (
    CENTRALITY_PROPERTIES,
    TIE_PROPERTIES,
    batches,
    build_rows,
    centrality_rows,
    expected_counts,
    pairs,
    relationship_rows,
    tie_batches,
    tie_write_row,
    write_plan,
)
from tiegraph.store.writer import apply_schema, database_counts, load_into, typed_query

FIXTURE = REPO / "tests" / "fixtures" / "store"

# Hand-counted from tests/fixtures/store (see the comments in its files).
FIXTURE_LABELS = {"Actor": 8, "Company": 2, "Organization": 1, "State": 5}
FIXTURE_RELATIONSHIPS = {
    "ALLIANCE_TREATY": 1, "ARMS_TRANSFER": 2, "DEFENSE_COOPERATION_AGREEMENT": 1,
    "DEFENSE_MEETING": 3, "INTELLIGENCE_PROTOCOL": 1, "JOINT_EXERCISE": 7,
    "LICENSED_PRODUCTION": 1, "MEMBERSHIP": 2, "STRATEGIC_PARTNERSHIP": 1, "TRAINING": 1,
}
FIXTURE_TIES = {**FIXTURE_RELATIONSHIPS, "DEFENSE_MEETING": 1, "JOINT_EXERCISE": 2}


@pytest.fixture(scope="module")
def fixture_data():
    return load_dataset(FIXTURE)


def _neo4j_rows(dataset):
    """What read_ties/read_actors would return for a database holding exactly ``dataset``."""
    rows = build_rows(dataset)
    actors = [(["Actor", label], row["props"]) for label, rs in rows.actors.items() for row in rs]
    ties = [(rel, row["from"], row["to"], row["props"]) for rel, rs in rows.ties.items() for row in rs]
    return actors, ties


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
    assert all("IF NOT EXISTS" in s for s in statements)
    assert any("FOR (a:Actor) REQUIRE a.id IS UNIQUE" in s for s in statements)
    for tie_type in TIE_TYPES.values():
        rel = tie_type.relationship
        for what in ("REQUIRE (r.tie_id, r.pair) IS UNIQUE", "ON (r.tie_id)", "ON (r.year)"):
            assert any(f"[r:{rel}]" in s and what in s for s in statements), (rel, what)


def test_split_statements_keeps_quotes_and_line_numbers():
    text = "// header; with a semicolon\nMATCH (n {name: 'a;b // c'})\nRETURN n;\n\nRETURN 2;"
    statements = split_statements(text)
    assert len(statements) == 2
    assert "'a;b // c'" in statements[0]
    assert statements[0].startswith("\nMATCH")  # the header's line is kept: error lines match the file
    assert statements[1].strip() == "RETURN 2"


def test_relationship_type_comes_only_from_the_vocabulary():
    template = "MERGE (a)-[r:{{REL_TYPE}}]->(b)"
    assert with_relationship_type(template, "ARMS_TRANSFER") == "MERGE (a)-[r:ARMS_TRANSFER]->(b)"
    for bad in ("arms_transfer", "ARMS_TRANSFER]->() DETACH DELETE (x", "KNOWS", ""):
        with pytest.raises(ValueError):
            with_relationship_type(template, bad)
    with pytest.raises(ValueError):
        with_label("SET a:{{LABEL}}", "Admin")
    assert with_label("SET a:{{LABEL}}", "State") == "SET a:State"


def test_fixture_rows_match_hand_counts(fixture_data):
    counts = expected_counts(fixture_data)
    assert counts.labels == FIXTURE_LABELS
    assert counts.relationships == FIXTURE_RELATIONSHIPS
    assert counts.ties == FIXTURE_TIES


def test_multilateral_tie_is_a_clique_sharing_its_tie_id(fixture_data):
    tie = fixture_data.tie("turkic-exercise-2023")
    rows = relationship_rows(tie)
    assert [r["pair"] for r in rows] == ["TUR|AZE", "TUR|KAZ", "TUR|KGZ", "AZE|KAZ", "AZE|KGZ", "KAZ|KGZ"]
    assert {r["tie_id"] for r in rows} == {"turkic-exercise-2023"}
    assert all(r["props"]["participants"] == ["TUR", "AZE", "KAZ", "KGZ"] for r in rows)
    directed = fixture_data.tie("baykar-kgz-tb2-2021")
    assert pairs(directed) == [("baykar", "KGZ")]


def test_relationship_properties(fixture_data):
    import datetime as dt

    training = relationship_rows(fixture_data.tie("tur-kgz-training-1990s"))[0]["props"]
    assert (training["date"], training["precision"], training["date_text"], training["year"]) == \
        (dt.date(1990, 1, 1), "decade", "1990s", 1990)
    assert (training["end_text"], training["end_year"], training["directed"]) == ("2010", 2010, True)
    transfer = relationship_rows(fixture_data.tie("baykar-kgz-tb2-2021"))[0]["props"]
    assert transfer["attr_system"] == "Bayraktar TB2" and transfer["attr_quantity"] == 3
    assert transfer["source_urls"] == ["https://example.org/tb2"] and transfer["source_quotes"] == [""]
    shusha = relationship_rows(fixture_data.tie("aze-tur-shusha-2021"))[0]["props"]
    assert shusha["conflict"] is True and "strategic_partnership (doc-b.txt)" in shusha["conflict_note"]
    assert len({len(shusha[k]) for k in ("sources", "source_documents", "source_locators",
                                         "source_quotes", "source_urls")}) == 1
    meeting = relationship_rows(fixture_data.tie("kaz-kgz-tur-meeting"))[0]["props"]
    assert not {"date", "date_text", "precision", "year"} & meeting.keys()  # undated: absent, not null
    for rows in build_rows(fixture_data).ties.values():
        for row in rows:
            assert None not in row["props"].values()
            assert all(k in TIE_PROPERTIES or k.startswith("attr_") for k in row["props"])


def test_batches_split_rows():
    assert [len(b) for b in batches(list(range(7)), 3)] == [3, 3, 1]
    with pytest.raises(ValueError):
        list(batches([1], 0))


def test_tie_batches_keep_ties_whole_and_counts_need_no_rows(fixture_data):
    plan = write_plan(fixture_data)
    assert plan.relationships == sum(FIXTURE_RELATIONSHIPS.values()) and plan.total == 8 + 20
    exercises = plan.ties["JOINT_EXERCISE"]  # a 4-participant tie (6 pairs), then a bilateral one
    assert [(len(rows), n) for rows, n in tie_batches(exercises, 2)] == [(1, 6), (1, 1)]
    assert [(len(rows), n) for rows, n in tie_batches(exercises, 10)] == [(2, 7)]
    row = tie_write_row(fixture_data.tie("turkic-exercise-2023"))
    assert [p[2] for p in row["pairs"]] == [r["pair"] for r in relationship_rows(fixture_data.tie("turkic-exercise-2023"))]
    assert "pair" not in row["props"]  # added per relationship by the Cypher
    by_rows = build_rows(fixture_data)
    assert expected_counts(fixture_data).relationships == {k: len(v) for k, v in sorted(by_rows.ties.items())}


def test_every_write_shape_takes_every_vocabulary_type():
    for name in ("create_ties", "write_ties", "find_ties", "prune_ties", "count_type"):
        for tie_type in TIE_TYPES.values():
            assert f":{tie_type.relationship}" in typed_query(name, tie_type.relationship)


def test_centrality_rows_cover_every_actor(fixture_data):
    rows = centrality_rows(fixture_data)
    assert [r["id"] for r in rows] == list(fixture_data.actors)
    assert all(set(r["props"]) == set(CENTRALITY_PROPERTIES) for r in rows)
    by_id = {r["id"]: r["props"] for r in rows}
    assert by_id["UZB"]["degree"] == 0.0 and by_id["TUR"]["centrality_year"] == 2025
    assert by_id["TUR"]["degree_latest"] > 0 and by_id["KAZ"]["degree_latest"] == 0.0


@pytest.mark.parametrize("source", ["fixture", "bundled"])
def test_readback_rebuilds_the_dataset_from_rows_in_any_order(source, fixture_data):
    dataset = fixture_data if source == "fixture" else _bundled_or_skip()
    actors, ties = _neo4j_rows(dataset)
    random.Random(3).shuffle(actors)
    random.Random(4).shuffle(ties)
    back = dataset_from_records(actors, ties, "neo4j")
    assert list(back.actors) == list(dataset.actors) and back.actors == dataset.actors
    assert back.ties == dataset.ties
    assert [t.attributes for t in back.ties] == [t.attributes for t in dataset.ties]
    assert _close(build_report(back), build_report(dataset))


def _edit(ties, tie_id, **changes):
    return [(rel, a, b, {**props, **changes}) if props["tie_id"] == tie_id else (rel, a, b, props)
            for rel, a, b, props in ties]


def test_readback_uses_consistent_browser_edits(fixture_data):
    actors, ties = _neo4j_rows(fixture_data)
    ties = _edit(ties, "turkic-exercise-2023", status="planned", title="Birlik")
    back = dataset_from_records(actors, ties, "neo4j")
    tie = back.tie("turkic-exercise-2023")
    assert (tie.status, tie.title, tie.tentative) == ("planned", "Birlik", True)


BROWSER_TIE = {"tie_id": "tur-kaz-new-2024", "status": "delivered", "date_text": "2024",
               "source_documents": ["doc-x.txt"], "source_locators": ["p. 2"], "attr_system": "Akıncı"}


def test_readback_accepts_a_minimal_tie_made_in_browser(fixture_data):
    actors, ties = _neo4j_rows(fixture_data)
    back = dataset_from_records(actors, ties + [("ARMS_TRANSFER", "TUR", "KAZ", BROWSER_TIE)], "neo4j")
    tie = back.ties[-1]
    assert (tie.id, tie.participants, tie.year, tie.start.precision, tie.count, tie.dataset) == \
        ("tur-kaz-new-2024", ("TUR", "KAZ"), 2024, "year", 1, "seeds")
    assert tie.sources[0].cite() == "doc-x.txt, p. 2" and tie.attributes == {"system": "Akıncı"}


def test_readback_reports_inconsistent_edits(fixture_data):
    actors, ties = _neo4j_rows(fixture_data)
    edited = _edit(ties, "kgz-tur-dca-2021", year=1999)
    with pytest.raises(DataValidationError) as err:
        dataset_from_records(actors, edited, "neo4j")
    assert str(err.value).startswith("neo4j: tie 'kgz-tur-dca-2021': field 'year': relationship KGZ|TUR has 1999")
    # one pair of a clique edited alone
    one = next(i for i, t in enumerate(ties) if t[3]["pair"] == "AZE|KAZ")
    partial = list(ties)
    partial[one] = (*ties[one][:3], {**ties[one][3], "status": "planned"})
    with pytest.raises(DataValidationError, match="relationships disagree on status"):
        dataset_from_records(actors, partial, "neo4j")
    # a pair deleted, and a status outside the vocabulary
    missing = [t for t in ties if t[3]["pair"] != "AZE|KAZ"]
    bad = _edit(ties, "tur-ots-2009", status="rumoured")
    with pytest.raises(DataValidationError, match=r"no relationship for pair AZE\|KAZ"):
        dataset_from_records(actors, missing, "neo4j")
    with pytest.raises(DataValidationError, match="field 'status': unknown status 'rumoured'"):
        dataset_from_records(actors, bad, "neo4j")


def test_parse_params_types_values():
    assert parse_params(["actor=TUR", "year=2020", "share=0.5", "tentative=false", 'ids=["TUR","AZE"]',
                         "code=\"007\"", "title=a=b"]) == {
        "actor": "TUR", "year": 2020, "share": 0.5, "tentative": False, "ids": ["TUR", "AZE"],
        "code": "007", "title": "a=b"}
    assert parse_value("[not json") == "[not json"
    with pytest.raises(Exception, match="must look like name=value"):
        parse_params(["year"])


def _header_params(path: Path) -> dict[str, Any]:
    """The ``// :param name => value`` lines of a saved query, as query parameters."""
    params = {}
    for match in re.finditer(r"^// :param (\w+) => (.+)$", path.read_text(encoding="utf-8"), re.M):
        raw = match.group(2).strip()
        params[match.group(1)] = raw[1:-1] if raw[:1] == "'" else parse_value(raw)
    return params


def test_library_queries_are_documented():
    queries = library_queries()
    assert len(queries) >= 8
    for path in queries:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("// Question: "), path.name
        assert f"Example: tiegraph query cypher/{path.name}" in text, path.name
        used = set(re.findall(r"\$(\w+)", single_statement(text, path.name)))
        assert used == set(_header_params(path)), path.name  # every parameter has a :param line
        for name in used:
            assert f"--param {name}=" in text, (path.name, name)


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
        rels = self.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, "
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
    constraints = {r["name"] for r in store.run("SHOW CONSTRAINTS YIELD name")}
    indexes = {r["name"] for r in store.run("SHOW INDEXES YIELD name")}
    assert "actor_id" in constraints
    for tie_type in TIE_TYPES.values():
        assert f"{tie_type.name}_tie_pair" in constraints
        assert {f"{tie_type.name}_tie_id", f"{tie_type.name}_year", f"{tie_type.name}_status"} <= indexes
    assert len(constraints) + len(indexes) >= len(statements)


def test_load_fixture_counts_and_summary(store, env):
    result = cli(["load", "--data", str(FIXTURE)], env)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    assert "Loaded 8 actors and 13 ties (20 relationships) into database 'neo4j'" in result.stdout
    assert re.search(r"JOINT_EXERCISE\s+│\s+2\s+│\s+7", result.stdout)
    assert "Note:" not in result.stdout
    # dates keep their precision; values arrive typed
    row = store.run("MATCH ()-[r {tie_id: 'tur-kgz-training-1990s'}]->() "
                    "RETURN r.date AS date, r.precision AS p, r.date_text AS t, r.year AS y")[0]
    assert (row["date"].iso_format(), row["p"], row["t"], row["y"]) == ("1990-01-01", "decade", "1990s", 1990)
    labels = store.run("MATCH (a:Actor {id: 'tai'}) RETURN labels(a) AS l, a.country AS c, a.aliases AS al")[0]
    assert (sorted(labels["l"]), labels["c"], labels["al"]) == (["Actor", "Company"], "TUR", ["TUSAŞ"])


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
    assert labels.get("Actor", 0) + sum(relationships.values()) == written  # committed batches only
    load_into(store.driver, store.db, fixture_data, batch_size=2)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    recovered = store.snapshot()
    store.run("MATCH (n) DETACH DELETE n")
    load_into(store.driver, store.db, fixture_data)
    assert store.snapshot() == recovered


def test_replace_clears_only_the_projects_data(store, env, fixture_data):
    cli(["load", "--data", str(FIXTURE)], env)
    store.run("MATCH (t:Actor {id: 'TUR'}) CREATE (:Actor:State {id: 'ZZZ', name: 'Gone', kind: 'state'})"
              "-[:JOINT_EXERCISE {tie_id: 'old-tie', pair: 'ZZZ|TUR'}]->(t) CREATE (:Note {text: 'not ours'})")
    result = cli(["load", "--data", str(FIXTURE)], env)
    assert "Note: the database holds 9 actors and 14 ties" in result.stdout
    cli(["load", "--data", str(FIXTURE), "--replace", "--batch-size", "2"], env)
    assert store.counts() == (FIXTURE_LABELS, FIXTURE_RELATIONSHIPS, FIXTURE_TIES)
    assert store.run("MATCH (n:Note) RETURN n.text AS t") == [{"t": "not ours"}]


def test_reload_after_a_participant_is_dropped_prunes_its_pairs(store, fixture_data):
    load_into(store.driver, store.db, fixture_data)
    exercise = fixture_data.tie("turkic-exercise-2023")
    smaller = replace(fixture_data, ties=[replace(t, participants=("TUR", "AZE", "KAZ"))
                                          if t is exercise else t for t in fixture_data.ties])
    result = load_into(store.driver, store.db, smaller)
    assert result.pruned == 3
    pairs_left = store.run("MATCH ()-[r {tie_id: 'turkic-exercise-2023'}]->() RETURN r.pair AS p ORDER BY p")
    assert [r["p"] for r in pairs_left] == ["AZE|KAZ", "TUR|AZE", "TUR|KAZ"]
    assert store.counts()[1]["JOINT_EXERCISE"] == 4


def test_centrality_is_written_back(store, env, fixture_data):
    cli(["load", "--data", str(FIXTURE)], env)
    stored = {r["id"]: r["props"] for r in store.run(
        "MATCH (a:Actor) RETURN a.id AS id, a {" + ", ".join(f".{p}" for p in CENTRALITY_PROPERTIES) + "} AS props")}
    expected = {r["id"]: r["props"] for r in centrality_rows(fixture_data)}
    assert _close(stored, expected)
    cli(["load", "--data", str(FIXTURE), "--no-centrality"], env)
    assert store.run("MATCH (a:Actor) WHERE a.degree IS NOT NULL RETURN count(a) AS n") == [{"n": 0}]


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
    store.run("MATCH ()-[r {tie_id: 'turkic-exercise-2023'}]->() SET r.status = 'planned'")
    after = json.loads(cli(["report", "--source", "neo4j", "--format", "json", "--no-tentative"], env).stdout)
    assert after["summary"]["ties"] == before["summary"]["ties"] - 1 == 11
    store.run("MATCH (a:Actor {id: 'TUR'}), (b:Actor {id: 'KAZ'}) CREATE (a)-[r:ARMS_TRANSFER]->(b) "
              "SET r = $props", props=BROWSER_TIE)
    added = json.loads(cli(["report", "--source", "neo4j", "--format", "json", "--no-tentative"], env).stdout)
    assert added["summary"]["ties"] == 12
    assert {"type": "arms_transfer", "ties": 3} in added["ties_by_type"]
    store.run("MATCH ()-[r {tie_id: 'kgz-tur-dca-2021'}]->() SET r.year = 1999")
    result = cli(["report", "--source", "neo4j"], env, expect=1)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {store.conn.uri} database 'neo4j': tie 'kgz-tur-dca-2021': "
                                    "field 'year': relationship KGZ|TUR has 1999")
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
    assert [(r["tie_id"], r["date"], r["system"]) for r in transfers] == [
        ("tur-aze-tb2-2020", "2020-07-15", "Bayraktar TB2"), ("baykar-kgz-tb2-2021", "2021", "Bayraktar TB2"),
        ("tai-kaz-anka-2022", "2022-05", "ANKA")]
    assert transfers[1]["sources"] == ["doc-c.txt, para. 7, https://example.org/tb2"]
    assert [r["tie_id"] for r in _query(env, "transfers_of_system", "system=bayraktar")] == \
        ["tur-aze-tb2-2020", "baykar-kgz-tb2-2021"]

    exercises = _query(env, "exercise_participants")
    assert [(r["tie_id"], r["n_participants"], r["participants"], r["count"]) for r in exercises] == [
        ("turkic-exercise-2023", 4, ["AZE", "KAZ", "KGZ", "TUR"], 1),
        ("aze-tur-exercises-2025", 2, ["AZE", "TUR"], 25)]

    network = _query(env, "network_as_of", "year=2021")
    assert [(r["actor_a"], r["actor_b"], r["ties"]) for r in network] == [
        ("AZE", "TUR", 2), ("AZE", "ots", 1), ("KGZ", "TUR", 1), ("KGZ", "baykar", 1), ("TUR", "ots", 1)]
    assert _query(env, "network_as_of", "year=2005") == [
        {"actor_a": "KGZ", "actor_b": "TUR", "ties": 1, "types": ["TRAINING"]}]

    per_year = _query(env, "ties_per_year")
    totals: dict[int, int] = {}
    for r in per_year:
        totals[r["year"]] = totals.get(r["year"], 0) + r["ties"]
    assert totals == {r["year"]: r["ties"] for r in build_report(fixture_data)["ties_by_year"]}
    assert {"year": 2023, "type": "JOINT_EXERCISE", "ties": 1} in per_year  # 6 pairs, one tie

    path = _query(env, "shortest_path", "from_actor=KGZ", "to_actor=tai")
    assert [(r["hops"], r["path"]) for r in path] == [(2, ["KGZ", "KAZ", "tai"])]
    assert _query(env, "shortest_path", "from_actor=KGZ", "to_actor=UZB") == []

    conflicts = _query(env, "conflicting_sources")
    assert [r["tie_id"] for r in conflicts] == ["aze-tur-shusha-2021", "kaz-tur-intelligence-2022"]
    assert conflicts[1]["conflict"] == "start: 2022-08 (doc-a.txt); 2022-10 (doc-c.txt)"

    partners = _query(env, "partners_by_type", "actor=TUR")
    assert {"type": "ARMS_TRANSFER", "direction": "to", "partner": "AZE", "name": "Azerbaijan", "ties": 1,
            "first_year": 2020, "last_year": 2020} in partners
    assert {"type": "JOINT_EXERCISE", "direction": "", "partner": "AZE", "name": "Azerbaijan", "ties": 2,
            "first_year": 2023, "last_year": 2025} in partners
    assert {(r["type"], r["direction"], r["partner"]) for r in partners if r["type"] == "MEMBERSHIP"} == \
        {("MEMBERSHIP", "to", "ots")}

    top = _query(env, "top_actors", "top=3")
    expected = sorted(centrality_rows(fixture_data),
                      key=lambda r: (-r["props"]["degree"], -r["props"]["betweenness"], r["id"]))[:3]
    assert [r["actor"] for r in top] == [r["id"] for r in expected]

    pairs_of_tie = _query(env, "tie", "tie_id=turkic-exercise-2023")
    assert [r["pair"] for r in pairs_of_tie] == ["AZE|KAZ", "AZE|KGZ", "KAZ|KGZ", "TUR|AZE", "TUR|KAZ", "TUR|KGZ"]


def test_every_saved_query_runs_with_its_example_parameters(store, env):
    dataset = _bundled_or_skip()
    cli(["load"], env)
    for path in library_queries():
        args = ["query", str(path.relative_to(REPO)), "--format", "json"]
        for name, value in _header_params(path).items():
            args += ["--param", f"{name}={value}"]
        rows = json.loads(cli(args, env).stdout)
        assert isinstance(rows, list), path.name
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
                            "RETURN p, a, r, r.date AS date", encoding="utf-8")
    row = json.loads(cli(["query", str(graph_values), "--format", "json"], env).stdout)[0]
    assert row["p"] == {"nodes": ["TUR", "ots"], "relationships": ["MEMBERSHIP"]}
    assert row["a"]["_labels"] == ["Actor", "State"] and row["a"]["aliases"] == ["Turkey", "Turkiye"]
    assert (row["r"]["_type"], row["r"]["tie_id"], row["date"]) == ("MEMBERSHIP", "tur-ots-2009", "2009-10-03")


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


def test_missing_parameter_is_one_line(store, env):
    result = cli(["query", "cypher/shortest_path.cypher", "--param", "from_actor=TUR"], env, expect=1)
    assert result.stderr == ("Error: cypher/shortest_path.cypher: missing parameter $to_actor "
                             "(give --param to_actor=VALUE)\n")


def test_store_error_type_for_library_callers():
    conn = Connection(f"bolt://127.0.0.1:{_free_port()}", "neo4j", "x", "neo4j")
    with pytest.raises(StoreError, match="cannot reach Neo4j"):
        with open_driver(conn):
            pass
