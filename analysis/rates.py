"""The deciding test: the yearly rate of *new* scope ties per existing dyad, not a stock of ties.

Why rates and not density.  A stock of long-lived agreements rises under a
constant signing rate (each year adds ties that stay), so a trend test on a
stock series calls stability a rise; and a zero-heavy event series has a Sen
slope of 0.000 whatever happens late.  The question "is the web thickening?"
is a question about the pace at which ties are formed, so each row tests:

    new_ties(year) ~ Poisson(exposure(year) * exp(a + b * year))

where ``new_ties`` counts the ties formed that year among the scope (weighted
by the projection, below) and ``exposure`` is the number of scope dyads whose
two states both exist that year (COW state system, ``model.statesystem``;
companies and organisations from their first tie).  ``exp(b)`` is the yearly
**rate ratio**: 1.06 means 6 % more new ties per dyad each year.

* The effect and its interval come from a quasi-Poisson GLM (fitted here, pinned to statsmodels in the tests):
  the Pearson dispersion, floored at 1, widens the interval when new ties come
  in bursts (a six-state exercise is one burst of 15 pairs).
* The **uniform-timing permutation**: every tie keeps its weight and its
  parties and draws its year uniformly among the row's years in which all its
  scope parties exist.  A multilateral tie moves as one, so one 59-member
  membership is one draw, never 1,711 independent pairs.
* The thesis is a directional claim (a *rise*), so it is tested one-sided:
  a row **rises** when both tests reject a constant rate upwards at alpha --
  the permutation's upper p and the GLM's one-sided p are both below alpha.
  It *falls* likewise on the other side.  Asking both keeps the false-rise
  rate under alpha (the permutation alone is exact at alpha, so its rate would
  sit at the 5 % a reviewer allows): 3.8 % of 1,000 constant-rate datasets of
  agreements and 2.9 % of exercises, while a tripling rate is seen in 21-45 %
  of datasets of 17-28 ties (``analysis.calibration``, ``tests/test_calibration.py``).  The
  95 % interval printed is the effect size; its lower end can touch 1 in a
  row that rises, as a one-sided test allows.
* ``mde`` is the power the row had: the smallest yearly rate ratio the test
  detects 80 % of the time with this many ties (normal approximation of the
  score test with the ties' weights; checked by simulation in the tests).

Projections (how a tie of k parties counts for the scope's pairs):

* ``weighted`` (the headline; Newman 2001): each scope pair gets 1/(k-1), so
  a state's share of one tie is at most 1 however many others attend -- a
  30-nation exercise that two Turkic states attend is not a Turkic tie;
* ``clique``: every scope pair counts 1;
* ``bilateral``: only ties of exactly two parties;
* ``capped``: clique, only ties of at most ``cap`` parties.

A row is *testable* only when the data could show a rise (``untestable``):
at least ``MIN_YEARS`` years, at least ``MIN_TIES`` new ties, no single tie
carrying most of the weight, and at least ``MIN_TIES`` ties without the hub
(otherwise the row is a hub-and-spoke, whatever its trend).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from tiegraph.graph.build import Level
from tiegraph.model.entities import Dataset, Tie
from tiegraph.model.statesystem import StateSystem

RATE_PROJECTIONS: tuple[str, ...] = ("weighted", "clique", "bilateral", "capped")
#: a row needs this many years of the window (a Poisson slope on fewer years is not a trend)
MIN_YEARS = 5
#: ... and this many new ties (with fewer, no timing is unusual enough to be called a trend)
MIN_TIES = 5
#: one tie carrying more than this share of a row's weight decides it alone: not testable
MAX_SHARE = 0.5
#: default party cap of the ``capped`` projection
DEFAULT_CAP = 6
Z80 = 0.8416212335729143


@dataclass(frozen=True)
class RateSpec:
    """One specification of a rate row: projection, tentative ties in or out, the hub left out, doubtful
    codings left out (``drop``: "doubtful" = ties with ``coding_doubt``, "assumed" = participants assumed),
    and which year an arms transfer counts in ("delivery": its first delivery; "order")."""

    projection: str = "weighted"
    tentative: bool = False
    without: str | None = None
    drop: frozenset[str] = frozenset()
    cap: int = DEFAULT_CAP
    arms: str = "delivery"

    def describe(self) -> str:
        text = self.projection + (f" (at most {self.cap} parties)" if self.projection == "capped" else "")
        text += ", with tentative" if self.tentative else ", without tentative"
        if self.without:
            text += f", without {self.without}"
        for name in sorted(self.drop):
            text += ", without " + ("doubtful codings" if name == "doubtful" else "assumed participants")
        return text + (", arms by order year" if self.arms == "order" else "")

    def short(self) -> str:
        """The row label of a sensitivity specification: what differs from the headline."""
        base = RateSpec(arms=self.arms)
        parts = []
        if self.projection != base.projection:
            parts.append(self.projection + (f"<={self.cap}" if self.projection == "capped" else ""))
        if self.tentative:
            parts.append("+tentative")
        if self.without:
            parts.append(f"-{self.without}")
        parts += [f"-{d}" for d in sorted(self.drop)]
        return " ".join(parts) or "headline"


@dataclass(frozen=True)
class NewTie:
    """One tie formed among the scope: its year, its weight under the projection, its scope parties."""

    tie_id: str
    year: int
    weight: float
    parties: frozenset[str]
    size: int


@dataclass(frozen=True)
class RateRow:
    """One rate test: ``status`` is rise / fall / flat, or 'cannot tell' with ``reason``."""

    source: str
    members: tuple[str, ...]
    kind: str
    layer: str
    spec: RateSpec
    years: tuple[int, ...]
    counts: tuple[float, ...]
    exposure: tuple[float, ...]
    ties: int
    hub_ties: int
    rate_ratio: float | None = None
    low: float | None = None
    high: float | None = None
    glm_p: float | None = None          # one-sided p of a rise (GLM)
    glm_p_fall: float | None = None
    dispersion: float | None = None
    perm_p: float | None = None         # one-sided p of a rise (permutation)
    perm_p_fall: float | None = None
    permutations: int = 0
    mde: float | None = None
    reason: str | None = None
    alpha: float = 0.05
    largest: tuple[str, float] | None = field(default=None, compare=False)

    @property
    def testable(self) -> bool:
        return self.reason is None

    @property
    def status(self) -> str:
        if not self.testable or self.rate_ratio is None or self.glm_p is None or self.glm_p_fall is None:
            return "cannot tell"
        up = self.glm_p if self.perm_p is None else max(self.glm_p, self.perm_p)
        down = self.glm_p_fall if self.perm_p_fall is None else max(self.glm_p_fall, self.perm_p_fall)
        if up < self.alpha:
            return "rise"
        if down < self.alpha:
            return "fall"
        return "flat"

    @property
    def span(self) -> str:
        return f"{self.years[0]}-{self.years[-1]}" if self.years else "-"

    def label(self) -> str:
        return f"{self.source} {self.layer.replace('_', ' ')} ({self.span})"

    @property
    def rate(self) -> float | None:
        """New ties per dyad-year over the row (weighted)."""
        total = sum(self.exposure)
        return sum(self.counts) / total if total else None


def formation_year(tie: Tie, arms: str = "delivery") -> int | None:
    """The year a tie was formed: its start year, or for an arms transfer with recorded deliveries its first
    delivery year (``arms='delivery'``): the transfer as activity, when the arms arrive."""
    if arms == "delivery" and tie.type == "arms_transfer":
        years = [int(y) for y in str(tie.attributes.get("delivery_years") or "").split(";") if y.strip().isdigit()]
        if years:
            return min(years)
    return tie.year


def in_delivery_years(ties: Iterable[Tie], arms: str = "delivery") -> list[Tie]:
    """``ties`` with each arms transfer that has recorded deliveries dated by its first delivery year (the
    year's precision), for the yearly series: a transfer is activity when the arms arrive. The files and the
    exports keep the order date as the source wrote it; ``arms='order'`` changes nothing."""
    from tiegraph.model.dates import PartialDate

    if arms != "delivery":
        return list(ties)
    out = []
    for tie in ties:
        year = formation_year(tie, arms)
        if tie.type == "arms_transfer" and year is not None and year != tie.year:
            tie = replace(tie, start=PartialDate.parse(str(year)))
        out.append(tie)
    return out


def doubtful(tie: Tie, drop: Iterable[str]) -> bool:
    """Whether a sensitivity specification leaves ``tie`` out (its coding was marked weak by a coder)."""
    drop = set(drop)
    return bool(("doubtful" in drop and tie.attributes.get("coding_doubt"))
                or ("assumed" in drop and tie.attributes.get("participants_assumed")))


def new_ties(ties: Iterable[Tie], dataset: Dataset, *, scope: Sequence[str], years: Sequence[int], spec: RateSpec,
             exists: Mapping[str, set[int]], level: Level = "state") -> list[NewTie]:
    """The ties formed among ``scope`` in ``years`` under ``spec``, each with its projection weight.

    ``exists``: the years each scope actor exists (a pair counts only in a year both exist). A tie that
    continues another (an ATOP spell after an accession) counts only for the pairs it adds.
    """
    from tiegraph.graph.build import continued_tie, fold_actor

    members = set(a for a in scope if a != spec.without)
    span = set(years)
    by_id = {t.id: t for t in dataset.ties}
    out: list[NewTie] = []
    for tie in ties:
        if (tie.tentative and not spec.tentative) or doubtful(tie, spec.drop):
            continue
        year = formation_year(tie, spec.arms)
        if year is None or year not in span:
            continue
        parties = {fold_actor(dataset, p, level) for p in tie.participants}
        k = len(parties)
        if k < 2 or (spec.projection == "bilateral" and k != 2) or (spec.projection == "capped" and k > spec.cap):
            continue
        inside = sorted(p for p in parties & members if year in exists.get(p, ()))
        pairs = {(a, b) for i, a in enumerate(inside) for b in inside[i + 1:]}
        prior = by_id.get(continued_tie(tie) or "")
        if prior is not None:
            before = {fold_actor(dataset, p, level) for p in prior.participants}
            pairs = {(a, b) for a, b in pairs if not (a in before and b in before)}
        if not pairs:
            continue
        weight = len(pairs) / (k - 1) if spec.projection == "weighted" else float(len(pairs))
        out.append(NewTie(tie.id, year, weight, frozenset(inside), k))
    return out


def exposure(scope: Sequence[str], years: Sequence[int], exists: Mapping[str, set[int]],
             without: str | None = None) -> np.ndarray:
    """Dyads of the scope whose two actors both exist, per year (the denominator of every rate and density)."""
    members = [a for a in dict.fromkeys(scope) if a != without]
    alive = np.array([[y in exists.get(a, ()) for y in years] for a in members], dtype=float)
    k = alive.sum(axis=0) if len(members) else np.zeros(len(years))
    return k * (k - 1) / 2


def existence(scope: Sequence[str], states: StateSystem, first_seen: Mapping[str, int],
              last_year: int = 2100) -> dict[str, set[int]]:
    """The years each scope actor exists: a COW state by the state system's rule, any other actor from its
    first tie on (``first_seen``; never, when it has none)."""
    out: dict[str, set[int]] = {}
    for actor in scope:
        years = states.years(actor)
        if years is not None:
            out[actor] = set(years)
        elif actor in first_seen:
            out[actor] = set(range(first_seen[actor], last_year + 1))
        else:
            out[actor] = set()
    return out


def rate_row(events: Sequence[NewTie], *, source: str, members: Sequence[str], kind: str, layer: str,
             spec: RateSpec, years: Sequence[int], exposure_: np.ndarray, exists: Mapping[str, set[int]],
             hub: str | None, alpha: float, permutations: int, seed: int) -> RateRow:
    """Fit, permute and judge one row (see the module docstring)."""
    years = [int(y) for y in years]
    index = {y: i for i, y in enumerate(years)}
    counts = np.zeros(len(years))
    for e in events:
        counts[index[e.year]] += e.weight
    hub_ties = sum(1 for e in events if hub is not None and hub in e.parties)
    base = RateRow(source, tuple(members), kind, layer, spec, tuple(years), tuple(float(c) for c in counts),
                   tuple(float(x) for x in exposure_), len(events), hub_ties, alpha=alpha)
    observed = [y for y, x in zip(years, exposure_) if x > 0]
    total = float(counts.sum())
    largest = max(events, key=lambda e: (e.weight, e.tie_id)) if events else None
    base = replace(base, largest=(largest.tie_id, largest.weight / total) if largest and total else None)
    reason = untestable(base, observed=len(observed), hub=hub)
    if len(observed) < 2 or not events:
        return replace(base, reason=reason)
    fit = quasi_poisson(counts, exposure_, years)
    perm = permutation_p(events, years, exists, permutations, seed) if permutations > 0 else (None, None)
    return replace(base, reason=reason, rate_ratio=fit[0], low=fit[1], high=fit[2], glm_p=fit[3], glm_p_fall=fit[4],
                   dispersion=fit[5], perm_p=perm[0], perm_p_fall=perm[1],
                   permutations=permutations if perm[0] is not None else 0,
                   mde=detectable_ratio(events, years, exists, alpha))


def untestable(row: RateRow, *, observed: int, hub: str | None) -> str | None:
    """Why a row cannot show a rise whatever happened (None: it can)."""
    if observed < MIN_YEARS:
        return f"{observed} covered years with two existing scope states (needs {MIN_YEARS})"
    if row.ties < MIN_TIES:
        return f"{row.ties} new scope ties in {observed} years (needs {MIN_TIES})"
    if row.largest is not None and row.largest[1] > MAX_SHARE:
        return f"one tie ({row.largest[0]}) carries {row.largest[1]:.0%} of the new-tie weight"
    if hub is not None and row.ties - row.hub_ties < MIN_TIES:
        # beyond the hub there is too little to see a web thicken, whatever the hub's own ties do
        every = "all" if row.hub_ties == row.ties else f"{row.hub_ties} of"
        return (f"{every} {row.ties} new ties involve {hub}: a hub-and-spoke; {row.ties - row.hub_ties} without "
                f"{hub} (needs {MIN_TIES})")
    return None


Fit = tuple[float | None, float | None, float | None, float | None, float | None, float | None]


def quasi_poisson(counts: np.ndarray, exposure_: np.ndarray, years: Sequence[int]) -> Fit:
    """(rate ratio per year, 95 % low, high, one-sided Wald p of a rise, of a fall, dispersion) of a
    quasi-Poisson GLM with a log-exposure offset; the dispersion (Pearson chi2 / df) is floored at 1.
    None where the fit is undefined.

    Fitted by Newton-Raphson on the two coefficients (the Poisson log-likelihood is concave), not through
    statsmodels: importing statsmodels' GLM costs 0.75-1.3 s, and ``tiegraph report`` prints this
    verdict (BENCHMARKS.md, ``bench.report``); ``tests/test_rates.py`` pins the fit to statsmodels'
    ``GLM(..., family=Poisson(), offset=...)`` on many series."""
    from scipy.special import ndtr

    keep = exposure_ > 0
    y = np.asarray(counts, dtype=float)[keep]
    x = np.asarray(years, dtype=float)[keep]
    if len(y) < 3 or y.sum() <= 0:
        return None, None, None, None, None, None
    design = np.column_stack([np.ones(len(x)), x - x.mean()])
    offset = np.log(exposure_[keep])
    beta = np.array([math.log(y.sum() / exposure_[keep].sum()), 0.0])
    converged = False
    for _ in range(100):
        mu = np.exp(np.clip(offset + design @ beta, -700, 700))
        information = design.T @ (design * mu[:, None])
        try:
            step = np.linalg.solve(information, design.T @ (y - mu))
        except np.linalg.LinAlgError:
            return None, None, None, None, None, None
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            converged = True
            break
    mu = np.exp(np.clip(offset + design @ beta, -700, 700))
    df = max(len(y) - 2, 1)
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / df)
    try:
        covariance = np.linalg.inv(design.T @ (design * mu[:, None]))
    except np.linalg.LinAlgError:
        return None, None, None, None, None, dispersion
    b, se = float(beta[1]), math.sqrt(max(float(covariance[1, 1]), 0.0) * dispersion)
    if not converged or not (math.isfinite(b) and math.isfinite(se)) or se <= 0 or abs(b) > 5:
        return None, None, None, None, None, dispersion
    z = b / se
    return (math.exp(b), math.exp(b - 1.959964 * se), math.exp(b + 1.959964 * se), float(1 - ndtr(z)),
            float(ndtr(z)), dispersion)


def _allowed(events: Sequence[NewTie], years: Sequence[int], exists: Mapping[str, set[int]]) -> list[np.ndarray]:
    """Per tie, the row's years in which all its scope parties exist (where the null may move it)."""
    return [np.array([y for y in years if all(y in exists.get(p, ()) for p in e.parties)] or [e.year], dtype=float)
            for e in events]


def permutation_p(events: Sequence[NewTie], years: Sequence[int], exists: Mapping[str, set[int]],
                  permutations: int, seed: int) -> tuple[float, float]:
    """One-sided uniform-timing permutation p's (of a rise, of a fall) of the weighted mean year of the new
    ties: each tie, with its weight, draws its year uniformly among its allowed years; ``(1 + #as extreme) /
    (B + 1)``."""
    rng = np.random.default_rng(seed)
    weights = np.array([e.weight for e in events])
    observed = float(np.dot(weights, [e.year for e in events]))
    draws = np.zeros(permutations)
    for w, allowed in zip(weights, _allowed(events, years, exists)):
        draws += w * allowed[rng.integers(0, len(allowed), permutations)]
    tol = 1e-9 * max(1.0, abs(observed))
    upper = (1 + np.sum(draws >= observed - tol)) / (permutations + 1)
    lower = (1 + np.sum(draws <= observed + tol)) / (permutations + 1)
    return float(upper), float(lower)


def detectable_ratio(events: Sequence[NewTie], years: Sequence[int], exists: Mapping[str, set[int]],
                     alpha: float) -> float | None:
    """The smallest yearly rate ratio detected 80 % of the time (one-sided ``alpha``, the rule for a rise)
    with these ties: exp((z_{1-alpha} + z_0.8) * se), se of the slope from the score test with weighted,
    clustered ties (optimistic where the GLM's dispersion, floored at 1, is larger: the rule asks it too)."""
    from scipy.special import ndtri

    allowed = _allowed(events, years, exists)
    w = np.array([e.weight for e in events])
    v = np.array([a.var() for a in allowed])
    info = float(np.dot(w, v))
    if info <= 0:
        return None
    se = math.sqrt(float(np.dot(w * w, v))) / info
    return math.exp((float(ndtri(1 - alpha)) + Z80) * se)
