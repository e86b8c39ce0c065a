"""analysis.mann_kendall is pymannkendall's original_test without scipy.stats: pin every field to it."""

from __future__ import annotations

import numpy as np
import pymannkendall as mk
import pytest

from tiegraph.analysis.mann_kendall import original_test


def _series() -> list[np.ndarray]:
    rng = np.random.default_rng(6)
    out = [np.arange(10.0), np.arange(10.0)[::-1], np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]),
           np.array([0.1, 0.1, 0.2, 0.2, 0.2, 0.5, 0.1]), np.array([1.0, 2.0, 3.0]),
           np.array([0.0, 0.0, 0.0, 0.0, 1.0]), np.array([0.3, np.nan, 0.5, 0.7, np.nan, 0.9])]
    for n in (3, 4, 7, 16, 40):
        out.append(rng.random(n))
        out.append(np.round(rng.random(n) * 4) / 4)  # many ties
        out.append(np.cumsum(rng.normal(size=n)))
    return out


@pytest.mark.parametrize("values", _series(), ids=lambda v: f"n{len(v)}")
def test_same_result_as_pymannkendall(values):
    ours, theirs = original_test(values), mk.original_test(values)
    assert ours._fields == theirs._fields
    for field, a, b in zip(ours._fields, ours, theirs):
        if isinstance(b, float) and np.isnan(b):
            assert np.isnan(a), field
        else:
            assert a == b, field  # the same floats, not approximately
            assert type(a) is type(b), field


def test_report_does_not_import_scipy_stats():
    import subprocess
    import sys

    code = ("import sys, tiegraph.cli; from tiegraph.analysis.report import mann_kendall; "
            "mann_kendall({2000 + i: float(i % 3) for i in range(8)}); "
            "print('scipy.stats' in sys.modules, 'pymannkendall' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
