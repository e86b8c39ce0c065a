"""``tiegraph export …``: files for Gephi and other tools.

Every command reads and checks the data, then checks the output path
(``output_file`` / ``output_dir``: one ``Error:`` line, nothing written), then
builds and writes atomically.  What the edges are (ties grouped so that Gephi
keeps every one) is explained in ``exports/edges.py`` and the README.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from tiegraph.commands.common import (
    DataOpt,
    DatasetOpt,
    FromOpt,
    Level,
    LevelOpt,
    Projection,
    ProjectionOpt,
    Source,
    SourceOpt,
    TentativeOpt,
    TimeFormat,
    ToOpt,
    TypeOpt,
    dataset_from_source,
    handle_errors,
    make_filter,
    output_dir,
    output_file,
)
from tiegraph.commands.dyadyears import dyadyears
from tiegraph.graph.build import build_graph, select_ties
from tiegraph.model.entities import Dataset, Tie

export_app = typer.Typer(help="Write the graph to files Gephi opens whole (GEXF, GraphML, CSV).",
                         no_args_is_help=True)

FullOpt = Annotated[bool, typer.Option(
    "--full", help="Also write every tie's title, citations, URLs … on the edges (much larger files).")]
TimeformatOpt = Annotated[TimeFormat, typer.Option(
    "--timeformat", help="date: spells from the tie dates, as precise as known; double: years.")]
UndatedOpt = Annotated[bool, typer.Option(
    "--undated/--no-undated", help="Keep undated ties (an edge with one has no spell: it shows at every time).")]


def _graph(data: list[Path] | None, start: int | None, end: int | None, types: list[str] | None, level: Level,
           projection: Projection, tentative: bool, dataset: list[str] | None,
           source: Source) -> tuple[Dataset, list[Tie], nx.MultiGraph]:
    """The data, the selected ties and their graph (shared loading of the export commands)."""
    data_set = dataset_from_source(source, data, datasets=dataset)
    ties = select_ties(data_set, make_filter(types, start, end, tentative, dataset))
    return data_set, ties, build_graph(data_set, ties, projection=projection.value, level=level.value)


def _left_out(undated: int) -> str:
    return f" ({undated} undated tie {'edge' if undated == 1 else 'edges'} left out)" if undated else ""


@export_app.command("graphml")
@handle_errors
def graphml(
    path: Annotated[Path, typer.Argument(help="Output .graphml file.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.actor,
    projection: ProjectionOpt = Projection.clique,
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    source: SourceOpt = Source.files,
    full: FullOpt = False,
    per_tie: Annotated[bool, typer.Option(
        "--per-tie", help="One edge per tie and actor pair with every tie attribute, for tools that keep "
                          "parallel edges (networkx, igraph); Gephi merges them.")] = False,
) -> None:
    """Write GraphML that Gephi opens whole: one edge per actor pair, its ties counted and listed.

    Edge attributes: ties, tie_ids, types (type:count), directions (from>to:count),
    first/last (dates as written), first_year/last_year, status, datasets,
    tentative, conflict, censored; weight = ties.  --per-tie writes one edge per
    tie instead (tie_id, type, date, precision, year (-1 = undated), status,
    count, title, source, …).

    Example: tiegraph export graphml ties.graphml --level state
    """
    from tiegraph.exports.graphml import write_graphml

    data_set, ties, graph = _graph(data, start, end, types, level, projection, tentative, dataset, source)
    output_file(path)
    counts = write_graphml(graph, path, per_tie=per_tie, full=full, coverage=data_set.coverage)
    typer.echo(f"Wrote {path}: {counts['nodes']} nodes, {counts['edges']} edges holding "
               f"{counts['ties']} tie edges from {len(ties)} ties")


@export_app.command("gexf")
@handle_errors
def gexf(
    path: Annotated[Path, typer.Argument(help="Output .gexf file.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.actor,
    projection: ProjectionOpt = Projection.clique,
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    source: SourceOpt = Source.files,
    timeformat: TimeformatOpt = TimeFormat.date,
    undated: UndatedOpt = False,
    full: FullOpt = False,
) -> None:
    """Write dynamic GEXF 1.3 for Gephi's timeline: one edge per actor pair, direction and tie type.

    Each edge (kind = tie type) lists its ties (ties, tie_ids) and carries the
    union of their spells: events span their date (a year-only date spans the
    year), standing ties run from start to end or stay open.  Directed ties
    point origin -> target; a node appears with its first tie.  censored=true:
    a tie ends at its dataset's last covered year, its real end is unknown.

    Example: tiegraph export gexf ties.gexf --level state --timeformat date
    """
    from tiegraph.exports.gexf import write_gexf

    data_set, ties, graph = _graph(data, start, end, types, level, projection, tentative, dataset, source)
    output_file(path)
    counts = write_gexf(graph, path, timeformat=timeformat.value, include_undated=undated, full=full,
                        coverage=data_set.coverage)
    typer.echo(f"Wrote {path}: {counts['nodes']} nodes, {counts['edges']} edges holding {counts['ties']} "
               f"tie edges from {len(ties)} ties{_left_out(counts['undated'])}")


@export_app.command("csv")
@handle_errors
def csv(
    directory: Annotated[Path, typer.Argument(help="Output directory for nodes.csv and edges.csv.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.actor,
    projection: ProjectionOpt = Projection.clique,
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    source: SourceOpt = Source.files,
    timeformat: TimeformatOpt = TimeFormat.double,
    undated: UndatedOpt = False,
    full: FullOpt = False,
) -> None:
    """Write nodes.csv and edges.csv for Gephi's spreadsheet importer (both or neither).

    Columns Id, Label / Source, Target, Type, Id, Label, Weight, Kind and a
    timeset column such as <[2021.0, 2023.0]> (Infinity: still in force), then
    the edge's ties (ties, tie_ids, first, last, status, datasets …): the same
    edges as the GEXF export.

    Example: tiegraph export csv gephi-tables --level state
    """
    from tiegraph.exports.csv_tables import FILES, write_gephi_csv

    data_set, ties, graph = _graph(data, start, end, types, level, projection, tentative, dataset, source)
    output_dir(directory, files=FILES)
    result = write_gephi_csv(graph, directory, timeformat=timeformat.value, include_undated=undated, full=full,
                             coverage=data_set.coverage)
    typer.echo(f"Wrote {result['nodes']} ({result['n_nodes']} nodes) and {result['edges']} "
               f"({result['n_edges']} edges holding {result['ties']} tie edges) from {len(ties)} ties"
               f"{_left_out(int(result['undated']))}")  # type: ignore[call-overload]


export_app.command("dyadyears")(dyadyears)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
