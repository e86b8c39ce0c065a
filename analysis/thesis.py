"""The thesis test: has the web of defence ties among a scope thickened?  Evidence, then a verdict.

The verdict rests on **rates**: the yearly number of new scope ties per
existing dyad, per dataset and layer (``analysis.rates``,
``analysis.rate_evidence``), tested against a constant rate; a stock of
long-lived ties rises under a constant rate, so the density series below are
description, not the test.  Every series counts a dyad only in the years both
its states exist (COW state system, ``model.statesystem``); the default
window starts in the first year every scope state exists (1992 for the six).

``run_thesis`` builds each projection's tie table once, then:

1. the **table of evidence** (``analysis.evidence``): for each dataset (and
   the union of the systematic ones where their coverage overlaps), each
   layer and each projection, the density series over the years that dataset
   covers, Sen's slope with its interval, Mann–Kendall and corrected p,
   Pettitt's change year, and the permutation p (``analysis.nulls``);
2. the **sensitivity table**: the same layer rows under every specification
   (clique/star x tentative ties in/out, and the scope without the hub), without the permutation
   null (the verdict does not use it);
3. the **rate rows** and their sensitivity rows (``analysis.rate_evidence``),
   and the **verdict** they give: supported / mixed / hub-and-spoke / not
   supported / cannot tell, with its reason in one sentence.

Tentative ties (announced/planned/proposed) are out of the headline unless
``include_tentative``; they are always in the sensitivity table.  A fixed
``break_year`` only adds a before/after comparison to each row; the change
year that fits best comes from Pettitt's test.  Same data, options and seed
give the same result.  Scope and hub are required: the research defaults
(the six Turkic states, Türkiye) live in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np

from tiegraph.analysis.evidence import LAYERS, EvidenceRow, Spec, TieData, evidence_rows
from tiegraph.analysis.nulls import NULL_NAMES, NULLS
from tiegraph.analysis.rate_evidence import RateContext, RateVerdict, rate_rows
from tiegraph.analysis.rate_evidence import decide as decide_rates
from tiegraph.analysis.rates import DEFAULT_CAP, RATE_PROJECTIONS, RateRow, RateSpec, existence, in_delivery_years
from tiegraph.analysis.snapshots import snapshots
from tiegraph.analysis.temporal import Activity, Scope, TieTable, describe_scope, resolve_scope, tie_table
from tiegraph.graph.build import Level, Projection, TieFilter, build_graph, fold_actor, select_ties
from tiegraph.model.coverage import Coverage
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import UsageError

PROJECTIONS: tuple[str, ...] = ("clique", "star")


@dataclass(frozen=True)
class ThesisOptions:
    """Everything the thesis test depends on; printed with the result so it can be rerun."""

    scope: tuple[str, ...] | str
    hub: str | None
    tie_filter: TieFilter = field(default_factory=TieFilter)
    level: Level = "state"
    projection: Projection = "clique"
    first_year: int | None = None
    last_year: int | None = None
    activity: Activity = field(default_factory=Activity)
    include_tentative: bool = False
    break_year: int | None = None
    permutations: int = 1000
    seed: int = 42
    alpha: float = 0.05
    null: str = "uniform"
    snapshot_years: tuple[int, ...] | None = None
    #: how a k-party tie counts in the rate rows that decide (weighted: 1/(k-1) per pair); the others are
    #: sensitivity rows
    rate_projection: str = "weighted"
    #: the party cap of the ``capped`` sensitivity projection
    cap: int = DEFAULT_CAP
    #: an arms transfer's year in the rates: its first delivery ("delivery") or its order ("order")
    arms: str = "delivery"

    def __post_init__(self) -> None:
        if self.null not in NULLS:
            raise UsageError(f"null model '{self.null}' is not one of: {', '.join(NULLS)}")
        if self.permutations < 0:
            raise UsageError(f"permutations {self.permutations} must be 0 or more")
        if self.rate_projection not in RATE_PROJECTIONS:
            raise UsageError(f"rate projection '{self.rate_projection}' is not one of: {', '.join(RATE_PROJECTIONS)}")
        if self.arms not in ("delivery", "order"):
            raise UsageError(f"arms year '{self.arms}' is not one of: delivery, order")
        if self.cap < 2:
            raise UsageError(f"cap {self.cap} must be at least 2 parties")
        resolve_scope(self.scope)

    @property
    def headline(self) -> Spec:
        return Spec(self.projection, self.include_tentative, self.activity.mode)

    @property
    def rate_headline(self) -> RateSpec:
        return RateSpec(self.rate_projection, self.include_tentative, cap=self.cap, arms=self.arms)

    @classmethod
    def from_report(cls, report_options: Any, *, hub: str | None, **overrides: Any) -> ThesisOptions:
        """Thesis options matching an ``analysis.report.ReportOptions`` (its year filter becomes the span).

        Tentative ties stay out of the thesis headline, as in ``tiegraph thesis``, whatever the
        report's own ``--tentative`` (they are in the sensitivity table either way).
        """
        flt = report_options.tie_filter
        values: dict[str, Any] = dict(
            scope=tuple(report_options.scope), hub=hub, level=report_options.level,
            projection=report_options.projection, include_tentative=False,
            tie_filter=replace(flt, start_year=None, end_year=None, include_tentative=True),
            first_year=report_options.first_year or flt.start_year,
            last_year=report_options.last_year or flt.end_year)
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class Snapshot:
    """The web drawn for one year: the scope's actors and its tied dyads (u, v, weight, types)."""

    year: int
    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, float, int], ...]


@dataclass(frozen=True)
class ThesisResult:
    """What ``tiegraph thesis`` prints and what the plots and the HTML report draw."""

    title: str
    options: ThesisOptions
    span: tuple[int, ...]
    coverage: tuple[Coverage, ...]
    evidence: tuple[EvidenceRow, ...]
    sensitivity: tuple[EvidenceRow, ...]
    verdict: RateVerdict
    hub: str | None
    snapshots: tuple[Snapshot, ...]
    names: dict[str, str]
    #: the scope's ties (the HTML lists them with their sources)
    tie_ids: tuple[str, ...]
    #: the rate rows that decide (every dataset, headline specification) and their sensitivity rows
    rates: tuple[RateRow, ...] = ()
    rate_sensitivity: tuple[RateRow, ...] = ()
    #: how the window was chosen (printed with the filters)
    window_note: str = ""

    @property
    def headline(self) -> Spec:
        return self.options.headline

    def headline_rows(self) -> list[EvidenceRow]:
        """The evidence rows of the headline specification (every source, layers and types)."""
        return [r for r in self.evidence if r.spec == self.headline]


def default_first_year(scope: Scope, dated: list[int]) -> tuple[int | None, str]:
    """The default first year of the window and why: the first year every state of a fixed scope exists
    (COW state system; 1992 for the six Turkic states), never before the first dated tie."""
    from tiegraph.model.statesystem import state_system

    fixed = resolve_scope(scope)
    common = state_system().first_common_year(fixed) if fixed is not None else None
    first_tie = min(dated) if dated else None
    if common is not None and (first_tie is None or common >= first_tie):
        return common, f"from {common}, the first year every scope state exists (COW state system)"
    if first_tie is not None:
        return first_tie, f"from {first_tie}, the first year with a dated tie"
    return None, ""


def headline_years(dataset: Dataset, options: ThesisOptions) -> list[int]:
    """The years of the dated ties the headline counts (tentative ones only with ``include_tentative``): a
    tie planned for next year does not stretch the window to a year nothing observed."""
    return [t.year for t in select_ties(dataset, options.tie_filter)
            if t.year is not None and (options.include_tentative or not t.tentative)]


def series_span(dataset: Dataset, options: ThesisOptions) -> list[int]:
    """``first_year`` to ``last_year``; by default from the first year every scope state exists
    (``default_first_year``) to the last year with a dated tie."""
    dated = headline_years(dataset, options)
    if not dated and (options.first_year is None or options.last_year is None):
        raise UsageError("no dated ties match the filters: nothing to test")
    first = options.first_year if options.first_year is not None else default_first_year(options.scope, dated)[0]
    last = options.last_year if options.last_year is not None else max(dated)
    assert first is not None
    if last - first < 2:
        raise UsageError(f"years {first}-{last}: a trend test needs at least three years")
    return list(range(first, last + 1))


def rate_verdict(dataset: Dataset, options: ThesisOptions, coverage: dict[str, Coverage]
                 ) -> tuple[list[int], list[RateRow], RateVerdict, str]:
    """The verdict alone (span, headline rate rows, verdict, window note): what ``tiegraph report`` prints,
    by the same code and defaults as ``tiegraph thesis`` (which adds the density description)."""
    span = series_span(dataset, options)
    fixed = resolve_scope(options.scope)
    hub = options.hub if options.hub is not None and (fixed is None or options.hub in fixed) else None
    covered = filtered_coverage(coverage, options.tie_filter)
    rates, sensitivity = run_rates(dataset, options, covered, span, hub)
    verdict = decide_rates(rates, sensitivity, headline=options.rate_headline, hub=hub, span=span)
    return span, rates, verdict, window_note(dataset, options, span)


def window_note(dataset: Dataset, options: ThesisOptions, span: list[int]) -> str:
    """How the window was chosen, in words."""
    if options.first_year is not None:
        return f"{span[0]}-{span[-1]}, as asked"
    dated = headline_years(dataset, options)
    return f"{span[0]}-{span[-1]}: {default_first_year(options.scope, dated)[1]}"


def tie_data(dataset: Dataset, options: ThesisOptions) -> TieData:
    """Each projection's tie table, built once per run (tentative ties included, flagged)."""
    from tiegraph.analysis.coverage_series import censor, dataset_coverage

    keep = replace(options.tie_filter, start_year=None, end_year=None, include_tentative=True)
    # an arms transfer is activity in its first delivery year (--arms-year order: its order year)
    ties = in_delivery_years([t for t in [*dataset.ties, *dataset.duplicates] if keep.accepts(t)], options.arms)
    # a dataset with no coverage.yaml covers the years of its own ties (all of them, as in the report)
    undeclared = [t for t in ties if t.dataset not in dataset.coverage]
    coverage = dataset_coverage(tie_table(build_graph(dataset, undeclared, level=options.level,
                                                      attributes="analysis")), dataset.coverage)
    # only ties joining two scope actors can move a fixed scope's density: the tables skip the rest
    # (most of ATOP, MME and JME), which makes them many times smaller
    fixed = resolve_scope(options.scope)
    if fixed is not None:
        members = set(fixed)
        ties = [t for t in ties if len({fold_actor(dataset, p, options.level) for p in t.participants} & members) > 1]
    tentative_ids = {t.id for t in ties if t.tentative}
    tables: dict[str, TieTable] = {}
    flags: dict[str, np.ndarray] = {}
    for projection in PROJECTIONS:
        graph = build_graph(dataset, ties, projection=projection,  # type: ignore[arg-type]
                            level=options.level, attributes="analysis")
        table = tie_table(graph)
        tables[projection], _ = censor(table, coverage)
        flags[projection] = np.array([i in tentative_ids for i in table.ids], dtype=bool)
    coverage = filtered_coverage(coverage, options.tie_filter)
    duplicates = frozenset(t.id for t in dataset.duplicates)
    exists = None
    if fixed is not None:
        from tiegraph.analysis.rate_evidence import first_seen
        from tiegraph.model.statesystem import state_system

        exists = existence(fixed, state_system(), first_seen(dataset, options.level))
    return TieData(tables, flags, coverage, duplicates, exists=exists)


def filtered_coverage(coverage: dict[str, Coverage], tie_filter: TieFilter) -> dict[str, Coverage]:
    """What each dataset covers *of what the filters keep*: ``--dataset`` drops the others, ``--type``
    narrows the tie types, so a dataset that codes none of the kept types of a layer has no row for it
    (missing, not a series of zeros)."""
    out = {}
    for name, cov in coverage.items():
        if tie_filter.datasets is not None and name not in tie_filter.datasets:
            continue
        kept = tuple(t for t in cov.tie_types if (tie_filter.types is None or t in tie_filter.types)
                     and t not in tie_filter.exclude_types)
        if kept:
            out[name] = replace(cov, tie_types=kept)
    return out


def specifications(options: ThesisOptions) -> tuple[list[Spec], list[Spec]]:
    """(evidence specs: both projections under the headline tentative rule and mode;
    sensitivity specs: projection x tentative ties in/out, in the chosen mode, and the headline
    without the hub: a rise that is only the hub's bilateral ties is a hub-and-spoke, not a web).

    Stock vs flow is not a sensitivity check: for events they are the same
    series, and for standing ties flow measures the pace of new agreements,
    not the density of the web (run ``--mode flow`` to test that question).
    """
    mode = options.activity.mode
    evidence = [Spec(p, options.include_tentative, mode) for p in dict.fromkeys([options.projection, *PROJECTIONS])]
    sensitivity = [Spec(p, t, mode) for p in PROJECTIONS for t in (False, True)]
    fixed = resolve_scope(options.scope)
    if options.hub is not None and fixed is not None and options.hub in fixed and len(fixed) > 2:
        sensitivity.append(Spec(options.projection, options.include_tentative, mode, without=options.hub))
    return evidence, sensitivity


def run_thesis(dataset: Dataset, options: ThesisOptions) -> ThesisResult:
    """Run the whole thesis test (see the module docstring)."""
    span = series_span(dataset, options)
    scope = options.scope if isinstance(options.scope, str) else tuple(options.scope)
    data = tie_data(dataset, options)
    evidence_specs, sensitivity_specs = specifications(options)
    common = dict(span=span, scope=scope, activity=options.activity, seed=options.seed, null=options.null,
                  alpha=options.alpha)
    evidence = evidence_rows(data, specs=evidence_specs, permutations=options.permutations,
                             **common)  # type: ignore[arg-type]
    extra = [s for s in sensitivity_specs if s not in evidence_specs]
    computed = evidence_rows(data, specs=extra, permutations=0, per_type=False, **common)  # type: ignore[arg-type]
    # every dataset's rows, documentary ones included, so a reader sees how much a documentary rise
    # owes to plans or projections; the verdict reads only the systematic rows (verdict.decide)
    sensitivity = [r for r in [*evidence, *computed] if r.main_layer and r.spec != options.headline]
    sensitivity.sort(key=lambda r: (sensitivity_specs.index(r.spec), LAYERS.index(r.layer), r.source == "union",
                                    r.source))
    fixed = resolve_scope(scope)
    hub = options.hub if options.hub is not None and (fixed is None or options.hub in fixed) else None
    rates, rate_sens = run_rates(dataset, options, data.coverage, span, hub)
    verdict = decide_rates(rates, rate_sens, headline=options.rate_headline, hub=hub, span=span)
    note = window_note(dataset, options, span)
    table = data.tables[options.projection]
    shown = list(options.snapshot_years or default_snapshot_years(span, data))
    snaps = _snapshots(data, options, scope, [y for y in shown if y in span])
    scoped = [table.ids[i] for i, ends in enumerate(table.endpoints)
              if table.ids[i] not in data.duplicates and (fixed is None or len(ends & set(fixed)) >= 2)]
    return ThesisResult(
        title=f"Defence ties among {describe_scope(scope)}: is the web thickening?", options=options,
        span=tuple(span), coverage=tuple(data.coverage.values()), evidence=tuple(evidence),
        sensitivity=tuple(sensitivity), verdict=verdict, hub=hub, snapshots=tuple(snaps),
        names={n: table.names.get(n, n) for s in snaps for n in s.nodes}, tie_ids=tuple(scoped),
        rates=tuple(rates), rate_sensitivity=tuple(rate_sens), window_note=note)


def rate_specifications(options: ThesisOptions, hub: str | None) -> list[RateSpec]:
    """The sensitivity specifications of the rate rows: every other projection, tentative ties in or out,
    the scope without the hub, and without the codings a coder marked doubtful or with assumed participants."""
    head = options.rate_headline
    specs = [replace(head, projection=p) for p in RATE_PROJECTIONS if p != head.projection]
    specs.append(replace(head, tentative=not head.tentative))
    if hub is not None:
        specs.append(replace(head, without=hub))
    specs += [replace(head, drop=frozenset({"doubtful"})), replace(head, drop=frozenset({"assumed"}))]
    return specs


def run_rates(dataset: Dataset, options: ThesisOptions, coverage: dict[str, Coverage], span: list[int],
              hub: str | None) -> tuple[list[RateRow], list[RateRow]]:
    """The rate rows of the headline and of every sensitivity specification (``analysis.rate_evidence``);
    ``coverage``: what each dataset covers of what the filters keep (``filtered_coverage``)."""
    from tiegraph.analysis.rate_evidence import first_seen
    from tiegraph.model.statesystem import state_system

    fixed = resolve_scope(options.scope)
    if fixed is None:  # "all": every actor node with a tie
        fixed = tuple(sorted(first_seen(dataset, options.level)))
    keep = replace(options.tie_filter, start_year=None, end_year=None, include_tentative=True)
    own = {name: [t for t in dataset.own_ties(name) if keep.accepts(t)] for name in coverage}
    ctx = RateContext(dataset=dataset, ties=select_ties(dataset, keep), coverage=coverage, span=span,
                      scope=fixed, hub=hub, states=state_system(), level=options.level, alpha=options.alpha,
                      permutations=options.permutations, seed=options.seed)
    rates = rate_rows(ctx, [options.rate_headline], own=own)
    sensitivity = rate_rows(ctx, rate_specifications(options, hub), own=own)
    return rates, sensitivity


def default_snapshot_years(span: list[int], data: TieData) -> list[int]:
    """Up to four years to draw: the first and last covered year of the span and two between."""
    covered = [y for y in span if any(c.first_year <= y <= c.last_year for c in data.coverage.values())]
    if not covered:
        return []
    first, last = covered[0], covered[-1]
    return sorted({first, first + (last - first) // 3, first + 2 * (last - first) // 3, last})


def _snapshots(data: TieData, options: ThesisOptions, scope: Scope, years: list[int]) -> list[Snapshot]:
    """The web in ``years``: headline ties of the datasets that cover each year (others count as absent)."""
    table = data.tables[options.projection]
    out = []
    names = np.array(table.datasets, dtype=object)
    for year in years:
        covering = [c.dataset for c in data.coverage.values() if c.covers(year)]
        keep = np.isin(names, covering) & ~data.duplicate(options.projection)  # a shared tie drawn once
        if not options.include_tentative:
            keep &= ~data.tentative[options.projection]
        view = replace(table, start=np.where(keep, table.start, np.nan))
        graph: nx.Graph = snapshots(view, years=[year], scope=scope, activity=options.activity)[year]
        edges = tuple(sorted((min(u, v), max(u, v), float(d["weight"]), len(d["types"]))
                             for u, v, d in graph.edges(data=True)))
        out.append(Snapshot(year, tuple(sorted(graph.nodes)), edges))
    return out


def filters(result: ThesisResult) -> dict[str, Any]:
    """The options as printed above the tables, so a reader can rerun the test."""
    options = result.options
    scope = options.scope
    flt = options.tie_filter
    return {
        "scope": scope if isinstance(scope, str) else ",".join(scope), "level": options.level,
        "headline": options.headline.describe() + " (density, a description: the rates decide)",
        "types": ",".join(sorted(flt.types)) if flt.types else "all",
        "datasets": ",".join(sorted(flt.datasets)) if flt.datasets else "all",
        "years": f"{result.span[0]}-{result.span[-1]}", "mode": options.activity.describe(),
        "null": NULL_NAMES[options.null], "permutations": options.permutations, "seed": options.seed,
        "alpha": options.alpha, "break_year": options.break_year if options.break_year is not None else "none",
        "hub": result.hub or "none",
        "window": result.window_note,
        "rates": f"{options.rate_headline.describe()}; arms transfers in their "
                 f"{'first delivery' if options.arms == 'delivery' else 'order'} year",
    }

