"""A real local Neo4j 5.26 Community server, run from Maven Central jars (no Docker, no tarball).

Why: the tool and its tests need a real Neo4j, and the machines it runs on have
Java 17 and Maven but neither Docker nor access to neo4j.com.  ``store.jvm``
fetches the jars once; ``start`` runs ``org.neo4j.server.CommunityEntryPoint``
on them with a config file that keeps every data, log and run file inside one
work directory, and ``restart`` / ``start_again`` bring the same server back
(same ports, password and memory: what the bulk import needs around it).
Docker users can use docker-compose.yml instead; both give the same Bolt +
Browser endpoints.

Work directory layout: ``conf/neo4j.conf``, ``data/``, ``logs/`` (``console.log``
is the JVM's stdout/stderr, ``neo4j.log`` the server's log), ``run/`` (also the
JVM's temporary directory), ``import/``, ``web/neo4j-browser.zip`` (Browser with
the tiegraph guide and style, store.browser), ``neo4j.pid`` and ``state.json``
(URLs, ports, user, password, pid; mode 0600).

The configuration is store.server_config, the pid / port / state-file helpers
store.process; this module keeps the lifecycle and the public API.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tiegraph.model.errors import StoreError
from tiegraph.store import browser, class_archive
from tiegraph.store.jvm import (  # noqa: F401  (re-exported: callers import them from here)
    ENTRY_POINT,
    JVM_FLAGS,
    NEO4J_VERSION,
    admin_error,
    classpath,
    default_home,
    extra_options,
    java,
    locked,
    neo4j_env,
    resolve_jars,
    run_admin,
)
from tiegraph.store.process import (
    alive,
    children,
    pick_port,
    read_pid,
    read_state,
    terminate,
    write_state,
)
from tiegraph.store.server_config import neo4j_conf

USER = "neo4j"
#: The tests run two or three such servers side by side on a 2-core, 24 GB machine (CI too); a
#: million ties want more (2g / 3g): --heap/--pagecache or TIEGRAPH_NEO4J_HEAP / _PAGECACHE.
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "512m"
MIN_PASSWORD_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length default
#: Neo4j's own ports: a user's first start takes them when free (``standard_ports``), so Bolt and
#: Browser are where every Neo4j guide says; the tests' and benchmarks' servers take free ones.
STANDARD_BOLT_PORT = 7687
STANDARD_HTTP_PORT = 7474

logging.getLogger("neo4j").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class ServerInfo:
    """Where a running server answers and how to log in; ``pid`` is None for a server we did not start."""

    bolt_uri: str
    http_url: str | None
    browser_url: str | None
    user: str
    password: str
    pid: int | None


def start(workdir: Path, *, password: str, bolt_port: int | None = None, http_port: int | None = None,
          timeout: float = 120, heap: str | None = None, pagecache: str | None = None,
          cache_dir: Path | None = None, http: bool = True, standard_ports: bool = False) -> ServerInfo:
    """Start (or find already running) a server in ``workdir`` and wait until Bolt (and HTTP) answer.

    Ports not given are reused from the last start when free, else (with ``standard_ports``, on a
    first start) 7687 and 7474 when free, else picked free.  The password
    is set before the very first start (that is when Neo4j reads it); a work directory keeps it
    for good, so a different one later is an error rather than a silent lock-out.
    """
    workdir = workdir.expanduser().resolve()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StoreError(f"Neo4j needs a password of at least {MIN_PASSWORD_LENGTH} characters")
    workdir.mkdir(parents=True, exist_ok=True)
    with locked(workdir / ".lock"):
        previous = read_state(workdir)
        pid = running_pid(workdir)
        if pid is not None:
            return _already_running(workdir, previous, pid, password, bolt_port, http_port, timeout)
        stop(workdir)  # nothing runs: just clears a stale pid file
        if previous.get("password") not in (None, password) and (workdir / "data" / "databases").exists():
            raise StoreError(f"{workdir} was initialised with another password: use the one in "
                             f"{workdir / 'state.json'}, or delete {workdir / 'data'} to start afresh")
        bolt_port = pick_port(bolt_port, previous.get("bolt_port") or _standard(STANDARD_BOLT_PORT, standard_ports))
        http_port = pick_port(http_port, previous.get("http_port") or _standard(STANDARD_HTTP_PORT, standard_ports),
                              avoid=bolt_port)
        java_binary = java()
        lib = resolve_jars(cache_dir)
        heap = heap or os.environ.get("TIEGRAPH_NEO4J_HEAP") or DEFAULT_HEAP
        pagecache = pagecache or os.environ.get("TIEGRAPH_NEO4J_PAGECACHE") or DEFAULT_PAGECACHE
        plugins = lib.parent / "plugins"
        sharing, dump = class_archive.launch_flags(lib)
        for sub in ("conf", "data", "logs", "run", "run/tmp", "import"):
            (workdir / sub).mkdir(exist_ok=True)
        (workdir / "conf" / "neo4j.conf").write_text(
            neo4j_conf(workdir, plugins, bolt_port, http_port, heap, pagecache), encoding="utf-8")
        browser.install(workdir, lib)  # the guide follows the saved queries as they are now
        if not (workdir / "data" / "databases" / "system").exists():
            _set_initial_password(workdir, password, cache_dir)

        logs = workdir / "logs"
        offsets = {log.name: log.stat().st_size for log in logs.glob("*.log")}  # this start's lines only
        with open(logs / "console.log", "ab") as out:
            proc = subprocess.Popen(
                # tmpdir: Neo4j unpacks the Browser archive there; kept inside the work directory
                [java_binary, f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, *extra_options(), *sharing,
                 f"-Djava.io.tmpdir={workdir / 'run' / 'tmp'}",
                 "-cp", classpath(lib), ENTRY_POINT,
                 f"--home-dir={workdir}", f"--config-dir={workdir / 'conf'}"],
                cwd=workdir, env=neo4j_env(workdir), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)  # own process group: a Ctrl-C in the shell does not reach it
        children[proc.pid] = proc
        info = ServerInfo(f"bolt://127.0.0.1:{bolt_port}", f"http://127.0.0.1:{http_port}",
                          f"http://127.0.0.1:{http_port}/browser/", USER, password, proc.pid)
        (workdir / "neo4j.pid").write_text(f"{proc.pid}\n")
        write_state(workdir, {**asdict(info), "bolt_port": bolt_port, "http_port": http_port,
                               "version": NEO4J_VERSION, "heap": heap, "pagecache": pagecache,
                               "class_dump": str(dump) if dump else None})
        try:
            _wait_until_ready(info, proc, workdir, timeout, offsets, http)
        except BaseException:
            # the classes of a start that failed are not worth keeping: no archive from this run
            write_state(workdir, {**read_state(workdir), "class_dump": None})
            stop(workdir)
            if dump is not None:
                dump.unlink(missing_ok=True)
            raise
        return info


def _already_running(workdir: Path, previous: dict[str, Any], pid: int, password: str, bolt_port: int | None,
                     http_port: int | None, timeout: float) -> ServerInfo:
    """start() on a running server returns it once it answers, if password and ports agree.

    A server that is alive but silent may still be starting: wait for it rather than kill it.
    """
    if previous.get("password") != password:
        raise StoreError(f"Neo4j is already running in {workdir} with another password "
                         f"(see {workdir / 'state.json'})")
    if any(p is not None and p != previous.get(k) for k, p in (("bolt_port", bolt_port), ("http_port", http_port))):
        raise StoreError(f"Neo4j is already running in {workdir} on other ports; stop it first")
    deadline = time.monotonic() + timeout
    while (info := status(workdir)) is None:
        if time.monotonic() > deadline or running_pid(workdir) is None:
            raise StoreError(f"Neo4j (pid {pid}) runs in {workdir} but does not answer on {previous.get('bolt_uri')} "
                             f"(see {workdir / 'logs' / 'neo4j.log'}; `tiegraph neo4j stop` ends it)")
        time.sleep(0.5)
    return info


def stop(workdir: Path, timeout: float = 60) -> bool:
    """Stop the server of ``workdir`` (SIGTERM, then SIGKILL after ``timeout`` s); True if one was running.

    Idempotent: with nothing running it only removes a stale pid file.  state.json is kept
    (it holds the password and ports the next start reuses), with its pid cleared.
    """
    workdir = workdir.expanduser().resolve()
    pid = read_pid(workdir)
    was_running = pid is not None and alive(pid, workdir)
    if was_running:
        assert pid is not None
        terminate(pid, workdir, timeout)
    (workdir / "neo4j.pid").unlink(missing_ok=True)
    state = read_state(workdir)
    if state.get("class_dump"):  # the JVM has exited: its class archive is complete or never will be
        class_archive.adopt(Path(state["class_dump"]))
    if state.get("pid") is not None or state.get("class_dump"):
        write_state(workdir, {**state, "pid": None, "class_dump": None})
    return was_running


def start_again(workdir: Path, *, timeout: float = 120, cache_dir: Path | None = None,
                http: bool = True) -> ServerInfo:
    """Start the server of ``workdir`` as it was last started: same password, ports, heap and page cache.

    Same ports on purpose (an error if another process took one meanwhile): the Bolt URI users
    exported, and that ``tiegraph load --bulk`` was given, must still reach this server.
    ``http=False`` returns once Bolt answers (Browser follows ~3 s later).
    """
    workdir = workdir.expanduser().resolve()
    state = read_state(workdir)
    if not state.get("password"):
        raise StoreError(f"no local Neo4j was started in {workdir} yet ('tiegraph neo4j start' does that)")
    return start(workdir, password=state["password"], bolt_port=state.get("bolt_port"),
                 http_port=state.get("http_port"), timeout=timeout, heap=state.get("heap"),
                 pagecache=state.get("pagecache"), cache_dir=cache_dir, http=http)


def restart(workdir: Path, *, timeout: float = 120, cache_dir: Path | None = None) -> ServerInfo:
    """``stop`` then ``start_again``: the same server back, e.g. after its store was replaced offline."""
    stop(workdir)
    return start_again(workdir, timeout=timeout, cache_dir=cache_dir)


def status(workdir: Path) -> ServerInfo | None:
    """The running server of ``workdir`` if its process is alive and Bolt answers ``RETURN 1``, else None."""
    workdir = workdir.expanduser().resolve()
    state = read_state(workdir)
    pid = read_pid(workdir)
    if pid is None or not alive(pid, workdir) or not state.get("bolt_uri"):
        return None
    info = ServerInfo(state["bolt_uri"], state.get("http_url"), state.get("browser_url"),
                      state.get("user", USER), state.get("password", ""), pid)
    try:
        _bolt_ping(info)
    except Exception:  # not answering (yet): for a caller that is the same as not running
        return None
    return info


def running_pid(workdir: Path) -> int | None:
    """The server process of ``workdir`` if alive, answering or not (status() needs it answering)."""
    workdir = workdir.expanduser().resolve()
    pid = read_pid(workdir)
    return pid if pid is not None and alive(pid, workdir) else None


def saved_password(workdir: Path) -> str | None:
    """The password recorded by the last start in ``workdir``, if any."""
    return saved_state(workdir).get("password")


def saved_state(workdir: Path) -> dict[str, Any]:
    """state.json of ``workdir`` (URLs, ports, user, password, pid, heap, page cache); {} if none."""
    return read_state(workdir.expanduser().resolve())


def log_tail(workdir: Path, lines: int = 12, since: dict[str, int] | None = None) -> str:
    """The telling end of the server's logs: ERROR / Caused-by lines and the last few lines.

    ``since`` maps log names to byte offsets, so a failed start shows its own lines, not an old run's.
    """
    for name in ("neo4j.log", "console.log"):
        log = workdir / "logs" / name
        if log.is_file() and log.stat().st_size > (since or {}).get(name, 0):
            with open(log, "rb") as handle:
                handle.seek((since or {}).get(name, 0))
                text = handle.read().decode(errors="replace").splitlines()[-200:]
            keep = [ln for ln in text if re.search(r"ERROR|Exception|Caused by|Error:", ln)][-(lines - 3):]
            picked = [ln for ln in keep if ln not in text[-3:]] + text[-3:]
            return f"last lines of {log}:\n" + "\n".join("  " + ln[:300] for ln in picked)
    return "no log output"


# -- helpers ---------------------------------------------------------------------------------------

def _standard(port: int, wanted: bool) -> int | None:
    """``port`` if standard ports are ``wanted``: ``pick_port`` takes it if free, else a free one."""
    return port if wanted else None


def _set_initial_password(workdir: Path, password: str, cache_dir: Path | None) -> None:
    """``neo4j-admin dbms set-initial-password``: writes data/dbms/auth.ini, read at the first start.

    ``--`` ends the options, so a password that starts with "-" (``secrets.token_urlsafe`` makes one
    about one time in 32) is taken as the password, not as an unknown option.
    """
    (workdir / "data" / "dbms" / "auth.ini").unlink(missing_ok=True)
    done = run_admin(workdir, ["dbms", "set-initial-password", "--", password], cache_dir=cache_dir)
    if done.returncode != 0:
        text = done.stdout.decode(errors="replace")
        raise StoreError(f"neo4j-admin set-initial-password failed: {admin_error(text, done.returncode)}")


def _wait_until_ready(info: ServerInfo, proc: subprocess.Popen[bytes], workdir: Path, timeout: float,
                      offsets: dict[str, int], http: bool = True) -> None:
    """Poll until Bolt runs ``RETURN 1`` and HTTP answers; fail fast if the JVM exits or auth fails."""
    import neo4j.exceptions as nex

    console = workdir / "logs" / "console.log"
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while True:
        rc = proc.poll()
        if rc is not None:
            raise StoreError(f"Neo4j exited with code {rc} while starting (see {console}); "
                             f"{log_tail(workdir, since=offsets)}")
        try:
            _bolt_ping(info)
            if not http:
                return
            with urllib.request.urlopen(f"{info.http_url}/", timeout=2) as response:
                if response.status == 200:
                    return
        except nex.AuthError as exc:
            raise StoreError(f"Neo4j at {info.bolt_uri} rejected the password for user '{info.user}' "
                             f"({exc.message}); delete {workdir / 'data'} to start afresh") from None
        except Exception as exc:  # not up yet; kept for the message if it never comes up
            last_error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        if time.monotonic() > deadline:
            raise StoreError(f"Neo4j did not answer on {info.bolt_uri} within {timeout:g} s "
                             f"(see {console}; last error: {last_error}); {log_tail(workdir, since=offsets)}")
        time.sleep(0.25)


def _bolt_ping(info: ServerInfo) -> None:
    """One ``RETURN 1`` over Bolt with short timeouts; raises the driver's exception on failure."""
    import neo4j

    with neo4j.GraphDatabase.driver(info.bolt_uri, auth=(info.user, info.password),
                                    connection_timeout=3, connection_acquisition_timeout=3) as driver:
        with driver.session() as session:  # the home database: the system one refuses RETURN 1
            session.run("RETURN 1").consume()
