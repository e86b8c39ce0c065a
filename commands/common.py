"""Options and error handling shared by every command.

The library raises typed errors (``TiegraphError``); ``handle_errors`` turns
them into ``Error: …`` lines on stderr and exit code 1, never a traceback (an
``OSError`` the checks could not foresee, e.g. a full disk, too).  Choices are
Enums, so typer refuses a bad value before the command runs (``cli.py`` prints
that usage error as one ``Error:`` line, exit code 2); ``output_file`` and
``output_dir`` check where a command will write before it does the work.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from tiegraph.graph.build import TieFilter
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import OptionValueError, TiegraphError, UsageError, one_line
from tiegraph.model.vocabulary import TURKIC_SIX

#: where ``tiegraph neo4j start`` keeps a local server (and ``load --bulk`` finds it)
DEFAULT_WORKDIR = Path(".tiegraph") / "neo4j"
#: the research defaults: the analysis functions take scope and hub as required arguments, the CLI fills them
DEFAULT_SCOPE = TURKIC_SIX
DEFAULT_HUB = "TUR"

F = TypeVar("F", bound=Callable)


def fail(message: str, code: int = 1) -> None:
    """Print one ``Error:`` line per message line (invisible characters escaped) and exit ``code``."""
    for line in message.split("\n"):
        typer.echo(f"Error: {one_line(line)}", err=True)
    raise typer.Exit(code)


def handle_errors(func: F) -> F:
    """Run a command: its typed errors become ``Error:`` lines (exit 1, misuse 2); SIGTERM unwinds like Ctrl-C,
    so the temp files of an atomic write are removed (``exports.files.sigterm_interrupts``)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from tiegraph.exports.files import Terminated, sigterm_interrupts

        try:
            with sigterm_interrupts():
                return func(*args, **kwargs)
        except TiegraphError as exc:
            fail(str(exc), exc.exit_code)
        except Terminated:
            typer.echo("Error: terminated (SIGTERM)", err=True)
            raise typer.Exit(143) from None
        except KeyboardInterrupt:
            typer.echo("Error: interrupted", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `tiegraph report | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:  # what the output checks cannot foresee: a full disk, a vanished directory
            from tiegraph.exports.files import shown

            where = f"{shown(exc.filename)}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}")
    return wrapper  # type: ignore[return-value]


class Level(StrEnum):
    actor = "actor"
    state = "state"


class Projection(StrEnum):
    clique = "clique"
    star = "star"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Source(StrEnum):
    files = "files"
    neo4j = "neo4j"


class TimeFormat(StrEnum):
    date = "date"
    double = "double"


class Mode(StrEnum):
    stock = "stock"
    flow = "flow"
    window = "window"


class Null(StrEnum):
    uniform = "uniform"
    shuffle = "shuffle"


class ImportSource(StrEnum):
    dcad = "dcad"
    atop = "atop"
    sipri = "sipri"
    mme = "mme"
    jme = "jme"
    all = "all"  # every supported dataset found in a folder


def output_file(path: Path, label: str = "output file") -> Path:
    """Refuse an output file path that cannot be written (see ``exports.files``); call it before the work."""
    from tiegraph.exports.files import check_output_file

    return check_output_file(path, label)


def output_dir(path: Path, label: str = "output directory", files: tuple[str, ...] = ()) -> Path:
    """Refuse an output directory that cannot be written (created if missing); call it before the work."""
    from tiegraph.exports.files import check_output_dir

    return check_output_dir(path, label, files)


DataOpt = Annotated[list[Path] | None, typer.Option(
    "--data", "-d", help="Data directory (repeatable; default: the bundled dataset). "
                         "Imported datasets live in their own directories: pass them all.",
    show_default=False)]
FromOpt = Annotated[int | None, typer.Option(
    "--from", min=1, max=9999, help="First year (ties dated earlier, or undated, are left out).")]
ToOpt = Annotated[int | None, typer.Option("--to", min=1, max=9999, help="Last year.")]
TypeOpt = Annotated[list[str] | None, typer.Option("--type", "-t", help="Only these tie types (repeatable).")]
LevelOpt = Annotated[Level, typer.Option("--level", help="actor: companies are nodes; state: companies fold into their home state.")]
ProjectionOpt = Annotated[Projection, typer.Option("--projection", help="clique: multilateral ties become all pairs; star: an event node per tie.")]
ScopeOpt = Annotated[str | None, typer.Option("--scope", help="Comma-separated actor ids for density (default: TUR,AZE,KAZ,KGZ,UZB,TKM).")]
TentativeOpt = Annotated[bool, typer.Option("--tentative/--no-tentative", help="Include announced/planned/proposed ties.")]
DatasetOpt = Annotated[list[str] | None, typer.Option("--dataset", help="Only ties of this dataset (repeatable), e.g. seeds, dcad.")]


def load(data: list[Path] | None, datasets: list[str] | None = None) -> Dataset:
    """The validated data of the ``--data`` directories, each cross-dataset duplicate counted once,
    in id order (``in_canonical_order``).

    ``tiegraph overlaps DIR …`` lists the pairs; the kept tie names
    what it absorbed in ``attributes.overlaps_with``.  ``datasets`` (``--dataset``)
    keeps only those datasets' ties *before* duplicates are merged, so a SIPRI-only
    view keeps the SIPRI ties that the seeds would otherwise absorb.
    """
    from tiegraph.loaders.overlap import merge_dataset

    data_set = load_dataset(data or None, datasets=set(datasets) if datasets else None)
    check_datasets(data_set, datasets, lambda: load_dataset(data or None))
    return in_canonical_order(merge_dataset(data_set))


def check_datasets(data_set: Dataset, datasets: list[str] | None,
                   unfiltered: Callable[[], Dataset] | None = None) -> None:
    """``--dataset NAME`` must name a dataset of the data, as ``--type`` must name a tie type.

    May be called on the data already filtered to ``datasets``: a named dataset
    with no tie there has none in the data at all (a coverage record alone also
    counts).  ``unfiltered`` gives the whole data, read only to list its
    datasets in the error line.
    """
    if not datasets:
        return
    present = {t.dataset for t in data_set.ties} | set(data_set.coverage)
    unknown = [d for d in dict.fromkeys(datasets) if d not in present]
    if unknown:
        whole = unfiltered() if unfiltered is not None else data_set
        held = ", ".join(sorted({t.dataset for t in whole.ties} | set(whole.coverage))) or "none"
        raise UsageError(f"--dataset: unknown dataset '{unknown[0]}' (datasets in this data: {held})")


def check_years(start: int | None, end: int | None) -> None:
    """``--from`` after ``--to`` is misuse (exit 2), found before the data is read."""
    if start is not None and end is not None and start > end:
        raise OptionValueError(f"year range {start}-{end} is empty")


def make_filter(types: list[str] | None, start: int | None, end: int | None, tentative: bool,
                datasets: list[str] | None) -> TieFilter:
    return TieFilter(types=frozenset(types) if types else None, start_year=start, end_year=end,
                     include_tentative=tentative, datasets=frozenset(datasets) if datasets else None)


def parse_scope(scope: str | None, dataset: Dataset | None = None) -> tuple[str, ...]:
    """The ``--scope`` ids; None (option not given) is the default scope, but ``--scope ""`` is misuse."""
    if scope is None:
        return DEFAULT_SCOPE
    ids = tuple(dict.fromkeys(s.strip() for s in scope.split(",") if s.strip()))
    if len(ids) < 2:
        raise OptionValueError(f"--scope '{scope}' needs at least two actor ids (e.g. --scope TUR,AZE; "
                               "leave the option out for the default scope)")
    if dataset is not None:
        unknown = [i for i in ids if i not in dataset.actors]
        if unknown:
            raise UsageError(f"--scope: unknown actor id '{unknown[0]}'")
    return ids


UriOpt = Annotated[str | None, typer.Option(
    "--uri", help="Neo4j Bolt URI (default: $NEO4J_URI, else the server 'tiegraph neo4j start' runs in "
                  ".tiegraph/neo4j).", show_default=False)]
UserOpt = Annotated[str | None, typer.Option(
    "--user", help="Neo4j user (default: $NEO4J_USER or neo4j); the password is read from $NEO4J_PASSWORD.",
    show_default=False)]
DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", help="Database name (default: $NEO4J_DATABASE or neo4j; community edition has only neo4j).",
    show_default=False)]
SourceOpt = Annotated[Source, typer.Option(
    "--source", help="files: read the data directories; neo4j: read the graph back from Neo4j (the server "
                     "'tiegraph neo4j start' runs in .tiegraph/neo4j, or NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, "
                     "NEO4J_DATABASE), Browser edits included.")]


def dataset_from_source(source: str, data: list[Path] | None, uri: str | None = None,
                        user: str | None = None, password: str | None = None,
                        database: str | None = None, datasets: list[str] | None = None) -> Dataset:
    """The dataset an analysis runs on: from the data files (``datasets`` only: see ``load``),
    or read back from Neo4j."""
    if source == "files":
        return load(data, datasets)
    if data:
        raise UsageError("--data reads files: it cannot be combined with --source neo4j")
    from tiegraph.commands.store import neo4j_connection
    from tiegraph.store.connection import open_driver, translate_errors
    from tiegraph.store.readback import read_dataset

    conn = neo4j_connection(uri, user, database, password)
    with open_driver(conn) as driver, translate_errors(conn):
        data_set = read_dataset(driver, conn.database, f"{conn.uri} database '{conn.database}'")
    check_datasets(data_set, datasets)
    return in_canonical_order(data_set)


def in_canonical_order(data_set: Dataset) -> Dataset:
    """``data_set`` with its actors and ties in id order, whatever the order they were read in.

    Why: graph measures sum in insertion order (betweenness differs in its last digits)
    and notes list ties in the order they come, so without this the analysis of the
    same data would depend on the order of the ``--data`` options, and the read-back
    from Neo4j (ordered by each record's file and line, not by the order the
    directories were loaded in) would not give exactly the report of the files.
    """
    data_set.actors = dict(sorted(data_set.actors.items()))
    data_set.ties = sorted(data_set.ties, key=lambda tie: tie.id)
    return data_set
