"""The one Neo4j writer: batched ``UNWIND $rows`` in managed write transactions.

Why this shape:

* **Batches** (default 5,000 rows, one ``session.execute_write`` each) keep
  every transaction small, so a large import neither exhausts the server's
  memory nor loses everything when one batch fails; the driver retries a batch
  on transient errors.
* **Idempotent**: actors are MERGEd on ``id`` and relationships on
  ``(type, tie_id, pair)``, then their properties are *replaced* (``SET x =``).
  Loading twice gives the same graph, and a load that died half-way is
  repaired by simply running it again; no cleanup or resume bookkeeping.
* **Relationship types** cannot be Cypher parameters.  We keep ONE template
  per write shape (``cypher/store/write_ties.cypher``) with a ``{{REL_TYPE}}``
  token that is replaced only by a name taken from the vocabulary table
  (``store.cypher.with_relationship_type`` refuses anything else).  The
  alternatives were worse: twelve near-identical generated files drift from
  the vocabulary, APOC is not on a plain server, and Neo4j 5.26's dynamic
  types (``MERGE ()-[:$(row.type)]->()``) cannot use the per-type indexes
  the MERGE needs to stay fast.
* Schema statements run one per transaction before every load (Neo4j refuses
  schema changes and writes in one transaction); all are ``IF NOT EXISTS``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from model.entities import Dataset
from model.errors import StoreError
from store.cypher import (KIND_LABELS, RELATIONSHIP_TYPES, SCHEMA_FILE, load_store_cypher,
                          split_statements, with_label, with_relationship_type)
from store.rows import StoreRows, batches, build_rows, centrality_rows

DEFAULT_BATCH_SIZE = 5_000

#: called after each committed batch with (what, rows in the batch); the CLI's progress bar
BatchHook = Callable[[str, int], None]


def _consume_single(tx: Any, query: str, params: dict[str, Any]) -> int:
    """Run one statement in a managed transaction and return its single count column."""
    record = tx.run(query, params).single()
    return int(record[0]) if record is not None else 0


def _run_statement(tx: Any, query: str) -> None:
    tx.run(query).consume()


def apply_schema(driver: Any, database: str) -> list[str]:
    """Apply ``cypher/schema.cypher`` statement by statement; returns the statements run."""
    statements = split_statements(SCHEMA_FILE.read_text(encoding="utf-8"))
    with driver.session(database=database) as session:
        for statement in statements:
            session.execute_write(_run_statement, statement)
    return statements


def clear_project(driver: Any, database: str, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete the project's data (actors and their relationships) in small transactions.

    A loop of ``LIMIT $limit`` deletes in managed transactions rather than
    ``CALL { … } IN TRANSACTIONS``: the latter needs an implicit transaction,
    which the driver does not retry.  Returns the number of actors deleted.
    """
    deleted_nodes = 0
    with driver.session(database=database) as session:
        for name in ("clear_relationships", "clear_actors"):
            query = load_store_cypher(name)
            while True:
                deleted = session.execute_write(_consume_single, query, {"limit": batch_size})
                if name == "clear_actors":
                    deleted_nodes += deleted
                if deleted == 0:
                    break
    return deleted_nodes


def _write_batches(session: Any, what: str, query: str, rows: list[dict[str, Any]],
                   batch_size: int, on_batch: BatchHook | None) -> None:
    for batch in batches(rows, batch_size):
        written = session.execute_write(_consume_single, query, {"rows": batch})
        if written != len(batch):  # a MATCH found no endpoint: never silently drop ties
            raise StoreError(f"{what}: wrote {written} of {len(batch)} rows "
                             "(an actor a tie refers to is missing from the database)")
        if on_batch is not None:
            on_batch(what, len(batch))


def write_rows(driver: Any, database: str, rows: StoreRows, *, batch_size: int = DEFAULT_BATCH_SIZE,
               on_batch: BatchHook | None = None) -> int:
    """Write actors (first: ties MATCH them), then ties, then prune stale pairs.

    Returns the number of stale relationships deleted by the prune.
    """
    actor_template = load_store_cypher("write_actors")
    tie_template = load_store_cypher("write_ties")
    with driver.session(database=database) as session:
        for label, actor_rows in rows.actors.items():
            _write_batches(session, label, with_label(actor_template, label), actor_rows,
                           batch_size, on_batch)
        for relationship, tie_rows in rows.ties.items():
            _write_batches(session, relationship, with_relationship_type(tie_template, relationship),
                           tie_rows, batch_size, on_batch)
        if not rows.pairs:
            return 0
        return session.execute_write(_consume_single, load_store_cypher("prune_ties"),
                                     {"pairs": rows.pairs})


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
    counts: Counts
    seconds: float
    rows: int
    pruned: int
    cleared: int
    schema_statements: int
    centrality: bool


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
    statements = apply_schema(driver, database)
    cleared = clear_project(driver, database, batch_size) if replace else 0
    rows = build_rows(dataset)
    if on_start is not None:
        on_start(rows.total)
    pruned = write_rows(driver, database, rows, batch_size=batch_size, on_batch=on_batch)
    if centrality:
        write_centrality(driver, database, dataset, batch_size=batch_size)
    counts = database_counts(driver, database)
    return LoadResult(counts, time.perf_counter() - started, rows.total, pruned, cleared,
                      len(statements), centrality)
