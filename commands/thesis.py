"""``tiegraph thesis``: is the web of defence ties among the six Turkic states thickening?

Also home of ``write_report_extras``, which ``tiegraph report --html/--plots``
calls, so that the report command itself only gains two options.

The analysis modules (``graph.thesis``, which pulls in pandas and scipy) are
imported inside the functions that run them: ``cli.py`` imports every command
module at startup, and ``tiegraph report`` must not pay for them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tiegraph.commands.common import (
    DataOpt,
    DatasetOpt,
    LevelOpt,
    ProjectionOpt,
    TentativeOpt,
    TypeOpt,
    check_choice,
    handle_errors,
    load,
    make_filter,
    parse_scope,
)
from tiegraph.exports.graphml import write_atomically
from tiegraph.exports.tables import FORMATS, print_tables, render
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import UsageError

if TYPE_CHECKING:
    from tiegraph.graph.thesis import ThesisOptions

ThesisFromOpt = Annotated[int | None, typer.Option(
    "--from", help="First year of the series (default 2010). Earlier ties still count in the stock while in force.")]
ThesisToOpt = Annotated[int | None, typer.Option("--to", help="Last year of the series (default: the last tie year).")]
ThesisScopeOpt = Annotated[str | None, typer.Option(
    "--scope", help="Comma-separated actor ids, or 'all' (every actor with a tie that year). "
                    "Default: TUR,AZE,KAZ,KGZ,UZB,TKM.")]
ModeOpt = Annotated[str, typer.Option("--mode", help="Series to test: stock, flow or window.")]
DurationOpt = Annotated[int, typer.Option(
    "--duration", help="Years a standing tie with no known end stays in force (0 = forever).")]
WindowOpt = Annotated[int, typer.Option("--window", help="Sliding-window length in years (mode window).")]
EventsOpt = Annotated[bool, typer.Option(
    "--events-over-window/--events-in-year", help="Stock: events count over the window, or only in their year.")]
BreakOpt = Annotated[int, typer.Option("--break-year", help="Compare mean density before vs from this year.")]
NullOpt = Annotated[str, typer.Option(
    "--null", help="Null model the verdict uses: uniform (tie years drawn uniformly over the years) or "
                   "shuffle (years permuted among ties, yearly volume kept). Both p-values are printed.")]
PermutationsOpt = Annotated[int, typer.Option("--permutations", help="Shuffles in the permutation null (0: skip).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the permutation null (same seed, same result).")]
TopOpt = Annotated[int, typer.Option("--top", help="Actors per year in the centrality table.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Also write every table as CSV and JSON, the verdict and the plots (PNG) into DIR.")]

#: the sections printed in the terminal, with short headers so that they fit in 80-100 columns
TERMINAL = ("filters", "density", "structure", "test", "before_after", "sensitivity")
_DENSITY = {"year": "year", "ties_formed": "formed", "ties_active": "active", "actors_active": "actors",
            "density_stock": "stock", "density_flow": "flow", "density_window": "window",
            "weighted_density": "weighted"}
_STRUCTURE = {"year": "year", "multiplexity": "multiplex", "multiplex_share": "≥2 types",
              "components": "comps", "largest_component": "largest", "transitivity": "transit",
              "centralization": "central", "hub_share": "hub share", "density_without_hub": "w/o hub"}


def thesis_options(data_set: Dataset, *, scope: str | None, types: list[str] | None, start: int | None,
                   end: int | None, tentative: bool, dataset: list[str] | None, level: str, projection: str,
                   mode: str, duration: int, window: int, events_over_window: bool, break_year: int,
                   permutations: int, seed: int, top: int, null: str = "uniform") -> ThesisOptions:
    """Check the command-line values and turn them into ``ThesisOptions``."""
    from tiegraph.graph.temporal import ALL, MODES, Activity
    from tiegraph.graph.thesis import NULLS, ThesisOptions

    check_choice("--mode", mode, MODES)
    check_choice("--null", null, NULLS)
    check_choice("--level", level, ("actor", "state"))
    check_choice("--projection", projection, ("clique", "star"))
    if duration < 0:
        raise UsageError(f"--duration {duration} must be 0 (forever) or a number of years")
    if permutations < 0:
        raise UsageError(f"--permutations {permutations} must be 0 or more")
    if start is not None and end is not None and start > end:
        raise UsageError(f"year range {start}-{end} is empty")
    activity = Activity(mode, None if duration == 0 else duration, window, events_over_window)  # type: ignore[arg-type]
    return ThesisOptions(
        scope=ALL if scope == ALL else parse_scope(scope, data_set),
        tie_filter=make_filter(types, None, None, tentative, dataset), level=level,  # type: ignore[arg-type]
        projection=projection, first_year=2010 if start is None else start,  # type: ignore[arg-type]
        last_year=end, activity=activity, break_year=break_year, permutations=permutations, seed=seed, top=top,
        null=null)


def _short_p(p: float | None) -> str:
    if p is None:
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def terminal_tables(result: dict[str, Any]) -> dict[str, Any]:
    """The sections shown as rich tables (the verdict is printed after them as plain text).

    The full-width tables (every column, every digit) are in --format json/csv/markdown and --out.
    """
    from tiegraph.graph.thesis import thesis_tables

    tables = thesis_tables(result, verdict=False)
    measures = tables.pop("measures")
    tables["density"] = [{short: r[key] for key, short in _DENSITY.items()} for r in measures]
    tables["structure"] = [{short: r[key] for key, short in _STRUCTURE.items()} for r in measures]
    tables["sensitivity"] = [
        {"spec (* main)": f"{r['projection']} {'+' if r['tentative'] == 'with' else '-'}tent {r['mode']}"
                          f"{' *' if r['main'] else ''}",
         "first→last": f"{r['first']:.2f}→{r['last']:.2f}", "tau": f"{r['tau']:+.2f}",
         "MK p": _short_p(r["mk_p"]), "HR p": _short_p(r["hamed_rao_p"]), "perm p": _short_p(r["perm_p"]),
         "MW p": _short_p(r["mw_p"]), "verdict": r["verdict"]}
        for r in tables["sensitivity"]]
    return {name: tables[name] for name in TERMINAL}


def write_tables(result: dict[str, Any], directory: Path) -> list[Path]:
    """Every table as ``<name>.csv`` and ``<name>.json``, plus ``verdict.txt`` and ``thesis.json``."""
    import pandas as pd

    from tiegraph.graph.thesis import thesis_tables

    paths: list[Path] = []
    for name, value in thesis_tables(result).items():
        rows = value if isinstance(value, list) else [{"key": k, "value": v} for k, v in value.items()]
        frame = pd.DataFrame(rows)
        csv_path, json_path = directory / f"{name}.csv", directory / f"{name}.json"
        write_atomically(csv_path, lambda tmp, frame=frame: frame.to_csv(tmp, index=False, encoding="utf-8"))
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
        write_atomically(json_path, lambda tmp, text=text: Path(tmp).write_text(text + "\n", encoding="utf-8"))
        paths += [csv_path, json_path]
    verdict = directory / "verdict.txt"
    write_atomically(verdict, lambda tmp: Path(tmp).write_text(result["verdict"] + "\n", encoding="utf-8"))
    everything = json.dumps(thesis_tables(result), indent=2, ensure_ascii=False, default=str)
    whole = directory / "thesis.json"
    write_atomically(whole, lambda tmp: Path(tmp).write_text(everything + "\n", encoding="utf-8"))
    return paths + [verdict, whole]


@handle_errors
def thesis(
    data: DataOpt = None,
    start: ThesisFromOpt = None,
    end: ThesisToOpt = None,
    scope: ThesisScopeOpt = None,
    mode: ModeOpt = "stock",
    duration: DurationOpt = 10,
    window: WindowOpt = 3,
    events_over_window: EventsOpt = False,
    break_year: BreakOpt = 2020,
    null: NullOpt = "uniform",
    permutations: PermutationsOpt = 1000,
    seed: SeedOpt = 42,
    types: TypeOpt = None,
    level: LevelOpt = "state",
    projection: ProjectionOpt = "clique",
    tentative: TentativeOpt = True,
    dataset: DatasetOpt = None,
    top: TopOpt = 10,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Test the thesis that the web of defence ties among the scope has been thickening.

    Prints the yearly measures, the Mann–Kendall (and Hamed–Rao) / Sen /
    permutation (uniform-timing and volume-kept shuffle nulls) / before-after
    tests with their p-values, the sensitivity table (clique vs
    star, with and without tentative ties, stock vs flow) and a verdict
    sentence generated from the numbers.  Same data, options and seed give
    the same output.

    Example: tiegraph thesis --from 2010 --mode stock --duration 10 --out thesis-results
    """
    from tiegraph.graph.thesis import thesis_section, thesis_tables

    check_choice("--format", fmt, FORMATS)
    data_set = load(data, dataset)
    options = thesis_options(data_set, scope=scope, types=types, start=start, end=end, tentative=tentative,
                             dataset=dataset, level=level, projection=projection, mode=mode, duration=duration,
                             window=window, events_over_window=events_over_window, break_year=break_year,
                             permutations=permutations, seed=seed, top=top, null=null)
    result = thesis_section(data_set, options)
    if fmt == "table":
        print_tables(terminal_tables(result), title=result["title"])
        typer.echo(f"Verdict: {result['verdict']}")
    elif fmt == "json":
        typer.echo(json.dumps(thesis_tables(result), indent=2, ensure_ascii=False, default=str))
    else:
        text = render(thesis_tables(result), fmt, title=result["title"])
        typer.echo(text, nl=not (text or "").endswith("\n"))
    if out is not None:
        from tiegraph.exports.plots import write_plots

        written = write_tables(result, out) + write_plots(result, out)
        typer.echo(f"Wrote {len(written)} files to {out}", err=True)


def write_report_extras(data_set: Dataset, options: Any, report_data: dict[str, Any], *,
                        html: Path | None = None, plots: Path | None = None) -> None:
    """For ``tiegraph report --html PATH --plots DIR``: run the thesis test and write the files.

    ``options`` is the report's ``ReportOptions``; its year filter becomes the
    series span (see ``ThesisOptions.from_report``).
    """
    if html is None and plots is None:
        return
    from tiegraph.exports.html import write_html_report
    from tiegraph.exports.plots import write_plots
    from tiegraph.graph.thesis import thesis_section

    result = thesis_section(data_set, options)
    if html is not None:
        write_html_report(data_set, report_data, result, html)
        typer.echo(f"Wrote {html}", err=True)
    if plots is not None:
        written = write_plots(result, plots)
        typer.echo(f"Wrote {len(written)} plots to {plots}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(thesis)
