"""``tiegraph load --bulk``: replace the local server's database offline with ``neo4j-admin database import``.

Why: the transactional writer (``store.writer``) costs the server 38-200 µs of CPU
per relationship, so a million ties take minutes whatever the client does
(BENCHMARKS.md, "Neo4j load").  The offline importer writes the store files
directly, without transactions, locks or per-relationship index updates.  The
price: it needs a stopped database and replaces it whole, so this works only
on the local server ``tiegraph neo4j start`` runs (``store.server``: we can stop
it, import into its work directory and start it again on the same ports), and
needs ``--replace`` unless the database is empty.  Neo4j Community cannot
``STOP DATABASE`` (checked on 5.26: "Unsupported administration command"), so
the whole server restarts.

Steps (``bulk_load``), each checked: the rows are built and the CSV files written
(``store.csvimport``) while the server still runs, so bad data stops nothing;
then a marker file, stop, import, start; then ``cypher/schema.cypher``, waiting
until every index is online, the patches, the centralities, and the counts,
which must equal the plan's.  A load killed anywhere is repaired by running it
again: the marker says the database holds an interrupted import, which the
next run replaces without asking for ``--replace``.  A failed import leaves an
empty database and the server started again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tiegraph.model.entities import Dataset
from tiegraph.model.errors import StoreError
from tiegraph.store import server
from tiegraph.store.connection import Connection, open_driver, translate_errors
from tiegraph.store.csvimport import CsvFiles, write_csv
from tiegraph.store.cypher import load_store_cypher
from tiegraph.store.jvm import admin_error, run_admin
from tiegraph.store.rows import WritePlan, batches, expected_counts, write_plan
from tiegraph.store.writer import (
    DEFAULT_BATCH_SIZE,
    Counts,
    LoadResult,
    apply_schema,
    database_counts,
    typed_query,
    write_centrality,
    write_coverage,
)

if TYPE_CHECKING:  # imported lazily: the CLI starts without the driver
    from neo4j import Driver

DATABASE = "neo4j"  # Community has one user database, the default one the importer replaces
PENDING = "bulk-import.pending"
#: the importer's own JVM: its big structures live off-heap (bounded by --max-off-heap-memory)
IMPORT_HEAP = "2g"
IMPORT_OFF_HEAP = "2g"
INDEX_TIMEOUT_S = 600
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

#: called with the name of each step as it starts (the CLI's progress line)
PhaseHook = Callable[[str], None]


@dataclass
class BulkResult(LoadResult):
    """``LoadResult`` plus the seconds of each step (csv, stop, import, start, schema, patch, ...)."""

    phases: dict[str, float] = field(default_factory=dict)


#: the steps of a bulk load, in order (``centrality`` only with --centrality): what its progress counts
STEPS: tuple[str, ...] = ("rows", "csv", "stop", "import", "start", "schema", "patch", "centrality", "verify")


class _Clock:
    """Times consecutive steps into ``phases`` and reports each start to the hook."""

    def __init__(self, hook: PhaseHook | None):
        self.hook = hook
        self.phases: dict[str, float] = {}
        self.name: str | None = None
        self.started = time.perf_counter()

    def step(self, name: str | None) -> None:
        now = time.perf_counter()
        if self.name is not None:
            self.phases[self.name] = self.phases.get(self.name, 0.0) + now - self.started
        self.name, self.started = name, now
        if name is not None and self.hook is not None:
            self.hook(name)


def _same_server(uri: str, bolt_uri: str) -> bool:
    """Whether ``uri`` reaches ``bolt_uri`` (any local host name, bolt:// or neo4j://)."""
    a, b = urlsplit(uri), urlsplit(bolt_uri)
    try:
        return (a.hostname in _LOCAL_HOSTS and b.hostname in _LOCAL_HOSTS and a.port == b.port
                and a.scheme in ("bolt", "neo4j"))
    except ValueError:  # a malformed port
        return False


def local_target(workdir: Path, uri: str | None) -> dict[str, Any]:
    """state.json of the server ``tiegraph neo4j start`` runs in ``workdir``; ``uri``, if given, must be it."""
    state = server.saved_state(workdir)
    if not state.get("bolt_uri") or not state.get("password"):
        raise StoreError(f"--bulk works only on the local server 'tiegraph neo4j start' runs, and {workdir} "
                         "has none (give its --workdir, or load without --bulk)")
    if uri is not None and not _same_server(uri, state["bolt_uri"]):
        raise StoreError(f"--bulk works only on the local server of {workdir} ({state['bolt_uri']}), "
                         f"not on {uri} (give that server's --workdir, or load without --bulk)")
    return state


def _connection(info: server.ServerInfo) -> Connection:
    return Connection(info.bolt_uri, info.user, info.password, DATABASE)


def _nodes(info: server.ServerInfo) -> int:
    conn = _connection(info)
    with open_driver(conn) as driver, translate_errors(conn), driver.session(database=DATABASE) as session:
        return int(session.run(load_store_cypher("count_nodes")).single(strict=True)[0])


def _check_target(workdir: Path, replace: bool) -> int:
    """Nodes the database holds now (replaced by the load); refuses what the import must not replace."""
    if (workdir / PENDING).exists():
        return 0  # an interrupted bulk load: its half-made database is ours to replace
    info = server.status(workdir)
    if info is None:
        state = "does not answer" if server.running_pid(workdir) else "is not running"
        raise StoreError(f"the local Neo4j of {workdir} {state}: start it with "
                         f"'tiegraph neo4j start --workdir {workdir}'")
    nodes = _nodes(info)
    if nodes and not replace:
        raise StoreError(f"--bulk replaces the whole database and it holds {nodes:,} nodes: "
                         "add --replace (or load without --bulk)")
    return nodes


def _remove_store(workdir: Path) -> None:
    """Delete the neo4j database's store and transaction logs: the next start makes it empty."""
    for part in ("databases", "transactions"):
        shutil.rmtree(workdir / "data" / part / DATABASE, ignore_errors=True)


def _import_failure(log: Path, report: Path, returncode: int) -> str:
    """One line: the importer's deepest cause, else the first bad entry of its report."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    reason = admin_error(text, returncode)
    if report.is_file() and report.stat().st_size:
        first = report.read_text(encoding="utf-8", errors="replace").strip().splitlines()[0]
        reason = f"{reason}; first bad entry: {first}"
    return " ".join(reason.split())


def replace_store(workdir: Path, files: CsvFiles, *, timeout: float = 240,
                  clock: _Clock | None = None) -> server.ServerInfo:
    """Stop the server, import ``files`` over its database, start it again on the same ports.

    Writes the marker first and removes it only once the server answers again
    with the new store (or, after a failed import, with an empty one).
    """
    marker = workdir / PENDING
    clock = clock or _Clock(None)
    marker.write_text(json.dumps({"pid": os.getpid(), "started": time.time()}) + "\n", encoding="utf-8")
    clock.step("stop")
    server.stop(workdir)
    clock.step("import")
    log, report = workdir / "logs" / "import.log", workdir / "logs" / "import.report"
    report.unlink(missing_ok=True)
    arguments = ["database", "import", "full", DATABASE, "--overwrite-destination", "--verbose",
                 "--bad-tolerance=0", f"--max-off-heap-memory={IMPORT_OFF_HEAP}",
                 f"--report-file={report}", *files.arguments()]
    with open(log, "wb") as output:
        done = run_admin(workdir, arguments, heap=IMPORT_HEAP, cwd=files.directory, output=output)
    if done.returncode != 0:
        failed = f"neo4j-admin database import failed: {_import_failure(log, report, done.returncode)} " \
                 f"(full output: {log})"
        _remove_store(workdir)
        try:
            server.start_again(workdir, timeout=timeout, http=False)
        except StoreError as exc:
            raise StoreError(f"{failed}; and the server did not start again: {exc}") from None
        marker.unlink(missing_ok=True)
        raise StoreError(f"{failed}; the database is empty now, the server running again")
    clock.step("start")
    return server.start_again(workdir, timeout=timeout, http=False)


def _patch(driver: Driver, files: CsvFiles, batch_size: int) -> None:
    """Set what the CSV could not carry; every patched relationship and node must be found."""
    with driver.session(database=DATABASE) as session:
        for batch in batches(files.actor_patches, batch_size):
            session.run(load_store_cypher("patch_actors"), {"rows": batch}).consume()
        patches = [(typed_query("patch_ties", rel), rel, rows) for rel, rows in files.tie_patches.items()]
        patches.append((load_store_cypher("patch_tie_nodes"), "tie nodes", files.node_patches))
        for query, what, rows in patches:
            for batch in batches(rows, batch_size):
                written = session.run(query, {"rows": batch}).single(strict=True)[0]
                if written != len(batch):
                    raise StoreError(f"{what}: patched {written} of {len(batch)} ties")


def _verify(driver: Driver, dataset: Dataset) -> Counts:
    """Nodes by label and relationships by type must be the dataset's (``store.rows.expected_counts``).

    Relationships are counted from Neo4j's counts store (no scan), nodes by a
    label scan of actors and tie nodes; tests/test_store_bulk.py reads every
    tie back against an online load.
    """
    expected = expected_counts(dataset)
    counts = database_counts(driver, DATABASE)
    found, wanted = (counts.labels, dict(sorted(counts.relationships.items()))), (expected.labels,
                                                                                  expected.relationships)
    if found != wanted:
        differ = sorted(k for part in (0, 1) for k in set(found[part]) | set(wanted[part])
                        if found[part].get(k) != wanted[part].get(k))
        shown = ", ".join(f"{k} {counts.labels.get(k, counts.relationships.get(k, 0)):,} (files: "
                          f"{expected.labels.get(k, expected.relationships.get(k, 0)):,})" for k in differ)
        raise StoreError(f"the imported database does not hold what the files do: {shown}")
    return counts


def finish(info: server.ServerInfo, dataset: Dataset, plan: WritePlan, files: CsvFiles, clock: _Clock, *,
           centrality: bool, batch_size: int) -> tuple[Counts, int]:
    """Schema and indexes, patches, centrality; then the counts, which must be the plan's."""
    conn = _connection(info)
    with open_driver(conn) as driver, translate_errors(conn):
        clock.step("schema")
        statements = len(apply_schema(driver, DATABASE))
        with driver.session(database=DATABASE) as session:
            session.run(load_store_cypher("await_indexes"), {"seconds": INDEX_TIMEOUT_S}).consume()
        clock.step("patch")
        _patch(driver, files, batch_size)
        with driver.session(database=DATABASE) as session:
            session.execute_write(write_coverage, plan.coverage, plan.duplicates)
        if centrality:
            clock.step("centrality")
            write_centrality(driver, DATABASE, dataset, batch_size=batch_size)
        clock.step("verify")
        return _verify(driver, dataset), statements


def bulk_load(workdir: Path, dataset: Dataset, *, uri: str | None = None, replace: bool = False,
              centrality: bool = True, batch_size: int = DEFAULT_BATCH_SIZE, timeout: float = 240,
              on_phase: PhaseHook | None = None) -> BulkResult:
    """The whole of ``tiegraph load --bulk``; every refusal comes before the server is touched."""
    workdir = workdir.expanduser().resolve()
    clock = _Clock(on_phase)
    clock.step("rows")
    plan = write_plan(dataset)  # duplicate ids, unknown types and actors, values Neo4j cannot store
    local_target(workdir, uri)
    replaced = _check_target(workdir, replace)
    clock.step("csv")
    files = write_csv(plan, workdir / "import" / "bulk")
    try:
        info = replace_store(workdir, files, timeout=timeout, clock=clock)
        counts, statements = finish(info, dataset, plan, files, clock, centrality=centrality,
                                    batch_size=batch_size)
    finally:
        shutil.rmtree(files.directory, ignore_errors=True)
    (workdir / PENDING).unlink(missing_ok=True)
    clock.step(None)
    return BulkResult(counts, sum(clock.phases.values()), plan.total, 0, replaced, statements, centrality,
                      written=plan.relationships, phases=clock.phases)
