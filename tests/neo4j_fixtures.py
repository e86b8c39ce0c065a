"""The session-scoped ``neo4j_server`` fixture: a real Neo4j 5.26 for the tests that need one.

With NEO4J_URI set it uses that server (NEO4J_USER, NEO4J_PASSWORD; NEO4J_HTTP_URL
for the Browser checks, optional), e.g. ``docker compose up -d``.  Otherwise it
starts a local server from the Maven Central jars (store.server) in a temporary
directory and stops it when the session ends.  Without Java or Maven a developer
gets a skip; under CI=true every failure to start is a test failure, so a broken
setup can never pass as "all skipped".

Registered for every test module by ``pytest_plugins`` in tests/conftest.py;
the helpers that are not fixtures (``run``, ``own_server``, ``kill_when``) are imported
by name (``from neo4j_fixtures import run``). One server is started per session and
shared by every test that asks for it.

``empty_db`` (a driver on that server, its database emptied) and ``run`` are the
setup the store tests share; ``own_server`` starts a throwaway local server in a
directory of its own, for tests that stop or restart it (the session server is
shared by other tests and must keep running).
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tiegraph.model.errors import StoreError
from tiegraph.store import server
from tiegraph.store.connection import Connection, open_driver
from tiegraph.store.server import ServerInfo

#: The suite's Neo4j JVMs compile with C1 only (store.jvm.extra_options): about half the CPU per
#: server start on 2 cores, and the tests' short workloads never pay back C2's compilations.
#: A value set by the caller wins (an empty one gives the JVM's defaults).
os.environ.setdefault("TIEGRAPH_NEO4J_JVM_OPTS", "-XX:TieredStopAtLevel=1")
#: ...and without the class archive (store.class_archive): on a fresh machine, every CI run, the suite
#: would pay for dumping it (a slower first start, ~20 s more on the first stop) and gain less than
#: that on the few starts after. tests/test_neo4j_server.py turns it on where it tests it.
os.environ.setdefault("TIEGRAPH_NEO4J_CLASS_ARCHIVE", "off")

#: seconds; a cold jar download is not included (resolve_jars runs before the clock starts)
START_TIMEOUT = float(os.environ.get("TIEGRAPH_NEO4J_START_TIMEOUT", "180"))

_shared: dict[str, object] = {"info": None, "workdir": None, "error": None, "users": 0}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_local_prerequisites() -> None:
    """Skip (or, under CI, fail) when this machine cannot run the local server at all."""
    missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
    if "java" in missing and os.environ.get("JAVA_HOME"):
        missing.remove("java")
    if "mvn" in missing and (server.default_home() / ".complete").is_file():
        missing.remove("mvn")  # jars already cached: Maven is not needed
    if missing:
        message = f"local Neo4j needs {' and '.join(missing)} (or set NEO4J_URI to a running server)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def _start_shared(tmp_root: Path) -> ServerInfo:
    if _shared["error"] is not None:
        raise _shared["error"]  # type: ignore[misc]
    if _shared["info"] is None:
        require_local_prerequisites()
        workdir = tmp_root / "neo4j-server"
        try:
            server.resolve_jars()
            # A leading "-" on purpose: neo4j-admin once read such a password as an option (a CI failure).
            info = server.start(workdir, password="-" + secrets.token_urlsafe(12), timeout=START_TIMEOUT)
        except StoreError as exc:
            _shared["error"] = pytest.fail.Exception(f"local Neo4j did not start: {exc}")
            raise _shared["error"] from None  # type: ignore[misc]
        _shared.update(info=info, workdir=workdir)
        atexit.register(server.stop, workdir)  # if the session dies before its finalizers run
    return _shared["info"]  # type: ignore[return-value]


def local_workdir() -> Path | None:
    """The work directory of the session's local server, None when none was started."""
    return _shared["workdir"]  # type: ignore[return-value]


def _release() -> None:
    _shared["users"] = int(_shared["users"]) - 1  # type: ignore[call-overload]
    if _shared["users"] == 0 and _shared["workdir"] is not None:
        server.stop(_shared["workdir"])  # type: ignore[arg-type]
        _shared.update(info=None, workdir=None)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """A running Neo4j 5.26: the one NEO4J_URI names, else a local one started for this session."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        http = os.environ.get("NEO4J_HTTP_URL", "").rstrip("/") or None
        yield ServerInfo(uri, http, f"{http}/browser/" if http else None,
                         os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""), None)
        return
    info = _start_shared(tmp_path_factory.getbasetemp())
    _shared["users"] = int(_shared["users"]) + 1  # type: ignore[call-overload]
    try:
        yield info
    finally:
        _release()


def run(driver: Any, query: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of one auto-commit query on the ``neo4j`` database, as dicts."""
    with driver.session(database="neo4j") as session:
        return [r.data() for r in session.run(query, params)]


@pytest.fixture
def empty_db(neo4j_server: ServerInfo) -> Iterator[tuple[Connection, Any]]:
    """``(conn, driver)`` on the session server, its database emptied first."""
    conn = Connection(neo4j_server.bolt_uri, neo4j_server.user, neo4j_server.password, "neo4j")
    with open_driver(conn) as driver:
        run(driver, "MATCH (n) DETACH DELETE n")
        yield conn, driver


def own_server(workdir: Path) -> ServerInfo:
    """A second local server in ``workdir`` (stop it when done); a failure to start fails the test."""
    require_local_prerequisites()
    try:
        return server.start(workdir, password="-" + secrets.token_urlsafe(12), timeout=START_TIMEOUT)
    except StoreError as exc:
        pytest.fail(f"second local Neo4j did not start: {exc}")


def kill_when(command: list[str], env: dict[str, str], ready: Callable[[], bool], *, timeout: float,
              what: str) -> None:
    """Run ``command`` (from the repository) and SIGKILL it as soon as ``ready()`` holds.

    Fails if it ends by itself first or is not ready within ``timeout`` seconds.
    """
    from helpers import REPO

    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert proc.poll() is None, f"{what} ended before it could be killed: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, f"{what} was not ready to be killed within {timeout:g} s"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        assert proc.stderr is not None
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
