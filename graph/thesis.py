"""The thesis test: has the web of defence ties among the scope (the six Turkic states) thickened?

Evidence, each with its p-value, then a verdict sentence generated from the numbers:

1. Mann–Kendall trend test with Sen's slope on the chosen density series, plus
   the Hamed–Rao (and Yue–Wang) variants that allow for autocorrelation.
2. Permutation null models.  Each keeps who is tied to whom and each tie's
   kind and length, moves only the start years of the scope's ties formed
   within the series years (earlier ties stay as background stock), recomputes
   the series, and ranks the observed Mann–Kendall S, Sen slope and
   before/after difference against it:

   * ``shuffle`` -- years permuted among the ties.  The number of ties formed
     each year is kept, so this asks whether density rose *more than that
     volume of new ties implies* (new dyads rather than repeats, lasting
     rather than one-off ties): a test of breadth, not of volume.
   * ``uniform`` -- each tie's year drawn uniformly over the series years.
     This asks whether ties are more back-loaded than random timing, and
     controls for a stock rising merely because standing ties accumulate.
     It is the null the verdict uses by default (``null``); both p-values
     are always reported.

   Seeded (``numpy.random.default_rng(seed)``): same inputs and seed, same output.
3. Before/after a break year (default 2020): mean density before vs from it,
   one-sided Mann–Whitney U, and the permutation p of the difference.
4. Sensitivity: the verdict under clique vs star projection of multilateral
   ties (star: they make no dyad, so only bilateral ties count), with and
   without tentative ties, and stock vs flow.

The series years (``first_year``..``last_year``) are not a tie filter: a
treaty signed before ``first_year`` still counts in the stock while in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from tiegraph.graph.build import Level, Projection, TieFilter, build_graph, select_ties
from tiegraph.graph.centrality_time import centrality_by_year
from tiegraph.graph.temporal import (
    ALL,
    Activity,
    DensityKernel,
    Scope,
    TieTable,
    describe_scope,
    in_scope_ties,
    resolve_scope,
    snapshots,
    tie_activity,
    tie_table,
)
from tiegraph.graph.trend import before_after, format_p, mann_kendall_tests, mean_difference, mk_s, sen_slope, upper_p
from tiegraph.graph.yearly import dyad_table, layer_density, records, ties_formed_by_type, yearly_measures
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import UsageError
from tiegraph.model.vocabulary import TURKIC_SIX

NULLS: tuple[str, ...] = ("uniform", "shuffle")
NULL_NAMES = {"uniform": "uniform timing", "shuffle": "shuffled years, yearly volume kept"}
LABELS = {"supported": "Thickening supported", "partly": "Thickening partly supported",
          "not": "Thickening not supported", "thinning": "Thinning, not thickening"}
#: the verdict column of the sensitivity table
SHORT = {"supported": "supported", "partly": "partly supported", "not": "not supported",
         "thinning": "thinning"}


@dataclass(frozen=True)
class ThesisOptions:
    """Everything the thesis test depends on; printed with the result so it can be rerun."""

    scope: tuple[str, ...] | str = TURKIC_SIX
    tie_filter: TieFilter = field(default_factory=TieFilter)
    level: Level = "state"
    projection: Projection = "clique"
    first_year: int | None = 2010
    last_year: int | None = None
    activity: Activity = field(default_factory=Activity)
    break_year: int = 2020
    permutations: int = 1000
    seed: int = 42
    hub: str | None = "TUR"
    top: int = 10
    alpha: float = 0.05
    snapshot_years: tuple[int, ...] | None = None
    null: str = "uniform"

    def __post_init__(self) -> None:
        if self.null not in NULLS:
            raise UsageError(f"null model '{self.null}' is not one of: {', '.join(NULLS)}")

    @classmethod
    def from_report(cls, report_options: Any, **overrides: Any) -> ThesisOptions:
        """Thesis options matching a ``graph.report.ReportOptions`` (its year filter becomes the series span)."""
        flt = report_options.tie_filter
        first = report_options.first_year or flt.start_year
        values: dict[str, Any] = dict(
            scope=tuple(report_options.scope), level=report_options.level,
            projection=report_options.projection, top=report_options.top,
            tie_filter=replace(flt, start_year=None, end_year=None),
            first_year=first if first is not None else cls.first_year,
            last_year=report_options.last_year or flt.end_year)
        values.update(overrides)
        return cls(**values)


def series_years(dataset: Dataset, options: ThesisOptions) -> list[int]:
    """The years of the series: ``first_year`` (default 2010) to ``last_year`` (default: last tie year)."""
    dated = [t.year for t in select_ties(dataset, _filter(options)) if t.year is not None]
    if not dated:
        raise UsageError("no dated ties match the filters: nothing to test")
    first = options.first_year if options.first_year is not None else min(dated)
    last = options.last_year if options.last_year is not None else max(dated)
    if last - first < 2:
        raise UsageError(f"years {first}-{last}: a trend test needs at least three years")
    return list(range(first, last + 1))


def _filter(options: ThesisOptions, tentative: bool | None = None) -> TieFilter:
    flt = replace(options.tie_filter, start_year=None, end_year=None)
    return flt if tentative is None else replace(flt, include_tentative=tentative)


def permutation_null(table: TieTable, kernel: DensityKernel, years: Sequence[int], activity: Activity,
                     pool: np.ndarray, *, permutations: int, seed: int, null: str = "shuffle") -> np.ndarray:
    """Density series (permutations x years) under the null: the ``pool`` ties' start years
    shuffled among them (``shuffle``) or drawn uniformly from ``years`` (``uniform``)."""
    rng = np.random.default_rng(seed)
    out = np.empty((permutations, len(years)))
    starts = table.start
    first, last = int(years[0]), int(years[-1])
    for k in range(permutations):
        moved = starts.copy()
        if null == "shuffle":
            moved[pool] = starts[pool][rng.permutation(len(pool))]
        else:
            moved[pool] = rng.integers(first, last + 1, size=len(pool)).astype(float)
        out[k] = kernel(tie_activity(table, years, activity, start=moved))
    return out


def trend_test(table: TieTable, *, years: Sequence[int], scope: Scope, activity: Activity,
               break_year: int, permutations: int, seed: int, null: str = "uniform") -> dict[str, Any]:
    """Mann–Kendall, Sen, permutation (both nulls; ``null`` gives perm_p_*) and before/after tests."""
    kernel = DensityKernel(table, scope, activity=activity)
    observed = kernel(tie_activity(table, years, activity))
    mk = mann_kendall_tests(observed)
    split = before_after(dict(zip(years, observed.tolist())), break_year)
    scoped = in_scope_ties(table, scope)
    starts = table.start[scoped]
    pool = scoped[(starts >= years[0]) & (starts <= years[-1])]  # nan (undated) compares False
    result: dict[str, Any] = {
        "series": f"density_{activity.mode}", "years": f"{years[0]}-{years[-1]}",
        "first": float(observed[0]), "last": float(observed[-1]), **mk,
        "null": null, "permutations": permutations, "seed": seed, "moved_ties": int(len(pool)),
        "perm_p_s": None, "perm_p_slope": None, "perm_p_difference": None,
        "uniform_p_s": None, "shuffle_p_s": None,
    }
    if permutations > 0 and len(pool) > 1:
        observed_s = float(mk_s(observed))
        for name in NULLS:
            series = permutation_null(table, kernel, years, activity, pool, permutations=permutations,
                                      seed=seed, null=name)
            result[f"{name}_p_s"] = upper_p(observed_s, mk_s(series))
            if name != null:
                continue
            result["perm_p_s"] = result[f"{name}_p_s"]
            result["perm_p_slope"] = upper_p(float(sen_slope(observed)), sen_slope(series))
            if split["difference"] is not None:
                result["perm_p_difference"] = upper_p(split["difference"], mean_difference(series, years, break_year))
    result["series_values"] = [float(v) for v in observed]
    result["before_after"] = split
    return result


def classify(test: dict[str, Any], alpha: float) -> str:
    """supported / partly / not / thinning (see ``LABELS``).

    thinning: a significant Mann–Kendall decrease.  supported: S > 0 and the
    Mann–Kendall, Hamed–Rao and (when run) permutation p-values all below
    ``alpha``.  partly: S > 0 and some of them.  not: anything else.
    """
    if test["p"] < alpha and test["s"] < 0:
        return "thinning"
    if test["s"] <= 0:
        return "not"
    # Hamed–Rao is undefined when its corrected variance is negative (strong negative
    # autocorrelation); the original test is conservative then, so it stands in.
    hamed_rao = test["hamed_rao_p"] if test["hamed_rao_p"] is not None else test["p"]
    checks = [test["p"] < alpha, hamed_rao < alpha]
    if test["permutations"]:
        checks.append(test["perm_p_s"] is not None and test["perm_p_s"] < alpha)
    if all(checks):
        return "supported"
    return "partly" if any(checks) else "not"


def sensitivity(dataset: Dataset, options: ThesisOptions, years: Sequence[int]) -> list[dict[str, Any]]:
    """The test under clique/star x with/without tentative x stock/flow (and the main mode)."""
    modes = list(dict.fromkeys(["stock", "flow", options.activity.mode]))
    rows = []
    for projection in ("clique", "star"):
        for tentative in (True, False):
            graph = build_graph(dataset, select_ties(dataset, _filter(options, tentative)),
                                projection=projection, level=options.level,  # type: ignore[arg-type]
                                attributes="analysis")
            table = tie_table(graph)
            for mode in modes:
                test = trend_test(table, years=years, scope=options.scope,
                                  activity=options.activity.with_mode(mode), break_year=options.break_year,
                                  permutations=options.permutations, seed=options.seed, null=options.null)
                main = (projection == options.projection and tentative == options.tie_filter.include_tentative
                        and mode == options.activity.mode)
                split = test["before_after"]
                rows.append({"main": "*" if main else "", "projection": projection,
                             "tentative": "with" if tentative else "without", "mode": mode,
                             "first": test["first"], "last": test["last"], "tau": test["tau"],
                             "mk_p": test["p"], "hamed_rao_p": test["hamed_rao_p"],
                             "sen_slope": test["sen_slope"], "perm_p": test["perm_p_s"],
                             "mean_before": split["mean_before"], "mean_after": split["mean_after"],
                             "mw_p": split["mann_whitney_p"], "verdict": SHORT[classify(test, options.alpha)]})
    return rows


def _p(p: float | None) -> str:
    if p is None:
        return "n/a"
    text = format_p(p)
    return f"p{text}" if text.startswith("<") else f"p={text}"


def _moved(first: float, last: float) -> str:
    if last > first:
        return "rose"
    return "fell" if last < first else "stayed"


def verdict_sentence(test: dict[str, Any], options: ThesisOptions, measures: list[dict[str, Any]],
                     sens: list[dict[str, Any]], label: str, hub_name: str | None = None) -> str:
    """The plain verdict, every number quoted from the results (nothing hard-coded)."""
    activity = options.activity
    kind = {"stock": "stock", "flow": "flow", "window": f"{activity.window}-year window"}[activity.mode]
    years = [m["year"] for m in measures]
    y0, y1 = years[0], years[-1]
    moved = _moved(test["first"], test["last"])
    level = (f"{moved} from {test['first']:.2f} ({y0}) to {test['last']:.2f} ({y1})" if moved != "stayed"
             else f"stayed at {test['last']:.2f} from {y0} to {y1}")
    parts = [f"{LABELS[label]}: {kind} density of {describe_scope(options.scope)} {level}",
             f"Mann–Kendall tau={test['tau']:.2f}, {_p(test['p'])} (Hamed–Rao {_p(test['hamed_rao_p'])})",
             f"Sen slope {test['sen_slope']:+.3f}/year"]
    if test["perm_p_s"] is not None:
        other = "shuffle" if test["null"] == "uniform" else "uniform"
        what = {"uniform": f"{test['permutations']} draws of tie years, uniform over {test['years']}",
                "shuffle": f"{test['permutations']} shuffles of tie years, yearly volume kept"}
        parts.append(f"permutation {_p(test['perm_p_s'])} ({what[test['null']]}, seed {test['seed']}; "
                     f"{'volume-kept shuffle' if other == 'shuffle' else 'uniform timing'} "
                     f"{_p(test[f'{other}_p_s'])})")
    split = test["before_after"]
    if split["mean_before"] is not None:
        parts.append(f"mean density {split['mean_before']:.2f} before {split['break_year']} vs "
                     f"{split['mean_after']:.2f} from {split['break_year']} "
                     f"(Mann–Whitney {_p(split['mann_whitney_p'])})")
    hub = options.hub
    shares = [(m["year"], m["hub_share"]) for m in measures if m.get("hub_share") is not None]
    others = [m["density_without_hub"] for m in measures if m.get("density_without_hub") is not None]
    if hub and shares and len(others) == len(measures):
        others_test = mann_kendall_tests(others)
        n_others = "the other five" if resolve_scope(options.scope) == TURKIC_SIX else f"the others (without {hub})"
        (s0, h0), (s1, h1) = shares[0], shares[-1]
        parts.append(f"{hub_name or hub}'s share of tie-links went from {h0:.2f} ({s0}) to {h1:.2f} ({s1}) and "
                     f"density among {n_others} from {others[0]:.2f} to {others[-1]:.2f} "
                     f"(Mann–Kendall {_p(others_test['p'])})")
    same = [r for r in sens if r["verdict"] == SHORT[label]]
    differs = [r for r in sens if r["verdict"] != SHORT[label]]
    clause = f"same verdict in {len(same)} of {len(sens)} sensitivity specifications"
    if differs:
        listed = "; ".join(f"{r['projection']}, {r['tentative']} tentative, {r['mode']}: {r['verdict']}"
                           for r in differs[:3])
        clause += f" (differs: {listed}{'; …' if len(differs) > 3 else ''})"
    parts.append(clause)
    return "; ".join(parts) + "."


def default_snapshot_years(years: Sequence[int], break_year: int,
                           series: Sequence[float] | None = None) -> list[int]:
    """Up to four years worth drawing: the first with a tie, the year before the break,
    midway from the break to the end, and the last year (gaps filled from the early years)."""
    first, last = years[0], years[-1]
    if series is not None:
        first = next((y for y, v in zip(years, series) if v > 0), first)
    before = min(max(break_year - 1, first), last)
    chosen = {first, before, min(max((break_year + last) // 2, first), last), last}
    if len(chosen) < 4:
        chosen.add((first + before) // 2)
    return sorted(chosen)


def thesis_section(dataset: Dataset, options: Any = None) -> dict[str, Any]:
    """Run the whole thesis test; plain data for the CLI, ``tiegraph report`` and the HTML.

    ``options`` is a ``ThesisOptions``, a ``graph.report.ReportOptions``
    (converted with ``ThesisOptions.from_report``) or None (defaults).  Table
    sections are lists of dicts; ``verdict`` is a string; ``_data`` holds
    series and snapshots for the plots (``thesis_tables`` leaves it out).
    """
    if options is None:
        options = ThesisOptions()
    elif not isinstance(options, ThesisOptions):
        options = ThesisOptions.from_report(options)
    scope = options.scope if isinstance(options.scope, str) else tuple(options.scope)
    resolve_scope(scope)
    years = series_years(dataset, options)
    ties = select_ties(dataset, _filter(options))
    graph = build_graph(dataset, ties, projection=options.projection, level=options.level,
                        attributes="analysis")
    table = tie_table(graph)
    activity = options.activity
    hub = options.hub if (scope == ALL or options.hub in scope) else None
    measures = records(yearly_measures(graph, years=years, scope=scope, activity=activity, hub=hub))
    test = trend_test(table, years=years, scope=scope, activity=activity, break_year=options.break_year,
                      permutations=options.permutations, seed=options.seed, null=options.null)
    sens = sensitivity(dataset, options, years)
    label = classify(test, options.alpha)
    verdict = verdict_sentence(test, replace(options, hub=hub), measures, sens, label,
                               table.names.get(hub, hub) if hub else None)
    centrality = centrality_by_year(graph, years=years, scope=scope, activity=activity, top=options.top)
    shown = list(options.snapshot_years or default_snapshot_years(years, options.break_year, test["series_values"]))
    snaps = snapshots(graph, years=sorted(set(years) | set(shown)), scope=scope, activity=activity, table=table)
    scoped_ids = [table.ids[r] for r in in_scope_ties(table, scope)]
    test_row = {k: v for k, v in test.items() if k not in ("series_values", "before_after")}
    return {
        "title": f"Defence ties among {describe_scope(scope)}: is the web thickening?",
        "filters": {
            "scope": scope if isinstance(scope, str) else ",".join(scope), "level": options.level,
            "projection": options.projection,
            "types": ",".join(sorted(options.tie_filter.types)) if options.tie_filter.types else "all",
            "tentative": "included" if options.tie_filter.include_tentative else "left out",
            "datasets": ",".join(sorted(options.tie_filter.datasets)) if options.tie_filter.datasets else "all",
            "years": f"{years[0]}-{years[-1]}", "mode": activity.describe(),
            "duration": "forever" if activity.duration is None else activity.duration,
            "window": activity.window, "break_year": options.break_year,
            "null": NULL_NAMES[options.null], "permutations": options.permutations, "seed": options.seed,
            "hub": hub or "none",
            "alpha": options.alpha,
        },
        "verdict": verdict,
        "label": label,
        "test": test_row,
        "before_after": test["before_after"],
        "measures": measures,
        "layers": records(layer_density(graph, years=years, scope=scope, activity=activity)),
        "ties_formed": records(ties_formed_by_type(graph, years=years, scope=scope)),
        "centrality": records(centrality),
        "dyads": records(dyad_table(graph, year=years[-1], scope=scope, activity=activity)),
        "sensitivity": sens,
        "_data": {
            "years": years, "series": test["series_values"], "mode": activity.mode,
            "scope_label": describe_scope(scope),
            "sen_slope": test["sen_slope"], "intercept": test["intercept"],
            "break_year": options.break_year, "hub": hub,
            "snapshot_years": [y for y in shown if y in snaps],
            "snapshots": {str(y): {"nodes": sorted(s.nodes), "edges": sorted(
                [*sorted((u, v)), float(d["weight"]), len(d["types"])] for u, v, d in s.edges(data=True))}
                for y, s in snaps.items()},
            "names": {n: table.names.get(n, n) for s in snaps.values() for n in s.nodes},
            "tie_ids": scoped_ids,
        },
    }


#: table sections of a thesis result, in the order they are printed
TABLES: tuple[str, ...] = ("filters", "measures", "ties_formed", "layers", "centrality", "dyads",
                           "test", "before_after", "sensitivity")


def thesis_tables(result: dict[str, Any], *, verdict: bool = True) -> dict[str, Any]:
    """The printable sections (lists of dicts / key-value dicts) of ``thesis_section``'s result."""
    tables = {name: result[name] for name in TABLES}
    if verdict:
        tables["verdict"] = {"label": LABELS[result["label"]], "verdict": result["verdict"]}
    return tables
