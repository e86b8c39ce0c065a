"""The one Neo4j writer: batched ``UNWIND $rows`` in managed write transactions.

Why this shape:

* **Batches** of about ``batch_size`` relationships (default 2,000), one
  ``session.execute_write`` each, keep every transaction small, so a large
  import neither exhausts the server's memory nor loses everything when one
  batch fails; the driver retries a batch on transient errors.  Rows are
  **one per tie** (``store.rows.tie_row``): a bilateral tie is one
  relationship, a multilateral tie one ``:Tie`` node with its participant
  relationships, never split over two transactions.
* **Idempotent and exact**: each batch first deletes every copy of its ties
  already in the database (``find_ties``: one tieId index seek per id and
  relationship type, for the types that held ties when the load started, and
  ``find_tie_nodes``, all before ``delete_found`` deletes what they found; none
  after ``--replace``), then CREATEs them (``create_ties`` /
  ``create_tie_nodes``), in one transaction.  Loading twice gives the same
  graph; a load that died half-way is repaired by simply running it again; a
  tie whose type or participants changed in the files is replaced, not
  duplicated.  CREATE is what makes loads fast: MERGE needs an index lookup, a
  lock and an Eager barrier per relationship.  The tieId uniqueness
  constraints stay the backstop against duplicates.
* **Everything is checked before anything is written** (``store.rows.write_plan``
  and ``store.limits``): a value Neo4j cannot store stops the load before
  ``--replace`` deletes anything.
* **One query per write shape for every type**: relationship types and labels
  travel in the rows and are set with Neo4j 5.26's dynamic ``$(row.type)``
  (CREATE needs no index of the type, so nothing is lost), always taken from
  the vocabulary table by ``store.rows``.  Small loads thus take a handful of
  transactions instead of two per type, and each shape is planned once.
* **Two batches at a time** (``writers``, ``in_flight``): the server works one
  transaction per core, the client builds the next batch meanwhile.
* Schema statements run in one transaction of their own before every load
  (Neo4j refuses schema changes and writes in one transaction).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Any, TypeVar

from tiegraph.model.entities import Dataset
from tiegraph.model.errors import StoreError
from tiegraph.model.gc_pause import gc_paused
from tiegraph.store.cypher import (
    COVERAGE_LABEL,
    DUPLICATE_LABEL,
    KIND_LABELS,
    PARTICIPATED_IN,
    RELATIONSHIP_TYPES,
    SCHEMA_FILE,
    TIE_LABELS,
    TIE_NODE_LABEL,
    load_store_cypher,
    split_statements,
    with_relationship_type,
    with_tie_types,
)
from tiegraph.store.rows import WritePlan, batches, centrality_rows, tie_batches, write_plan

if TYPE_CHECKING:  # imported lazily: the CLI starts without the driver
    from neo4j import Driver, ManagedTransaction

#: relationships per write transaction.  Small on purpose: a 2,000-relationship transaction's state
#: dies young in the server's heap, while 10,000 outlived young collections and cost the server
#: ~1.8x its CPU per relationship in garbage collection (BENCHMARKS.md, section 4)
DEFAULT_BATCH_SIZE = 2_000

T = TypeVar("T")
R = TypeVar("R")

#: concurrent write transactions of tie batches (``in_flight``); 2 uses both cores of a small machine
DEFAULT_WRITERS = 2

#: called after each committed batch with (what, rows in the batch); the CLI's progress bar
BatchHook = Callable[[str, int], None]


def _consume_single(tx: ManagedTransaction, query: str, params: dict[str, Any]) -> int:
    """Run one statement in a managed transaction and return its single count column."""
    record = tx.run(query, params).single()
    return int(record[0]) if record is not None else 0


def _run_statements(tx: ManagedTransaction, statements: list[str]) -> None:
    for statement in statements:
        tx.run(statement).consume()


@cache
def typed_query(name: str, relationship: str) -> str:
    """``cypher/store/NAME.cypher`` with its ``{{REL_TYPE}}`` set to a vocabulary type."""
    return with_relationship_type(load_store_cypher(name), relationship)


@cache
def any_tie_query(name: str) -> str:
    """``cypher/store/NAME.cypher`` with ``{{TIE_TYPES}}`` set to every vocabulary type (``A|B|…``)."""
    return with_tie_types(load_store_cypher(name))


def apply_schema(driver: Driver, database: str) -> list[str]:
    """Apply ``cypher/schema.cypher``, all statements in one transaction; returns the statements run.

    One transaction, not one per statement: Neo4j accepts several schema commands
    (no data writes) in one, commits them several times faster, and populates the
    new indexes of a filled database (after ``tiegraph load --bulk``) together.
    """
    statements = split_statements(SCHEMA_FILE.read_text(encoding="utf-8"))
    with driver.session(database=database) as session:
        session.execute_write(_run_statements, statements)
    return statements


def clear_project(driver: Driver, database: str, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete the project's data (tie relationships, tie nodes, actors), ``batch_size`` rows per transaction.

    ``CALL { … } IN TRANSACTIONS`` commits batch by batch inside one auto-commit
    query (``session.run``: a managed transaction cannot hold it).  The driver
    does not retry such a query, but a clear that fails half-way has committed
    whole batches only, and running it again finishes it.  Returns the number
    of actors deleted.
    """
    with driver.session(database=database) as session:
        session.run(any_tie_query("clear_relationships"), {"rows": batch_size}).consume()
        session.run(load_store_cypher("clear_tie_nodes"), {"rows": batch_size}).consume()
        session.run(load_store_cypher("clear_coverage")).consume()
        session.run(load_store_cypher("clear_duplicates")).consume()
        record = session.run(load_store_cypher("clear_actors"), {"rows": batch_size}).single()
    return int(record[0]) if record is not None else 0


def _write_checked(tx: ManagedTransaction, what: str, query: str, rows: list[dict[str, Any]],
                   expected: int) -> int:
    """Run a write shape; returns the rows written.

    Fewer rows written than expected raises inside the transaction function, so
    the driver rolls the batch back: nothing of it commits.
    """
    record = tx.run(query, {"rows": rows}).single()
    written = int(record[0]) if record is not None else 0
    if written != expected:  # a MATCH found no endpoint: never silently drop ties
        raise StoreError(f"{what}: wrote {written} of {expected} rows "
                         "(an actor a tie refers to is missing from the database)")
    return written


#: where older copies of ties can be: the relationship types that hold any, and "nodes" when tie nodes exist
Present = tuple[str, ...]


def _present(tx: ManagedTransaction) -> Present:
    types = tuple(rel for rel in RELATIONSHIP_TYPES if _consume_single(tx, typed_query("count_type", rel), {}))
    return types + (("nodes",) if _consume_single(tx, load_store_cypher("count_tie_nodes"), {}) else ())


def ties_present(driver: Driver, database: str) -> Present:
    """Which relationship types hold ties, and whether tie nodes exist (counts store, one transaction)."""
    with driver.session(database=database) as session:
        return session.execute_read(_present)


def database_has_ties(driver: Driver, database: str) -> bool:
    """Whether any tie relationship or tie node exists (counts-store lookups, no scan)."""
    return bool(ties_present(driver, database))


@dataclass
class BatchResult:
    """One committed tie batch: relationships written, tie copies replaced (deleted first)."""

    written: int
    replaced: int


def write_tie_batch(tx: ManagedTransaction, shape: str, rows: list[dict[str, Any]], *,
                    present: Present = (*RELATIONSHIP_TYPES, "nodes")) -> BatchResult:
    """Write one batch of tie rows in ``tx``: delete older copies, then CREATE.

    ``shape`` is ``"edges"`` (``store.rows.edge_row``) or ``"nodes"``
    (``node_row``).  ``present`` (``ties_present``, once per load) says where
    older copies can be: a type that held no tie when the load started holds
    none of this load's ties but those it writes itself, which are new (tie ids
    are unique in a plan); an empty ``present`` skips the delete altogether.
    """
    replaced = 0
    if present:
        ids = {"ids": [row["tieId"] for row in rows]}
        found: dict[str, list[str]] = {"relationships": [], "nodes": []}
        for rel in present:
            query = typed_query("find_ties", rel) if rel != "nodes" else load_store_cypher("find_tie_nodes")
            record = tx.run(query, ids).single()
            found["nodes" if rel == "nodes" else "relationships"] += record[0] if record is not None else []
        if found["relationships"] or found["nodes"]:
            replaced = _consume_single(tx, load_store_cypher("delete_found"), found)
    if shape == "edges":
        written = _write_checked(tx, "ties", load_store_cypher("create_ties"), rows, len(rows))
    else:
        expected = sum(len(row["participants"]) for row in rows)
        written = _write_checked(tx, "tie nodes", load_store_cypher("create_tie_nodes"), rows, expected)
    return BatchResult(written, replaced)


def in_flight(jobs: Iterator[T], run: Callable[[T], R], workers: int) -> Iterator[tuple[T, R]]:
    """``(job, run(job))`` in the order of ``jobs``, with up to ``workers`` runs at a time in threads.

    Why: a batch's transaction keeps one server thread busy while the driver waits
    on its socket (GIL released), so on a 2-core machine a second transaction uses
    the other core; meanwhile this thread builds the next batch's rows.  At most
    ``workers + 1`` batches exist at once (memory stays bounded).  A job is
    submitted only after the caller took the oldest result, so when the caller
    fails on a result (a hook, Ctrl-C) at most ``workers - 1`` later batches have
    been sent: with one worker, nothing beyond what it was told of.  Committed
    batches stay (each is whole: a re-load completes the rest).
    """
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tiegraph-writer") as pool:
        pending: deque[tuple[T, Future[R]]] = deque()
        try:
            for job in jobs:  # the next job is built while up to ``workers`` others run
                if len(pending) == workers:
                    done, future = pending.popleft()
                    yield done, future.result()
                pending.append((job, pool.submit(run, job)))
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()


def write_coverage(tx: ManagedTransaction, rows: list[dict[str, Any]],
                   duplicates: list[dict[str, Any]] | None = None) -> int:
    """One ``:Coverage`` node per dataset (``store.rows.coverage_rows``), merged on its name, and one
    ``:Duplicate`` node per cross-dataset duplicate (``store.rows.duplicate_rows``), merged on its tie id."""
    written = _consume_single(tx, load_store_cypher("write_coverage"), {"rows": rows})
    if duplicates:
        written += _consume_single(tx, load_store_cypher("write_duplicates"), {"rows": duplicates})
    return written


@dataclass
class WriteStats:
    """What ``write_rows`` did: relationships written, older copies of ties replaced."""

    written: int = 0
    replaced: int = 0


def write_rows(driver: Driver, database: str, plan: WritePlan, *, batch_size: int = DEFAULT_BATCH_SIZE,
               writers: int = DEFAULT_WRITERS, on_batch: BatchHook | None = None) -> WriteStats:
    """Write coverage and actors (first: ties MATCH them), then the tie batches, ``writers`` at a time.

    Each batch is its own transaction (``write_tie_batch``); concurrent batches hold
    disjoint ties, and Neo4j does not lock a dense actor node exclusively when a
    relationship is added to it, so they rarely wait on each other (a deadlock
    between two batches on sparse actors is a transient error the driver retries).
    """
    if writers < 1:
        raise StoreError(f"writers must be at least 1, got {writers}")
    stats = WriteStats()
    present = ties_present(driver, database)
    shapes = [("edges", list(chain.from_iterable(plan.edges.values()))),
              ("nodes", list(chain.from_iterable(plan.nodes.values())))]
    jobs = ((shape, rows, count) for shape, ties in shapes for rows, count in tie_batches(ties, batch_size))

    def write(job: tuple[str, list[dict[str, Any]], int]) -> BatchResult:
        with driver.session(database=database) as session:
            return session.execute_write(write_tie_batch, job[0], job[1], present=present)

    # The rows are short-lived, acyclic dicts: with a million ties in memory the cyclic
    # collector would rescan them all again and again (a third of the client's CPU).
    with gc_paused():
        with driver.session(database=database) as session:
            session.execute_write(write_coverage, plan.coverage, plan.duplicates)
            actor_rows = list(chain.from_iterable(plan.actors.values()))
            for batch in batches(actor_rows, batch_size):
                session.execute_write(_write_checked, "actors", load_store_cypher("write_actors"), batch, len(batch))
                if on_batch is not None:
                    on_batch("actors", len(batch))
        for (shape, rows, count), result in in_flight(jobs, write, writers):
            stats.written += result.written
            stats.replaced += result.replaced
            if on_batch is not None:
                on_batch("ties" if shape == "edges" else "tie nodes", count + (len(rows) if shape == "nodes" else 0))
    return stats


def write_centrality(driver: Driver, database: str, dataset: Dataset, *,
                     batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Write centrality properties onto the actor nodes; returns the number of actors updated."""
    rows = centrality_rows(dataset)
    query = load_store_cypher("write_centrality")
    with driver.session(database=database) as session:
        for batch in batches(rows, batch_size):
            session.execute_write(_consume_single, query, {"rows": batch})
    return len(rows)


@dataclass
class Counts:
    """What the database holds: nodes by label, relationships by type, ties by relationship type."""

    labels: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    ties: dict[str, int] = field(default_factory=dict)


def _read_counts(tx: ManagedTransaction) -> Counts:
    """Relationships by type from the counts store; nodes by label from a label scan of actors and ties."""
    counts = Counts()
    labels = ["Actor", *KIND_LABELS.values(), TIE_NODE_LABEL, *TIE_LABELS.values(), COVERAGE_LABEL, DUPLICATE_LABEL]
    for record in tx.run(load_store_cypher("count_labels"), {"labels": labels}):
        counts.labels[record["label"]] = record["nodes"]
    for rel in (*RELATIONSHIP_TYPES, PARTICIPATED_IN):
        n = _consume_single(tx, typed_query("count_type", rel) if rel != PARTICIPATED_IN
                            else load_store_cypher("count_participations"), {})
        if n:
            counts.relationships[rel] = n
    for rel, name in RELATIONSHIP_TYPES.items():
        n = counts.relationships.get(rel, 0) + counts.labels.get(TIE_LABELS[name], 0)
        if n:
            counts.ties[rel] = n
    return counts


def database_counts(driver: Driver, database: str) -> Counts:
    with driver.session(database=database) as session:
        return session.execute_read(_read_counts)


@dataclass
class LoadResult:
    """What ``load_into`` did: ``replaced`` counts ties whose older copy was deleted and written anew."""

    counts: Counts
    seconds: float
    rows: int
    replaced: int
    cleared: int
    schema_statements: int
    centrality: bool
    written: int = 0


def load_into(driver: Driver, database: str, dataset: Dataset, *, batch_size: int = DEFAULT_BATCH_SIZE,
              writers: int = DEFAULT_WRITERS, replace: bool = False, centrality: bool = True,
              on_batch: BatchHook | None = None, on_start: Callable[[int], None] | None = None,
              ) -> LoadResult:
    """Checks, schema, optional clear, rows, centrality, counts: the whole of ``tiegraph load``.

    ``write_plan`` checks every record first, so bad data stops the load before
    ``--replace`` deletes anything.  ``on_start(total_rows)`` is called once the
    plan is made (to size a progress bar); ``on_batch`` after each committed batch.
    """
    if batch_size < 1:
        raise StoreError(f"batch size must be at least 1, got {batch_size}")
    if writers < 1:
        raise StoreError(f"writers must be at least 1, got {writers}")
    started = time.perf_counter()
    plan = write_plan(dataset)  # before touching the database: refuses what Neo4j would refuse
    statements = apply_schema(driver, database)
    cleared = clear_project(driver, database, batch_size) if replace else 0
    if on_start is not None:
        on_start(plan.total)
    stats = write_rows(driver, database, plan, batch_size=batch_size, writers=writers, on_batch=on_batch)
    if centrality:
        write_centrality(driver, database, dataset, batch_size=batch_size)
    counts = database_counts(driver, database)
    return LoadResult(counts, time.perf_counter() - started, plan.total, stats.replaced, cleared,
                      len(statements), centrality, stats.written)
