"""The data behind ``tiegraph report``: plain dicts and lists, rendered elsewhere.

Keeping the numbers separate from their rendering lets the table, JSON, CSV and
Markdown outputs (and the HTML report) show exactly the same figures.  Every
yearly number comes from the temporal engine (``analysis.temporal``) on one
``TieTable``, with each dataset's coverage applied (``analysis.coverage_series``):
a year no dataset covers is missing (``None``), not zero, and the datasets'
coverage is listed.  A density column that does not move over many years gets
a note saying which ties make it so, so a flat column is never silently read
as "no change".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from tiegraph.analysis.coverage_series import CoverageSeries, coverage_series, dataset_coverage
from tiegraph.analysis.rates import in_delivery_years
from tiegraph.analysis.temporal import Activity, Scope, TieTable, resolve_scope, tie_table
from tiegraph.graph.build import Level, Projection, TieFilter, build_graph, select_ties
from tiegraph.graph.centrality import centrality
from tiegraph.model.coverage import Coverage
from tiegraph.model.entities import Dataset, Tie

#: the report's density columns and the rule of each (stock: standing ties 10 years unless ended)
DENSITY_MODES: dict[str, Activity] = {"cumulative": Activity("cumulative"), "flow": Activity("flow"),
                                      "stock": Activity("stock")}
#: a density column constant over at least this many defined years gets a note
CONSTANT_YEARS = 5


@dataclass
class ReportOptions:
    """What ``build_report`` shows; ``scope`` is required (the CLI supplies its default)."""

    scope: tuple[str, ...]
    tie_filter: TieFilter = field(default_factory=TieFilter)
    level: Level = "state"
    projection: Projection = "clique"
    top: int = 10
    first_year: int | None = None
    last_year: int | None = None
    #: add the yearly structure measures and the yearly centrality ranks (``by_year_sections``)
    by_year: bool = False
    #: the actor whose share of ties the structure section reports (None: no hub columns)
    hub: str | None = None


def build_report(dataset: Dataset, options: ReportOptions) -> dict[str, Any]:
    """Every number ``tiegraph report`` shows, as plain data (tables are lists of dicts)."""
    resolve_scope(options.scope)
    ties = select_ties(dataset, options.tie_filter)
    # the window (--from/--to) chooses the years shown, never which ties count in them: a cumulative series
    # counts every tie formed up to that year, a stock every tie still in force, however early it began
    # and an arms transfer counts in its first delivery year, as in the thesis
    counted = in_delivery_years(select_ties(dataset, replace(options.tie_filter, start_year=None, end_year=None)))
    graph = build_graph(dataset, counted, projection=options.projection, level=options.level,
                        attributes="analysis")
    table = tie_table(graph)
    years = sorted({t.year for t in ties if t.year is not None})
    first = options.first_year or options.tie_filter.start_year or default_window_start(options.scope, years)
    last = options.last_year or options.tie_filter.end_year or (years[-1] if years else None)
    span = list(range(first, last + 1)) if first is not None and last is not None else []

    chosen = options.tie_filter.datasets
    coverage = dataset_coverage(table, {name: c for name, c in dataset.coverage.items()
                                        if chosen is None or name in chosen})
    types = options.tie_filter.types
    series = {name: coverage_series(table, years=span, scope=options.scope, coverage=coverage,
                                    datasets=list(coverage), activity=activity, types=types)
              for name, activity in DENSITY_MODES.items()}
    density_rows = [
        {"year": y, "ties_formed": series["flow"].ties_formed[i],
         **{f"density_{name}": s.density[i] for name, s in series.items()}}
        for i, y in enumerate(span)
    ]
    cent = centrality(graph)
    actor_rows = sorted(
        ({"actor": n, "name": graph.nodes[n].get("name", n), "kind": graph.nodes[n].get("kind"), **v}
         for n, v in cent.items() if graph.degree(n) > 0),
        key=lambda r: (-r["degree"], -r["betweenness"], r["actor"]),
    )[: options.top]
    kinds = Counter(a.kind for a in dataset.actors.values())
    by_type = Counter(t.type for t in ties)
    by_year = Counter(t.year for t in ties if t.year is not None)
    by_dataset = Counter(t.dataset for t in ties)
    absorbed = Counter({d: 0 for d in by_dataset})
    for t in ties:  # read from the ties, so a report from Neo4j shows the same
        absorbed[t.dataset] += len([i for i in str(t.attributes.get("overlaps_with") or "").split(";") if i])
    sections = by_year_sections(table, span, options, coverage) if options.by_year and span else {}
    return {
        "filters": {
            "scope": list(options.scope), "level": options.level, "projection": options.projection,
            "types": sorted(options.tie_filter.types) if options.tie_filter.types else "all",
            "years": f"{first}-{last}" if span else "none",
            "include_tentative": options.tie_filter.include_tentative,
            "datasets": sorted(options.tie_filter.datasets) if options.tie_filter.datasets else "all",
        },
        "summary": {
            "actors": len(dataset.actors), "ties": len(ties),
            "undated_ties": sum(1 for t in ties if t.year is None),
            "tentative_ties": sum(1 for t in ties if t.tentative),
            "conflicted_ties": sum(1 for t in ties if t.conflicts),
            "sources_cited": len({s.document for t in ties for s in t.sources}),
        },
        "actors_by_kind": [{"kind": k, "actors": kinds[k]} for k in sorted(kinds)],
        "ties_by_type": [{"type": k, "ties": by_type[k]} for k in sorted(by_type)],
        "ties_by_year": [{"year": y, "ties": by_year[y]} for y in sorted(by_year)],
        "ties_by_dataset": [{"dataset": d, "ties": n, "duplicates_absorbed": absorbed[d]}
                            for d, n in sorted(by_dataset.items(), key=lambda kv: (-kv[1], kv[0]))],
        "coverage": [{"dataset": c.dataset, "kind": c.kind, "years": f"{c.first_year}-{c.last_year}",
                      "types": len(c.tie_types), "note": c.note} for c in coverage.values()],
        "density": density_rows,
        "notes": density_notes(series, table, options.scope, coverage, assumed_participants(ties)),
        "top_actors": actor_rows,
        **sections,
        **(verdict_sections(dataset, options, coverage) if span else {}),
    }


def default_window_start(scope: Scope, years: list[int]) -> int | None:
    """The first year of the default window, shared with ``tiegraph thesis``: when every scope state exists."""
    from tiegraph.analysis.thesis import default_first_year

    return default_first_year(scope, years)[0]


def verdict_sections(dataset: Dataset, options: ReportOptions, coverage: Mapping[str, Coverage]) -> dict[str, Any]:
    """The thesis's verdict on the report's scope and window, by the thesis's own code (rates of new ties per
    dyad-year; ``analysis.thesis.rate_verdict``), so report, HTML and thesis give one answer."""
    from tiegraph.analysis.thesis import ThesisOptions, rate_verdict
    from tiegraph.analysis.thesis_tables import rate_cells

    thesis = ThesisOptions.from_report(options, hub=options.hub)
    span, rates, verdict, note = rate_verdict(dataset, thesis, dict(coverage))
    return {"verdict": {"verdict": verdict.title, "reason": verdict.reason, "window": note,
                        "test": "rates of new ties per dyad-year (see 'tiegraph thesis --help')"},
            "rates": [rate_cells(r, thesis.permutations) for r in rates]}


#: the structure columns ``--by-year`` shows (the densities are already in the density section)
STRUCTURE = ("year", "ties_active", "actors_active", "weighted_density", "multiplexity", "components",
             "largest_component", "transitivity", "centralization", "hub_share", "density_without_hub")


def by_year_sections(table: TieTable, span: list[int], options: ReportOptions,
                     coverage: Mapping[str, Coverage]) -> dict[str, list[dict[str, Any]]]:
    """The yearly structure measures and the top actors of each year, on the same coverage as the
    density section: only ties of the datasets covering a year count in it, and a year no dataset
    covers is missing (structure) or absent (centrality; its rank change is then since the
    previous covered year).  pandas is imported here only."""
    from tiegraph.analysis.centrality_yearly import centrality_by_year
    from tiegraph.analysis.coverage_series import censor, series_mask
    from tiegraph.analysis.yearly import records, yearly_measures

    censored, _ = censor(table, coverage)
    mask, defined = series_mask(censored, span, coverage, datasets=list(coverage), types=options.tie_filter.types)
    fixed = resolve_scope(options.scope)
    hub = options.hub if options.hub is not None and (fixed is None or options.hub in fixed) else None
    structure = []
    for row, known in zip(records(yearly_measures(censored, years=span, scope=options.scope, hub=hub,
                                                  mask=mask)), defined.tolist()):
        structure.append({k: (row[k] if known or k == "year" else None) for k in STRUCTURE})
    covered = [y for y, known in zip(span, defined.tolist()) if known]
    frame = centrality_by_year(censored, years=covered, scope=options.scope, top=options.top,
                               mask=mask[:, defined]) if covered else None
    ranks = records(frame) if frame is not None else []
    return {"structure": structure, "centrality_by_year": ranks}


def assumed_participants(ties: Iterable[Tie]) -> set[str]:
    """Ids of the ties whose participant list the coder marked as an assumption (``participants_assumed``)."""
    return {t.id for t in ties if t.attributes.get("participants_assumed")}


def density_notes(series: dict[str, CoverageSeries], table: TieTable, scope: Scope,
                  coverage: Mapping[str, Coverage], assumed: Collection[str] = ()) -> list[dict[str, Any]]:
    """Notes a reader needs beside the yearly table, one row each:

    * a density column that stays constant for ``CONSTANT_YEARS`` or more
      defined years: the multilateral ties formed in the first year of the run
      (for a saturated column these are what ties every pair), flagged when
      their participants are an assumption; for a run of zeros, whether the
      datasets covering those years are systematic (absence is evidence) or
      documentary (it is not);
    * each year the set of covering datasets changes: the union then counts
      other ties, so a jump there may be a change of sources, not of the web;
    * the years no dataset covers (missing, not zero).
    """
    notes: list[dict[str, Any]] = []
    for name, s in series.items():
        years, values = s.observed()
        if not values:
            continue
        run_start = 0
        for i in range(1, len(values) + 1):
            if i < len(values) and values[i] == values[run_start]:
                continue
            if i - run_start >= CONSTANT_YEARS:
                y0, y1 = years[run_start], years[i - 1]
                covering = {d for y, c in zip(s.years, s.covered_by) if y0 <= y <= y1 for d in c}
                notes.append({"column": f"density_{name}", "years": f"{y0}-{y1}",
                              "note": _constant_note(name, values[run_start], y0, y1, table, scope, assumed,
                                                     sorted(d for d in covering if coverage[d].systematic))})
            run_start = i
    stock = series["stock"]
    for before, after, year in zip(stock.covered_by, stock.covered_by[1:], stock.years[1:]):
        if before and after and before != after:
            change = [f"+{d}" for d in after if d not in before] + [f"-{d}" for d in before if d not in after]
            notes.append({"column": "coverage", "years": str(year),
                          "note": f"the datasets covering the year change ({', '.join(change)}): "
                                  f"from {year} the series counts the ties of {', '.join(after)}"})
    gaps = [y for y, v in zip(series["stock"].years, series["stock"].density) if v is None]
    if gaps:
        notes.append({"column": "all density columns", "years": _ranges(gaps),
                      "note": "no dataset covers these years: missing, not zero"})
    return notes


def _constant_note(name: str, value: float, y0: int, y1: int, table: TieTable, scope: Scope,
                   assumed: Collection[str], systematic: list[str]) -> str:
    fixed = set(resolve_scope(scope) or ())
    makers = [i for i, ends in enumerate(table.endpoints)
              if table.start[i] == y0 and len(ends & fixed if fixed else ends) >= 3]
    text = f"constant at {value:.2f} for {y1 - y0 + 1} years"
    if value == 0:
        if systematic:
            return text + f"; systematic datasets covering these years ({', '.join(systematic)}) code no tie of the scope"
        return text + ("; no tie of the scope counts in these years: in documentary data that means "
                       "none was coded, not that none existed")
    if name == "cumulative":
        text += " (cumulative density never falls: a tie counts from its year on)"
    if makers:
        makers.sort(key=lambda i: table.ids[i] not in assumed)  # a tie with assumed participants first: the caveat
        listed = ", ".join(table.ids[i] + (" (participants assumed, see data/CODING_NOTES.md)"
                                           if table.ids[i] in assumed else "")
                           for i in makers[:3]) + (" …" if len(makers) > 3 else "")
        text += f"; multilateral ties of {y0}: {listed}"
    return text


def _ranges(years: list[int]) -> str:
    """'1993-1995, 1999' for [1993, 1994, 1995, 1999] (sorted years)."""
    runs = np.split(np.asarray(years), np.flatnonzero(np.diff(years) != 1) + 1)
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def report_options_dict(options: ReportOptions) -> dict[str, Any]:
    return asdict(options)
