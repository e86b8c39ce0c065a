"""Options and error handling shared by every command.

The library raises typed errors (``TiegraphError``); ``handle_errors`` turns
them into ``Error: …`` lines on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from tiegraph.graph.build import TieFilter
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import TiegraphError, UsageError
from tiegraph.model.vocabulary import TURKIC_SIX

#: where ``tiegraph neo4j start`` keeps a local server (and ``load --bulk`` finds it)
DEFAULT_WORKDIR = Path(".tiegraph") / "neo4j"

F = TypeVar("F", bound=Callable)


def fail(message: str) -> None:
    """Print one ``Error:`` line per message line and exit 1."""
    for line in message.split("\n"):
        typer.echo(f"Error: {line}", err=True)
    raise typer.Exit(1)


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except TiegraphError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            typer.echo("Error: interrupted", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `tiegraph report | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
    return wrapper  # type: ignore[return-value]


DataOpt = Annotated[list[Path] | None, typer.Option(
    "--data", "-d", help="Data directory (repeatable; default: the bundled dataset). "
                         "Imported datasets live in their own directories: pass them all.",
    show_default=False)]
FromOpt = Annotated[int | None, typer.Option("--from", help="First year (ties dated earlier, or undated, are left out).")]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year.")]
TypeOpt = Annotated[list[str] | None, typer.Option("--type", "-t", help="Only these tie types (repeatable).")]
LevelOpt = Annotated[str, typer.Option("--level", help="actor: companies are nodes; state: companies fold into their home state.")]
ProjectionOpt = Annotated[str, typer.Option("--projection", help="clique: multilateral ties become all pairs; star: an event node per tie.")]
ScopeOpt = Annotated[str | None, typer.Option("--scope", help="Comma-separated actor ids for density (default: TUR,AZE,KAZ,KGZ,UZB,TKM).")]
TentativeOpt = Annotated[bool, typer.Option("--tentative/--no-tentative", help="Include announced/planned/proposed ties.")]
DatasetOpt = Annotated[list[str] | None, typer.Option("--dataset", help="Only ties of this dataset (repeatable), e.g. seeds, dcad.")]


def load(data: list[Path] | None, datasets: list[str] | None = None) -> Dataset:
    """The validated data of the ``--data`` directories, each cross-dataset duplicate counted once.

    ``tiegraph overlaps DIR …`` lists the pairs; the kept tie names
    what it absorbed in ``attributes.overlaps_with``.  ``datasets`` (``--dataset``)
    keeps only those datasets' ties *before* duplicates are merged, so a SIPRI-only
    view keeps the SIPRI ties that the seeds would otherwise absorb.
    """
    from tiegraph.loaders.overlap import merge_dataset

    return merge_dataset(load_dataset(data or None, datasets=set(datasets) if datasets else None))


def make_filter(types: list[str] | None, start: int | None, end: int | None, tentative: bool,
                datasets: list[str] | None) -> TieFilter:
    return TieFilter(types=frozenset(types) if types else None, start_year=start, end_year=end,
                     include_tentative=tentative, datasets=frozenset(datasets) if datasets else None)


def parse_scope(scope: str | None, dataset: Dataset | None = None) -> tuple[str, ...]:
    if not scope:
        return TURKIC_SIX
    ids = tuple(dict.fromkeys(s.strip() for s in scope.split(",") if s.strip()))
    if len(ids) < 2:
        raise UsageError(f"--scope '{scope}' needs at least two actor ids")
    if dataset is not None:
        unknown = [i for i in ids if i not in dataset.actors]
        if unknown:
            raise UsageError(f"--scope: unknown actor id '{unknown[0]}'")
    return ids


def check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"{option} '{value}' is not one of: {', '.join(choices)}")


UriOpt = Annotated[str | None, typer.Option(
    "--uri", help="Neo4j Bolt URI (default: $NEO4J_URI or bolt://localhost:7687).", show_default=False)]
UserOpt = Annotated[str | None, typer.Option(
    "--user", help="Neo4j user (default: $NEO4J_USER or neo4j); the password is read from $NEO4J_PASSWORD.",
    show_default=False)]
DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", help="Database name (default: $NEO4J_DATABASE or neo4j; community edition has only neo4j).",
    show_default=False)]
SourceOpt = Annotated[str, typer.Option(
    "--source", help="files: read the data directories; neo4j: read the graph back from Neo4j "
                     "(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), Browser edits included.")]
SOURCES = ("files", "neo4j")


def dataset_from_source(source: str, data: list[Path] | None, uri: str | None = None,
                        user: str | None = None, password: str | None = None,
                        database: str | None = None, datasets: list[str] | None = None) -> Dataset:
    """The dataset an analysis runs on: from the data files (``datasets`` only: see ``load``),
    or read back from Neo4j."""
    check_choice("--source", source, SOURCES)
    if source == "files":
        return load(data, datasets)
    if data:
        raise UsageError("--data reads files: it cannot be combined with --source neo4j")
    from tiegraph.store.connection import Connection, open_driver, translate_errors
    from tiegraph.store.readback import read_dataset

    conn = Connection.from_env(uri, user, password, database)
    with open_driver(conn) as driver, translate_errors(conn):
        return read_dataset(driver, conn.database, f"{conn.uri} database '{conn.database}'")
