"""Permutation null models of a density series, every draw at once.

Each null keeps who is tied to whom and each tie's kind and length, and moves
only the start years of the *pool*: the scope's ties formed within the
series years (earlier ties stay as background stock):

* ``uniform`` -- each pool tie's year drawn uniformly over the series years:
  are ties more back-loaded than random timing?  (The default: it also
  controls for a stock rising merely because standing ties accumulate.)
* ``shuffle`` -- the pool's years permuted among its ties: each year keeps
  its number of new ties, so this asks whether density rose *more than that
  volume implies* (new dyads rather than repeats).

``SeriesKernel`` computes the density series of B start-year assignments with
array arithmetic instead of B calls of the engine: a tie-link active from year
a to year b adds +1 at a and -1 at b+1 of its dyad's row (one ``bincount`` for
all draws), a cumulative sum gives the active links per dyad and year, and a
dyad is tied when that count (plus the background ties') is positive.  The
result is the engine's density (``analysis.temporal.DensityKernel`` on
``tie_activity(..., start=moved)``) to the last bit; ``tests/test_nulls.py``
checks it draw by draw.  Seeded with ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tiegraph.analysis.temporal import Activity, Scope, TieTable, resolve_scope, tie_activity
from tiegraph.model.errors import UsageError

NULLS: tuple[str, ...] = ("uniform", "shuffle")
NULL_NAMES = {"uniform": "uniform timing", "shuffle": "shuffled years, yearly volume kept"}
#: cells of one (draws x items x years) block: bounds the memory of scope "all" on large data
_BLOCK = 4_000_000


def draw_starts(rng: np.random.Generator, starts: np.ndarray, years: Sequence[int], permutations: int,
                null: str) -> np.ndarray:
    """(permutations x pool) start years under ``null``, all drawn at once."""
    if null not in NULLS:
        raise UsageError(f"null model '{null}' is not one of: {', '.join(NULLS)}")
    starts = np.asarray(starts, dtype=float)
    if null == "shuffle":
        return rng.permuted(np.tile(starts, (permutations, 1)), axis=1)
    return rng.integers(int(years[0]), int(years[-1]) + 1, size=(permutations, len(starts))).astype(float)


@dataclass(frozen=True)
class LinkIndex:
    """The tie-links a density series can count, by dyad (and, for scope "all", the tie-actor incidences).

    Depends only on the table, the scope and whether the mode counts formation,
    so one serves every series of a run (``link_index`` caches nothing itself;
    ``analysis.evidence`` keeps one per projection).
    """

    fixed: tuple[str, ...] | None
    link_rows: np.ndarray   # tie row of each countable link
    link_dyads: np.ndarray  # dyad index of each countable link
    n_dyads: int
    inc_rows: np.ndarray    # tie row of each (tie, actor) incidence ("all" only)
    inc_nodes: np.ndarray   # actor index of each incidence ("all" only)
    n_nodes: int


def link_index(table: TieTable, scope: Scope, activity: Activity) -> LinkIndex:
    """Vectorised: scope membership and dyad ids of every link, with pandas' hash indexes."""
    import pandas as pd

    fixed = resolve_scope(scope)
    u, v = pd.Index(table.link_u, dtype=object), pd.Index(table.link_v, dtype=object)
    keep = table.formed_links(activity).copy()
    if fixed is not None:
        members = pd.Index(fixed, dtype=object)
        keep &= (members.get_indexer(u) >= 0) & (members.get_indexer(v) >= 0)
    rows = np.asarray(table.link_tie, dtype=int)[keep]
    pairs = pd.MultiIndex.from_arrays([u[keep], v[keep]])
    dyads, _ = pd.factorize(pairs)
    n_dyads = int(dyads.max()) + 1 if len(dyads) else 0
    if fixed is not None:
        empty = np.zeros(0, dtype=int)
        return LinkIndex(fixed, rows, dyads.astype(int), n_dyads, empty, empty, len(fixed))
    lengths = np.fromiter((len(e) for e in table.endpoints), dtype=int, count=len(table.endpoints))
    inc_rows = np.repeat(np.arange(len(table.endpoints)), lengths)
    flat = [n for e in table.endpoints for n in sorted(e)]
    nodes, _ = pd.factorize(pd.Index(flat, dtype=object))
    return LinkIndex(None, rows, dyads.astype(int), n_dyads, inc_rows, nodes.astype(int),
                     int(nodes.max()) + 1 if len(nodes) else 0)


class SeriesKernel:
    """Density per year of ``scope`` when the ``pool`` ties start in other years; built once per series.

    ``counts``: bool per tie, whether the tie may count in this series at all
    (its dataset covers the years and its type, it is in the layer, it passes
    the tentative rule); the series years must be covered throughout.
    ``index``: the table's ``link_index`` for this scope and activity (built here when not given).
    """

    def __init__(self, table: TieTable, *, years: Sequence[int], scope: Scope, activity: Activity,
                 counts: np.ndarray, pool: np.ndarray, index: LinkIndex | None = None,
                 pairs: np.ndarray | None = None):
        """``pairs``: the possible dyads per year of a fixed scope when not every scope actor exists every
        year (``analysis.rates.exposure``: a dyad counts only in years both its states exist)."""
        self.years = [int(y) for y in years]
        self.pairs = None if pairs is None else np.asarray(pairs, dtype=float)
        self.first = self.years[0]
        self.n_years = len(self.years)
        self.activity = activity
        index = index or link_index(table, scope, activity)
        live = np.asarray(counts, dtype=bool).copy()
        if activity.counts_formation:
            live &= ~table.continuation  # formed nothing: every pair was already there
        self.pool = np.asarray(pool, dtype=int)
        in_pool = np.zeros(len(table.ids), dtype=bool)
        in_pool[self.pool] = True
        self.pool_live = live[self.pool]
        self.standing = table.standing[self.pool]
        self.known_length = (table.end - table.start + 1)[self.pool]
        self.fixed = index.fixed
        self.n_dyads, self.n_nodes = index.n_dyads, index.n_nodes
        position = np.full(len(table.ids), -1)
        position[self.pool] = np.arange(len(self.pool))
        still = live & ~in_pool
        used = np.unique(np.concatenate([index.link_rows, index.inc_rows]))
        background = np.zeros((len(table.ids), self.n_years), dtype=bool)
        if len(used):
            sub = used[still[used]]
            background[sub] = tie_activity(table, self.years, activity)[sub]
        rows, dyad_of = index.link_rows, index.link_dyads
        self.bg_dyads = self._background(background, rows, dyad_of, self.n_dyads)
        moving = in_pool[rows]
        self.link_pool, self.link_dyad = position[rows[moving]], dyad_of[moving]
        if self.fixed is None:  # "all": the actors present that year make the denominator
            r, n_of = index.inc_rows, index.inc_nodes
            self.bg_nodes = self._background(background, r, n_of, self.n_nodes)
            moving = in_pool[r]
            self.node_pool, self.node_item = position[r[moving]], n_of[moving]

    def _background(self, active: np.ndarray, rows: np.ndarray, items: np.ndarray, n_items: int) -> np.ndarray:
        """(items x years) active links (or incidences) of the ties that do not move."""
        out = np.zeros((n_items, self.n_years), dtype=np.int64)
        if len(rows):
            np.add.at(out, items, active[rows].astype(np.int64))
        return out

    def _counts(self, lo: np.ndarray, hi: np.ndarray, ok: np.ndarray, pool_of: np.ndarray, item_of: np.ndarray,
                n_items: int, background: np.ndarray) -> np.ndarray:
        """(draws x items x years) > 0: an item (dyad or node) has an active link that year."""
        draws = lo.shape[0]
        width = self.n_years + 1
        out = np.empty((draws, n_items, self.n_years), dtype=bool)
        step = max(1, _BLOCK // max(1, n_items * width))
        for b0 in range(0, draws, step):
            b1 = min(draws, b0 + step)
            a, z, keep = lo[b0:b1][:, pool_of], hi[b0:b1][:, pool_of], ok[b0:b1][:, pool_of]
            base = (np.arange(b1 - b0)[:, None] * n_items + item_of[None, :]) * width
            size = (b1 - b0) * n_items * width
            diff = (np.bincount((base + a)[keep], minlength=size)
                    - np.bincount((base + z)[keep], minlength=size)).reshape(b1 - b0, n_items, width)
            out[b0:b1] = (np.cumsum(diff, axis=2)[:, :, : self.n_years] + background[None]) > 0
        return out

    def __call__(self, moved: np.ndarray) -> np.ndarray:
        """(draws x years) density, for ``moved``: (draws x pool) start years of the pool ties."""
        moved = np.atleast_2d(np.asarray(moved, dtype=float))
        draws = moved.shape[0]
        last = self.activity.last_years(moved.ravel(), np.tile(self.standing, draws),
                                        np.tile(self.known_length, draws)).reshape(moved.shape)
        lo = np.clip(moved - self.first, 0, self.n_years)
        hi = np.clip(last - self.first + 1, 0, self.n_years)
        ok = (lo < hi) & self.pool_live[None, :]
        lo, hi = lo.astype(np.int64), hi.astype(np.int64)
        tied = self._counts(lo, hi, ok, self.link_pool, self.link_dyad, self.n_dyads, self.bg_dyads).sum(axis=1)
        if self.fixed is not None and self.pairs is not None:
            return np.divide(tied, self.pairs[None, :], out=np.zeros(tied.shape), where=self.pairs[None, :] > 0)
        if self.fixed is not None:
            k = np.full(tied.shape, float(self.n_nodes))
        else:
            k = self._counts(lo, hi, ok, self.node_pool, self.node_item, self.n_nodes, self.bg_nodes).sum(axis=1)
        pairs = k * (k - 1) / 2
        return np.divide(tied, pairs, out=np.zeros(tied.shape), where=pairs > 0)

    def observed(self, table: TieTable) -> np.ndarray:
        """The series with every tie in its own year."""
        return self(table.start[self.pool][None, :])[0]
