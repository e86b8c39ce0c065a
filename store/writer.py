"""The one Neo4j writer: batched ``UNWIND $rows`` in managed write transactions.

Why this shape:

* **Batches** of about ``batch_size`` relationships (default 10,000), one
  ``session.execute_write`` each, keep every transaction small, so a large
  import neither exhausts the server's memory nor loses everything when one
  batch fails; the driver retries a batch on transient errors.  Rows are
  **one per tie** (``store.rows.tie_write_row``): the shared properties travel
  once, the pairs as a list, and a tie's relationships are never split over two
  transactions.
* **Idempotent and exact**, two paths chosen per batch in the same transaction:
  when none of the batch's tie ids is in the database (``find_ties``, or no
  vocabulary relationship at all when the load starts, e.g. after
  ``--replace``), its relationships are CREATEd (``create_ties``); otherwise
  they are MERGEd on ``(type, tie_id, pair)`` and their properties replaced
  (``write_ties``), then stale pairs of those ties are deleted (``prune_ties``).
  Loading twice gives the same graph, and a load that died half-way is repaired
  by simply running it again; no cleanup or resume bookkeeping.  CREATE is what
  makes a first load fast: MERGE needs an index lookup, a lock and an Eager
  barrier per relationship.  The ``(tie_id, pair)`` uniqueness constraint stays
  the backstop against duplicates.
* **Relationship types** cannot be Cypher parameters.  We keep ONE template
  per write shape (``cypher/store/*.cypher``) with a ``{{REL_TYPE}}`` token that
  is replaced only by a name taken from the vocabulary table
  (``store.cypher.with_relationship_type`` refuses anything else).  The
  alternatives were worse: twelve near-identical generated files drift from
  the vocabulary, APOC is not on a plain server, and Neo4j 5.26's dynamic
  types (``MERGE ()-[:$(row.type)]->()``) cannot use the per-type indexes
  the MERGE needs to stay fast.
* Schema statements run in one transaction of their own before every load
  (Neo4j refuses schema changes and writes in one transaction); all are
  ``IF NOT EXISTS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from tiegraph.model.entities import Dataset
from tiegraph.model.errors import StoreError
from tiegraph.model.runtime import gc_paused
from tiegraph.store.cypher import (
    KIND_LABELS,
    RELATIONSHIP_TYPES,
    SCHEMA_FILE,
    load_store_cypher,
    split_statements,
    with_label,
    with_relationship_type,
)
from tiegraph.store.rows import WritePlan, batches, centrality_rows, tie_batches, write_plan

#: relationships per write transaction; 10,000 keeps a transaction's state to a few tens of MB
#: of server heap (see BENCHMARKS.md, "Neo4j load", for the measurements behind it)
DEFAULT_BATCH_SIZE = 10_000

T = TypeVar("T")

#: called after each committed batch with (what, rows in the batch); the CLI's progress bar
BatchHook = Callable[[str, int], None]


def _consume_single(tx: Any, query: str, params: dict[str, Any]) -> int:
    """Run one statement in a managed transaction and return its single count column."""
    record = tx.run(query, params).single()
    return int(record[0]) if record is not None else 0


def _run_statements(tx: Any, statements: list[str]) -> None:
    for statement in statements:
        tx.run(statement).consume()


@cache
def typed_query(name: str, relationship: str) -> str:
    """``cypher/store/NAME.cypher`` with its ``{{REL_TYPE}}`` set to a vocabulary type."""
    return with_relationship_type(load_store_cypher(name), relationship)


def apply_schema(driver: Any, database: str) -> list[str]:
    """Apply ``cypher/schema.cypher``, all statements in one transaction; returns the statements run.

    One transaction, not one per statement: Neo4j accepts several schema commands
    (no data writes) in one, commits them about 5x faster on this machine (1.2 s
    against 5.3 s for the 52 statements), and populates the new indexes of a
    filled database (after ``tiegraph load --bulk``) together.
    """
    statements = split_statements(SCHEMA_FILE.read_text(encoding="utf-8"))
    with driver.session(database=database) as session:
        session.execute_write(_run_statements, statements)
    return statements


def clear_project(driver: Any, database: str, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete the project's data (actors and their relationships), ``batch_size`` rows per transaction.

    ``CALL { … } IN TRANSACTIONS`` commits batch by batch inside one auto-commit
    query (``session.run``: a managed transaction cannot hold it).  The driver
    does not retry such a query, but a clear that fails half-way has committed
    whole batches only, and running it again finishes it.  Measured on 100,000
    synthetic ties (177,494 relationships, BENCHMARKS.md): 23.8 s, against 32.6 s
    for the earlier loop of ``LIMIT``-ed managed transactions, each of which ran
    an undirected ``DISTINCT`` match again.  Returns the number of actors deleted.
    """
    with driver.session(database=database) as session:
        session.run(load_store_cypher("clear_relationships"), {"rows": batch_size}).consume()
        record = session.run(load_store_cypher("clear_actors"), {"rows": batch_size}).single()
    return int(record[0]) if record is not None else 0


def _write_checked(tx: Any, what: str, query: str, rows: list[dict[str, Any]], expected: int) -> tuple[int, int]:
    """Run a write shape; returns (rows written, relationships created).

    Fewer rows written than expected raises inside the transaction function, so
    the driver rolls the batch back: nothing of it commits.
    """
    result = tx.run(query, {"rows": rows})
    record = result.single()
    written = int(record[0]) if record is not None else 0
    if written != expected:  # a MATCH found no endpoint: never silently drop ties
        raise StoreError(f"{what}: wrote {written} of {expected} rows "
                         "(an actor a tie refers to is missing from the database)")
    return written, result.consume().counters.relationships_created


def database_has_ties(driver: Any, database: str) -> bool:
    """Whether any vocabulary relationship exists (one counts-store lookup per type, no scan)."""
    with driver.session(database=database) as session:
        return any(session.execute_read(_consume_single, typed_query("count_type", rel), {})
                   for rel in RELATIONSHIP_TYPES)


@dataclass
class BatchResult:
    """One committed tie batch: relationships written, stale ones pruned, and the path taken."""

    written: int
    pruned: int
    created: bool


def write_tie_batch(tx: Any, relationship: str, rows: list[dict[str, Any]], *,
                    known_new: bool = False) -> BatchResult:
    """Write one batch of tie rows of one type in ``tx``: CREATE when all new, else MERGE and prune.

    ``known_new`` skips the lookup when the caller knows the database holds no
    tie of any vocabulary type (checked once per load by ``database_has_ties``).
    """
    expected = sum(len(row["pairs"]) for row in rows)
    ids = [row["tie_id"] for row in rows]
    existing = 0 if known_new else sum(_consume_single(tx, typed_query("find_ties", rel), {"ids": ids})
                                       for rel in RELATIONSHIP_TYPES)
    new = existing == 0
    shape = "create_ties" if new else "write_ties"
    written, created = _write_checked(tx, relationship, typed_query(shape, relationship), rows, expected)
    pruned = 0
    # Relationships of these ties that the MERGE did not match are stale; none (the common
    # re-load of unchanged files) means the twelve prune lookups can be skipped.
    if existing - (written - created) > 0:
        keys = [{"id": row["tie_id"], "keys": [f"{relationship} {p[2]}" for p in row["pairs"]]} for row in rows]
        pruned = sum(_consume_single(tx, typed_query("prune_ties", rel), {"ties": keys})
                     for rel in RELATIONSHIP_TYPES)
    return BatchResult(written, pruned, new)


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """Yield ``items``, building the next one in a helper thread while the caller uses this one.

    Why: building a batch's rows is pure Python (holding the GIL) and the
    server works while the driver waits on its socket (GIL released), so on a
    small machine the two overlap instead of taking turns.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tiegraph-rows") as pool:
        pending: Future[T | None] = pool.submit(next, items, None)
        while (item := pending.result()) is not None:
            pending = pool.submit(next, items, None)
            yield item


@dataclass
class WriteStats:
    """What ``write_rows`` did: stale relationships pruned, relationships created vs merged."""

    pruned: int = 0
    created: int = 0
    merged: int = 0


def write_rows(driver: Any, database: str, plan: WritePlan, *, batch_size: int = DEFAULT_BATCH_SIZE,
               on_batch: BatchHook | None = None) -> WriteStats:
    """Write actors (first: ties MATCH them), then ties type by type, each batch committed alone."""
    stats = WriteStats()
    actor_template = load_store_cypher("write_actors")
    known_new = not database_has_ties(driver, database)
    # The rows are short-lived, acyclic dicts: with a million ties in memory the cyclic
    # collector would rescan them all again and again (a third of the client's CPU).
    with gc_paused(), driver.session(database=database) as session:
        for label, actor_rows in plan.actors.items():
            query = with_label(actor_template, label)
            for batch in batches(actor_rows, batch_size):
                session.execute_write(_write_checked, label, query, batch, len(batch))
                if on_batch is not None:
                    on_batch(label, len(batch))
        for relationship, ties in plan.ties.items():
            for rows, count in prefetched(tie_batches(ties, batch_size)):
                result = session.execute_write(write_tie_batch, relationship, rows, known_new=known_new)
                stats.pruned += result.pruned
                if result.created:
                    stats.created += result.written
                else:
                    stats.merged += result.written
                if on_batch is not None:
                    on_batch(relationship, count)
    return stats


def write_centrality(driver: Any, database: str, dataset: Dataset, *,
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
    """What the database holds: nodes by label, relationships and distinct ties by type."""

    labels: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    ties: dict[str, int] = field(default_factory=dict)


def _read_counts(tx: Any) -> Counts:
    counts = Counts()
    labels = ["Actor", *KIND_LABELS.values()]
    for record in tx.run(load_store_cypher("count_labels"), {"labels": labels}):
        counts.labels[record["label"]] = record["nodes"]
    for record in tx.run(load_store_cypher("count_relationships"), {"types": list(RELATIONSHIP_TYPES)}):
        counts.relationships[record["type"]] = record["relationships"]
        counts.ties[record["type"]] = record["ties"]
    return counts


def database_counts(driver: Any, database: str) -> Counts:
    with driver.session(database=database) as session:
        return session.execute_read(_read_counts)


@dataclass
class LoadResult:
    """What ``load_into`` did; ``created``/``merged`` count relationships by write path."""

    counts: Counts
    seconds: float
    rows: int
    pruned: int
    cleared: int
    schema_statements: int
    centrality: bool
    created: int = 0
    merged: int = 0


def load_into(driver: Any, database: str, dataset: Dataset, *, batch_size: int = DEFAULT_BATCH_SIZE,
              replace: bool = False, centrality: bool = True,
              on_batch: BatchHook | None = None, on_start: Callable[[int], None] | None = None,
              ) -> LoadResult:
    """Schema, optional clear, rows, prune, centrality, counts: the whole of ``tiegraph load``.

    ``on_start(total_rows)`` is called once the rows are built (to size a
    progress bar); ``on_batch`` after each committed batch.
    """
    if batch_size < 1:
        raise StoreError(f"batch size must be at least 1, got {batch_size}")
    started = time.perf_counter()
    plan = write_plan(dataset)  # before touching the database: it refuses duplicate tie ids
    statements = apply_schema(driver, database)
    cleared = clear_project(driver, database, batch_size) if replace else 0
    if on_start is not None:
        on_start(plan.total)
    stats = write_rows(driver, database, plan, batch_size=batch_size, on_batch=on_batch)
    if centrality:
        write_centrality(driver, database, dataset, batch_size=batch_size)
    counts = database_counts(driver, database)
    return LoadResult(counts, time.perf_counter() - started, plan.total, stats.pruned, cleared,
                      len(statements), centrality, stats.created, stats.merged)
