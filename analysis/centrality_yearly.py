"""Centrality per year, with each actor's rank and how it moved since the year before.

Computed on the yearly snapshots of the temporal engine (``analysis.snapshots``:
one edge per tied dyad), so an actor with 25 exercises with one partner is not 25 times as
central; ``weighted_degree`` keeps the counts.  PageRank rather than
eigenvector centrality: it is defined on disconnected graphs, which early
years always are.

Three backends give the same numbers (``backend=``): ``"networkx"`` runs
NetworkX on each snapshot; ``"numba"`` and ``"igraph"``
(``analysis.centrality_yearly_compiled``) skip the snapshots and compute
betweenness with compiled code -- numba kernels that fold pendant trees away
and search from 64 sources at once (``graph.betweenness_kernel``), or
igraph's C Brandes.  Every measure itself is defined once, in
``graph.centrality``.  For 200 years of a 2,000-actor graph see BENCHMARKS.md
section 2.  ``"auto"`` (default) picks numba, else
igraph, when the scope has more than ``AUTO_FAST_NODES`` actors, so small
scopes such as the six Turkic states keep the plain path (and never wait for
a first compilation).  Ranks are taken on values rounded to 12 decimals, so
that float noise (the backends sum betweenness in different orders) never
splits a tie.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from tiegraph.analysis.snapshots import iter_snapshots
from tiegraph.analysis.temporal import Activity, Scope, TieTable, resolve_scope
from tiegraph.graph.centrality import SNAPSHOT_MEASURES, snapshot_centrality
from tiegraph.model.errors import UsageError

MEASURES: tuple[str, ...] = SNAPSHOT_MEASURES
COLUMNS = ["year", "actor", "name", *MEASURES, "rank", "rank_change"]
BACKENDS: tuple[str, ...] = ("auto", "networkx", "numba", "igraph")
#: "auto" uses a compiled backend above this many actors in the scope (where NetworkX starts to dominate;
#: BENCHMARKS.md section 2)
AUTO_FAST_NODES = 200
#: what each compiled backend needs installed
NEEDS = {"numba": "numba (pip install numba)", "igraph": "python-igraph (pip install igraph)"}
#: ranks compare values rounded to this many decimals (float noise must not split ties)
RANK_DECIMALS = 12


def resolve_backend(backend: str, n_actors: int) -> str:
    """"networkx", "numba" or "igraph" for ``backend`` ("auto": the fastest installed compiled
    backend above ``AUTO_FAST_NODES`` actors, else networkx)."""
    from tiegraph.graph.betweenness_kernel import numba_available
    from tiegraph.graph.centrality import igraph_available

    available = {"numba": numba_available, "igraph": igraph_available}
    if backend not in BACKENDS:
        raise UsageError(f"backend '{backend}' is not one of: {', '.join(BACKENDS)}")
    if backend == "auto":
        if n_actors > AUTO_FAST_NODES:
            return next((name for name in ("numba", "igraph") if available[name]()), "networkx")
        return "networkx"
    if backend in available and not available[backend]():
        raise UsageError(f"backend '{backend}' needs {NEEDS[backend]}")
    return backend


def _yearly_arrays(table: TieTable, *, years: Sequence[int], scope: Scope, activity: Activity | None,
                   backend: str, jobs: int | None, mask: np.ndarray | None = None
                   ) -> Iterator[tuple[int, list[str], dict[str, np.ndarray]]]:
    """``(year, nodes, {measure: array over nodes})`` by the chosen backend."""
    activity = activity or Activity()
    fixed = resolve_scope(scope)
    n_actors = len(fixed) if fixed is not None else len(table.names)
    chosen = resolve_backend(backend, n_actors)
    if chosen != "networkx":
        from tiegraph.analysis.centrality_yearly_compiled import fast_centrality_by_year

        yield from fast_centrality_by_year(table, years, scope, activity, engine=chosen, jobs=jobs, mask=mask)
        return
    for year, snap in iter_snapshots(table, years=years, scope=scope, activity=activity, mask=mask):
        values = snapshot_centrality(snap)
        nodes = list(snap)
        yield year, nodes, {m: np.array([values[v][m] for v in nodes], dtype=float) for m in MEASURES}


def yearly_centrality(table: TieTable, *, years: Sequence[int], scope: Scope,
                      activity: Activity | None = None, backend: str = "auto", jobs: int | None = None
                      ) -> Iterator[tuple[int, dict[str, dict[str, float]]]]:
    """``(year, snapshot_centrality(snapshot))`` for each year, by the chosen backend.

    ``jobs``: compiled backends only, workers for betweenness (None: every core for large work).
    """
    for year, nodes, arrays in _yearly_arrays(table, years=years, scope=scope, activity=activity,
                                              backend=backend, jobs=jobs):
        columns = {m: arrays[m].tolist() for m in MEASURES}
        yield year, {actor: {m: columns[m][i] for m in MEASURES} for i, actor in enumerate(nodes)}


def _rank_array(scores: np.ndarray) -> np.ndarray:
    """1 + the number of strictly higher (rounded) scores, for each score ("min" ranks)."""
    rounded = np.round(np.asarray(scores, dtype=float), RANK_DECIMALS)
    ordered = np.sort(rounded)
    return 1 + (len(ordered) - np.searchsorted(ordered, rounded, side="right"))


def ranks_of(values: dict[str, dict[str, float]], rank_by: str) -> dict[str, int]:
    """1 + the number of actors with a strictly higher (rounded) ``rank_by`` value ("min" ranks)."""
    actors = list(values)
    ranks = _rank_array(np.array([values[a][rank_by] for a in actors], dtype=float))
    return {actor: int(r) for actor, r in zip(actors, ranks.tolist())}


def centrality_by_year(table: TieTable, *, years: Sequence[int], scope: Scope,
                       activity: Activity | None = None, rank_by: str = "degree", top: int | None = None,
                       backend: str = "auto", jobs: int | None = None,
                       mask: np.ndarray | None = None) -> pd.DataFrame:
    """Long table: one row per year and actor, with ``rank`` and ``rank_change``.

    ``rank`` is 1 for the most central actor by ``rank_by`` (ties share the
    best rank, "min" method); ``rank_change`` = last year's rank - this year's,
    so positive means the actor climbed (empty in the first year or when the
    actor was not there).  ``top`` keeps only actors ranked within it.
    ``backend``: "networkx", "numba", "igraph" or "auto" (see the module docstring);
    ``jobs``: workers for a compiled backend's betweenness (None: all cores when large);
    ``mask``: which ties may count each year (coverage; ``analysis.temporal.tie_activity``).
    The table is assembled from arrays, a year at a time (no per-actor Python rows).
    """
    if rank_by not in MEASURES:
        raise UsageError(f"rank_by '{rank_by}' is not one of: {', '.join(MEASURES)}")
    index: dict[str, int] = {}        # actor -> position in previous_rank
    previous_rank = np.zeros(0, dtype=np.int64)  # last year's rank by position, 0 = absent
    parts: list[dict[str, np.ndarray]] = []
    for year, nodes, arrays in _yearly_arrays(table, years=years, scope=scope, activity=activity,
                                              backend=backend, jobs=jobs, mask=mask):
        ranks = _rank_array(arrays[rank_by])
        actors = np.array(nodes, dtype=object)
        by_name = np.empty(len(nodes), dtype=np.int64)
        by_name[sorted(range(len(nodes)), key=nodes.__getitem__)] = np.arange(len(nodes))
        order = np.lexsort((by_name, ranks))  # by rank, then actor id
        if top is not None:
            order = order[ranks[order] <= top]
        position = np.array([index.setdefault(a, len(index)) for a in nodes], dtype=np.int64)
        before = np.concatenate([previous_rank, np.zeros(len(index) - len(previous_rank), dtype=np.int64)])
        parts.append({"year": np.full(len(order), year, dtype=np.int64), "actor": actors[order],
                      "name": np.array([table.names.get(a, a) for a in actors[order]], dtype=object),
                      **{m: arrays[m][order] for m in MEASURES}, "rank": ranks[order].astype(np.int64),
                      "previous": before[position[order]]})
        previous_rank = np.zeros(len(index), dtype=np.int64)
        previous_rank[position] = ranks
    return _frame(parts)


def _frame(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The long table from per-year column arrays (``previous``: last year's rank, 0 = absent)."""
    if not sum(len(p["year"]) for p in parts):
        frame = pd.DataFrame([], columns=COLUMNS)
        frame["rank_change"] = frame["rank_change"].astype("Int64")
        return frame
    columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    previous = columns.pop("previous")
    columns["rank_change"] = pd.array(np.where(previous > 0, previous - columns["rank"], 0), dtype="Int64")
    columns["rank_change"][previous == 0] = pd.NA
    return pd.DataFrame(columns, columns=COLUMNS)


def top_actors(frame: pd.DataFrame, *, measure: str = "degree", n: int = 6) -> list[str]:
    """The ``n`` actors with the highest mean ``measure`` over the years (for plots)."""
    if frame.empty:
        return []
    means = frame.groupby("actor")[measure].mean().sort_values(ascending=False, kind="stable")
    return [str(a) for a in means.index[:n]]
