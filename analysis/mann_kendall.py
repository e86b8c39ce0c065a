"""The original Mann–Kendall test with Sen's slope, as pymannkendall computes it, without scipy.stats.

``tiegraph report`` runs one Mann–Kendall test.  pymannkendall imports
``scipy.stats`` at import time, the largest import of the report before it
was removed from that path (BENCHMARKS.md).  Its ``original_test`` needs only
the normal CDF and quantile, which ``scipy.stats.norm`` computes with
``scipy.special.ndtr`` and ``ndtri``, a much lighter import.  This module is ``original_test`` of
pymannkendall 1.4.3 line for line (same numpy operations in the same order,
so the same floats); ``tests/test_mann_kendall.py`` pins it to pymannkendall
on random and tied series.  The thesis test has its own vectorised statistics
with Hamed–Rao and Sen's interval (``analysis.trend``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np


class MannKendall(NamedTuple):
    """Fields and order of pymannkendall's ``Mann_Kendall_Test`` result."""

    trend: str
    h: bool
    p: float
    z: float
    Tau: float
    s: float
    var_s: float
    slope: float
    intercept: float


def _score(x: np.ndarray, n: int) -> float:
    s = 0
    demo = np.ones(n)
    for k in range(n - 1):
        s = s + np.sum(demo[k + 1:n][x[k + 1:n] > x[k]]) - np.sum(demo[k + 1:n][x[k + 1:n] < x[k]])
    return s


def _variance(x: np.ndarray, n: int) -> float:
    unique_x = np.unique(x)
    g = len(unique_x)
    if n == g:
        return (n * (n - 1) * (2 * n + 5)) / 18
    tp = np.zeros(unique_x.shape)
    demo = np.ones(n)
    for i in range(g):
        tp[i] = np.sum(demo[x == unique_x[i]])
    return (n * (n - 1) * (2 * n + 5) - np.sum(tp * (tp - 1) * (2 * tp + 5))) / 18


def _z(s: float, var_s: float) -> float:
    if s > 0:
        return (s - 1) / np.sqrt(var_s)
    if s == 0:
        return 0
    return (s + 1) / np.sqrt(var_s)


def _sen(x: np.ndarray) -> tuple[float, float]:
    n = len(x)
    d = np.ones(int(n * (n - 1) / 2))
    idx = 0
    for i in range(n - 1):
        j = np.arange(i + 1, n)
        d[idx: idx + len(j)] = (x[j] - x[i]) / (j - i)
        idx = idx + len(j)
    slope = np.nanmedian(d)
    intercept = np.nanmedian(x) - np.median(np.arange(n)[~np.isnan(x.flatten())]) * slope
    return slope, intercept


def original_test(values: Sequence[float], alpha: float = 0.05) -> MannKendall:
    """pymannkendall's ``original_test`` on a 1-D series (missing values skipped for S, as there)."""
    from scipy.special import ndtr, ndtri  # what scipy.stats.norm.cdf / .ppf evaluate

    raw = np.asarray(values).astype(float)
    x = raw[~np.isnan(raw)]
    n = len(x)
    s = _score(x, n)
    var_s = _variance(x, n)
    tau = s / (.5 * n * (n - 1))
    z = _z(s, var_s)
    p = 2 * (1 - ndtr(np.float64(abs(z))))
    h = abs(z) > ndtri(np.float64(1 - alpha / 2))
    if z < 0 and h:
        trend = "decreasing"
    elif z > 0 and h:
        trend = "increasing"
    else:
        trend = "no trend"
    slope, intercept = _sen(raw)
    return MannKendall(trend, h, p, z, tau, s, var_s, slope, intercept)
