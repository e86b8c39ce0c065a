"""Class-data sharing for the server JVM: every start after the first in about half the time and CPU.

Why: a Neo4j start spends most of its time loading, parsing and verifying
classes, with the JIT compilers busy on that code too. Mapping them from an
archive instead took a start from 34.3 s to 11.6 s on a 2-core machine
(``python -m bench.server_start``, BENCHMARKS.md section 6). Java 17
can dump the classes a run loaded into an archive when the JVM exits
(``-XX:ArchiveClassesAtExit``) and map that archive at the next start
(``-XX:SharedArchiveFile``). The archive depends only on the JVM and the jars,
so it sits beside the jars (``<jar cache>/server.jsa``) and serves every work
directory; ``store.jvm.resolve_jars`` removes it when it swaps the jars.

The care taken: a truncated archive (a JVM killed while it was dumping) crashes
the next JVM that maps it (tried: SIGABRT). So a run dumps under a name of its
own (``server.jsa.<token>.partial``, recorded in the work directory's
state.json); ``stop`` adopts it only once the JVM has exited and
``java -Xshare:on -XX:SharedArchiveFile=… -version`` has mapped it and exited 0,
and renames it into place. A dump that fails that check is deleted, as is one
left behind by a run nobody stopped. An archive Java finds out of date (another
JVM, other jars) it ignores with a warning in console.log and starts as usual.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

from tiegraph.store.jvm import classpath, java

ARCHIVE = "server.jsa"
#: seconds: a dump no stop adopted within this time was left by a server nobody stopped
ABANDONED_AFTER = 3600


def launch_flags(lib: Path) -> tuple[list[str], Path | None]:
    """JVM flags for a server on the jars in ``lib``, and the dump path to adopt after it stops (if any).

    With an archive: map it. Without: ask the JVM to dump one at exit under a name of its own.
    ``TIEGRAPH_NEO4J_CLASS_ARCHIVE=off`` does neither.
    """
    if os.environ.get("TIEGRAPH_NEO4J_CLASS_ARCHIVE", "").lower() in ("0", "off", "no", "false"):
        return [], None
    home = lib.parent
    archive = home / ARCHIVE
    if archive.is_file():
        return [f"-XX:SharedArchiveFile={archive}"], None
    _remove_abandoned(home)
    dump = home / f"{ARCHIVE}.{secrets.token_hex(6)}.partial"
    return [f"-XX:ArchiveClassesAtExit={dump}"], dump


def adopt(dump: Path) -> bool:
    """After the JVM that wrote ``dump`` has exited: move it into place if Java can map it, else delete it.

    True if the archive is in place now. Another server's dump adopted first is kept (same
    jars, same JVM: either serves).
    """
    archive = dump.with_name(ARCHIVE)
    if not dump.is_file():
        return archive.is_file()
    lib = dump.parent / "lib"
    # A bad archive makes this JVM abort: its crash report goes to a scratch directory, not the caller's.
    with tempfile.TemporaryDirectory(prefix="tiegraph-cds-check-") as scratch:
        try:
            check = subprocess.run([java(), "-Xshare:on", f"-XX:SharedArchiveFile={dump}",
                                    f"-XX:ErrorFile={scratch}/hs_err_%p.log", "-XX:-CreateCoredumpOnCrash",
                                    "-cp", classpath(lib), "-version"], cwd=scratch, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            usable = check.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            usable = False
    if usable and not archive.exists():
        dump.replace(archive)
    else:
        dump.unlink(missing_ok=True)
    return archive.is_file()


def remove(home: Path) -> None:
    """Delete the archive and every dump in a jar cache (its jars are being replaced)."""
    for path in (home / ARCHIVE, *home.glob(f"{ARCHIVE}.*.partial")):
        path.unlink(missing_ok=True)


def _remove_abandoned(home: Path) -> None:
    """Dumps are written when their JVM exits, so one older than ``ABANDONED_AFTER`` will never be adopted."""
    now = time.time()
    for path in home.glob(f"{ARCHIVE}.*.partial"):
        try:
            if now - path.stat().st_mtime > ABANDONED_AFTER:
                path.unlink()
        except OSError:
            continue
