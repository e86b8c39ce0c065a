"""The vectorised permutation null equals the engine's density, draw by draw."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from tiegraph.analysis.nulls import SeriesKernel, draw_starts
from tiegraph.analysis.temporal import Activity, DensityKernel, tie_activity, tie_table
from tiegraph.graph.build import build_graph
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Source, Tie
from tiegraph.model.vocabulary import TURKIC_SIX

YEARS = list(range(2005, 2021))
SCOPE = TURKIC_SIX[:5]  # TKM and RUS stay outside: ties with them must not count for a fixed scope


def random_data(seed: int) -> Dataset:
    """Exercises (events, some multilateral), agreements with and without ends, a few before the years."""
    rng = np.random.default_rng(seed)
    ids = [*TURKIC_SIX, "RUS"]
    actors = {a: Actor(a, "state", a) for a in ids}
    ties = []
    for i in range(40):
        k = int(rng.choice([2, 2, 2, 3, 4]))
        group = tuple(str(a) for a in rng.choice(ids, size=k, replace=False))
        year = int(rng.integers(2000, 2021))
        standing = rng.random() < 0.5
        end = PartialDate(year + int(rng.integers(0, 8))) if standing and rng.random() < 0.6 else None
        ties.append(Tie(id=f"t{i}", type="defense_cooperation_agreement" if standing else "joint_exercise",
                        participants=group, start=PartialDate(year), end=end, status="signed" if standing else "held",
                        sources=(Source("synthetic.txt", str(i)),)))
    return Dataset(actors, ties)


@pytest.mark.parametrize("scope", [SCOPE, "all"])
@pytest.mark.parametrize("activity", [Activity("stock", 5), Activity("stock", None), Activity("flow"),
                                      Activity("window", window=3), Activity("cumulative")],
                         ids=lambda a: f"{a.mode}-{a.duration}")
@pytest.mark.parametrize("projection", ["clique", "star"])
def test_vectorised_null_equals_the_engine_draw_by_draw(scope, activity, projection):
    table = tie_table(build_graph(random_data(5), projection=projection, attributes="analysis"))
    rng = np.random.default_rng(1)
    counts = rng.random(len(table.ids)) < 0.85  # some ties left out of the series (coverage, tentative)
    in_years = (table.start >= YEARS[0]) & (table.start <= YEARS[-1])
    pool = np.flatnonzero(in_years & counts)
    kernel = SeriesKernel(table, years=YEARS, scope=scope, activity=activity, counts=counts, pool=pool)
    engine = DensityKernel(table, scope, activity=activity)
    for null in ("uniform", "shuffle"):
        moved = draw_starts(np.random.default_rng(7), table.start[pool], YEARS, 25, null)
        ours = kernel(moved)
        for b in range(len(moved)):
            start = table.start.copy()
            start[pool] = moved[b]
            expected = engine(tie_activity(table, YEARS, activity, start=start) & counts[:, None])
            assert np.array_equal(ours[b], expected), (null, b)
    observed = engine(tie_activity(table, YEARS, activity) & counts[:, None])
    assert np.array_equal(kernel.observed(table), observed)


def test_draws_are_seeded_and_shuffle_keeps_the_years():
    starts = np.array([2010.0, 2010.0, 2012.0, 2015.0])
    a = draw_starts(np.random.default_rng(3), starts, YEARS, 50, "shuffle")
    b = draw_starts(np.random.default_rng(3), starts, YEARS, 50, "shuffle")
    assert np.array_equal(a, b)
    assert all(sorted(row) == sorted(starts) for row in a)
    uniform = draw_starts(np.random.default_rng(3), starts, YEARS, 200, "uniform")
    assert uniform.min() >= YEARS[0] and uniform.max() <= YEARS[-1] and len(np.unique(uniform)) > 4


def test_shuffle_on_distinct_dyads_cannot_change_a_flow_series():
    dyads = list(combinations(TURKIC_SIX, 2))
    actors = {a: Actor(a, "state", a) for a in TURKIC_SIX}
    ties = [Tie(id=f"x{i}", type="joint_exercise", participants=d, start=PartialDate(y), status="held",
                sources=(Source("s", str(i)),)) for i, (d, y) in enumerate(zip(dyads, [2010, 2010, 2011, 2013, 2013]))]
    table = tie_table(build_graph(Dataset(actors, ties), attributes="analysis"))
    years = list(range(2010, 2015))
    counts = np.ones(len(table.ids), dtype=bool)
    kernel = SeriesKernel(table, years=years, scope=TURKIC_SIX, activity=Activity("flow"), counts=counts,
                          pool=np.arange(5))
    shuffled = kernel(draw_starts(np.random.default_rng(0), table.start, years, 40, "shuffle"))
    assert np.allclose(shuffled * 15, [2, 1, 0, 2, 0])
