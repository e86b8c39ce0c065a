"""The density description: one trend of density per dataset, layer, projection and specification.

These rows describe the web; they do not decide the thesis (``analysis.rates`` does: a stock of
long-lived ties rises under a constant rate of new ones).  Each row here is the scope's
density series of *one* dataset (or the union of the systematic datasets
where their coverage overlaps), one layer and one specification, over the
years that dataset covers -- never zero-filled outside them:

* layers: ``institutional`` (standing ties in force: treaties, agreements,
  memberships), ``activity`` (events: exercises, meetings, deliveries), and
  each tie type of a layer with at least ``MIN_TYPE_TIES`` ties;
* specifications (``Spec``): clique or star projection of multilateral ties,
  with or without tentative ties (announced/planned/proposed), and the mode.

A row gives the years covered, n, Sen's slope with its confidence interval,
the Mann–Kendall p and the autocorrelation-corrected p, Pettitt's change year
and the permutation p (``analysis.nulls``).

Censoring (``analysis.coverage_series.censor``, applied to the tables by
``analysis.thesis.tie_data``): a standing tie of a *systematic* dataset with
no end year stays in force to that dataset's coverage end (ATOP codes no exit
for an alliance still active in 2018) instead of lapsing under the stock
rule's duration.  Inside a row's years a tie ending at the coverage edge is
in force, and after it the dataset is missing, so a censored end is never
read as an end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tiegraph.analysis.coverage_series import Layer
from tiegraph.analysis.nulls import LinkIndex, SeriesKernel, draw_starts, link_index
from tiegraph.analysis.rates import exposure
from tiegraph.analysis.temporal import Activity, Scope, TieTable, in_scope_ties
from tiegraph.analysis.trend import MIN_YEARS, ChangePoint, Trend, mann_kendall, mk_s, pettitt, upper_p
from tiegraph.model.coverage import Coverage
from tiegraph.model.vocabulary import TIE_TYPES

LAYERS: tuple[Layer, ...] = ("institutional", "activity")
UNION = "union"
#: a tie type gets its own rows when a dataset has at least this many scope ties of it
MIN_TYPE_TIES = 10


@dataclass(frozen=True)
class Spec:
    """One specification of the series: projection, tentative ties in or out, activity mode, and
    ``without``: an actor (the hub) left out of the scope -- is the web thickening beyond its ties?"""

    projection: str
    tentative: bool
    mode: str
    without: str | None = None

    def describe(self) -> str:
        text = f"{self.projection}, {'with' if self.tentative else 'without'} tentative, {self.mode}"
        return text + (f", without {self.without}" if self.without else "")

    def scope(self, scope: Scope) -> Scope:
        """The scope of this specification's series (``scope`` less ``without``)."""
        if self.without is None or isinstance(scope, str):
            return scope
        return tuple(a for a in scope if a != self.without)


@dataclass(frozen=True)
class EvidenceRow:
    """One trend test of the table of evidence (``trend`` is None when fewer than ``MIN_YEARS`` years)."""

    source: str                   # a dataset name, or "union"
    members: tuple[str, ...]      # the datasets in the series
    kind: str                     # systematic / documentary
    layer: str                    # institutional / activity / a tie type
    spec: Spec
    years: tuple[int, ...]
    values: tuple[float, ...]
    ties: int                     # scope ties that count in the series
    trend: Trend | None
    change: ChangePoint | None
    perm_p: float | None
    permutations: int
    alpha: float

    @property
    def status(self) -> str:
        """rise / fall / flat (``Trend.direction``), 'too short' or 'not covered'."""
        if not self.years:
            return "not covered"
        return "too short" if self.trend is None else self.trend.direction(self.alpha)

    @property
    def span(self) -> str:
        return f"{self.years[0]}-{self.years[-1]}" if self.years else "-"

    @property
    def main_layer(self) -> bool:
        return self.layer in LAYERS

    def label(self) -> str:
        """'atop institutional (1992-2018)'."""
        return f"{self.source} {self.layer.replace('_', ' ')} ({self.span})"


@dataclass
class TieData:
    """The tie tables of one run, built once: per projection, with the per-tie tentative flags.

    The tables hold every dataset's own ties, the cross-dataset duplicates that
    the merge left out included (``Dataset.duplicates``, ids in ``duplicates``):
    a dataset's own series counts its own version of a tie it shares with
    another dataset (an exercise in JME and MME is in both series, each with its
    own date), while the union counts each tie once (duplicates left out).
    """

    tables: dict[str, TieTable]
    tentative: dict[str, np.ndarray]
    coverage: dict[str, Coverage]
    duplicates: frozenset[str] = frozenset()
    #: the years each actor of a fixed scope exists (``analysis.rates.existence``); None: every year
    exists: dict[str, set[int]] | None = None
    _members: dict[tuple, np.ndarray] = field(default_factory=dict)
    _indexes: dict[tuple, LinkIndex] = field(default_factory=dict)
    _scoped: dict[tuple, np.ndarray] = field(default_factory=dict)

    def index(self, projection: str, scope: Scope, activity: Activity) -> LinkIndex:
        """The projection's ``link_index`` for ``scope`` (one per formation rule, built on first use)."""
        key = (projection, scope if isinstance(scope, str) else tuple(scope), activity.counts_formation)
        if key not in self._indexes:
            self._indexes[key] = link_index(self.tables[projection], scope, activity)
        return self._indexes[key]

    def scoped(self, projection: str, scope: Scope) -> np.ndarray:
        """Bool per tie of the projection's table: it joins two or more scope actors."""
        key = (projection, scope if isinstance(scope, str) else tuple(scope))
        if key not in self._scoped:
            mask = np.zeros(len(self.tables[projection].ids), dtype=bool)
            mask[in_scope_ties(self.tables[projection], scope)] = True
            self._scoped[key] = mask
        return self._scoped[key]


    def member(self, projection: str, dataset: str) -> np.ndarray:
        """Bool per tie: the tie is ``dataset``'s own (its version of a shared tie included)."""
        key = (projection, dataset)
        if key not in self._members:
            table = self.tables[projection]
            self._members[key] = np.array([d == dataset for d in table.datasets], dtype=bool)
        return self._members[key]

    def counts(self, projection: str, datasets: Sequence[str], layer: str) -> np.ndarray:
        """Bool per tie: it may count in the series of ``datasets`` (a union: any of them) for ``layer``
        (institutional, activity or one tie type), within each dataset's coded tie types."""
        table = self.tables[projection]
        kinds = np.array(table.types, dtype=object)
        out = np.zeros(len(table.ids), dtype=bool)
        for name in datasets:
            cov = self.coverage[name]
            coded = _types_of(cov, layer) if layer in LAYERS else [t for t in cov.tie_types if t == layer]
            out |= self.member(projection, name) & np.isin(kinds, coded)
        if len(datasets) > 1:  # a union counts a shared tie once: the merged version
            out &= ~self.duplicate(projection)
        return out

    def duplicate(self, projection: str) -> np.ndarray:
        """Bool per tie: a duplicate the merge left out (it counts only in its own dataset's rows)."""
        return np.isin(np.array(self.tables[projection].ids, dtype=object), list(self.duplicates))


def _types_of(cov: Coverage, layer: str) -> list[str]:
    wanted = "standing" if layer == "institutional" else "event"
    return [t for t in cov.tie_types if t in TIE_TYPES and TIE_TYPES[t].temporal == wanted]


def _row(data: TieData, *, source: str, members: Sequence[str], kind: str, layer: str, spec: Spec,
         years: Sequence[int], scope: Scope, activity: Activity, permutations: int, seed: int, null: str,
         alpha: float) -> EvidenceRow:
    table = data.tables[spec.projection]
    scope = spec.scope(scope)
    pairs = None
    if data.exists is not None and not isinstance(scope, str):
        # a dyad counts only in years both its states exist: a year without two existing states is missing
        pairs = exposure(scope, years, data.exists)
        years = [y for y, p in zip(years, pairs) if p > 0]
        pairs = pairs[pairs > 0]
    if not years:
        return EvidenceRow(source, tuple(members), kind, layer, spec, (), (), 0, None, None, None, 0, alpha)
    counts = data.counts(spec.projection, members, layer)
    if not spec.tentative:
        counts &= ~data.tentative[spec.projection]
    scoped = data.scoped(spec.projection, scope)
    starts = table.start
    with np.errstate(invalid="ignore"):
        pool = np.flatnonzero(counts & scoped & (starts >= years[0]) & (starts <= years[-1]))
        n_ties = len(pool)  # the ties formed in the row's years (earlier ones may count, but are not its own)
    mode = activity.with_mode(spec.mode)
    kernel = SeriesKernel(table, years=years, scope=scope, activity=mode, counts=counts, pool=pool,
                          index=data.index(spec.projection, scope, mode), pairs=pairs)
    values = kernel.observed(table)
    trend = change = perm = None
    if len(years) >= MIN_YEARS:
        trend = mann_kendall(values, alpha=alpha)
        change = pettitt(values, years)
        if permutations > 0 and len(pool) > 1:
            moved = draw_starts(np.random.default_rng(seed), starts[pool], years, permutations, null)
            perm = upper_p(float(trend.s), mk_s(kernel(moved)))
    return EvidenceRow(source, tuple(members), kind, layer, spec, tuple(int(y) for y in years),
                       tuple(float(v) for v in values), n_ties, trend, change, perm,
                       permutations if perm is not None else 0, alpha)


def _covered(cov: Coverage, span: Sequence[int]) -> list[int]:
    return [y for y in span if cov.first_year <= y <= cov.last_year]


def evidence_rows(data: TieData, *, span: Sequence[int], scope: Scope, specs: Sequence[Spec], activity: Activity,
                  permutations: int, seed: int, null: str, alpha: float,
                  per_type: bool = True) -> list[EvidenceRow]:
    """Every row of the table for each of ``specs``: systematic datasets first, then the union of the
    systematic ones (where at least two code a layer, over the years they all cover), then documentary."""
    rows: list[EvidenceRow] = []
    ordered = sorted(data.coverage.values(), key=lambda c: (not c.systematic, c.dataset))
    options = dict(scope=scope, activity=activity, permutations=permutations, seed=seed, null=null, alpha=alpha)
    for spec in specs:
        for layer in LAYERS:
            coding = [c for c in ordered if _types_of(c, layer)]
            for cov in coding:
                rows.append(_row(data, source=cov.dataset, members=[cov.dataset], kind=cov.kind, layer=layer,
                                 spec=spec, years=_covered(cov, span), **options))  # type: ignore[arg-type]
                types = _types_of(cov, layer)
                if per_type and len(types) > 1:
                    rows += _type_rows(data, cov, types, spec, span, options)
            systematic = [c for c in coding if c.systematic and _covered(c, span)]
            if len(systematic) > 1:
                overlap = [y for y in span if all(c.first_year <= y <= c.last_year for c in systematic)]
                rows.append(_row(data, source=UNION, members=[c.dataset for c in systematic], kind="systematic",
                                 layer=layer, spec=spec, years=overlap, **options))  # type: ignore[arg-type]
    order = {"systematic": 0, "documentary": 1}
    rows.sort(key=lambda r: (specs.index(r.spec), LAYERS.index(r.layer) if r.main_layer else 9,
                             order.get(r.kind, 2), r.source == UNION, r.source, not r.main_layer, r.layer))
    return rows


def _type_rows(data: TieData, cov: Coverage, types: Sequence[str], spec: Spec, span: Sequence[int],
               options: dict) -> list[EvidenceRow]:
    """Rows for each type of a layer with at least ``MIN_TYPE_TIES`` scope ties in the dataset."""
    table = data.tables[spec.projection]
    scoped = data.scoped(spec.projection, spec.scope(options["scope"]))
    kinds = np.array(table.types, dtype=object)
    out = []
    for tie_type in types:
        if int(np.sum(scoped & data.member(spec.projection, cov.dataset) & (kinds == tie_type))) >= MIN_TYPE_TIES:
            out.append(_row(data, source=cov.dataset, members=[cov.dataset], kind=cov.kind, layer=tie_type,
                            spec=spec, years=_covered(cov, span), **options))
    return out
