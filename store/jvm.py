"""Java, the Neo4j jars and ``neo4j-admin``: what both the server and the bulk import run on.

Why a module of its own: ``store.server`` runs the server JVM (CommunityEntryPoint)
and ``store.bulk`` runs the admin tool (``database import full``) on the same jars,
the same java binary and the same work directory configuration; keeping that in
one place means the two can never disagree on a version, a classpath or an
environment variable.

Maven Central carries the server (``org.neo4j:neo4j``), Neo4j Browser and APOC
core, so ``resolve_jars`` copies them into a cache once (no Docker, no
neo4j.com download, which the machines this runs on cannot reach).  The pom
also names the few jars APOC needs at run time that the server's own
dependencies leave out (see its comments).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tiegraph.model.errors import StoreError

try:  # Unix only; without it concurrent starts on one work directory are not serialised.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

POM = Path(__file__).resolve().parent / "server" / "pom.xml"
#: Read from the pom (one place to change it); it also names the jar cache directory.
NEO4J_VERSION = re.findall(r"<neo4j.version>([^<]+)</", POM.read_text(encoding="utf-8"))[0]
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
_MARKER = ".complete"

# Taken from the server.jvm.additional lines of the 5.26 distribution's neo4j.conf: launching
# CommunityEntryPoint directly bypasses the bootloader that would otherwise add them.
JVM_FLAGS = [
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC", "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024", "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048", "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
]


def extra_options() -> list[str]:
    """$TIEGRAPH_NEO4J_JVM_OPTS, split as a shell would: JVM options added to every Neo4j JVM (server and
    neo4j-admin), e.g. ``-XX:TieredStopAtLevel=1`` (the test suite's: C1 only, about half the CPU per
    start on 2 cores, and short test workloads never pay back the C2 compilations)."""
    return shlex.split(os.environ.get("TIEGRAPH_NEO4J_JVM_OPTS", ""))


def default_home() -> Path:
    """Jar cache: $TIEGRAPH_NEO4J_HOME, else ~/.cache/tiegraph/neo4j-<version> (shared by all work dirs)."""
    if os.environ.get("TIEGRAPH_NEO4J_HOME"):
        return Path(os.environ["TIEGRAPH_NEO4J_HOME"]).expanduser().resolve()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return (cache / "tiegraph" / f"neo4j-{NEO4J_VERSION}").resolve()


def resolve_jars(cache_dir: Path | None = None) -> Path:
    """Return ``<cache_dir>/lib`` holding the server's jars, fetching them with Maven the first time.

    ``cache_dir`` (default ``default_home()``) gets ``lib/`` (server, Browser) and ``plugins/``
    (APOC: Neo4j loads procedures only from its plugins directory).  The marker file is written
    last and records the pom's hash, so an interrupted download or an edited pom is redone.
    """
    home = (cache_dir or default_home()).resolve()
    lib, plugins, marker = home / "lib", home / "plugins", home / _MARKER
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    if marker.is_file() and marker.read_text().strip() == digest and lib.is_dir():
        return lib
    home.mkdir(parents=True, exist_ok=True)
    with locked(home / ".lock"):
        if marker.is_file() and marker.read_text().strip() == digest and lib.is_dir():
            return lib  # another process finished the download while we waited
        mvn = shutil.which("mvn")
        if not mvn:
            raise StoreError("Maven (mvn) not found: it is needed once to fetch the Neo4j jars "
                             "(apt-get install maven, or set TIEGRAPH_NEO4J_HOME to a ready jar cache)")
        marker.unlink(missing_ok=True)
        staging, new_plugins = home / "lib.partial", home / "plugins.partial"
        for d in (staging, new_plugins):
            shutil.rmtree(d, ignore_errors=True)
        log = home / "mvn.log"
        cmd = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
               f"-DoutputDirectory={staging}"]
        with open(log, "wb") as out:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
        if rc != 0:
            errors = [ln for ln in log.read_text(errors="replace").splitlines() if "[ERROR]" in ln]
            first = re.sub(r"\x1b\[[0-9;]*m", "", errors[0] if errors else f"exit code {rc}")
            first = first.replace("[ERROR]", "").replace("-> [Help 1]", "").strip()
            raise StoreError(f"mvn failed: {first} (full output: {log})")
        from tiegraph.store import class_archive  # (it imports this module)

        class_archive.remove(home)  # made from the jars about to be replaced
        new_plugins.mkdir()
        for jar in staging.glob("apoc-*.jar"):
            jar.rename(new_plugins / jar.name)
        # Swapped in only now, old set kept aside until the next swap: a server started from the
        # old jars (another work directory) keeps finding the jars it has not opened yet.
        for current, fresh in ((lib, staging), (plugins, new_plugins)):
            aside = current.with_name(current.name + ".old")
            shutil.rmtree(aside, ignore_errors=True)
            if current.exists():
                current.rename(aside)
            fresh.rename(current)
        marker.write_text(digest + "\n")
    return lib


def classpath(lib: Path) -> str:
    """The plugins (APOC) and the server jars, as the server and the admin tool both load them."""
    return os.pathsep.join([str(lib.parent / "plugins" / "*"), str(lib / "*")])


def java() -> str:
    """The java binary ($JAVA_HOME first), checked to be Java 17+ (Neo4j 5.26 runs on 17 and 21)."""
    in_home = Path(os.environ.get("JAVA_HOME") or "/nonexistent") / "bin" / "java"
    binary = str(in_home) if in_home.is_file() else shutil.which("java")
    if not binary:
        raise StoreError("Java not found: Neo4j 5.26 needs Java 17 or 21 (apt-get install openjdk-17-jre-headless)")
    out = subprocess.run([binary, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(?:1\.)?(\d+)', out)
    if not match or int(match.group(1)) < 17:
        raise StoreError(f"Java 17 or newer is needed for Neo4j 5.26, found: {out.strip().splitlines()[:1]}")
    return binary


def neo4j_env(workdir: Path) -> dict[str, str]:
    """NEO4J_HOME and NEO4J_CONF of a work directory: the admin tool reads the server's neo4j.conf."""
    return {**os.environ, "NEO4J_HOME": str(workdir), "NEO4J_CONF": str(workdir / "conf")}


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGKILL when the Python process dies (a killed load leaves no importer behind)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_admin(workdir: Path, args: list[str], *, heap: str | None = None, cwd: Path | None = None,
              output: IO[bytes] | None = None, cache_dir: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``neo4j-admin ARGS`` on the jars, with the work directory's configuration.

    ``output`` receives stdout and stderr (else they are captured in the result);
    the child dies with this process, so an interrupted caller never leaves an
    admin command writing into a store behind.
    """
    lib = resolve_jars(cache_dir)
    memory = [f"-Xmx{heap}"] if heap else []
    command = [java(), *memory, *JVM_FLAGS, *extra_options(), "-cp", classpath(lib), ADMIN_TOOL, *args]
    target = output if output is not None else subprocess.PIPE
    return subprocess.run(command, env=neo4j_env(workdir), cwd=cwd or workdir, stdin=subprocess.DEVNULL,
                          stdout=target, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)


def admin_error(text: str, returncode: int) -> str:
    """The telling line of a failed admin command: its deepest ``Caused by``, else its first line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    causes = [ln.removeprefix("Caused by:").strip() for ln in lines if ln.startswith("Caused by:")]
    telling = causes[-1:] or [ln for ln in lines if not ln.startswith("at ")]
    return telling[0] if telling else f"exit code {returncode}"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so two processes never download or start into one directory at once."""
    with open(path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
