"""``tiegraph export …``: files for Gephi and other tools.

Every command reads and checks the data, then checks the output path
(``output_file`` / ``output_dir``: one ``Error:`` line, nothing written), then
builds and writes atomically, with a progress bar on stderr when it is a
terminal, and says what it wrote (path, size, nodes, edges, ties).  What the
edges are (ties grouped so that Gephi keeps every one) and the window (the
analysis window of ``report``/``thesis`` by default) are explained in
``exports/edges.py`` and the README.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from tiegraph.commands.common import (
    DEFAULT_SCOPE,
    DataOpt,
    DatasetOpt,
    Level,
    LevelOpt,
    Projection,
    ProjectionOpt,
    Source,
    SourceOpt,
    TentativeOpt,
    TimeFormat,
    TypeOpt,
    check_years,
    dataset_from_source,
    handle_errors,
    make_filter,
    output_dir,
    output_file,
)
from tiegraph.commands.dyadyears import dyadyears
from tiegraph.exports.edges import Window
from tiegraph.graph.build import build_graph, select_ties
from tiegraph.model.entities import Dataset, Tie

export_app = typer.Typer(help="Write the graph to files Gephi opens whole (GEXF, GraphML, CSV).",
                         no_args_is_help=True)

FullOpt = Annotated[bool, typer.Option(
    "--full", help="Also write every tie's title, citations, URLs … on the edges (much larger files).")]
TimeformatOpt = Annotated[TimeFormat, typer.Option(
    "--timeformat", help="date (default of every export): spells from the tie dates, as precise as known "
                         "('2017' spans 2017-01-01..2017-12-31); double: years (2017.0).")]
UndatedOpt = Annotated[bool, typer.Option(
    "--undated/--no-undated", help="Keep undated ties (an edge with one has no spell: it shows at every time). "
                                   "Their actors are nodes either way.")]
WindowFromOpt = Annotated[int | None, typer.Option(
    "--from", min=1, max=9999, help="First year of the timeline (default: the analysis window of report and "
                                    "thesis, from the first year every scope state exists: 1992). Ties in force "
                                    "in the window are written, their spells clipped to it.")]
WindowToOpt = Annotated[int | None, typer.Option(
    "--to", min=1, max=9999, help="Last year of the timeline (default: the last year a tie starts).")]
GraphFromOpt = Annotated[int | None, typer.Option(
    "--from", min=1, max=9999, help="Only the ties in force from this year on (default: every tie).")]
GraphToOpt = Annotated[int | None, typer.Option(
    "--to", min=1, max=9999, help="Only the ties in force up to this year (default: every tie).")]


def export_window(ties: list[Tie], start: int | None, end: int | None) -> Window | None:
    """The export's window: ``--from``/``--to``, by default the analysis window (``report``, ``thesis``):
    from the first year every default-scope state exists (or the first tie year, if later) to the last
    year a tie starts.  None when no tie is dated and no year was given."""
    from tiegraph.analysis.thesis import default_first_year

    dated = [t.year for t in ties if t.year is not None]
    first = start if start is not None else default_first_year(DEFAULT_SCOPE, dated)[0]
    last = end if end is not None else (max(dated) if dated else None)
    if first is None or last is None:
        return None
    if first > last and start is None:  # every tie before the default first year: start with them
        first = min(dated) if dated else last
    return Window(first, last) if first <= last else None


def _graph(data: list[Path] | None, start: int | None, end: int | None, types: list[str] | None, level: Level,
           projection: Projection, tentative: bool, dataset: list[str] | None, source: Source,
           timeline: bool = True) -> tuple[Dataset, list[Tie], nx.MultiGraph, Window | None]:
    """The data, the ties in the window (and the undated ones), their graph and the window.

    ``timeline=False`` (GraphML, which has none): a window only when --from/--to ask for one.
    """
    from tiegraph.exports.progress import status

    check_years(start, end)
    with status("reading the data"):
        data_set = dataset_from_source(source, data, datasets=dataset)
    ties = select_ties(data_set, make_filter(types, None, None, tentative, dataset))
    window = export_window(ties, start, end) if timeline or start is not None or end is not None else None
    if window is not None:
        ties = [t for t in ties if t.year is None or window.holds(
            t.year, t.end.year if t.end else None, t.end is None and t.tie_type.temporal != "event")]
    with status(f"building the graph of {len(ties):,} ties"):
        graph = build_graph(data_set, ties, projection=projection.value, level=level.value)
    return data_set, ties, graph, window


def _wrote(paths: list[Path], counts: dict[str, int], window: Window | None) -> str:
    """'Wrote ties.gexf (1.2 MB): 30 nodes, 120 edges, 52 ties, timeline 1992-2026 (23 undated ties left out)'."""
    from tiegraph.exports.progress import size_text

    undated = counts.get("undated", 0)
    left_out = f" ({undated:,} undated {'tie' if undated == 1 else 'ties'} left out)" if undated else ""
    timeline = f", timeline {window.first}-{window.last}" if window is not None else ""
    return (f"Wrote {' and '.join(map(str, paths))} ({size_text(*paths)}): {counts['nodes']:,} nodes, "
            f"{counts['edges']:,} edges, "
            f"{counts['ties']:,} ties{timeline}{left_out}")


@export_app.command("graphml")
@handle_errors
def graphml(
    path: Annotated[Path, typer.Argument(help="Output .graphml file.")],
    data: DataOpt = None,
    start: GraphFromOpt = None,
    end: GraphToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.state,
    projection: ProjectionOpt = Projection.clique,
    tentative: TentativeOpt = False,
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
    from tiegraph.exports.progress import progress_bar

    data_set, _, graph, window = _graph(data, start, end, types, level, projection, tentative, dataset, source,
                                        timeline=False)
    output_file(path)
    edges = graph.number_of_edges() if per_tie else len({frozenset(e) for e in graph.edges()})
    with progress_bar("writing GraphML", edges, "edges") as advance:
        counts = write_graphml(graph, path, per_tie=per_tie, full=full, coverage=data_set.coverage,
                               advance=advance)
    typer.echo(_wrote([path], counts, window))


@export_app.command("gexf")
@handle_errors
def gexf(
    path: Annotated[Path, typer.Argument(help="Output .gexf file.")],
    data: DataOpt = None,
    start: WindowFromOpt = None,
    end: WindowToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.state,
    projection: ProjectionOpt = Projection.clique,
    tentative: TentativeOpt = False,
    dataset: DatasetOpt = None,
    source: SourceOpt = Source.files,
    timeformat: TimeformatOpt = TimeFormat.date,
    undated: UndatedOpt = False,
    full: FullOpt = False,
) -> None:
    """Write dynamic GEXF 1.3 for Gephi's timeline: one edge per actor pair, direction and tie type.

    Each edge (kind = tie type) lists its ties (ties = weight, tie_ids) and
    carries the union of their spells: events span their date (a year-only date
    spans the year), standing ties run from start to end or to the window's
    end.  The timeline is the window (--from/--to, by default the analysis
    window of report and thesis).  Every actor is a node: from its first dated
    tie, or over the whole window when its ties are undated.  Directed ties
    point origin -> target.  censored=true: a tie ends at its dataset's last
    covered year, its real end is unknown.

    Example: tiegraph export gexf ties.gexf --level state --from 2000
    """
    from tiegraph.exports.gexf import write_gexf
    from tiegraph.exports.progress import progress_bar

    data_set, _, graph, window = _graph(data, start, end, types, level, projection, tentative, dataset, source)
    output_file(path)
    with progress_bar("writing GEXF", None, "edges") as advance:
        counts = write_gexf(graph, path, timeformat=timeformat.value, include_undated=undated, full=full,
                            coverage=data_set.coverage, window=window, advance=advance)
    typer.echo(_wrote([path], counts, window))


@export_app.command("csv")
@handle_errors
def csv(
    directory: Annotated[Path, typer.Argument(help="Output directory for nodes.csv and edges.csv.")],
    data: DataOpt = None,
    start: WindowFromOpt = None,
    end: WindowToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.state,
    projection: ProjectionOpt = Projection.clique,
    tentative: TentativeOpt = False,
    dataset: DatasetOpt = None,
    source: SourceOpt = Source.files,
    timeformat: TimeformatOpt = TimeFormat.date,
    undated: UndatedOpt = False,
    full: FullOpt = False,
) -> None:
    """Write nodes.csv and edges.csv for Gephi's spreadsheet importer (both or neither).

    Columns Id, Label / Source, Target, Type, Id, Label, Weight, Kind and a
    timeset column such as <[2021-06-01, 2023-12-31]> (--timeformat double:
    <[2021.0, 2023.0]>), then the edge's ties (ties, tie_ids, dates, status,
    datasets …): the same nodes, edges, spells and window as the GEXF export.
    In Gephi's import wizard choose "Time representation: Intervals".

    Example: tiegraph export csv gephi-tables --level state
    """
    from tiegraph.exports.csv_tables import FILES, write_gephi_csv
    from tiegraph.exports.progress import progress_bar

    data_set, _, graph, window = _graph(data, start, end, types, level, projection, tentative, dataset, source)
    output_dir(directory, files=FILES)
    with progress_bar("writing CSV", None, "edges") as advance:
        result = write_gephi_csv(graph, directory, timeformat=timeformat.value, include_undated=undated,
                                 full=full, coverage=data_set.coverage, window=window, advance=advance)
    counts = {key: int(str(result[key])) for key in ("n_nodes", "n_edges", "ties", "undated")}
    counts.update(nodes=counts.pop("n_nodes"), edges=counts.pop("n_edges"))
    typer.echo(_wrote([Path(str(result["nodes"])), Path(str(result["edges"]))], counts, window))


export_app.command("dyadyears")(dyadyears)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
