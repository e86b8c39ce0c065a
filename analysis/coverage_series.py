"""Coverage-aware yearly series: missing is not zero, censored is not ended.

Every dataset observes some years and some tie types (``model.coverage``).
The engine's density series (``analysis.temporal``) knows only ties; this
module applies what each dataset covers:

* **Missing years.**  For one dataset, a year outside its coverage (or a
  series whose tie types it does not code) is *missing* -- ``None`` in
  ``CoverageSeries.density``, NaN in ``.values()`` -- never 0.
* **The union** of several datasets is defined in a year when at least one
  dataset covers it; that year counts only the ties of the datasets that
  cover it (and only their covered types).  ``covered_by`` lists them per
  year, so a reader sees when the union changes composition (e.g. DCAD's
  ties stop counting after 2010, where only the articles still cover):
  a change of composition is not a change of the web.
* **Censoring.**  A standing tie whose end year is at or after its dataset's
  ``last_year`` is right-censored (``Coverage.is_censored``): in force up to
  the coverage end and never counted in ``ties_ended``; past the coverage
  end its dataset says nothing (missing), so it is not ended there either.
  A standing tie with *no* end in a systematic dataset is censored too: such
  a dataset codes ends (ATOP's exits, DCAD's end estimates), so no end means
  "still in force at the last year", and the tie stays in force to the
  coverage end instead of lapsing after the ``Activity.duration`` rule
  (which stays for documentary data: an article's silence about an end is
  not evidence that the tie lasted).  ``censor`` applies both.
* **Layers.**  ``institutional``: standing ties in force (treaties,
  agreements, memberships); ``activity``: events in their year (exercises,
  meetings, deliveries), under the ``Activity`` rule given; ``all``: both.
  A dataset that codes no type of a layer has that layer missing.
* **No declared coverage.**  A dataset without a ``Coverage`` in
  ``Dataset.coverage`` is treated as documentary, covering the years of its
  own dated ties and the types it uses (``derive_coverage``; the note says so).

The building block is ``series_mask`` (ties x years: which ties may count,
and which years are defined), so the permutation null model can apply the
same coverage to shuffled start years.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from tiegraph.analysis.temporal import (
    Activity,
    DensityKernel,
    Scope,
    TieTable,
    formed_mask,
    in_scope_ties,
    tie_activity,
)
from tiegraph.model.coverage import Coverage, CoverageKind
from tiegraph.model.vocabulary import TIE_TYPES

Layer = Literal["all", "institutional", "activity"]
LAYERS: tuple[Layer, ...] = ("all", "institutional", "activity")
UNION = "union"
DERIVED_NOTE = ("no coverage declared: taken as documentary, covering the years of its own dated ties "
                "({first}-{last}) and the tie types it uses")


def derive_coverage(table: TieTable, dataset: str) -> Coverage | None:
    """The coverage assumed for a dataset that declares none (None when it has no dated tie)."""
    rows = [i for i, d in enumerate(table.datasets) if d == dataset and not np.isnan(table.start[i])]
    if not rows:
        return None
    starts = table.start[rows]
    first, last = int(starts.min()), int(starts.max())
    types = tuple(sorted({table.types[i] for i in rows}))
    return Coverage(dataset, first, last, "documentary", types, DERIVED_NOTE.format(first=first, last=last))


def dataset_coverage(table: TieTable, declared: Mapping[str, Coverage]) -> dict[str, Coverage]:
    """Every ``declared`` coverage, and a derived one for each dataset with ties in ``table`` that
    declares none (sorted by name).

    A declared dataset counts even when no tie of it passed the filters: in the
    years and types it covers, its series is then zero, not missing.
    """
    out: dict[str, Coverage] = {}
    for name in sorted(set(table.datasets) | set(declared)):
        coverage = declared.get(name) or derive_coverage(table, name)
        if coverage is not None:
            out[name] = coverage
    return out


def censor(table: TieTable, coverage: Mapping[str, Coverage]) -> tuple[TieTable, np.ndarray]:
    """(the table with censored ends, censored per tie).

    A standing tie is censored when its end is at or after its dataset's last
    year, or when it has no end and its dataset is systematic; the latter gets
    the coverage end as its end, so it is in force up to it (not ``duration`` years).
    """
    last = np.full(len(table.ids), np.nan)
    systematic = np.zeros(len(table.ids), dtype=bool)
    names = np.array(table.datasets, dtype=object)
    for name, cov in coverage.items():
        rows = names == name
        last[rows] = cov.last_year
        systematic[rows] = cov.systematic
    known = ~np.isnan(last) & table.standing & ~np.isnan(table.start)
    open_ended = known & np.isnan(table.end) & systematic
    with np.errstate(invalid="ignore"):
        censored = (known & (table.end >= last)) | open_ended
    if not open_ended.any():
        return table, censored
    end = table.end.copy()
    end[open_ended] = np.maximum(last[open_ended], table.start[open_ended])
    return replace(table, end=end), censored


def _layer_rows(table: TieTable, layer: Layer) -> np.ndarray:
    if layer == "institutional":
        return table.standing.copy()
    if layer == "activity":
        return ~table.standing
    return np.ones(len(table.ids), dtype=bool)


def _layer_types(types: Collection[str], layer: Layer) -> set[str]:
    """The tie types of ``types`` that belong to ``layer``."""
    if layer == "all":
        return set(types)
    wanted = "standing" if layer == "institutional" else "event"
    return {t for t in types if t in TIE_TYPES and TIE_TYPES[t].temporal == wanted}


def series_mask(table: TieTable, years: Sequence[int], coverage: Mapping[str, Coverage], *,
                datasets: Collection[str], layer: Layer = "all", types: Collection[str] | None = None,
                cumulative: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(ties x years bool: the tie may count that year, years bool: the series is defined that year).

    A tie may count in a year when its dataset is one of ``datasets``, covers
    that year and the tie's type, and the tie is of ``layer`` (and of
    ``types``, when given).  A year is defined when one of ``datasets``
    covers it and codes at least one type of the layer (and of ``types``).
    ``cumulative``: "formed by that year" stays true after the dataset's
    coverage ends, so a tie its dataset observed forming (start year covered)
    may count in every later defined year, not only in covered ones.
    """
    y = np.asarray(list(years), dtype=int)
    may_count = np.zeros((len(table.ids), len(y)), dtype=bool)
    defined = np.zeros(len(y), dtype=bool)
    wanted = _layer_rows(table, layer)
    if types is not None:
        wanted &= np.isin(np.array(table.types, dtype=object), list(types))
    names = np.array(table.datasets, dtype=object)
    for name in datasets:
        cov = coverage.get(name)
        if cov is None:
            continue
        coded = _layer_types(cov.tie_types, layer)
        if types is not None:
            coded &= set(types)
        if not coded:
            continue  # the dataset codes nothing of this layer/type: missing, not zero
        in_years = (y >= cov.first_year) & (y <= cov.last_year)
        defined |= in_years
        rows = wanted & (names == name) & np.isin(np.array(table.types, dtype=object), sorted(coded))
        if cumulative:
            with np.errstate(invalid="ignore"):
                observed = rows & (table.start >= cov.first_year) & (table.start <= cov.last_year)
            may_count[observed] = True
            may_count[rows & ~observed] |= in_years
        else:
            may_count[rows] |= in_years
    return may_count, defined


@dataclass(frozen=True)
class CoverageSeries:
    """One dataset's (or the union's) yearly series of one layer; ``None`` = missing that year."""

    dataset: str
    layer: Layer
    kind: CoverageKind | Literal["mixed"]
    mode: str
    years: tuple[int, ...]
    density: tuple[float | None, ...]
    tied_dyads: tuple[int | None, ...]
    ties_active: tuple[int | None, ...]
    ties_formed: tuple[int | None, ...]
    #: standing ties whose known end year is this year and is not the coverage edge (censored ends never count)
    ties_ended: tuple[int | None, ...]
    covered_by: tuple[tuple[str, ...], ...]
    #: standing ties of the series whose end is the coverage edge (right-censored)
    censored: int
    notes: tuple[str, ...] = field(default=())

    def values(self) -> np.ndarray:
        """Density as floats, NaN where missing."""
        return np.array([np.nan if v is None else v for v in self.density], dtype=float)

    def observed(self) -> tuple[list[int], list[float]]:
        """(years, densities) of the defined years only, for trend tests."""
        pairs = [(y, v) for y, v in zip(self.years, self.density) if v is not None]
        return [y for y, _ in pairs], [v for _, v in pairs]

    def as_dict(self) -> dict[int, float | None]:
        return dict(zip(self.years, self.density))


def _missing(values: np.ndarray, defined: np.ndarray, integer: bool) -> tuple:
    cast = int if integer else float
    return tuple(cast(v) if d else None for v, d in zip(values.tolist(), defined.tolist()))


def coverage_series(table: TieTable, *, years: Sequence[int], scope: Scope, coverage: Mapping[str, Coverage],
                    datasets: Collection[str], activity: Activity | None = None, layer: Layer = "all",
                    types: Collection[str] | None = None, name: str | None = None,
                    kernel: DensityKernel | None = None) -> CoverageSeries:
    """The yearly series of ``datasets`` (one name: that dataset; several: their union).

    ``coverage``: every dataset's coverage (``dataset_coverage``);
    ``kernel``: a ``DensityKernel`` for ``scope`` and ``activity``, to reuse one across calls.
    """
    activity = activity or Activity()
    years = [int(y) for y in years]
    chosen = [d for d in datasets if d in coverage]
    table, censored = censor(table, coverage)
    may_count, defined = series_mask(table, years, coverage, datasets=chosen, layer=layer, types=types,
                                     cumulative=activity.mode == "cumulative")
    active = tie_activity(table, years, activity) & may_count
    kernel = kernel or DensityKernel(table, scope, activity=activity)
    tied, pairs = kernel.tied(active), kernel.pairs(active)
    density = np.divide(tied, pairs, out=np.zeros(len(years)), where=pairs > 0)
    scoped = np.zeros(len(table.ids), dtype=bool)
    scoped[in_scope_ties(table, scope)] = True
    formed = (formed_mask(table, years, scope) & may_count).sum(axis=0)
    counted = may_count & scoped[:, None]
    censored_rows = censored & counted.any(axis=1)
    ended = ((table.end[:, None] == np.asarray(years, dtype=float)[None, :]) & counted
             & (table.standing & ~censored)[:, None]).sum(axis=0)
    kinds = {coverage[d].kind for d in chosen}
    notes = tuple(f"{d}: {coverage[d].note}" for d in chosen if coverage[d].note)
    return CoverageSeries(
        dataset=name or (chosen[0] if len(chosen) == 1 else UNION), layer=layer,
        kind=kinds.pop() if len(kinds) == 1 else "mixed", mode=activity.mode, years=tuple(years),
        density=_missing(density, defined, False), tied_dyads=_missing(tied, defined, True),
        ties_active=_missing((active & scoped[:, None]).sum(axis=0), defined, True),
        ties_formed=_missing(formed, defined, True), ties_ended=_missing(ended, defined, True),
        covered_by=tuple(tuple(d for d in chosen if coverage[d].first_year <= y <= coverage[d].last_year)
                         for y in years),
        censored=int(censored_rows.sum()), notes=notes)


def all_series(table: TieTable, *, years: Sequence[int], scope: Scope, coverage: Mapping[str, Coverage],
               activity: Activity | None = None,
               layers: Sequence[Layer] = LAYERS) -> dict[str, dict[Layer, CoverageSeries]]:
    """``{dataset or "union": {layer: series}}``: each dataset apart, and their union.

    One ``DensityKernel`` serves every series (they differ only in which ties
    may count).  With a single dataset the union is that dataset's series.
    """
    activity = activity or Activity()
    kernel = DensityKernel(table, scope, activity=activity)
    names = list(coverage)
    out: dict[str, dict[Layer, CoverageSeries]] = {}
    for name in [*names, UNION]:
        chosen = names if name == UNION else [name]
        out[name] = {layer: coverage_series(table, years=years, scope=scope, coverage=coverage, datasets=chosen,
                                            activity=activity, layer=layer, name=name, kernel=kernel)
                     for layer in layers}
    return out
