"""``tiegraph export …``: files for Gephi and other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commands.common import (DataOpt, DatasetOpt, FromOpt, LevelOpt, ProjectionOpt, TentativeOpt,
                             ToOpt, TypeOpt, check_choice, handle_errors, load, make_filter)
from exports.graphml import write_graphml
from graph.build import build_graph, select_ties

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
) -> None:
    """Write a GraphML file Gephi opens cleanly: one edge per tie and actor pair.

    Node attributes: name, kind, country.  Edge attributes: tie_id, type, date,
    precision, year (-1 = undated), status, count, title, source, conflict, …

    Example: tiegraph export graphml ties.graphml --level state
    """
    check_choice("--level", level, ("actor", "state"))
    check_choice("--projection", projection, ("clique", "star"))
    data_set = load(data)
    ties = select_ties(data_set, make_filter(types, start, end, tentative, dataset))
    graph = build_graph(data_set, ties, projection=projection, level=level)  # type: ignore[arg-type]
    write_graphml(graph, path)
    typer.echo(f"Wrote {path}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
               f"from {len(ties)} ties")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
