"""``tiegraph load`` and ``tiegraph query``: the Neo4j store, and ``--source neo4j`` for analyses.

Without ``--uri`` or NEO4J_URI, a command uses the server ``tiegraph neo4j start``
runs in ``.tiegraph/neo4j`` (its state file gives URI, user and password) and says
so on stderr.  Otherwise the settings come from ``--uri`` / ``--user`` /
``--database`` or the NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE
variables (the password only from the environment, so it never shows in ``ps``
or shell history).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from tiegraph.commands.common import (
    DEFAULT_WORKDIR,
    DatabaseOpt,
    DataOpt,
    QueryFormat,
    UriOpt,
    UserOpt,
    handle_errors,
)
from tiegraph.commands.common import load as load_files
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import UsageError
from tiegraph.store.connection import Connection, find_connection, open_driver, translate_errors
from tiegraph.store.cypher import query_parts, read_query_file
from tiegraph.store.rows import expected_counts
from tiegraph.store.writer import DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, LoadResult


def neo4j_connection(uri: str | None, user: str | None, database: str | None, password: str | None = None,
                     workdir: Path = DEFAULT_WORKDIR) -> Connection:
    """The connection of a Neo4j command (``store.connection.find_connection``); with the local
    server, one line on stderr naming its URI, so the user knows where the data went."""
    conn, note = find_connection(uri, user, password, database, workdir)
    if note:
        typer.echo(note, err=True)
    return conn


def _progress(enabled: bool, unit: str):
    """A rich progress bar on stderr counting ``unit`` (only on a terminal, so logs and pipes stay clean)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                    TimeElapsedColumn(), console=console, transient=True,
                    disable=not (enabled and console.is_terminal))


def _print_summary(result: LoadResult, dataset: Dataset, conn: Connection) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    nodes = Table(title="nodes by label", title_justify="left")
    nodes.add_column("label")
    nodes.add_column("nodes", justify="right")
    for label, n in sorted(result.counts.labels.items()):
        nodes.add_row(label, str(n))
    rels = Table(title="ties by type", title_justify="left")
    for column in ("type", "ties", "relationships", "tie nodes"):
        rels.add_column(column, justify="left" if column == "type" else "right")
    counts = result.counts
    for rel, n in sorted(counts.ties.items()):
        rels.add_row(rel, str(n), str(counts.relationships.get(rel, 0)), str(n - counts.relationships.get(rel, 0)))
    tie_nodes = counts.labels.get("Tie", 0)
    participations = counts.relationships.get("PARTICIPATED_IN", 0)
    rels.add_row("total", str(sum(counts.ties.values())), str(sum(counts.relationships.values()) - participations),
                 str(tie_nodes))
    console.print(nodes)
    console.print(rels)
    ties = sum(counts.ties.values())
    phases = getattr(result, "phases", None)  # a bulk load (store.bulk.BulkResult)
    cleared = (f" (replaced a database of {result.cleared:,} nodes)" if phases is not None
               else " (cleared first)") if result.cleared else ""
    plan = expected_counts(dataset)
    nodes_planned = plan.labels.get("Tie", 0)
    participants = plan.relationships.get("PARTICIPATED_IN", 0)
    typer.echo(f"Loaded {len(dataset.actors)} actors and {len(dataset.ties)} ties "
               f"({sum(plan.relationships.values()) - participants} relationships, {nodes_planned} tie nodes "
               f"with {participants} participant relationships) into database "
               f"'{conn.database}' at {conn.uri} in {result.seconds:.2f} s" + cleared
               + ("" if result.centrality else "; centrality not written"))
    if phases is not None:
        typer.echo("Bulk import steps: " + ", ".join(f"{name} {s:.1f} s" for name, s in phases.items()))
    if counts.labels.get("Actor", 0) != plan.labels["Actor"] or ties != len(dataset.ties):
        typer.echo(f"Note: the database holds {counts.labels.get('Actor', 0)} actors and "
                      f"{ties} ties, more than these files (loaded earlier); "
                      "'tiegraph load --replace' keeps only these files' data.")


@handle_errors
def load(
    data: DataOpt = None,
    uri: UriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Relationships per write transaction (a tie's "
                                                 "relationships stay in one).")] = DEFAULT_BATCH_SIZE,
    writers: Annotated[int, typer.Option("--writers", min=1,
                                         help="Write transactions of tie batches at a time (each batch "
                                              "stays whole; 1 writes them one after another).")] = DEFAULT_WRITERS,
    replace: Annotated[bool, typer.Option("--replace", help="Delete the project's data (its :Actor, "
                                          ":Tie, :Coverage and :Duplicate nodes and their relationships; "
                                          "nothing else) before loading; with --bulk, let the import "
                                          "replace the whole database, which must then be the local server's.")] = False,
    centrality: Annotated[bool, typer.Option("--centrality/--no-centrality", help="Write degree, "
                                             "betweenness and eigenvector centrality onto actor nodes.")] = True,
    bulk: Annotated[bool, typer.Option("--bulk", help="Replace the WHOLE database of the local server "
                                       "('tiegraph neo4j start') offline with neo4j-admin import: restarts "
                                       "it; needs --replace unless the database is empty.")] = False,
    workdir: Annotated[Path, typer.Option("--workdir", help="The local server's work directory: the "
                                          "server used without --uri / NEO4J_URI, and the one --bulk "
                                          "rebuilds.")] = DEFAULT_WORKDIR,
) -> None:
    """Load the data into Neo4j: actors as nodes, a tie as one typed relationship (or, with three or
    more participants, one :Tie node).

    Validates the files first, applies cypher/schema.cypher, then writes in
    batches (new ties are created, ties already there merged: loading twice,
    or re-running a load that failed half-way, gives the same graph) and
    writes centralities for Browser styling.  With --bulk the local server's
    database is rebuilt offline from CSV files instead (same graph, for large
    data many times faster; a bulk load that failed half-way is repaired by
    running it again).  The server: the one 'tiegraph neo4j start' runs in
    --workdir, unless --uri or NEO4J_URI names another.

    Example: tiegraph load --replace

    Example: tiegraph load --bulk --replace --data data --data tiegraph-data/mme --data tiegraph-data/jme
    """
    from tiegraph.store.writer import load_into

    dataset = load_files(data)
    if bulk:
        _bulk(dataset, workdir, uri, database, replace, centrality, batch_size)
        return
    conn = neo4j_connection(uri, user, database, workdir=workdir)
    with (open_driver(conn) as driver, translate_errors(conn),
          _progress(True, "actors, tie nodes and relationships") as progress):
        task = progress.add_task("writing", total=None)
        result = load_into(
            driver, conn.database, dataset, batch_size=batch_size, writers=writers, replace=replace,
            centrality=centrality, on_start=lambda total: progress.update(task, total=total),
            on_batch=lambda what, n: progress.update(task, advance=n, description=f"writing {what}"),
        )
    _print_summary(result, dataset, conn)


def _bulk(dataset: Dataset, workdir: Path, uri: str | None, database: str | None, replace: bool,
          centrality: bool, batch_size: int) -> None:
    """``load --bulk``: the local server of ``workdir``, found by its state.json (and --uri, if given)."""
    from tiegraph.store.bulk import DATABASE, STEPS, bulk_load, local_target

    if (database or os.environ.get("NEO4J_DATABASE") or DATABASE) != DATABASE:
        raise UsageError(f"--bulk imports the default database '{DATABASE}' only")
    uri = uri or os.environ.get("NEO4J_URI")
    state = local_target(workdir, uri)
    steps = [s for s in STEPS if centrality or s != "centrality"]
    with _progress(True, "steps") as progress:
        task = progress.add_task("bulk load", total=len(steps))
        result = bulk_load(workdir, dataset, uri=uri, replace=replace, centrality=centrality,
                           batch_size=batch_size,
                           on_phase=lambda step: progress.update(task, description=f"bulk load: {step}",
                                                                 completed=steps.index(step) if step in steps
                                                                 else None))
    _print_summary(result, dataset, Connection(state["bolt_uri"], state.get("user", "neo4j"), None, DATABASE))


def _print_rows(columns: list[str], rows: list[dict], fmt: str, title: str) -> None:
    from tiegraph.store.query import cell

    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([cell(r[c], precise=True) for c in columns] for r in rows)
        return
    from tiegraph.exports.layout import print_table

    # fitted to the terminal, never a value cut or split (exports/layout.py)
    numeric = [bool(rows) and all(isinstance(r[c], (int, float)) and not isinstance(r[c], bool)
                                  for r in rows if r[c] is not None) for c in columns]
    print_table(f"{title} ({len(rows)} rows)", columns, [[cell(r[c]) for c in columns] for r in rows],
                numeric=numeric)


@handle_errors
def query(
    path: Annotated[Path, typer.Argument(help="A .cypher file (or the name of one in cypher/).")],
    params: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="name=value, repeatable; numbers, true/false and JSON are typed.",
        show_default=False)] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the query to write "
                                        "(default: read-only transaction).")] = False,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="table, json or csv.")] = QueryFormat.table,
    uri: UriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Run a saved Cypher query (read-only unless --write) and print its rows.

    Each file in cypher/ starts with the question it answers; its ':param'
    lines (run by Neo4j Browser when the file is pasted) give the parameters'
    example values, used here unless --param gives another.

    Example: tiegraph query cypher/partners_by_type.cypher --param actor=TUR
    """
    from tiegraph.store.query import parse_params, run_query

    statement, parameters = query_parts(read_query_file(path), str(path))
    parameters.update(parse_params(params))
    conn = neo4j_connection(uri, user, database)
    with open_driver(conn, notifications=True) as driver, translate_errors(conn, str(path)):
        result = run_query(driver, conn.database, statement, parameters, write=write)
    for warning in result.warnings:
        typer.echo(f"Warning: {path}: {warning}", err=True)
    _print_rows(result.columns, result.rows, fmt.value, path.stem)


def register(app: typer.Typer) -> None:
    app.command()(load)
    app.command()(query)
