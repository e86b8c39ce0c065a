"""Without NEO4J_URI, the Neo4j commands use the server `tiegraph neo4j start` runs in .tiegraph/neo4j.

A user starts the server and loads, queries and reads back with no variable set, from
the directory they started it in; each command says on stderr which server it used.
With no server there, one ``Error:`` line says where none runs and how to start one;
NEO4J_URI still wins over the local server.

The CLI runs as a user runs it: a subprocess with a clean environment (no NEO4J_*
variable) in a directory of its own.  Its ``.tiegraph/neo4j`` is a link to the session
server's work directory, so ``tiegraph neo4j start`` there finds that server running
(the saved password, no variable) instead of starting a second JVM (20-40 s on the
2-core CI machine); the first start of a fresh directory is the session fixture's and
tests/test_neo4j_server.py's CLI round trip's.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j_fixtures import local_workdir, own_server
from store_cases import FIXTURE
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.store import server
from tiegraph.store.server import ServerInfo

WORKDIR = Path(".tiegraph") / "neo4j"
NONE_RUNS = ("Error: no Neo4j server runs in .tiegraph/neo4j: start one with 'tiegraph neo4j start' "
             "(or set NEO4J_URI, or give --uri, for another server)\n")


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without a single NEO4J_* variable (plus ``extra``)."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}, **extra}


def _tiegraph(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiegraph.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def project(empty_db, neo4j_server: ServerInfo, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A user's directory whose .tiegraph/neo4j holds a running local server, and that server's Bolt URI."""
    cwd = tmp_path / "project"
    (cwd / ".tiegraph").mkdir(parents=True)
    shared = local_workdir()
    if shared is None:  # the session uses NEO4J_URI: this test needs a local server of its own
        own_server(cwd / WORKDIR)
        yield cwd, server.saved_state(cwd / WORKDIR)["bolt_uri"]
        server.stop(cwd / WORKDIR)
        return
    (cwd / WORKDIR).symlink_to(shared, target_is_directory=True)
    yield cwd, neo4j_server.bolt_uri


def test_start_then_load_query_and_report_with_no_variable_set(project: tuple[Path, str]) -> None:
    cwd, bolt = project
    env = _clean_env()
    started = _tiegraph(["neo4j", "start"], cwd, env)
    assert started.returncode == 0, started.stderr
    assert f"  Bolt:     {bolt}\n" in started.stdout
    assert "\ntiegraph load, query and report --source neo4j use it from this directory.\n" in started.stdout

    using = f"Using Neo4j at {bolt} (the local server in .tiegraph/neo4j)\n"
    loaded = _tiegraph(["load", "--replace", "--data", str(FIXTURE)], cwd, env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stderr == using
    ties = len(load_dataset(FIXTURE).ties)
    assert f"{ties} ties" in loaded.stdout and f"at {bolt} in " in loaded.stdout

    counted = _tiegraph(["query", "ties_per_year", "--format", "json"], cwd, env)
    assert (counted.returncode, counted.stderr) == (0, using)
    undated = sum(t.year is None for t in load_dataset(FIXTURE).ties)
    assert sum(row["ties"] for row in json.loads(counted.stdout)) == ties - undated

    report = _tiegraph(["report", "--source", "neo4j", "--format", "json"], cwd, env)
    assert (report.returncode, report.stderr) == (0, using)
    assert json.loads(report.stdout) == json.loads(_tiegraph(["report", "--data", str(FIXTURE), "--format", "json"],
                                                             cwd, env).stdout)


def test_neo4j_uri_wins_over_the_local_server(project: tuple[Path, str]) -> None:
    cwd, _ = project
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"bolt://127.0.0.1:{closed.getsockname()[1]}"
    done = _tiegraph(["query", "ties_per_year"], cwd, _clean_env(NEO4J_URI=dead, NEO4J_PASSWORD="whatever-it-is"))
    assert done.returncode == 1
    assert done.stderr == (f"Error: cannot reach Neo4j at {dead} (is it running? start it with 'tiegraph neo4j "
                           "start', or set NEO4J_URI / --uri)\n")


@pytest.mark.parametrize("command", [["load", "--data", str(FIXTURE)], ["query", "ties_per_year"],
                                     ["report", "--source", "neo4j"], ["export", "graphml", "out.graphml",
                                                                       "--source", "neo4j"]])
@pytest.mark.parametrize("stale", [False, True], ids=["never-started", "stopped"])
def test_with_no_server_and_no_variable_one_error_says_where_and_how(command: list[str], stale: bool,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if stale:  # a server was started here once and has stopped: its state file is still there
        WORKDIR.mkdir(parents=True)
        (WORKDIR / "state.json").write_text(json.dumps({"bolt_uri": "bolt://127.0.0.1:7687", "password": "x" * 8,
                                                        "pid": None}), encoding="utf-8")
    result = CliRunner().invoke(app, command, env={k: None for k in os.environ if k.startswith("NEO4J_")})
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", NONE_RUNS)
    assert not (tmp_path / "out.graphml").exists()
