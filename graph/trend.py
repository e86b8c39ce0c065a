"""Trend statistics on a yearly series: Mann–Kendall (plain and autocorrelation-corrected),
Sen's slope, permutation p-values and a before/after comparison.

pymannkendall gives the published tests.  The permutation null needs the
Mann–Kendall S and Sen's slope of a thousand shuffled series, so they are
also computed here in vectorised form (``mk_s``, ``sen_slope``); a test pins
them to pymannkendall's values so the observed statistic and the null agree.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def mann_kendall_tests(values: Sequence[float]) -> dict[str, Any]:
    """Mann–Kendall (original), Hamed–Rao and Yue–Wang variants, and Sen's slope.

    Hamed–Rao corrects the variance of S for autocorrelation (only lags that
    are significant count, so on short series it often equals the original);
    Yue–Wang uses the lag-1 autocorrelation of the detrended series.  With
    fewer than three values, or a constant series, there is nothing to test:
    p = 1 and the slope is 0.  A variant that cannot be computed gives None.
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    base: dict[str, Any] = {"n": n, "s": 0.0, "tau": 0.0, "z": 0.0, "p": 1.0, "trend": "no trend",
                            "sen_slope": 0.0, "intercept": float(x.mean()) if n else 0.0,
                            "hamed_rao_p": 1.0, "yue_wang_p": 1.0}
    if n < 3 or np.all(x == x[0]):
        return base
    import pymannkendall as mk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        original = mk.original_test(x)
        base.update(s=float(original.s), tau=float(original.Tau), z=float(original.z),
                    p=float(original.p), trend=str(original.trend),
                    sen_slope=float(original.slope), intercept=float(original.intercept))
        for key, test in (("hamed_rao_p", mk.hamed_rao_modification_test),
                          ("yue_wang_p", mk.yue_wang_modification_test)):
            try:
                base[key] = _finite(test(x).p)
            except (ValueError, ZeroDivisionError, np.linalg.LinAlgError, FloatingPointError):
                base[key] = None
    return base


def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, 1)


def mk_s(series: np.ndarray) -> np.ndarray:
    """Mann–Kendall S of each row (last axis = time): sum of sign(x_j - x_i), i < j."""
    x = np.asarray(series, dtype=float)
    i, j = _pairs(x.shape[-1])
    return np.sign(x[..., j] - x[..., i]).sum(axis=-1)


def sen_slope(series: np.ndarray) -> np.ndarray:
    """Sen's slope of each row: median of (x_j - x_i) / (j - i) over i < j."""
    x = np.asarray(series, dtype=float)
    i, j = _pairs(x.shape[-1])
    if len(i) == 0:
        return np.zeros(x.shape[:-1])
    return np.median((x[..., j] - x[..., i]) / (j - i), axis=-1)


def upper_p(observed: float, null: np.ndarray) -> float:
    """One-sided permutation p: (1 + #null >= observed) / (1 + #null), never 0.

    A tiny tolerance keeps float noise from splitting equal statistics.
    """
    null = np.asarray(null, dtype=float)
    return float((1 + np.sum(null >= observed - 1e-12)) / (1 + len(null)))


def before_after(series: dict[int, float], break_year: int) -> dict[str, Any]:
    """Mean before ``break_year`` vs from it, with a one-sided Mann–Whitney U (after > before).

    Empty (None) when either side has no year.
    """
    before = [v for y, v in sorted(series.items()) if y < break_year]
    after = [v for y, v in sorted(series.items()) if y >= break_year]
    result: dict[str, Any] = {"break_year": break_year, "years_before": len(before),
                              "years_after": len(after), "mean_before": None, "mean_after": None,
                              "difference": None, "mann_whitney_u": None, "mann_whitney_p": None}
    if not before or not after:
        return result
    from scipy.stats import mannwhitneyu

    mean_before, mean_after = float(np.mean(before)), float(np.mean(after))
    result.update(mean_before=mean_before, mean_after=mean_after, difference=mean_after - mean_before)
    if len(set(before) | set(after)) > 1:
        test = mannwhitneyu(after, before, alternative="greater")
        result.update(mann_whitney_u=float(test.statistic), mann_whitney_p=float(test.pvalue))
    else:
        result.update(mann_whitney_u=len(before) * len(after) / 2, mann_whitney_p=1.0)
    return result


def mean_difference(series: np.ndarray, years: Sequence[int], break_year: int) -> np.ndarray:
    """Mean from ``break_year`` minus mean before it, per row (nan when a side is empty)."""
    y = np.asarray(list(years))
    before, after = y < break_year, y >= break_year
    if not before.any() or not after.any():
        return np.full(np.asarray(series).shape[:-1], np.nan)
    x = np.asarray(series, dtype=float)
    return x[..., after].mean(axis=-1) - x[..., before].mean(axis=-1)


def format_p(p: float | None) -> str:
    """p-values as printed in tables and the verdict: 'p<0.0001' or four decimals."""
    if p is None:
        return "n/a"
    if p < 0.0001:
        return "<0.0001"
    return f"{p:.4f}"
