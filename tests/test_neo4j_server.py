"""The local Neo4j 5.26 server (store/server.py, `tiegraph neo4j`), run for real from its jars.

Nothing is mocked: the session server answers Bolt and serves Browser (with the
tiegraph guide and style, telemetry off, complete APOC), and goes through
start / status / stop / restart via the CLI, the way a user drives it.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shlex
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import neo4j
import pytest
from neo4j_fixtures import START_TIMEOUT, local_workdir, require_local_prerequisites
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.model.errors import StoreError
from tiegraph.store import browser, class_archive, jvm, server
from tiegraph.store.connection import Connection, open_driver
from tiegraph.store.process import port_free
from tiegraph.store.server import ServerInfo


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


def _local(info: ServerInfo) -> None:
    if info.pid is None:
        pytest.skip("the session uses an external server (NEO4J_URI): its configuration is not ours")


def test_browser_gets_the_guide_and_style_and_no_telemetry(neo4j_server):
    _local(neo4j_server)
    with neo4j.GraphDatabase.driver(neo4j_server.bolt_uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        # what Browser reads after login
        client = {r["name"]: r["value"] for r in d.execute_query("CALL dbms.clientConfig()").records}
        usage = d.execute_query("SHOW SETTINGS YIELD name, value WHERE name = 'dbms.usage_report.enabled' "
                                "RETURN value").records
    assert client["client.allow_telemetry"] == "false" and usage[0]["value"] == "false"
    base = f"{neo4j_server.http_url}/browser/tiegraph"
    assert client["browser.post_connect_cmd"] == (f"config autoComplete: false; style {base}/style.grass; "
                                                  f"guide {base}/guide.html")
    assert client["browser.remote_content_hostname_whitelist"].split(",") == [base, "127.0.0.1", "localhost"]

    _, _, sheet = _http_get(f"{base}/style.grass")
    assert sheet == browser.grass()
    for url in (f"{base}/guide.html", f"{base}/tiegraph"):  # by URL, and by name (:play tiegraph)
        _, _, guide = _http_get(url)
        assert all(f". {browser.inline_code(q.title)}</h3>" in guide for q in browser.saved_queries())
    with urllib.request.urlopen(neo4j_server.browser_url, timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "segment" not in policy and "canny" not in policy and "googleapis" not in policy
    assert "script-src 'self';" in policy


@pytest.fixture
def local_http(tmp_path: Path) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 serving ``tmp_path`` (what APOC and LOAD CSV fetch from)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_apoc_load_json_and_load_csv_over_http(neo4j_server, local_http, tmp_path):
    """APOC is complete enough for its loaders: before its runtime jars were added (store/server/pom.xml)
    both failed with "Could not initialize class apoc.util.SupportedProtocols"."""
    _local(neo4j_server)
    (tmp_path / "actors.json").write_text('{"actors": [{"id": "TUR"}, {"id": "AZE"}]}', encoding="utf-8")
    (tmp_path / "actors.csv").write_text("id,kind\nTUR,state\nKAZ,state\n", encoding="utf-8")
    with neo4j.GraphDatabase.driver(neo4j_server.bolt_uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        loaded = d.execute_query("CALL apoc.load.json($url) YIELD value RETURN [a IN value.actors | a.id] AS ids",
                                 url=f"{local_http}/actors.json").records
        rows = d.execute_query("LOAD CSV WITH HEADERS FROM $url AS row RETURN collect(row.id) AS ids",
                               url=f"{local_http}/actors.csv").records
        # https goes through the same protocol check: with nothing listening, the error is the connection's
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        with pytest.raises(neo4j.exceptions.ClientError) as failed:
            d.execute_query(f"LOAD CSV FROM 'https://127.0.0.1:{port}/x.csv' AS row RETURN row")
    assert loaded[0]["ids"] == ["TUR", "AZE"] and rows[0]["ids"] == ["TUR", "KAZ"]
    assert failed.value.code == "Neo.ClientError.Statement.ExternalResourceFailed"
    assert "SupportedProtocols" not in str(failed.value)


def test_apoc_arrow_round_trip_and_only_the_cloud_handlers_missing(neo4j_server):
    """Arrow comes with the jars (store/server/pom.xml); APOC's S3 and Google Cloud Storage URL
    handlers are left out on purpose: the only classes the server's log says APOC failed to load."""
    _local(neo4j_server)
    with neo4j.GraphDatabase.driver(neo4j_server.bolt_uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        chunks = d.execute_query("CALL apoc.export.arrow.stream.query('UNWIND [\"TUR\", \"AZE\"] AS id RETURN id') "
                                 "YIELD value RETURN collect(value) AS chunks").records[0]["chunks"]
        back = d.execute_query("UNWIND $chunks AS chunk CALL apoc.load.arrow.stream(chunk) YIELD value "
                               "RETURN collect(value.id) AS ids", chunks=chunks).records
    assert back[0]["ids"] == ["TUR", "AZE"]
    workdir = local_workdir()
    assert workdir is not None
    log = (workdir / "logs" / "debug.log").read_text(encoding="utf-8", errors="replace")
    this_start = log.rsplit("======== Neo4j", 1)[-1]
    missing = re.findall(r"Failed to load `([^`]+)`", this_start)
    assert missing and all(name.startswith(("apoc.util.s3.", "apoc.util.google.cloud.")) for name in missing), missing


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
    assert workdir is not None
    status = server.status(workdir)
    # the bulk-load tests restart the session server in place (same ports and password, a new
    # process), so everything but the pid must match, and the pid must be the running one
    assert status is not None and replace(status, pid=None) == replace(neo4j_server, pid=None)
    assert status.pid is not None and server.running_pid(workdir) == status.pid
    # $TIEGRAPH_NEO4J_JVM_OPTS (the suite sets it: tests/neo4j_fixtures.py) reaches the server's JVM
    command = Path(f"/proc/{status.pid}/cmdline").read_bytes().decode().split("\0")
    wanted = jvm.extra_options()
    assert any(command[i:i + len(wanted)] == wanted for i in range(len(command))), (wanted, command)


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


def test_startup_timeout_names_the_log_and_leaves_nothing_running(tmp_path, monkeypatch):
    require_local_prerequisites()
    monkeypatch.setenv("TIEGRAPH_NEO4J_CLASS_ARCHIVE", "on")
    workdir = tmp_path / "slow"
    standard = (server.STANDARD_BOLT_PORT, server.STANDARD_HTTP_PORT)
    free = [port_free(port) for port in standard]
    with pytest.raises(StoreError) as caught:
        server.start(workdir, password="longenough", timeout=0.5, standard_ports=True)
    message = str(caught.value)
    first = message.splitlines()[0]
    assert first.startswith("Neo4j did not answer on bolt://127.0.0.1:")
    assert f"within 0.5 s (see {workdir.resolve() / 'logs' / 'console.log'}" in first
    assert server.running_pid(workdir) is None
    assert server.status(workdir) is None
    # nor a class archive: the classes of a failed start are not kept
    assert server.saved_state(workdir).get("class_dump") is None
    assert not list(server.default_home().glob(f"{class_archive.ARCHIVE}.*.partial"))
    # a user's first start (`tiegraph neo4j start`) takes Neo4j's own ports where they are free (a
    # developer's server may hold them: then a free one)
    ports = (server.saved_state(workdir)["bolt_port"], server.saved_state(workdir)["http_port"])
    assert [port == wanted for port, wanted in zip(ports, standard, strict=True)] == free


def test_a_class_archive_is_adopted_only_if_java_can_map_it(tmp_path, monkeypatch):
    """store.class_archive on a jar cache of its own (links to the real jars): a dump is written by a
    real JVM (the admin tool, for speed), a torn copy of it is refused and deleted, the whole one
    is moved into place, and the next launch maps it; a dump nobody adopted for an hour is removed."""
    import os
    import subprocess

    require_local_prerequisites()
    monkeypatch.delenv("TIEGRAPH_NEO4J_CLASS_ARCHIVE", raising=False)  # the suite turns it off
    lib = jvm.resolve_jars()
    home = tmp_path / "jars"
    home.mkdir()
    for name in ("lib", "plugins"):
        (home / name).symlink_to(lib.parent / name, target_is_directory=True)
    abandoned = home / f"{class_archive.ARCHIVE}.old.partial"
    abandoned.write_bytes(b"left by a server nobody stopped")
    os.utime(abandoned, (time.time() - 2 * class_archive.ABANDONED_AFTER,) * 2)

    flags, dump = class_archive.launch_flags(home / "lib")
    assert dump is not None and flags == [f"-XX:ArchiveClassesAtExit={dump}"] and not abandoned.exists()
    subprocess.run([jvm.java(), *flags, "-cp", jvm.classpath(home / "lib"), jvm.ADMIN_TOOL, "--version"],
                   capture_output=True, check=True, env=jvm.neo4j_env(tmp_path))
    whole = dump.read_bytes()
    torn = home / f"{class_archive.ARCHIVE}.torn.partial"
    torn.write_bytes(whole[: len(whole) // 2])  # a JVM killed while dumping: Java would crash mapping it
    here = set(Path.cwd().glob("hs_err_pid*.log"))
    assert class_archive.adopt(torn) is False and not torn.exists()
    assert set(Path.cwd().glob("hs_err_pid*.log")) == here  # the check's crash report is not left here
    assert not (home / class_archive.ARCHIVE).exists()

    assert class_archive.adopt(dump) is True and not dump.exists()
    archive = home / class_archive.ARCHIVE
    assert archive.read_bytes() == whole
    assert class_archive.launch_flags(home / "lib") == ([f"-XX:SharedArchiveFile={archive}"], None)


def test_cli_start_status_stop_restart(neo4j_server, tmp_path):
    """A user's round trip through the CLI on the session's local server: a second start finds it
    running (another password, given or from NEO4J_PASSWORD, is refused), status with and without
    the password, stop, stop again, and a start without a password that brings the same server back
    (saved password, same ports, data kept).

    One JVM start in all, the session server's own restart, rather than a server of its own (two
    starts and a set-initial-password): a server start is the slowest step of the suite. A first
    start in a fresh directory with NEO4J_PASSWORD is the session fixture's (the same
    ``server.start``); with NEO4J_URI (no local session server) this test makes one through the
    CLI, in a directory of its own.
    """
    require_local_prerequisites()
    runner = CliRunner()
    nowhere = runner.invoke(app, ["neo4j", "status", "--workdir", str(tmp_path / "none")])
    assert nowhere.exit_code == 1 and "not running" in nowhere.stdout

    shared = local_workdir()
    workdir = shared or tmp_path / "cli"
    password = neo4j_server.password if shared is not None else "cli-test-password"
    args = ["--workdir", str(workdir)]
    starting = ["neo4j", "start", *args, "--timeout", f"{START_TIMEOUT:g}"]
    env = {"NEO4J_PASSWORD": password}
    if shared is None:
        first = runner.invoke(app, starting, env=env)
        assert first.exit_code == 0, (first.stdout, first.stderr)
    auth = ("neo4j", password)
    state = json.loads((workdir / "state.json").read_text())
    try:
        assert (workdir / "state.json").stat().st_mode & 0o077 == 0  # it holds the password
        pid = state["pid"]
        with neo4j.GraphDatabase.driver(state["bolt_uri"], auth=auth) as d:
            d.execute_query("CREATE (:Kept {name: 'survives a restart'})")

        # A second start finds the running server and says how to reach it; another password is refused.
        again = runner.invoke(app, starting, env=env)
        assert again.exit_code == 0 and f"pid {pid}" in again.stdout
        export = f"export NEO4J_URI={state['bolt_uri']} NEO4J_USER=neo4j NEO4J_PASSWORD={shlex.quote(password)}"
        assert export in again.stdout
        assert f"Browser:  http://127.0.0.1:{state['http_port']}/browser/" in again.stdout
        for other, other_env in ((["--password", "another-password"], env), ([], {"NEO4J_PASSWORD": "another-one"})):
            refused = runner.invoke(app, [*starting, *other], env=other_env)
            assert refused.exit_code == 1
            assert refused.stderr.startswith("Error: Neo4j is already running in ") and "Traceback" not in refused.stderr

        shown = runner.invoke(app, ["neo4j", "status", *args])
        assert shown.exit_code == 0 and password not in shown.stdout
        assert f"Password: (hidden: --show-password prints it; it is in {workdir / 'state.json'})" in shown.stdout
        asked = runner.invoke(app, ["neo4j", "status", *args, "--show-password"])
        assert asked.exit_code == 0 and f"  Password: {password}\n" in asked.stdout
        stopped = runner.invoke(app, ["neo4j", "stop", *args])
        assert stopped.exit_code == 0 and "Neo4j stopped" in stopped.stdout
        assert runner.invoke(app, ["neo4j", "stop", *args]).stdout.startswith("Neo4j was not running")
        assert runner.invoke(app, ["neo4j", "status", *args]).exit_code == 1
        assert server.status(workdir) is None

        # Restart without a password: the saved one is used, the data and ports are kept.
        with neo4j.GraphDatabase.driver(state["bolt_uri"], auth=auth) as d:
            with pytest.raises(neo4j.exceptions.ServiceUnavailable):
                d.verify_connectivity()
        restarted = runner.invoke(app, starting, env={"NEO4J_PASSWORD": None})
        assert restarted.exit_code == 0, (restarted.stdout, restarted.stderr)
        assert export in restarted.stdout
        info = server.status(workdir)
        assert info is not None and info.bolt_uri == state["bolt_uri"] and info.password == password
        assert info.pid != pid and info.http_url == f"http://127.0.0.1:{state['http_port']}"
        with neo4j.GraphDatabase.driver(info.bolt_uri, auth=auth) as d:
            records, _, _ = d.execute_query("MATCH (k:Kept) RETURN k.name AS name")
        assert [r["name"] for r in records] == ["survives a restart"]
    finally:
        if shared is None:
            server.stop(workdir)
            assert server.status(workdir) is None
        else:  # the session server stays up for the other tests, without this test's node
            if server.status(shared) is None:
                server.start_again(shared, timeout=START_TIMEOUT)
            with neo4j.GraphDatabase.driver(state["bolt_uri"], auth=auth) as d:
                d.execute_query("MATCH (k:Kept) DELETE k")
