"""The Neo4j store on a real server: load, re-load, read-back, saved queries, errors.

The tests use the session-scoped ``neo4j_server`` fixture (a real local Neo4j 5.26 started
from its jars); each test starts from an empty database (community edition has the single
database ``neo4j``).  Nothing is mocked.  The pure row-builder tests are in test_store_rows.py.
"""

from __future__ import annotations

import json
import re
import socket
import time
from dataclasses import replace
from typing import Any

import networkx as nx
import pytest
from helpers import REPO
from store_cases import (
    BROWSER_TIE,
    FIXTURE,
    FIXTURE_LABELS,
    FIXTURE_RELATIONSHIPS,
    FIXTURE_TIES,
    _bundled_or_skip,
    _close,
)
from typer.testing import CliRunner

from tiegraph.analysis.report import ReportOptions, build_report
from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.errors import StoreError
from tiegraph.model.vocabulary import TIE_TYPES, TURKIC_SIX
from tiegraph.store.connection import Connection, open_driver
from tiegraph.store.cypher import (
    library_queries,
)
from tiegraph.store.readback import read_dataset
from tiegraph.store.rows import (
    CENTRALITY_PROPERTIES,
    centrality_rows,
    expected_counts,
)
from tiegraph.store.writer import apply_schema, database_counts, load_into


@pytest.fixture(scope="module")
def fixture_data():
    return load_dataset(FIXTURE)


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
    assert constraints == {"actor_id", "tie_id", "coverage_dataset", "duplicate_tie_id",
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


@pytest.mark.parametrize(("fail_at", "writers"), [(1, 1), (9, 1), (9, 2)])  # first actor batch / among the ties
def test_a_failed_load_is_repaired_by_running_it_again(store, fixture_data, fail_at, writers):
    calls = []

    def crash(what: str, rows: int) -> None:
        calls.append((what, rows))
        if len(calls) == fail_at:
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected failure"):
        load_into(store.driver, store.db, fixture_data, batch_size=2, writers=writers, on_batch=crash)
    labels, relationships, _ = store.counts()
    written = sum(n for _, n in calls)
    held = labels.get("Actor", 0) + labels.get("Tie", 0) + sum(relationships.values())
    if writers == 1:
        assert held == written  # committed batches only
    else:  # the batch running beside the failed one may commit too: whole batches only (2 ties of <= 4 rels)
        assert written <= held <= written + 2 * 4
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
    every = ["--per-tie", "--tentative", "--level", "actor"]  # every tie and actor (the defaults leave plans out)
    cli(["export", "graphml", str(tmp_path / "files.graphml"), "--data", str(FIXTURE), *every], env)
    cli(["export", "graphml", str(tmp_path / "neo4j.graphml"), "--source", "neo4j", *every], env)
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
