"""``tiegraph thesis``: is the web of defence ties among the six Turkic states thickening?

The research defaults (scope: the six Turkic states; hub: Türkiye; series from
2010) live here, not in the analysis.  The analysis modules (pandas, scipy)
are imported inside the command: ``cli.py`` imports every command module at
startup, and ``tiegraph report`` must not pay for them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tiegraph.commands.common import (
    DEFAULT_HUB,
    DataOpt,
    DatasetOpt,
    Format,
    Level,
    LevelOpt,
    Mode,
    Null,
    Projection,
    ProjectionOpt,
    TypeOpt,
    handle_errors,
    load,
    make_filter,
    output_dir,
    parse_scope,
)
from tiegraph.exports.tables import render
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import OptionValueError

if TYPE_CHECKING:
    from tiegraph.analysis.thesis import ThesisOptions, ThesisResult
    from tiegraph.exports.files import Writer


ThesisFromOpt = Annotated[int | None, typer.Option(
    "--from", min=1, max=9999, help="First year of the series (default: the first year every scope state exists, 1992 for the "
                   "six Turkic states). Earlier ties still count in the stock while in force.")]
ThesisToOpt = Annotated[int | None, typer.Option("--to", min=1, max=9999, help="Last year of the series (default: the last tie year).")]
ThesisScopeOpt = Annotated[str | None, typer.Option(
    "--scope", help="Comma-separated actor ids, or 'all' (every actor with a tie that year). "
                    "Default: TUR,AZE,KAZ,KGZ,UZB,TKM.")]
ModeOpt = Annotated[Mode, typer.Option("--mode", help="Series to test: stock, flow or window.")]
DurationOpt = Annotated[int, typer.Option(
    "--duration", help="Years a standing tie with no known end stays in force (0 = forever). A systematic "
                       "dataset's open ties stay in force to its coverage end.")]
WindowOpt = Annotated[int, typer.Option("--window", help="Sliding-window length in years (mode window).")]
EventsOpt = Annotated[bool, typer.Option(
    "--events-over-window/--events-in-year", help="Stock: events count over the window, or only in their year.")]
IncludeTentativeOpt = Annotated[bool, typer.Option(
    "--include-tentative", help="Put announced/planned/proposed ties back into the headline (they are always "
                                "in the sensitivity table).")]
BreakOpt = Annotated[int | None, typer.Option(
    "--break-year", help="Also compare mean density before vs from this year (Pettitt's change year is "
                         "always reported).")]
NullOpt = Annotated[Null, typer.Option(
    "--null", help="Permutation null: uniform (tie years drawn uniformly over the years) or shuffle "
                   "(years permuted among ties, yearly volume kept).")]
PermutationsOpt = Annotated[int, typer.Option("--permutations", help="Draws of the permutation null (0: skip).")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed of the permutation null (same seed, same result).")]
AlphaOpt = Annotated[float, typer.Option("--alpha", help="Significance level of the verdict's rules.")]


class RateProjection(StrEnum):
    weighted = "weighted"
    clique = "clique"
    bilateral = "bilateral"
    capped = "capped"


class ArmsYear(StrEnum):
    delivery = "delivery"
    order = "order"


RateProjectionOpt = Annotated[RateProjection, typer.Option(
    "--rate-projection", help="How a tie of k parties counts in the rate rows that decide: weighted (1/(k-1) per "
                              "pair), clique (1 per pair), bilateral (two-party ties only) or capped (at most --cap "
                              "parties). The others are sensitivity rows.")]
CapOpt = Annotated[int, typer.Option("--cap", min=2, help="Most parties a tie may have under the capped projection.")]
ArmsOpt = Annotated[ArmsYear, typer.Option(
    "--arms-year", help="Year an arms transfer counts in: its first delivery (delivery) or its order (order).")]
FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", help="table, json, csv (one file per table: needs --out DIR) or markdown.")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Also write every table as CSV and JSON, the verdict and the plots (PNG) into DIR.")]


def thesis_options(data_set: Dataset, *, scope: str | None, types: list[str] | None, start: int | None,
                   end: int | None, include_tentative: bool, dataset: list[str] | None, level: Level,
                   projection: Projection, mode: Mode, duration: int, window: int, events_over_window: bool,
                   break_year: int | None, permutations: int, seed: int, null: Null,
                   alpha: float, rate_projection: RateProjection = RateProjection.weighted, cap: int = 6,
                   arms: ArmsYear = ArmsYear.delivery) -> ThesisOptions:
    """Check the command-line values and turn them into ``ThesisOptions`` (the Turkic defaults apply here)."""
    from tiegraph.analysis.temporal import ALL, Activity
    from tiegraph.analysis.thesis import ThesisOptions

    if duration < 0:
        raise OptionValueError(f"--duration {duration} must be 0 (forever) or a number of years")
    if window < 1:
        raise OptionValueError(f"--window {window} must be at least 1 year")
    if permutations < 0:
        raise OptionValueError(f"--permutations {permutations} must be 0 or more")
    if not 0 < alpha < 1:
        raise OptionValueError(f"--alpha {alpha} must be between 0 and 1")
    first = start
    if first is not None and end is not None and first > end:
        raise OptionValueError(f"year range {first}-{end} is empty")
    activity = Activity(mode.value, None if duration == 0 else duration, window, events_over_window)
    options = ThesisOptions(
        scope=ALL if scope == ALL else parse_scope(scope, data_set), hub=DEFAULT_HUB,
        tie_filter=make_filter(types, None, None, True, dataset), level=level.value,
        projection=projection.value, first_year=first, last_year=end, activity=activity, include_tentative=include_tentative, break_year=break_year,
        permutations=permutations, seed=seed, null=null.value, alpha=alpha, rate_projection=rate_projection.value,
        cap=cap, arms=arms.value)
    _check_window(data_set, options, given=start is not None or end is not None)
    return options


def _check_window(data_set: Dataset, options: ThesisOptions, *, given: bool) -> None:
    """--from/--to and --break-year against the series' years, before the work (misuse: exit 2).

    The window's end defaults to the last dated tie, so it is known only with the data;
    a --break-year outside it compared nothing with nothing (2090 was accepted).
    """
    from tiegraph.analysis.thesis import series_span
    from tiegraph.model.errors import UsageError

    try:
        span = series_span(data_set, options)
    except UsageError as exc:
        if given:  # the years asked for, not the data, leave too few years
            raise OptionValueError(f"--from/--to: {exc}") from None
        raise
    if options.break_year is not None and not span[0] < options.break_year <= span[-1]:
        raise OptionValueError(f"--break-year {options.break_year} must lie inside the series' years "
                               f"{span[0]}-{span[-1]} (from {span[0] + 1} to {span[-1]}: both sides need years)")


def _num(value: float | None, spec: str = "+.3f") -> str:
    return "" if value is None else format(value, spec)


def terminal_tables(result: ThesisResult) -> dict[str, Any]:
    """The sections shown as rich tables, with short headers (every digit: --format json/csv, --out)."""
    from tiegraph.analysis.thesis_tables import coverage_rows
    from tiegraph.analysis.trend import format_p

    draws = result.options.permutations

    def trend(row: Any) -> dict[str, str]:
        t = row.trend
        return {"years": row.span, "n": str(len(row.years)), "ties": str(row.ties),
                "Sen/yr [95% CI]": f"{_num(t.sen_slope)} [{_num(t.sen_low)}, {_num(t.sen_high)}]" if t else "",
                "MK p": format_p(t.p) if t else "", "corr p": format_p(t.corrected_p) if t else ""}

    evidence = [{"proj": r.spec.projection, "source": r.source, "layer": r.layer.replace("_", " "), **trend(r),
                 "perm p": format_p(r.perm_p, draws=draws) if r.perm_p is not None else "",
                 "change": _change(r.change, format_p(r.change.p))
                 if r.change and r.change.shift and r.change.p < result.options.alpha else "none",
                 **_split(r, result.options.break_year), "status": r.status} for r in result.evidence]
    sensitivity = [{"spec": r.spec.describe(), "source": r.source, "layer": r.layer, **trend(r),
                    "status": r.status} for r in result.sensitivity]
    coverage = [{**{k: v for k, v in row.items() if k != "note"},
                 "types": row["types"] if row["types"].count(",") < 3 else f"{row['types'].count(',') + 1} types"}
                for row in coverage_rows(result)]
    from tiegraph.analysis.thesis_tables import rate_cells

    rates = [rate_cells(r, draws) for r in result.rates]
    rate_sensitivity = [{"spec": r.spec.short(), **rate_cells(r, draws)} for r in result.rate_sensitivity]
    return {"filters": _filters(result), "coverage": coverage, "rates (decide)": rates,
            "rate sensitivity": rate_sensitivity, "density (description)": evidence,
            "density sensitivity": sensitivity}


def plain_text(sections: dict[str, Any], *, title: str) -> str:
    """Sections as aligned plain-text columns (numbers right-aligned, text left-aligned), never a value
    cut: the evidence table has a dozen columns, printed in parts when the terminal is narrower."""
    from tiegraph.exports.layout import console, plain_columns, plain_pairs

    parts = [title]
    for name, value in sections.items():
        parts.append(f"\n{name.replace('_', ' ')}")
        if isinstance(value, dict):
            parts += plain_pairs([(k, str(v)) for k, v in value.items()], console().width)
            continue
        if not value:
            parts.append("  (none)")
            continue
        header = list(value[0])
        cells = [[str(row.get(h, "")) for h in header] for row in value]
        numeric = [all(_numeric(c[i]) for c in cells) for i in range(len(header))]
        # as wide as the terminal: a wider table in parts repeating its key columns (exports/layout.py)
        parts += plain_columns(name.replace("_", " "), header, cells, numeric, width=console().width)
    return "\n".join(parts)


def _numeric(text: str) -> bool:
    return text == "" or text.lstrip("+-<≤").replace(".", "", 1).replace("/", "", 1).isdigit()


def _split(row: Any, break_year: int | None) -> dict[str, str]:
    """With --break-year: mean density before -> from it, and the one-sided Mann–Whitney p."""
    if break_year is None:
        return {}
    from tiegraph.analysis.trend import before_after, format_p

    split = before_after(row.years, row.values, break_year)
    if split.mean_before is None or split.mean_after is None:
        return {f"<{break_year} -> {break_year}+": "", "MW p": ""}
    return {f"<{break_year} -> {break_year}+": f"{split.mean_before:.2f} -> {split.mean_after:.2f}",
            "MW p": format_p(split.mann_whitney_p)}


def _change(change: Any, p: str) -> str:
    """Pettitt's change year with its direction and p: '1995 up (p<0.0001)'."""
    return f"{change.year} {'up' if change.shift > 0 else 'down'} (p{p if p.startswith('<') else '=' + p})"


def _filters(result: ThesisResult) -> dict[str, Any]:
    from tiegraph.analysis.thesis import filters

    return filters(result)


def table_writers(result: ThesisResult, directory: Path) -> dict[Path, Writer]:
    """Every table as ``<name>.csv`` and ``<name>.json``, plus ``verdict.txt`` and ``thesis.json``."""
    import pandas as pd

    from tiegraph.analysis.thesis_tables import thesis_tables

    writers: dict[Path, Writer] = {}
    tables = thesis_tables(result)
    for name, value in tables.items():
        rows = value if isinstance(value, list) else [{"key": k, "value": v} for k, v in value.items()]
        writers[directory / f"{name}.csv"] = partial(_write_csv, pd.DataFrame(rows))
        writers[directory / f"{name}.json"] = partial(_write_text, json.dumps(value, indent=2, ensure_ascii=False,
                                                                              default=str) + "\n")
    writers[directory / "verdict.txt"] = partial(_write_text, result.verdict.sentence() + "\n")
    writers[directory / "thesis.json"] = partial(_write_text, json.dumps(tables, indent=2, ensure_ascii=False,
                                                                         default=str) + "\n")
    return writers


def _write_csv(frame: Any, tmp: str) -> None:
    frame.to_csv(tmp, index=False, encoding="utf-8")


def _write_text(text: str, tmp: str) -> None:
    Path(tmp).write_text(text, encoding="utf-8")


@handle_errors
def thesis(
    data: DataOpt = None,
    start: ThesisFromOpt = None,
    end: ThesisToOpt = None,
    scope: ThesisScopeOpt = None,
    mode: ModeOpt = Mode.stock,
    duration: DurationOpt = 10,
    window: WindowOpt = 3,
    events_over_window: EventsOpt = False,
    include_tentative: IncludeTentativeOpt = False,
    break_year: BreakOpt = None,
    null: NullOpt = Null.uniform,
    permutations: PermutationsOpt = 1000,
    seed: SeedOpt = 42,
    alpha: AlphaOpt = 0.05,
    types: TypeOpt = None,
    level: LevelOpt = Level.state,
    projection: ProjectionOpt = Projection.clique,
    dataset: DatasetOpt = None,
    rate_projection: RateProjectionOpt = RateProjection.weighted,
    cap: CapOpt = 6,
    arms: ArmsOpt = ArmsYear.delivery,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Test the thesis that the web of defence ties among the scope has been thickening.

    The verdict rests on rates: per dataset and layer (institutional, activity),
    the yearly number of new ties among the scope per pair of states that both
    exist (COW state system), its yearly rate ratio with a 95% interval, the
    uniform-timing permutation p of a rise, and the smallest rate ratio the row
    could detect.  A row that cannot show a rise (too few years or ties, one
    tie carrying most of it, nearly all ties with TUR) says why and does not
    decide.  Sensitivity rows: other projections, tentative ties, the scope
    without TUR, doubtful codings out.  The density of the web (Sen slope,
    Mann-Kendall, Pettitt) follows as description.  Years a dataset does not
    cover are left out, never counted as zero.  Same data, options and seed
    give the same output.

    Example: tiegraph thesis --data data --data tiegraph-data/atop --data tiegraph-data/sipri --from 1992
    """
    from tiegraph.analysis.thesis import run_thesis
    from tiegraph.analysis.thesis_tables import thesis_tables

    if fmt is Format.csv and out is None:  # several tables are no one CSV file: one file per table in --out
        raise OptionValueError("--format csv writes one CSV file per table: give --out DIR")
    if out is not None:
        output_dir(out, "--out")
    data_set = load(data, dataset)
    options = thesis_options(data_set, scope=scope, types=types, start=start, end=end,
                             include_tentative=include_tentative, dataset=dataset, level=level,
                             projection=projection, mode=mode, duration=duration, window=window,
                             events_over_window=events_over_window, break_year=break_year,
                             permutations=permutations, seed=seed, null=null, alpha=alpha,
                             rate_projection=rate_projection, cap=cap, arms=arms)
    result = run_thesis(data_set, options)
    if fmt is Format.table:
        typer.echo(plain_text(terminal_tables(result), title=result.title))
        typer.echo(f"Verdict: {result.verdict.sentence()}")
    elif fmt is Format.json:
        typer.echo(json.dumps(thesis_tables(result), indent=2, ensure_ascii=False, default=str))
    elif fmt is Format.markdown:
        text = render(thesis_tables(result), fmt.value, title=result.title)
        typer.echo(text, nl=not (text or "").endswith("\n"))
    if out is not None:
        from tiegraph.exports.files import write_all_atomically
        from tiegraph.exports.plots import plot_writers

        writers = {**table_writers(result, out), **plot_writers(result, out)}
        write_all_atomically(writers)  # all files or none
        typer.echo(f"Wrote {len(writers)} files to {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(thesis)

