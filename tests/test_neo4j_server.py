"""The local Neo4j 5.26 server (store/server.py, `tiegraph neo4j`), run for real from its jars.

Nothing is mocked: the session server answers Bolt and serves Browser, and a
second server in its own directory goes through start / status / stop /
restart via the CLI, the way a user drives it.
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.request

import neo4j
import pytest
from neo4j_fixtures import local_workdir, require_local_prerequisites
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.model.errors import StoreError
from tiegraph.store import server
from tiegraph.store.connection import Connection, open_driver


def _http_get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8", "replace")


def test_bolt_answers_return_1(neo4j_server):
    with neo4j.GraphDatabase.driver(neo4j_server.bolt_uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        records, _, _ = d.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1


def test_browser_is_served_and_points_at_our_bolt_port(neo4j_server):
    if neo4j_server.browser_url is None:
        pytest.skip("NEO4J_URI server without NEO4J_HTTP_URL: no Browser address to check")
    code, content_type, body = _http_get(neo4j_server.browser_url)
    assert code == 200
    assert content_type.startswith("text/html")
    assert "<title>Neo4j Browser</title>" in body
    scripts = re.findall(r'<script[^>]* src="([^"]+\.js)"', body)
    assert scripts, "index.html names no scripts"
    code, content_type, _ = _http_get(neo4j_server.browser_url + scripts[-1])  # the app bundle is served too
    assert code == 200 and "javascript" in content_type
    # Browser connects to the Bolt address the discovery document advertises.
    _, _, discovery = _http_get(neo4j_server.http_url + "/")
    assert json.loads(discovery)["bolt_direct"] == neo4j_server.bolt_uri.replace("neo4j://", "bolt://")


def test_wrong_password_is_refused_within_seconds(neo4j_server):
    # One failed attempt only: three in a row lock the user out for 5 s (Neo4j's default).
    wrong = Connection(neo4j_server.bolt_uri, neo4j_server.user, neo4j_server.password + "-wrong", "neo4j")
    began = time.monotonic()
    with pytest.raises(StoreError, match="password"):
        with open_driver(wrong):
            pass
    assert time.monotonic() - began < 5


def test_local_server_status_matches_the_fixture(neo4j_server):
    if neo4j_server.pid is None:
        pytest.skip("the session uses an external server (NEO4J_URI)")
    workdir = local_workdir()
    assert workdir is not None and server.status(workdir) == neo4j_server
    assert server.running_pid(workdir) == neo4j_server.pid


def test_port_in_use_is_reported_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StoreError, match=f"^port {port} on 127.0.0.1 is already in use$"):
            server.start(tmp_path / "w", password="longenough", bolt_port=port)
    assert not (tmp_path / "w" / "neo4j.pid").exists()


def test_short_password_is_refused(tmp_path):
    with pytest.raises(StoreError, match="at least 8 characters"):
        server.start(tmp_path / "w", password="short")


def test_startup_timeout_names_the_log_and_leaves_nothing_running(tmp_path):
    require_local_prerequisites()
    workdir = tmp_path / "slow"
    with pytest.raises(StoreError) as caught:
        server.start(workdir, password="longenough", timeout=0.5)
    message = str(caught.value)
    first = message.splitlines()[0]
    assert first.startswith("Neo4j did not answer on bolt://127.0.0.1:")
    assert f"within 0.5 s (see {workdir.resolve() / 'logs' / 'console.log'}" in first
    assert server.running_pid(workdir) is None
    assert server.status(workdir) is None


def test_cli_start_status_stop_restart(tmp_path):
    """A user's round trip, in a directory of its own so the session server stays up."""
    require_local_prerequisites()
    runner = CliRunner()
    workdir = tmp_path / "cli"
    args = ["--workdir", str(workdir)]
    env = {"NEO4J_PASSWORD": "cli-test-password"}

    result = runner.invoke(app, ["neo4j", "status", *args])
    assert result.exit_code == 1 and "not running" in result.stdout

    result = runner.invoke(app, ["neo4j", "start", *args], env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    state = json.loads((workdir / "state.json").read_text())
    assert (workdir / "state.json").stat().st_mode & 0o077 == 0  # it holds the password
    assert f"export NEO4J_URI={state['bolt_uri']} NEO4J_USER=neo4j NEO4J_PASSWORD=cli-test-password" in result.stdout
    assert f"Browser:  http://127.0.0.1:{state['http_port']}/browser/" in result.stdout
    pid = state["pid"]
    auth = ("neo4j", "cli-test-password")
    with neo4j.GraphDatabase.driver(state["bolt_uri"], auth=auth) as d:
        d.execute_query("CREATE (:Kept {name: 'survives a restart'})")

    try:
        # A second start finds the running server; another password is refused, not applied.
        again = runner.invoke(app, ["neo4j", "start", *args], env=env)
        assert again.exit_code == 0 and f"pid {pid}" in again.stdout
        other = runner.invoke(app, ["neo4j", "start", *args, "--password", "another-password"])
        assert other.exit_code == 1
        assert other.stderr.startswith("Error: Neo4j is already running in ") and "Traceback" not in other.stderr

        assert runner.invoke(app, ["neo4j", "status", *args]).exit_code == 0
        stopped = runner.invoke(app, ["neo4j", "stop", *args])
        assert stopped.exit_code == 0 and "Neo4j stopped" in stopped.stdout
        assert runner.invoke(app, ["neo4j", "stop", *args]).stdout.startswith("Neo4j was not running")
        assert runner.invoke(app, ["neo4j", "status", *args]).exit_code == 1
        assert server.status(workdir) is None

        # Restart without a password: the saved one is used, the data and ports are kept.
        with neo4j.GraphDatabase.driver(state["bolt_uri"], auth=auth) as d:
            with pytest.raises(neo4j.exceptions.ServiceUnavailable):
                d.verify_connectivity()
        restarted = runner.invoke(app, ["neo4j", "start", *args], env={"NEO4J_PASSWORD": None})
        assert restarted.exit_code == 0, (restarted.stdout, restarted.stderr)
        info = server.status(workdir)
        assert info is not None and info.bolt_uri == state["bolt_uri"] and info.password == "cli-test-password"
        with neo4j.GraphDatabase.driver(info.bolt_uri, auth=auth) as d:
            records, _, _ = d.execute_query("MATCH (k:Kept) RETURN k.name AS name")
        assert [r["name"] for r in records] == ["survives a restart"]
    finally:
        server.stop(workdir)
    assert server.status(workdir) is None
