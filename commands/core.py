"""The core commands: report, validate, types."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tiegraph.analysis.report import ReportOptions, build_report
from tiegraph.commands.common import (
    DEFAULT_HUB,
    DataOpt,
    DatasetOpt,
    Format,
    FromOpt,
    Level,
    LevelOpt,
    Projection,
    ProjectionOpt,
    ScopeOpt,
    Source,
    SourceOpt,
    TentativeOpt,
    ToOpt,
    TypeOpt,
    check_years,
    dataset_from_source,
    handle_errors,
    load,
    make_filter,
    parse_scope,
)
from tiegraph.exports.files import check_outputs
from tiegraph.exports.tables import check_csv_out, render, write_csv_tables
from tiegraph.model.entities import Dataset
from tiegraph.model.vocabulary import STATUSES, TENTATIVE_STATUSES, TIE_TYPES

FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", help="table, json, csv (one file per table: needs --out DIR) or markdown.")]


@handle_errors
def report(
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    types: TypeOpt = None,
    level: LevelOpt = Level.state,
    projection: ProjectionOpt = Projection.clique,
    scope: ScopeOpt = None,
    tentative: TentativeOpt = False,
    dataset: DatasetOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many actors to list (overall and per year).")] = 10,
    by_year: Annotated[bool, typer.Option(
        "--by-year", help="Also show the yearly structure (multiplexity, components, transitivity, "
                          "centralisation, the hub's share) and each year's most central actors.")] = False,
    fmt: FormatOpt = Format.table,
    source: SourceOpt = Source.files,
    html: Annotated[Path | None, typer.Option("--html", help="Also write a self-contained HTML report (with the thesis test) to PATH.")] = None,
    plots: Annotated[Path | None, typer.Option("--plots", help="Also write the thesis plots (PNG) into DIR.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="With --format csv (required there): write one CSV file per table into DIR "
                      "(density.csv, top_actors.csv …).")] = None,
) -> None:
    """Network report: summary, coverage, yearly density of the scope, notes, top actors, the thesis verdict.

    Runs on the bundled dataset by default, no server needed.  The verdict and
    its rate rows are those of 'tiegraph thesis' on the same data and window
    (from the first year every scope state exists unless --from).  A year no dataset
    covers prints as '–' (null in JSON), never 0; the notes say where a column
    stays constant and why, and where the datasets covering the years change.
    --by-year adds the yearly structure and each year's most central actors
    (hub: TUR when in the scope).  --html and --plots also run the thesis test
    (see 'tiegraph thesis') for the HTML and PNGs.

    Example: tiegraph report --from 2015 --level state --format markdown
    """
    check_csv_out(fmt.value, out)
    check_outputs([(html, "--html", "file"), (plots, "--plots", "dir"), (out, "--out", "dir")])  # together
    check_years(start, end)
    data_set = dataset_from_source(source, data, datasets=dataset)
    options = ReportOptions(scope=parse_scope(scope, data_set),
                            tie_filter=make_filter(types, start, end, tentative, dataset),
                            level=level.value, projection=projection.value, top=top, by_year=by_year,
                            hub=DEFAULT_HUB)
    report_data = build_report(data_set, options)
    if out is not None:
        written, empty = write_csv_tables(report_data, out)
        typer.echo(f"Wrote {len(written)} CSV files to {out}"
                   + (f" (no rows, no file: {', '.join(empty)})" if empty else ""), err=True)
    else:
        text = render(report_data, fmt.value)
        if text is not None:
            typer.echo(text, nl=not text.endswith("\n"))
    if html is not None or plots is not None:
        _thesis_extras(data_set, options, report_data, html=html, plots=plots)


def _thesis_extras(data_set: Dataset, options: ReportOptions, report_data: dict[str, Any], *,
                   html: Path | None, plots: Path | None) -> None:
    """``report --html PATH --plots DIR``: run the thesis test on the report's options and write the files.

    The thesis modules (pandas, scipy, matplotlib) are imported only here, so a
    plain ``tiegraph report`` does not pay for them.
    """
    from tiegraph.analysis.thesis import ThesisOptions, run_thesis
    from tiegraph.exports.html import write_html_report
    from tiegraph.exports.plots import write_plots

    result = run_thesis(data_set, ThesisOptions.from_report(options, hub=DEFAULT_HUB))
    if html is not None:
        write_html_report(data_set, report_data, result, html)
        typer.echo(f"Wrote {html}", err=True)
    if plots is not None:
        written = write_plots(result, plots)
        typer.echo(f"Wrote {len(written)} plots to {plots}", err=True)


@handle_errors
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Data directories to check (default: the bundled dataset).", show_default=False)] = None,
) -> None:
    """Check data files; print every problem as FILE:LINE: record: field: problem.

    Exit code 0 when valid, 1 otherwise.  Nothing is built or written.

    Example: tiegraph validate my-data
    """
    data_set = load(paths)
    typer.echo(f"OK: {len(data_set.actors)} actors, {len(data_set.ties)} ties in "
               f"{len(data_set.files)} files")


@handle_errors
def types() -> None:
    """List the tie types, statuses and what they mean (the vocabulary).

    Two tables with headers, fitted to the terminal: the tie types (Neo4j
    relationship, direction, temporal kind, description) and the statuses
    (tentative ones are dropped by --no-tentative).

    Example: tiegraph types
    """
    from tiegraph.exports.layout import console, print_table

    out = console()
    rows = [[t.name, t.relationship, f"{t.roles[0]} -> {t.roles[1]}" if t.directed else "undirected", t.temporal,
             t.description] for t in TIE_TYPES.values()]
    print_table("tie types", ["type", "relationship", "direction", "temporal", "description"], rows, console=out)
    print_table("statuses", ["status", "tentative"],
                [[s, "yes" if s in TENTATIVE_STATUSES else "no"] for s in STATUSES], console=out)


def register(app: typer.Typer) -> None:
    app.command()(report)
    app.command()(validate)
    app.command()(types)
