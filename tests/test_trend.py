"""analysis.trend against independent implementations (pymannkendall, scipy) and hand-computed cases."""

from __future__ import annotations

import warnings

import numpy as np
import pymannkendall as mk
import pytest
from scipy.special import ndtr, ndtri
from scipy.stats import theilslopes

from tiegraph.analysis.trend import (
    before_after,
    format_p,
    mann_kendall,
    mk_s,
    pettitt,
    sen_slope,
    upper_p,
)

NO_TREND = [5, 1, 9, 3, 12, 0, 7, 14, 2, 10, 6, 13, 4, 11, 8]  # a shuffle of 0..14: S = 23, p = 0.28


def _series() -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    out = [np.arange(10.0), np.arange(12.0)[::-1], np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]),
           np.array([0.1, 0.1, 0.2, 0.2, 0.2, 0.5, 0.1, 0.6]), np.array(NO_TREND, dtype=float),
           np.array([0, 2, 1, 3, 5, 4, 6, 8, 7, 9, 11, 10, 12, 14, 13], dtype=float)]
    for n in (5, 8, 15, 31, 47):
        out.append(rng.random(n))
        out.append(np.round(rng.random(n) * 4) / 15)  # few distinct values, like densities of 15 dyads
        out.append(np.cumsum(rng.normal(size=n)))  # autocorrelated
        out.append(np.minimum.accumulate(rng.integers(0, 15, size=n)[::-1])[::-1] / 15)  # a rising stock
    return out


@pytest.mark.parametrize("values", _series(), ids=lambda v: f"n{len(v)}")
def test_mann_kendall_hamed_rao_and_sen_match_the_references(values):
    ours = mann_kendall(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = mk.original_test(values)
        corrected = mk.hamed_rao_modification_test(values)
    assert ours.s == plain.s and ours.var_s == pytest.approx(plain.var_s)
    assert ours.tau == pytest.approx(plain.Tau)
    assert ours.p == pytest.approx(plain.p, abs=1e-12)
    assert ours.sen_slope == pytest.approx(plain.slope) and ours.intercept == pytest.approx(plain.intercept)
    detrended = values - np.arange(1, len(values) + 1) * plain.slope
    if np.ptp(detrended) == 0:  # a straight line: no autocorrelation to correct (pymannkendall: 0/0 = nan)
        assert ours.hamed_rao_p == ours.p
    elif np.isfinite(corrected.p):
        assert ours.hamed_rao_p == pytest.approx(corrected.p, abs=1e-12)
    else:
        assert ours.hamed_rao_p is None  # corrected variance not positive: undefined, as in pymannkendall
    # Sen's interval as scipy computes it (Sen 1968, eq. 2.6), with the variance the p uses: the Hamed–Rao
    # corrected one where it is larger (its factor, from pymannkendall's two z, widens scipy's z).
    # scipy's variance ignores ties of x only when x is 0..n-1, so it is the same Var(S) as Mann–Kendall's.
    factor = (plain.z / corrected.z) ** 2 if np.isfinite(corrected.z) and corrected.z != 0 else 1.0
    confidence = 2 * ndtr(ndtri(0.975) * np.sqrt(max(factor, 1.0))) - 1
    reference = theilslopes(values, alpha=confidence)
    assert (ours.sen_low, ours.sen_high) == (pytest.approx(reference.low_slope), pytest.approx(reference.high_slope))
    assert ours.sen_low <= ours.sen_slope <= ours.sen_high


def test_hand_computed_cases():
    rising = mann_kendall(list(range(15)))
    assert rising.s == 105 and rising.tau == 1.0 and rising.p < 0.0001 and rising.direction(0.05) == "rise"
    assert (rising.sen_slope, rising.sen_low, rising.sen_high) == (1.0, 1.0, 1.0)
    shuffled = mann_kendall(NO_TREND)
    assert shuffled.s == 23 and shuffled.p > 0.2 and shuffled.direction(0.05) == "flat"
    assert shuffled.sen_low < 0 < shuffled.sen_high
    flat = mann_kendall([0.2] * 10)
    assert (flat.p, flat.sen_slope, flat.sen_low, flat.sen_high) == (1.0, 0.0, 0.0, 0.0)


def test_a_significant_p_with_a_zero_sen_slope_is_not_a_rise():
    # one tie appears at the very end of a long zero series: MK is 'significant', the effect is nil
    values = [0.0] * 20 + [1 / 15] * 3
    trend = mann_kendall(values)
    assert trend.p < 0.05 and trend.sen_slope == 0.0 and trend.sen_low == 0.0
    assert trend.direction(0.05) == "flat"


def test_corrected_p_is_never_below_the_plain_p():
    rng = np.random.default_rng(3)
    for _ in range(30):
        trend = mann_kendall(np.cumsum(rng.normal(size=20)))
        assert trend.corrected_p >= trend.p


def test_vectorised_s_and_sen_slope_match_pymannkendall():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 6, size=(20, 12)) / 15
    assert np.array_equal(mk_s(rows), [mk.original_test(r).s for r in rows])
    assert np.allclose(sen_slope(rows), [mk.original_test(r).slope for r in rows])


def test_pettitt_by_hand():
    # 0 0 0 1 1: U_t (later minus earlier signs) = 2, 4, 6, 3 -> K = 6 at t = 3 (change from the 4th value)
    point = pettitt([0, 0, 0, 1, 1], [2001, 2002, 2003, 2004, 2005])
    assert (point.year, point.k, point.shift) == (2004, 6.0, 1)
    assert point.p == pytest.approx(2 * np.exp(-6 * 36 / (125 + 25)))
    falling = pettitt([3, 3, 1, 1, 1, 1], list(range(6)))
    assert (falling.year, falling.shift) == (2, -1)
    assert pettitt([0.5] * 6, list(range(6))).p == 1.0


def test_permutation_p_floor_and_before_after():
    assert upper_p(5.0, np.array([1.0, 5.0, 7.0, 2.0])) == pytest.approx(3 / 5)
    floor = upper_p(9.0, np.zeros(999))
    assert floor == pytest.approx(1 / 1000)
    assert format_p(floor, draws=999) == "≤1/1000" and format_p(0.0123, draws=999) == "0.0123"
    assert format_p(0.00001) == "<0.0001" and format_p(None) == "n/a"
    split = before_after([2018, 2019, 2020, 2021], [0.1, 0.2, 0.5, 0.7], 2020)
    assert (split.mean_before, split.mean_after) == (pytest.approx(0.15), pytest.approx(0.6))
    assert (split.mann_whitney_u, split.mann_whitney_p) == (4.0, pytest.approx(1 / 6))
    assert before_after([2021, 2022], [0.1, 0.2], 2020).mean_before is None
