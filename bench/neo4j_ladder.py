"""(f) of ``bench.neo4j_load``: where the online writer's time goes, one property group at a time.

The same bilateral ties are written with the writer's own query
(``cypher/store/create_ties.cypher``, batches of 2,000 relationships, one
transaction at a time) several times into the same emptied database, each
time with more of their properties: none (the relationship and its two actor
lookups only), ``tieId`` (the key the per-type uniqueness constraint indexes),
the properties the saved queries filter on (dates, years, status, tentative),
then everything ``store.rows.tie_props`` writes.  The steps between rungs say
what each group costs the server (its CPU time per relationship) and the client
(this process: building and packing the rows).  Nothing else changes between
rungs, so the ratios are meaningful even on a busy machine.  The bare relationship
is also written two batches at a time: the most this query can reach on the
machine, whatever the properties.  Two last rungs write
all properties in batches of 10,000 (the writer's default before: what a larger
transaction costs the server's heap) and two batches at a time (the writer's
default now: what the second core adds).
"""

from __future__ import annotations

from typing import Any

from bench._harness import Stopwatch

#: properties the saved queries filter or sort on (cypher/*.cypher), beside tieId
QUERY_KEYS = ("date", "precision", "dateFrom", "dateTo", "year", "lastYear", "status", "tentative")

#: (rung, properties kept (None: the writer's row as it is), relationships per batch, batches at a time)
RUNGS: tuple[tuple[str, tuple[str, ...] | None, int, int], ...] = (
    ("no properties", (), 2_000, 1),
    ("no properties, 2 writers", (), 2_000, 2),  # the ceiling of this query on this machine
    ("tieId (constrained)", ("tieId",), 2_000, 1),
    ("+ query properties", ("tieId", *QUERY_KEYS), 2_000, 1),
    ("all properties", None, 2_000, 1),
    ("all, batches of 10,000", None, 10_000, 1),  # the default before: the heap's share
    ("all, 2 writers", None, 2_000, 2),  # store.writer's default
)


WIRE_DATES = ("dateFrom", "dateTo")  # outside the row's props (store.rows._on_the_wire)


def _rows(rows: list[dict[str, Any]], keys: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """The rows with only ``keys`` among their properties (dates included, wherever they travel)."""
    if keys is None:
        return rows
    kept = []
    for row in rows:
        new = {k: v for k, v in row.items() if k not in WIRE_DATES or k in keys}
        new["props"] = {k: row["props"][k] for k in keys if k in row["props"]}
        kept.append(new)
    return kept


def _properties(row: dict[str, Any]) -> int:
    return len(row["props"]) + sum(1 for k in WIRE_DATES if row.get(k) is not None)


def _write(driver: Any, db: str, rows: list[dict[str, Any]], batch_size: int, writers: int) -> int:
    """The writer's create query on ``rows``, ``writers`` batches at a time (``store.writer.in_flight``)."""
    from tiegraph.store.cypher import load_store_cypher
    from tiegraph.store.writer import in_flight

    query = load_store_cypher("create_ties")

    def write(batch: list[dict[str, Any]]) -> int:
        with driver.session(database=db) as session:
            return int(session.execute_write(lambda tx: tx.run(query, {"rows": batch}).single()[0]))

    jobs = (rows[start:start + batch_size] for start in range(0, len(rows), batch_size))
    return sum(written for _, written in in_flight(jobs, write, writers))


def cost_ladder(driver: Any, db: str, plan: Any, pid: int | None, ties: int,
                process_cpu: Any) -> list[dict[str, Any]]:
    """Write the first ``ties`` bilateral ties of ``plan`` once per rung; one row of figures per rung."""
    from itertools import chain, islice

    from tiegraph.store.rows import WritePlan, edge_row
    from tiegraph.store.writer import apply_schema, clear_project, write_rows

    full = [edge_row(t) for t in islice(chain.from_iterable(plan.edges.values()), ties)]
    figures = []
    for name, keys, batch_size, writers in RUNGS:
        apply_schema(driver, db)
        clear_project(driver, db, batch_size=20_000)
        write_rows(driver, db, WritePlan(plan.actors, {}, {}, 0, plan.coverage))
        before = process_cpu(pid)
        with Stopwatch() as clock:
            rows = _rows(full, keys)  # building the rows is client work: inside the clock
            written = _write(driver, db, rows, batch_size, writers)
        server = process_cpu(pid) - before
        figures.append({"rung": name, "batch": batch_size, "writers": writers, "properties": round(sum(map(_properties, rows)) / len(rows), 1),
                        "rels": written, "wall_s": clock.wall, "rels_per_s": written / clock.wall,
                        "server_us_per_rel": server / written * 1e6 if pid else float("nan"),
                        "client_us_per_rel": clock.cpu / written * 1e6})
    return figures
