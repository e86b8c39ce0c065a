"""Calibration by simulation: how often the thesis's rate rows call a rise when there is none, and how often
they see one that is there.

A reviewer's first question of any trend verdict: what does it say on data
where the answer is known?  ``simulate`` makes a systematic dataset of the six
Turkic states over 1992-2010 with a known rate of new ties per dyad-year
(constant, or rising by a known factor over the window), as real ``Tie``
objects, and ``calibrate`` runs the thesis's own row code on many of them
(``analysis.rate_evidence.rate_rows``: the same path as ``tiegraph thesis``).

* ``kind="stock"``: bilateral agreements that stay in force for a geometric
  number of years (mean ``mean_duration``): the stock of agreements grows
  under a constant rate, which is what fooled a trend test on density;
* ``kind="event"``: exercises of 2 to 6 of the six states and 0 to 8 outside
  states, in their year: bursts of pairs, the case the weighted projection
  and the tie-level permutation are for.

The tests (``tests/test_calibration.py``) hold the rates to the thresholds
written in README ("The thesis test"); ``python -m bench.calibration`` prints
the figures with more datasets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tiegraph.model.coverage import Coverage
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Source, Tie
from tiegraph.model.vocabulary import TURKIC_SIX

OUTSIDERS = ("RUS", "CHN", "USA", "IRN", "PAK", "GEO", "MNG", "IND")
SOURCE = (Source(document="simulated", locator="calibration"),)


@dataclass(frozen=True)
class Calibration:
    """What ``calibrate`` measured: the share of datasets whose headline row rose, fell, was flat or untestable,
    and the mean number of new ties and mean detectable yearly rate ratio."""

    datasets: int
    rise: float
    fall: float
    untestable: float
    mean_ties: float
    mean_detectable: float | None


def simulate(rng: np.random.Generator, *, kind: str = "stock", rate: float = 0.06, factor: float = 1.0,
             first: int = 1992, last: int = 2010, mean_duration: float = 15.0) -> Dataset:
    """One systematic dataset whose new ties per dyad-year average ``rate`` and grow by ``factor`` over the
    window (``factor=1``: constant; 3: the rate triples), exponentially in the year."""
    years = np.arange(first, last + 1)
    u = (years - first) / max(last - first, 1)
    shape = factor ** u
    per_year = rate * shape / shape.mean()  # new ties per dyad-year, averaging ``rate``
    states = TURKIC_SIX
    dyads = [(a, b) for i, a in enumerate(states) for b in states[i + 1:]]
    ties: list[Tie] = []
    for year, lam in zip(years, per_year):
        if kind == "stock":
            for _ in range(rng.poisson(lam * len(dyads))):
                a, b = dyads[rng.integers(len(dyads))]
                length = int(rng.geometric(1 / mean_duration))
                end = PartialDate.parse(str(year + length - 1)) if year + length - 1 < last else None
                ties.append(Tie(f"sim-{len(ties)}", "defense_cooperation_agreement", (a, b),
                                PartialDate.parse(str(year)), "signed", SOURCE, end=end, dataset="sim"))
        else:
            # exercises at ``lam`` per dyad-year, each of 2 to 5 of the six and 0 to 8 others
            for _ in range(rng.poisson(lam * len(dyads))):
                inside = rng.choice(states, size=int(rng.integers(2, 6)), replace=False)
                outside = rng.choice(OUTSIDERS, size=int(rng.integers(0, 9)), replace=False)
                ties.append(Tie(f"sim-{len(ties)}", "joint_exercise", tuple([*inside, *outside]),
                                PartialDate.parse(str(year)), "held", SOURCE, dataset="sim"))
    actors = {a: Actor(a, "state", a) for a in (*states, *OUTSIDERS)}
    kind_types = ("defense_cooperation_agreement",) if kind == "stock" else ("joint_exercise",)
    coverage = {"sim": Coverage("sim", first, last, "systematic", kind_types)}
    return Dataset(actors, ties, coverage=coverage)


def calibrate(datasets: int, *, seed: int = 1, kind: str = "stock", rate: float = 0.06, factor: float = 1.0,
              permutations: int = 500, alpha: float = 0.05, projection: str = "weighted") -> Calibration:
    """Run the headline rate row of ``tiegraph thesis`` (hub TUR) on ``datasets`` simulated datasets."""
    from tiegraph.analysis.rate_evidence import RateContext, rate_rows
    from tiegraph.analysis.rates import RateSpec
    from tiegraph.model.statesystem import state_system

    rng = np.random.default_rng(seed)
    states = state_system()
    statuses: list[str] = []
    ties: list[int] = []
    detectable: list[float] = []
    spec = RateSpec(projection)
    for i in range(datasets):
        data = simulate(rng, kind=kind, rate=rate, factor=factor)
        ctx = RateContext(dataset=data, ties=data.ties, coverage=data.coverage, span=list(range(1992, 2011)),
                          scope=TURKIC_SIX, hub="TUR", states=states, alpha=alpha, permutations=permutations,
                          seed=seed + i)
        row = rate_rows(ctx, [spec], own={"sim": data.ties})[0]  # the dataset codes one layer: one row
        statuses.append(row.status)
        ties.append(row.ties)
        if row.mde is not None:
            detectable.append(row.mde)
    n = len(statuses)
    return Calibration(n, statuses.count("rise") / n, statuses.count("fall") / n, statuses.count("cannot tell") / n,
                       float(np.mean(ties)), float(np.mean(detectable)) if detectable else None)
