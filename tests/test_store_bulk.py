"""``tiegraph load --bulk``: CSV rules (no server), then bulk loads into a real local server of its own.

The bulk path stops and restarts its server.  Tests run one at a time, so it
restarts the session's local server (same ports, same password) instead of
starting one of its own: a server start is the slowest step of the suite.  With
NEO4J_URI set (a server this process does not run) it starts one of its own
(``own_server``).  Nothing is mocked: the importer is Neo4j's own
``neo4j-admin database import``.

What must hold:

* a bulk load stores exactly what the online writer stores: every node and
  relationship, every property, every property *type* (``valueType``), for
  hostile text, line breaks, empty lists, odd attribute names, several sources;
* ``report --source neo4j`` after a bulk load equals the report from the files;
* a bulk load run again, or killed half-way and run again, gives exact counts
  (every import, successful or failed, restarts the server: three in all, the
  killed-and-rerun load also serving the report check);
* refusals (no --replace, another server, bad data) stop nothing; a failed
  import is one line and leaves an empty database on a running server.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO
from neo4j_fixtures import kill_when, local_workdir, own_server, run
from store_cases import _close
from test_store import REPORT_VARIANTS
from test_store_injection import hostile_dataset
from typer.testing import CliRunner

from bench.generate import generate
from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Conflict, Dataset, Reading, Source, Tie
from tiegraph.model.errors import DataValidationError, StoreError
from tiegraph.store import server
from tiegraph.store.bulk import PENDING, replace_store
from tiegraph.store.connection import Connection, open_driver
from tiegraph.store.csvimport import _Writer, cells_of, write_csv
from tiegraph.store.readback import read_dataset
from tiegraph.store.rows import expected_counts, tie_props, write_plan
from tiegraph.store.writer import database_counts, load_into

FIXTURE = REPO / "tests" / "fixtures" / "store"


def edge_dataset() -> Dataset:
    """The hostile dataset plus every value shape the CSV rules treat specially."""
    base = hostile_dataset()
    actors = {**base.actors,
              "TUR": Actor("TUR", "state", "Türkiye", aliases=("Turkey", "")),
              "AZE": Actor("AZE", "state", "Azerbaijan", aliases=("padded ",), note="line\r\nbreak"),
              " KAZ ": Actor(" KAZ ", "state", 'A "quoted" name'),
              "baykar": Actor("baykar", "company", "Baykar", country="TUR"),
              "KGZ": Actor("KGZ", "state", "Kyrgyzstan", aliases=("", " Kyrgyz\t")),
              "UZB": Actor("UZB", "state", "Uzbekistan", aliases=("", "")),
              "TKM": Actor("TKM", "state", "Turkmenistan", aliases=("",)),
              "KAZ": Actor("KAZ", "state", "Kazakhstan", aliases=("a\x1fb",))}
    two = (Source("a.txt", locator="p. 1"), Source("b.txt", quote='he said "yes"'))
    conflict = Conflict("start", (Reading("2020", "a.txt"), Reading("2021", "b.txt")), note="sources differ")
    ties = [*base.ties,
            Tie("t-attrs", "arms_transfer", ("baykar", "AZE"), PartialDate.parse("2020-06-15"), "delivered",
                (Source("c.txt"),), title="title with trailing space ", end=PartialDate.parse("2021"),
                attributes={"system": "TB2", "quantity": 6, "price": 0.1, "secret": True, "big": 2 ** 62,
                            "odd name (x)": "v", "x:y": -3}),
            Tie("t-attrs-2", "arms_transfer", ("TUR", " KAZ "), PartialDate.parse("1990s"), "signed",
                (Source("d.txt", locator=" leading space"),), attributes={"quantity": "a few"}),
            Tie("t-two-sources", "joint_exercise", ("TUR", "AZE", " KAZ ", "baykar"), None, "held", two,
                conflicts=(conflict,), note="", dataset="other"),
            Tie("t-quote", "training", ("TUR", "AZE"), PartialDate.parse("2001-02"), "active",
                (Source("e.txt", url="https://x.org/?a=1,b=2"),), title='a "quoted" title, with a comma')]
    return Dataset(actors, ties)


# ---------------------------------------------------------------- CSV rules (no server)


def _parse(directory: Path, groups: list[Any]) -> Counter:
    """Every row of the written files as (type, sorted (header, field) pairs): layout-independent."""
    rows: Counter = Counter()
    for group in groups:
        header = (directory / f"{group.stem}.header.csv").read_text(encoding="utf-8").rstrip("\n").split(",")
        with open(directory / f"{group.stem}.csv", encoding="utf-8", newline="") as handle:
            for fields in csv.reader(handle):
                rows[(group.name, tuple(sorted((h, f) for h, f in zip(header, fields) if f)))] += 1
    return rows


def test_fast_rows_equal_field_by_field_rows(tmp_path):
    """The cached template writes exactly what the field-by-field path writes, for every tie."""
    dataset = edge_dataset()
    writer = _Writer(tmp_path)
    fixed = [":START_ID(Actor)", ":END_ID(Actor)"]
    for tie in [*dataset.ties, *load_dataset(FIXTURE).ties] * 2:  # the second round hits the cache
        props = tie_props(tie)
        group, fields, patch = writer.encode("relationships", tie.tie_type.relationship, fixed, props)
        cells, expected_patch = cells_of(props)
        assert patch == expected_patch, tie.id
        assert fields == group.fields(cells), tie.id
    writer.close()
    assert sum(shape is not None for shape in writer.shapes.values()) > 10  # the template path was taken


def test_values_the_csv_cannot_carry_are_patched(tmp_path):
    files = write_csv(write_plan(edge_dataset()), tmp_path)
    actor_patches = {row["id"]: row["props"] for row in files.actor_patches}
    assert actor_patches[" KAZ "] == {"aliases": []}  # no field is an empty list
    assert actor_patches["TKM"] == {"aliases": [""]}  # nor [""]: the importer drops an empty field
    assert actor_patches["KAZ"] == {"aliases": ["a\x1fb"]}  # an item holding the delimiter
    for kept in ("AZE", "TUR", "KGZ", "UZB"):  # nothing is trimmed; empty items at either end are kept
        assert kept not in actor_patches, kept
    ties = {row["tieId"]: row for rows in files.tie_patches.values() for row in rows}
    assert ties["t-attrs"]["props"] == {"attr_odd name (x)": "v", "attr_x:y": -3, "sourceLocators": [""]}
    assert "t-attrs-2" not in ties  # its locator " leading space" is a field, as it is
    assert "t-two-sources" not in ties  # a node (4 participants)
    assert files.node_patches == []
    assert files.multiline  # hostile ids and notes hold line breaks
    headers: dict[str, str] = {}
    for g in files.groups:
        headers[g.name] = headers.get(g.name, "") + (tmp_path / f"{g.stem}.header.csv").read_text()
    assert "attr_quantity:long" in headers["ARMS_TRANSFER"]
    assert sum(g.name == "ARMS_TRANSFER" for g in files.groups) == 2  # quantity 6 and "a few"
    assert "dateFrom:date" in headers["ARMS_TRANSFER"] and "attr_price:double" in headers["ARMS_TRANSFER"]
    assert "attr_secret:boolean" in headers["ARMS_TRANSFER"] and "sourceUrls:string[]" in headers["TRAINING"]
    assert headers["Tie:JointExercise"].startswith("tieId:ID(Tie),") and "type:string" in headers["Tie:JointExercise"]
    assert headers["PARTICIPATED_IN"] == ":START_ID(Actor),:END_ID(Tie),position:long\n"
    assert ties["t-quote"]["props"] == {"sourceLocators": [""]}  # [""]: an empty field would be dropped


def test_two_writers_write_the_same_rows(tmp_path):
    dataset = load_dataset([_synthetic(tmp_path / "data", 400)])
    one = write_csv(write_plan(dataset), tmp_path / "one", workers=1)
    two = write_csv(write_plan(dataset), tmp_path / "two", workers=2)
    assert {g.stem.split("-")[0] for g in two.groups} == {"p0", "p1"}
    assert (one.nodes, one.relationships) == (two.nodes, two.relationships)
    assert _parse(one.directory, one.groups) == _parse(two.directory, two.groups)


def _synthetic(out: Path, ties: int) -> Path:
    generate(out, ties=ties, actors=120, seed=5, first_year=1990)
    return out


# ---------------------------------------------------------------- a real server of its own


@pytest.fixture(scope="module")
def bulk(neo4j_server, tmp_path_factory) -> Iterator[Path]:
    """The work directory of a local server these tests may restart: the session's, when it is local."""
    shared = local_workdir()
    if shared is not None:
        yield shared
        assert server.status(shared) is not None, "the bulk tests left the session server stopped"
        return
    workdir = tmp_path_factory.mktemp("bulk-neo4j")
    own_server(workdir)
    try:
        yield workdir
    finally:
        server.stop(workdir)


def _driver(workdir: Path) -> Any:
    info = server.status(workdir)
    assert info is not None, "the bulk server is not running"
    return open_driver(Connection(info.bolt_uri, info.user, info.password, "neo4j"))


def _load(workdir: Path, *args: str, expect: int = 0) -> Any:
    env = {"NEO4J_URI": None, "NEO4J_USER": None, "NEO4J_PASSWORD": None, "NEO4J_DATABASE": None}
    result = CliRunner().invoke(app, ["load", "--bulk", "--workdir", str(workdir), *args], env=env)
    assert result.exit_code == expect, (result.stdout, result.stderr)
    return result


def _snapshot(driver: Any) -> tuple[list[str], list[str]]:
    """Every actor and relationship with its properties and each property's Neo4j type."""
    nodes = run(driver, "MATCH (a) WHERE a:Actor OR a:Tie OR a:Coverage RETURN labels(a) AS labels, "
                        "properties(a) AS props, [k IN keys(a) | [k, valueType(a[k])]] AS types")
    rels = run(driver, "MATCH (a:Actor)-[r]->(b) RETURN type(r) AS type, a.id AS a, coalesce(b.id, b.tieId) AS b, "
                       "properties(r) AS props, [k IN keys(r) | [k, valueType(r[k])]] AS types")

    def key(row: dict) -> str:
        row = {**row, "types": sorted(row["types"]), "labels": sorted(row.get("labels", []))}
        return json.dumps(row, sort_keys=True, default=str)

    return sorted(map(key, nodes)), sorted(map(key, rels))


def test_bulk_load_stores_what_the_online_load_stores(bulk):
    """Over a database holding the same graph (loaded online): the import replaces it, nothing doubles."""
    dataset = edge_dataset()
    with _driver(bulk) as online:  # first online, into the same server: the bulk load replaces it
        run(online, "MATCH (n) DETACH DELETE n")
        load_into(online, "neo4j", dataset)
        wanted = _snapshot(online)
    from tiegraph.store.bulk import bulk_load

    result = bulk_load(bulk, dataset, replace=True)
    assert result.phases.keys() >= {"csv", "stop", "import", "start", "schema", "patch", "verify"}
    from tiegraph.store.bulk import STEPS  # what the progress bar counts: every step, in order

    assert list(result.phases) == [s for s in STEPS if s in result.phases]
    with _driver(bulk) as driver:
        mine = _snapshot(driver)
        assert mine == wanted
        assert len(mine[1]) == sum(expected_counts(dataset).relationships.values())
        indexes = run(driver, "SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE' RETURN count(*) AS n")
        assert indexes == [{"n": 0}]
        assert len(run(driver, "SHOW CONSTRAINTS YIELD name")) == 16
    assert not (bulk / PENDING).exists()
    assert not (bulk / "import" / "bulk").exists()


def test_refusals_stop_nothing(bulk, make_data):
    pid = server.running_pid(bulk)
    with _driver(bulk) as driver:
        run(driver, "CREATE (:Note {text: 'not replaced without --replace'})")
        before = run(driver, "MATCH (n) RETURN count(n) AS n")
    result = _load(bulk, "--data", str(FIXTURE), expect=1)
    assert result.stderr == ("Error: --bulk replaces the whole database and it holds "
                             f"{before[0]['n']:,} nodes: add --replace (or load without --bulk)\n")
    other = CliRunner().invoke(app, ["load", "--bulk", "--workdir", str(bulk), "--uri", "bolt://127.0.0.1:1",
                                     "--data", str(FIXTURE), "--replace"])
    assert other.exit_code == 1 and other.stderr.startswith("Error: --bulk works only on the local server of ")
    nowhere = CliRunner().invoke(app, ["load", "--bulk", "--workdir", str(bulk / "none"), "--replace",
                                       "--data", str(FIXTURE)])
    assert nowhere.exit_code == 1 and "has none (give its --workdir" in nowhere.stderr
    bad = make_data("""\
        - {id: tur-aze-2020, type: joint_exercise, participants: [TUR, AZE], start: "2020-13", status: held,
           sources: [{document: a.txt, locator: p. 1}]}
        """)
    invalid = _load(bulk, "--data", str(bad), "--replace", expect=1)
    assert invalid.stderr.startswith("Error: ") and "2020-13" in invalid.stderr
    assert server.running_pid(bulk) == pid  # never stopped
    with _driver(bulk) as driver:
        assert run(driver, "MATCH (n) RETURN count(n) AS n") == before


def _importers(workdir: Path) -> list[int]:
    """Live ``neo4j-admin database import`` processes writing into ``workdir``."""
    mark = f"--report-file={workdir / 'logs' / 'import.report'}"
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if mark in (proc / "cmdline").read_bytes().decode(errors="replace").split("\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_a_bulk_load_killed_during_the_import_is_completed_by_running_it_again_and_reports_as_the_files_do(bulk):
    """The bundled data through ``tiegraph load --bulk --replace``, as a user runs it: SIGKILLed while
    the importer runs (the server stopped, the database half-made), then run again. The rerun must
    complete it exactly (counts, every tie read back), and ``report --source neo4j`` must then equal
    the report from the files. One import and one restart serve both checks (a server start is the
    slowest step of the suite); a bulk load over a database holding the same graph, exact and with
    nothing doubled, is the first test's."""
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to see the importer")
    try:
        dataset, data = load_dataset(), []
    except DataValidationError:  # the bundled data is being written in parallel
        dataset, data = load_dataset(FIXTURE), ["--data", str(FIXTURE)]
    command = [sys.executable, "-c", "from tiegraph.cli import main; main()", "load", "--bulk", "--replace",
               "--workdir", str(bulk), *data]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    kill_when(command, env, lambda: (bulk / PENDING).exists() and server.running_pid(bulk) is None
              and bool(_importers(bulk)), timeout=300, what="the bulk load")
    deadline = time.monotonic() + 30
    while _importers(bulk):  # it dies with its parent (PR_SET_PDEATHSIG)
        assert time.monotonic() < deadline, "the importer outlived the killed load"
        time.sleep(0.1)
    assert server.status(bulk) is None and (bulk / PENDING).exists()

    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    assert "Bulk import steps: rows" in again.stdout
    assert not (bulk / PENDING).exists()
    expected = expected_counts(dataset)
    with _driver(bulk) as driver:
        counts = database_counts(driver, "neo4j")
        assert (counts.labels, counts.relationships, counts.ties) == (expected.labels, expected.relationships,
                                                                      expected.ties)
        back = read_dataset(driver, "neo4j", "neo4j")
        assert back.ties == dataset.ties and back.actors == dataset.actors

    info = server.status(bulk)
    assert info is not None
    neo4j_env = {"NEO4J_URI": info.bolt_uri, "NEO4J_USER": info.user, "NEO4J_PASSWORD": info.password,
                 "NEO4J_DATABASE": None}
    for variant in REPORT_VARIANTS:
        from_files = CliRunner().invoke(app, ["report", *data, "--format", "json", *variant],
                                        env={"NEO4J_URI": None, "NEO4J_DATABASE": None})
        from_neo4j = CliRunner().invoke(app, ["report", "--source", "neo4j", "--format", "json", *variant],
                                        env=neo4j_env)
        assert from_files.exit_code == from_neo4j.exit_code == 0, from_neo4j.stderr
        files_report, neo4j_report = json.loads(from_files.stdout), json.loads(from_neo4j.stdout)
        assert _close(neo4j_report, files_report), variant
        assert neo4j_report["summary"] == files_report["summary"]


def test_a_failed_import_is_one_line_and_leaves_an_empty_database_running(bulk, tmp_path):
    files = write_csv(write_plan(load_dataset(FIXTURE)), tmp_path / "csv")
    body = next(g for g in files.groups if g.option == "relationships")
    with open(files.directory / f"{body.stem}.csv", "a", encoding="utf-8") as out:
        out.write('"TUR","NOBODY-HERE"\n')  # a relationship to a node that does not exist
    with pytest.raises(StoreError) as caught:
        replace_store(bulk, files)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("neo4j-admin database import failed: ")
    assert "NOBODY-HERE" in message and message.endswith("the database is empty now, the server running again")
    assert not (bulk / PENDING).exists()
    with _driver(bulk) as driver:
        assert run(driver, "MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_cli_start_has_heap_and_pagecache_options():
    result = CliRunner().invoke(app, ["neo4j", "start", "--help"], env={"COLUMNS": "200"})
    assert "--heap" in result.stdout and "--pagecache" in result.stdout
    assert server.DEFAULT_HEAP == "1g" and server.DEFAULT_PAGECACHE == "512m"
