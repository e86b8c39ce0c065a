"""``tiegraph export …``: files for Gephi and other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiegraph.commands.common import (
    DataOpt,
    DatasetOpt,
    FromOpt,
    LevelOpt,
    ProjectionOpt,
    SourceOpt,
    TentativeOpt,
    ToOpt,
    TypeOpt,
    check_choice,
    dataset_from_source,
    handle_errors,
    make_filter,
)
from tiegraph.exports.graphml import write_graphml
from tiegraph.graph.build import build_graph, select_ties

export_app = typer.Typer(help="Write the graph to files (GraphML for Gephi, …).", no_args_is_help=True)


@export_app.command("graphml")
@handle_errors
def graphml(
    path: Annotated[Path, typer.Argument(help="Output .graphml file.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = "actor",
    projection: ProjectionOpt = "clique",
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    source: SourceOpt = "files",
) -> None:
    """Write a GraphML file Gephi opens cleanly: one edge per tie and actor pair.

    Node attributes: name, kind, country.  Edge attributes: tie_id, type, date,
    precision, year (-1 = undated), status, count, title, source, conflict, …

    Example: tiegraph export graphml ties.graphml --level state
    """
    check_choice("--level", level, ("actor", "state"))
    check_choice("--projection", projection, ("clique", "star"))
    data_set = dataset_from_source(source, data, datasets=dataset)
    ties = select_ties(data_set, make_filter(types, start, end, tentative, dataset))
    graph = build_graph(data_set, ties, projection=projection, level=level)  # type: ignore[arg-type]
    write_graphml(graph, path)
    typer.echo(f"Wrote {path}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
               f"from {len(ties)} ties")


TimeformatOpt = Annotated[str, typer.Option(
    "--timeformat", help="date: spells from the tie dates, as precise as known; double: years.")]
UndatedOpt = Annotated[bool, typer.Option(
    "--undated/--no-undated", help="Keep undated ties (with no spell they show at every time).")]


def _left_out(undated: int) -> str:
    return f" ({undated} undated {'edge' if undated == 1 else 'edges'} left out)" if undated else ""


def _timeline_graph(data, start, end, types, level, projection, tentative, dataset, source, timeformat):
    """The graph for a dynamic export (shared checks and loading of the gexf and csv commands)."""
    from tiegraph.exports.gexf import TIMEFORMATS

    check_choice("--level", level, ("actor", "state"))
    check_choice("--projection", projection, ("clique", "star"))
    check_choice("--timeformat", timeformat, TIMEFORMATS)
    data_set = dataset_from_source(source, data, datasets=dataset)
    ties = select_ties(data_set, make_filter(types, start, end, tentative, dataset))
    return build_graph(data_set, ties, projection=projection, level=level), ties  # type: ignore[arg-type]


@export_app.command("gexf")
@handle_errors
def gexf(
    path: Annotated[Path, typer.Argument(help="Output .gexf file.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = "actor",
    projection: ProjectionOpt = "clique",
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    source: SourceOpt = "files",
    timeformat: TimeformatOpt = "date",
    undated: UndatedOpt = False,
) -> None:
    """Write dynamic GEXF 1.3 for Gephi's timeline: each tie an edge with its spell.

    Events span their date (a year-only date spans the year); standing ties
    run from start to end, or stay open; a node appears with its first tie.
    Directed ties point origin -> target.

    Example: tiegraph export gexf ties.gexf --level state --timeformat date
    """
    from tiegraph.exports.gexf import write_gexf

    graph, ties = _timeline_graph(data, start, end, types, level, projection, tentative, dataset, source,
                                  timeformat)
    counts = write_gexf(graph, path, timeformat=timeformat, include_undated=undated)
    left_out = _left_out(counts["undated"])
    typer.echo(f"Wrote {path}: {counts['nodes']} nodes, {counts['edges']} edges from {len(ties)} ties{left_out}")


@export_app.command("csv")
@handle_errors
def csv(
    directory: Annotated[Path, typer.Argument(help="Output directory for nodes.csv and edges.csv.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = "actor",
    projection: ProjectionOpt = "clique",
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    source: SourceOpt = "files",
    timeformat: TimeformatOpt = "double",
    undated: UndatedOpt = False,
) -> None:
    """Write nodes.csv and edges.csv for Gephi's spreadsheet importer.

    Columns Id, Label / Source, Target, Type, Id, Label, Weight and a timeset
    column such as <[2021.0, 2023.0]> (Infinity: still in force), then every
    tie attribute (type -> tie_type, source -> citation).

    Example: tiegraph export csv gephi-tables --level state
    """
    from tiegraph.exports.csv_tables import write_gephi_csv

    graph, ties = _timeline_graph(data, start, end, types, level, projection, tentative, dataset, source,
                                  timeformat)
    result = write_gephi_csv(graph, directory, timeformat=timeformat, include_undated=undated)
    left_out = _left_out(result["undated"])
    typer.echo(f"Wrote {result['nodes']} ({result['n_nodes']} nodes) and {result['edges']} "
               f"({result['n_edges']} edges) from {len(ties)} ties{left_out}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
