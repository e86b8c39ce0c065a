"""Benchmark: how long a local Neo4j takes to start, without and with the class archive.

``store.class_archive`` has the first server JVM dump the classes it loaded
when it stops, and every later start map them. This script measures what that
buys, in one run, on a jar cache of its own (links to the real jars, so the
real cache's archive is neither used nor touched): start 1 has no archive; its
stop writes and checks one; starts 2.. map it. For each: wall seconds until
Bolt and HTTP answer, the server's CPU seconds by then (its threads on all
cores), and the stop's wall seconds (the first includes the dump).

    python -m bench.server_start            # 1 cold + 4 warm starts
    python -m bench.server_start --quick    # 1 cold + 1 warm start
    TIEGRAPH_NEO4J_JVM_OPTS=-XX:TieredStopAtLevel=1 python -m bench.server_start   # C1 only
    TIEGRAPH_NEO4J_CLASS_ARCHIVE=off python -m bench.server_start                 # no archive at all

Not run by tests/test_bench_quick.py: even quick mode costs three server
starts and a dump (about a minute); tests/test_neo4j_server.py checks that a
restarted server maps the archive.
"""

from __future__ import annotations

import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench._harness import footer, header, parser, table
from bench.neo4j_load import process_cpu
from tiegraph.store import class_archive, jvm, server

WARM_QUICK, WARM_FULL = 1, 4


def jar_cache_of_its_own(root: Path) -> Path:
    """A jar cache whose lib/ and plugins/ link to the real ones (resolved first), with no archive."""
    lib = jvm.resolve_jars()
    home = root / "jars"
    home.mkdir()
    for name in ("lib", "plugins"):
        (home / name).symlink_to(lib.parent / name, target_is_directory=True)
    shutil.copy(lib.parent / ".complete", home / ".complete")
    return home


def one_start(workdir: Path, home: Path, password: str) -> dict[str, float | str]:
    began = time.perf_counter()
    info = server.start(workdir, password=password, timeout=300, cache_dir=home)
    ready = time.perf_counter() - began
    cpu = process_cpu(info.pid)
    mapped = "yes" if str(home / class_archive.ARCHIVE) in Path(f"/proc/{info.pid}/maps").read_text() else "no"
    began = time.perf_counter()
    server.stop(workdir)
    return {"start_s": ready, "server_cpu_s": cpu, "stop_s": time.perf_counter() - began, "archive_mapped": mapped}


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    header("local Neo4j start, without and with the class archive", args.quick)
    print(f"extra JVM options ($TIEGRAPH_NEO4J_JVM_OPTS): {' '.join(jvm.extra_options()) or 'none'}")
    root = Path(tempfile.mkdtemp(prefix="server-start-", dir=args.workdir if args.workdir.is_dir() else None))
    try:
        home = jar_cache_of_its_own(root)
        workdir, password = root / "server", "-" + secrets.token_urlsafe(12)
        rows = []
        for run in range(1 + (WARM_QUICK if args.quick else WARM_FULL)):
            row = one_start(workdir, home, password)
            row["start"] = f"{run + 1} ({'archive' if row['archive_mapped'] == 'yes' else 'no archive'})"
            row["archive_after"] = "yes" if (home / class_archive.ARCHIVE).is_file() else "no"
            rows.append(row)
        table(rows, ["start", "start_s", "server_cpu_s", "stop_s", "archive_mapped", "archive_after"])
        if not (home / class_archive.ARCHIVE).is_file():  # TIEGRAPH_NEO4J_CLASS_ARCHIVE=off
            print(f"no class archive; median start {statistics.median(float(r['start_s']) for r in rows):.1f} s, "
                  f"server CPU {statistics.median(float(r['server_cpu_s']) for r in rows):.1f} s")
            return
        size = (home / class_archive.ARCHIVE).stat().st_size / 2**20
        cold, warm = rows[0], rows[1:]
        warm_start = statistics.median(float(r["start_s"]) for r in warm)
        warm_cpu = statistics.median(float(r["server_cpu_s"]) for r in warm)
        print(f"archive: {size:,.0f} MB; first stop (dump + check) {float(cold['stop_s']):.1f} s")
        print(f"start with the archive (median of {len(warm)}): {warm_start:.1f} s wall, {warm_cpu:.1f} s server CPU; "
              f"ratio cold / warm: {float(cold['start_s']) / warm_start:.2f}x wall, "
              f"{float(cold['server_cpu_s']) / warm_cpu:.2f}x CPU")
    finally:
        server.stop(root / "server")
        shutil.rmtree(root, ignore_errors=True)
        footer()


if __name__ == "__main__":
    main()
