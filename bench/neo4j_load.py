"""Neo4j load throughput on the tie-node model: online writer, re-load, bulk path, real datasets.

Measured in one run, on one server, against seeded synthetic data (``bench.generate``):

(a) ``load_into`` of 1,000,000 ties among 2,000 actors (quick: 500 among 250) into an empty database:
    relationships/s and nodes/s, with the server's and this process's CPU time;
(b) the batched writer against a one-query-per-tie path on the same 10,000-tie
    sample (quick: 50): the same Cypher and the same write function, with rows
    of one tie and one transaction per tie; final counts must be identical;
(c) an idempotent re-load of (a)'s data without ``--replace`` (every tie's
    older copy is deleted and written again): time, and counts identical to (a)'s;
(d) the offline bulk path (``store.bulk.bulk_load``, what ``tiegraph load --bulk``
    runs) on (a)'s data, against ``neo4j-admin database import full`` of a lean CSV
    of the same graph (ids, type, year, one short string: ``bench.neo4j_lean``).
    Headline: relationships/s **end to end** (the whole ``bulk_load``, from the
    parsed dataset to a verified, indexed database); its import phase is compared
    with the lean import.  Needs a local server (skipped with ``$NEO4J_URI``); it
    restarts that server, so it runs last;
(e) ``tiegraph load --replace`` of the bundled data plus every dataset in
    ``../shared/external`` (imported once with ``tiegraph import all``; quick: the
    small copies in tests/fixtures/external): reading the files, then ``load_into``
    with centrality, as the command runs it;
(f) where the online writer's time goes (``bench.neo4j_ladder``): 50,000 of (a)'s
    bilateral ties (quick: 200) written again and again, one property group more
    each time, then all of them in batches of 10,000 and two batches at a time;
(g) where (d)'s import phase goes (``bench.neo4j_import_ladder``): the bulk path's own
    CSV of (a)'s data imported into the scratch database with its dates, then also its
    lists, read as plain text, alternating with the lean CSV, two rounds each (quick: one
    round of the lean CSV and the last rung).

The server is a local Neo4j started with ``store.server.start`` in a temporary
directory (``--heap``/``--pagecache``; stopped and deleted at the end), the running
local server of ``--server-workdir`` (what ``tiegraph neo4j start`` runs; the tests
pass theirs), or the one ``$NEO4J_URI`` names (``NEO4J_USER``, ``NEO4J_PASSWORD``).
**Its tiegraph data is deleted.**  Centrality is not written in (a)-(d) (it is
NetworkX work, not loading).  The machine may be shared: figures are as noisy as
its load average, printed in the header.

Example:
    python -m bench.neo4j_load            # full: about 25 minutes on 2 cores
    python -m bench.neo4j_load --quick    # under a minute plus the server start
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._harness import Stopwatch, footer, header, parser, synthetic_dir, table
from bench.neo4j_ladder import cost_ladder
from bench.neo4j_real import real_load

FULL = {"ties": 1_000_000, "sample": 10_000, "actors": 2_000, "ladder": 50_000}
#: quick mode checks that every part runs and prints its figures (tests/test_bench_quick.py), not the
#: figures: the smallest data that does, as the server restart and two importer JVMs of (d) dominate
QUICK = {"ties": 500, "sample": 50, "actors": 250, "ladder": 200}
TARGET_ONLINE = 35_000  # relationships/s, the online writer
TARGET_BULK = 50_000  # relationships/s, the bulk path end to end at 1M ties
TARGET_LEAN_RATIO = 0.75  # the bulk import phase against the lean import
TARGET_REAL_S = 30.0  # seconds, bundled + every external dataset, online


@dataclass
class Server:
    """Where to connect; ``pid`` lets us read the server's CPU time when we started it."""

    uri: str
    user: str
    password: str
    pid: int | None
    label: str
    workdir: Path | None = None  # the local server's, for (d)


@contextmanager
def server(workdir: Path, heap: str, pagecache: str, running: Path | None = None) -> Iterator[Server]:
    """The running local server of ``running``, else ``$NEO4J_URI``, else a throwaway local server."""
    from tiegraph.store import server as local

    if running is not None:
        info = local.status(running)
        if info is None:
            raise SystemExit(f"no local Neo4j answers in {running}")
        yield Server(info.bolt_uri, info.user, info.password, info.pid, f"local Neo4j of {running}", running)
        return
    if os.environ.get("NEO4J_URI"):
        yield Server(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                     os.environ.get("NEO4J_PASSWORD", ""), None, f"$NEO4J_URI {os.environ['NEO4J_URI']}")
        return
    workdir.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="neo4j-load-", dir=workdir))
    try:
        started = time.perf_counter()
        info = local.start(home, password=secrets.token_urlsafe(12), heap=heap, pagecache=pagecache, timeout=240)
        label = (f"local Neo4j {local.NEO4J_VERSION} started in {time.perf_counter() - started:.1f} s "
                 f"(heap {heap}, page cache {pagecache})")
        yield Server(info.bolt_uri, info.user, info.password, info.pid, label, home)
    finally:
        local.stop(home)
        shutil.rmtree(home, ignore_errors=True)


def process_cpu(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def clear(driver: Any, db: str) -> None:
    """An empty database: the project's data deleted (by the writer's own clear), schema applied."""
    from tiegraph.store.writer import apply_schema, clear_project

    apply_schema(driver, db)
    clear_project(driver, db, batch_size=20_000)


def counts_of(driver: Any, db: str) -> tuple[dict, dict, dict]:
    from tiegraph.store.writer import database_counts

    c = database_counts(driver, db)
    return c.labels, c.relationships, c.ties


def write_actors(driver: Any, db: str, plan: Any) -> None:
    from tiegraph.store.rows import WritePlan
    from tiegraph.store.writer import write_rows

    write_rows(driver, db, WritePlan(plan.actors, {}, {}, 0))


def batched_ties(driver: Any, db: str, plan: Any) -> None:
    """The writer as ``tiegraph load`` runs it, ties only (actors are written before the clock)."""
    from tiegraph.store.rows import WritePlan
    from tiegraph.store.writer import write_rows

    write_rows(driver, db, WritePlan({}, plan.edges, plan.nodes, plan.relationships))


def per_tie_ties(driver: Any, db: str, plan: Any) -> None:
    """One query and one transaction per tie: the writer's own batch function with rows of one."""
    from tiegraph.store.rows import edge_row, node_row
    from tiegraph.store.writer import ties_present, write_tie_batch

    present = ties_present(driver, db)
    with driver.session(database=db) as session:
        for shape, groups, row in (("edges", plan.edges, edge_row), ("nodes", plan.nodes, node_row)):
            for ties in groups.values():
                for tie in ties:
                    session.execute_write(write_tie_batch, shape, [row(tie)], present=present)


def timed(label: str, pid: int | None, func: Any, *args: Any) -> dict[str, Any]:
    """Run ``func(*args)``; wall, this process's CPU and the server's CPU seconds."""
    before = process_cpu(pid)
    with Stopwatch() as clock:
        func(*args)
    return {"run": label, "wall_s": clock.wall, "client_cpu_s": clock.cpu, "server_cpu_s": process_cpu(pid) - before}


def phase_hooks() -> tuple[dict[str, float], Any, Any]:
    """``on_start``/``on_batch`` hooks recording when the actor and tie phases end."""
    marks: dict[str, float] = {}

    def on_start(_total: int) -> None:
        marks["start"] = time.perf_counter()

    def on_batch(what: str, _rows: int) -> None:
        marks["actors_done" if what == "actors" else "ties_done"] = time.perf_counter()

    return marks, on_start, on_batch


def full_load(driver: Any, db: str, dataset: Any, pid: int | None, label: str, replace: bool) -> dict[str, Any]:
    """``load_into`` as ``tiegraph load [--replace] --no-centrality`` runs it, phases timed."""
    from tiegraph.store.writer import load_into

    marks, on_start, on_batch = phase_hooks()
    cpu0 = process_cpu(pid)
    with Stopwatch() as clock:
        result = load_into(driver, db, dataset, replace=replace, centrality=False, on_start=on_start, on_batch=on_batch)
    rels = sum(result.counts.relationships.values())
    actors = len(dataset.actors)
    actor_s = marks["actors_done"] - marks["start"]
    tie_s = marks["ties_done"] - marks["actors_done"]
    return {"run": label, "wall_s": clock.wall, "ties_phase_s": tie_s, "rels": rels,
            "rels_per_s": rels / tie_s, "rels_per_s_total": rels / clock.wall,
            "ties_per_s": len(dataset.ties) / tie_s, "nodes": actors, "nodes_per_s": actors / actor_s,
            "client_cpu_s": clock.cpu, "server_cpu_s": process_cpu(pid) - cpu0,
            "replaced": result.replaced, "tie_nodes": result.counts.labels.get("Tie", 0),
            "counts": (result.counts.labels, result.counts.relationships, result.counts.ties)}


def report_big(big: Any, plan: Any, first: dict[str, Any], again: dict[str, Any], clear_s: float,
               cpu: bool, failures: list[str]) -> None:
    """Print (a) and (c) and check their counts (a: as the files say; c: identical to a)."""
    from tiegraph.store.rows import expected_counts

    expected = expected_counts(big)
    first_ok = first["counts"] == (expected.labels, expected.relationships, expected.ties)
    again_ok = again["counts"] == first["counts"] and again["replaced"] == len(big.ties)
    print(f"\n(a) + (c) {len(big.ties):,} ties = {plan.relationships:,} relationships and {plan.tie_nodes:,} "
          f"tie nodes, {len(big.actors):,} actors (load_into, no centrality):")
    table([first, again], ["run", "wall_s", "ties_phase_s", "rels_per_s", "rels_per_s_total", "ties_per_s",
                           "nodes_per_s", "replaced", "client_cpu_s", "server_cpu_s"])
    print(f"(a) load: {first['rels_per_s']:,.0f} relationships/s, {first['nodes_per_s']:,.0f} nodes/s "
          f"({first['rels_per_s_total']:,.0f} relationships/s over the whole load_into, "
          f"{first['wall_s']:.1f} s); counts as expected: {'yes' if first_ok else 'NO'}")
    print(f"(c) re-load: {again['wall_s']:.1f} s ({again['rels_per_s']:,.0f} relationships/s), "
          f"{again['replaced']:,} ties replaced (deleted and written again); "
          f"counts identical: {'yes' if again_ok else 'NO'}")
    if cpu:
        print(f"server CPU per relationship: {first['server_cpu_s'] / first['rels'] * 1e6:.0f} us (load), "
              f"{again['server_cpu_s'] / again['rels'] * 1e6:.0f} us (re-load); "
              f"client CPU per relationship: {first['client_cpu_s'] / first['rels'] * 1e6:.0f} us (load)")
    print(f"clear (as by tiegraph load --replace) of {first['rels']:,} relationships and "
          f"{first['nodes']:,} actors: {clear_s:.1f} s")
    if not first_ok:
        failures.append(f"(a) counts {first['counts']} != expected")
    if not again_ok:
        failures.append(f"(c) counts {again['counts']} != {first['counts']}")


def bulk(workdir: Path, dataset: Any, label: str) -> dict[str, Any]:
    """``bulk_load`` as ``tiegraph load --bulk --replace --no-centrality`` runs it, steps timed.

    ``client_cpu_s`` counts this process and its reaped children: the CSV writers and the importer's JVM.
    """
    from tiegraph.store.bulk import bulk_load

    with Stopwatch() as clock:
        result = bulk_load(workdir, dataset, replace=True, centrality=False)
    rels = sum(result.counts.relationships.values())
    steps = result.phases
    restart = steps.get("start", 0.0) + steps.get("schema", 0.0)
    return {"run": label, "wall_s": clock.wall, "rels": rels, "ties": len(dataset.ties),
            "csv_s": steps.get("rows", 0.0) + steps.get("csv", 0.0), "stop_s": steps.get("stop", 0.0),
            "import_s": steps["import"], "start_s": steps.get("start", 0.0), "schema_s": steps.get("schema", 0.0),
            "restart_schema_s": restart, "other_s": steps.get("patch", 0.0) + steps.get("verify", 0.0),
            "rels_per_s": rels / clock.wall, "import_rels_per_s": rels / steps["import"],
            "ties_per_s": len(dataset.ties) / clock.wall, "client_cpu_s": clock.cpu,
            "counts": (result.counts.labels, result.counts.relationships, result.counts.ties)}


def report_bulk(big: Any, run: dict[str, Any], lean: dict[str, Any], failures: list[str]) -> float:
    """Print (d); returns the ratio of the bulk import phase to the lean import."""
    from tiegraph.store.rows import expected_counts

    expected = expected_counts(big)
    ok = run["counts"] == (expected.labels, expected.relationships, expected.ties)
    ratio = run["import_rels_per_s"] / lean["import_rels_per_s"]
    print(f"\n(d) bulk load (tiegraph load --bulk --replace --no-centrality) of {len(big.ties):,} ties, "
          f"{run['rels']:,} relationships, {len(big.actors):,} actors:")
    table([run], ["run", "wall_s", "csv_s", "stop_s", "import_s", "start_s", "schema_s", "other_s",
                  "rels_per_s", "import_rels_per_s", "client_cpu_s"])
    print(f"(d) bulk: {run['rels_per_s']:,.0f} relationships/s end to end ({run['wall_s']:.1f} s, the whole "
          f"load --bulk; headline); {run['import_rels_per_s']:,.0f} relationships/s over the import phase "
          f"({run['import_s']:.1f} s); rows+CSV {run['csv_s']:.1f} s, restart + schema + indexes "
          f"{run['restart_schema_s']:.1f} s; counts as expected: {'yes' if ok else 'NO'}")
    print(f"(d) lean import of the same graph (ids, type, year, status): {lean['rels']:,} relationships in "
          f"{lean['import_s']:.1f} s = {lean['import_rels_per_s']:,.0f} relationships/s; "
          f"bulk import phase / lean: {ratio:.2f}x")
    if not ok:
        failures.append(f"(d) counts {run['counts']} != expected")
    return ratio


def verdict(value: float, target: float, *, at_most: bool = False) -> str:
    if (value <= target) if at_most else (value >= target):
        return "met"
    return f"missed by {value / target if at_most else target / value:,.2f}x"


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--heap", default=None, help="server heap when started here (default: 2g, quick: 512m)")
    p.add_argument("--pagecache", default=None, help="server page cache (default: 3g, quick: 256m)")
    p.add_argument("--ties", type=int, default=None, help="synthetic ties for (a), (c), (d) (default: 1,000,000; "
                   "quick: 500)")
    p.add_argument("--server-workdir", type=Path, default=None,
                   help="use the running local server of this work directory ('tiegraph neo4j start')")
    args = p.parse_args()
    sizes = {**(QUICK if args.quick else FULL), **({"ties": args.ties} if args.ties else {})}
    heap = args.heap or ("512m" if args.quick else "2g")
    pagecache = args.pagecache or ("256m" if args.quick else "3g")
    header("Neo4j load: online writer, one query per tie, re-load, bulk import, real datasets", args.quick)

    from tiegraph.loaders.datadir import load_dataset
    from tiegraph.store.connection import Connection, open_driver
    from tiegraph.store.rows import expected_counts, write_plan

    with Stopwatch() as parse:
        big = load_dataset([synthetic_dir(args.workdir, ties=sizes["ties"], actors=sizes["actors"])])
        sample = load_dataset([synthetic_dir(args.workdir, ties=sizes["sample"], actors=sizes["actors"], seed=2)])
    big_plan, sample_plan = write_plan(big), write_plan(sample)
    print(f"data: {len(big.ties):,} ties = {big_plan.relationships:,} relationships, {len(big.actors):,} actors; "
          f"sample {len(sample.ties):,} ties = {sample_plan.relationships:,} relationships "
          f"(generated/parsed in {parse.wall:.1f} s)")
    failures: list[str] = []

    with server(args.workdir, heap, pagecache, args.server_workdir) as srv:
        print(f"server: {srv.label}")
        conn = Connection(srv.uri, srv.user, srv.password, "neo4j")
        with open_driver(conn) as driver:
            db = conn.database
            # (e) first: the real datasets, as a user loads them
            real = real_load(driver, db, args.workdir, args.quick)  # bench.neo4j_real
            # (a) the big load into an empty database, then (c) the same load again
            clear(driver, db)
            first = full_load(driver, db, big, srv.pid, "load (empty db)", replace=True)
            again = full_load(driver, db, big, srv.pid, "re-load", replace=False)
            with Stopwatch() as cleared:
                clear(driver, db)
            report_big(big, big_plan, first, again, cleared.wall, srv.pid is not None, failures)
            # (f) the same bilateral ties, one property group more at a time (bench.neo4j_ladder)
            ladder = cost_ladder(driver, db, big_plan, srv.pid, sizes["ladder"], process_cpu)
            print(f"\n(f) where the online writer's time goes: the first {ladder[0]['rels']:,} bilateral ties of "
                  "(a), written again and again into the emptied database with more of their properties:")
            table(ladder, ["rung", "batch", "writers", "properties", "rels", "wall_s", "rels_per_s",
                           "server_us_per_rel", "client_us_per_rel"])

            # (b) on a warm server (JIT compiled by (a)), after one discarded warm-up load of the
            # sample; both paths start from the same state: the sample's actors and no tie
            write_actors(driver, db, sample_plan)
            batched_ties(driver, db, sample_plan)
            runs, sample_counts = [], []
            for label, func in (("batched", batched_ties), ("per-tie", per_tie_ties)):
                clear(driver, db)
                write_actors(driver, db, sample_plan)
                run = timed(label, srv.pid, func, driver, db, sample_plan)
                run.update(ties=len(sample.ties), rels=sample_plan.relationships,
                           rels_per_s=sample_plan.relationships / run["wall_s"],
                           ties_per_s=len(sample.ties) / run["wall_s"])
                runs.append(run)
                sample_counts.append(counts_of(driver, db))
        expected = expected_counts(sample)
        same = all(c == (expected.labels, expected.relationships, expected.ties) for c in sample_counts)
        ratio = runs[1]["wall_s"] / runs[0]["wall_s"]
        print(f"\n(b) ties of the {len(sample.ties):,}-tie sample ({sample_plan.relationships:,} relationships), "
              "actors written before the clock:")
        table(runs, ["run", "ties", "rels", "wall_s", "ties_per_s", "rels_per_s", "client_cpu_s", "server_cpu_s"])
        print(f"(b) ratio per-tie / batched: {ratio:,.1f}x wall; counts identical and as expected: "
              f"{'yes' if same else 'NO'}")
        if not same:
            failures.append(f"(b) counts differ: {sample_counts}")
        # (d) restarts the server: the driver above is closed first, server CPU is not comparable
        bulk_big, lean_ratio = None, None
        if srv.workdir is not None:
            from bench.neo4j_lean import lean_import

            lean = lean_import(srv.workdir, big_plan, args.workdir / "lean-import")
            bulk_big = bulk(srv.workdir, big, "bulk")
            lean_ratio = report_bulk(big, bulk_big, lean, failures)
            from bench.neo4j_import_ladder import RUNGS, import_ladder

            rungs = RUNGS[-1:] if args.quick else RUNGS  # quick: one import more than the lean one, for the tests
            ladder_rows = import_ladder(srv.workdir, big_plan, args.workdir / "import-ladder", 1 if args.quick else 2,
                                        rungs)
            print(f"\n(g) where the import phase goes: (d)'s CSV and the lean CSV imported into a scratch database, "
                  f"columns read as text one kind at a time (median of {ladder_rows[0]['rounds']} alternating rounds):")
            table(ladder_rows, ["rung", "rounds", "import_s", "spread_s", "rels_per_s", "vs_lean"])
        else:
            print("\n(d) bulk load: skipped ($NEO4J_URI: --bulk needs the local server this script starts)")

    print(f"\n(e) bundled data + {', '.join(real['dirs'][1:])}: {real['ties']:,} ties = {real['rels']:,} "
          f"relationships and {real['tie_nodes']:,} tie nodes; read {real['read_s']:.1f} s + "
          f"load_into (with centrality) {real['load_s']:.1f} s = {real['total_s']:.1f} s")
    print(f"\ntarget >= {TARGET_ONLINE:,} relationships/s, online writer: {first['rels_per_s']:,.0f}, "
          f"{verdict(first['rels_per_s'], TARGET_ONLINE)}")
    if bulk_big is not None and lean_ratio is not None:
        print(f"target >= {TARGET_BULK:,} relationships/s, bulk end to end: {bulk_big['rels_per_s']:,.0f}, "
              f"{verdict(bulk_big['rels_per_s'], TARGET_BULK)}")
        print(f"target >= {TARGET_LEAN_RATIO}x the lean import, bulk import phase: {lean_ratio:.2f}x, "
              f"{verdict(lean_ratio, TARGET_LEAN_RATIO)}")
    print(f"target <= {TARGET_REAL_S:.0f} s, bundled + external datasets online (read + load): "
          f"{real['total_s']:.1f} s, {verdict(real['total_s'], TARGET_REAL_S, at_most=True)}")
    footer()
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
