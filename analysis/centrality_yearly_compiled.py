"""Per-year centrality without building NetworkX snapshots: numpy dyads, compiled betweenness.

``analysis.centrality_yearly`` computes degree, weighted degree, betweenness and
PageRank on each yearly snapshot.  NetworkX's betweenness is pure Python,
O(n·m) per year, far too slow for 200 years of a 2,000-actor graph
(BENCHMARKS.md section 2).  This module gives the same four numbers from the same
``TieTable`` and ``Activity`` rule:

* the dyads tied each year are aggregated with numpy (no ``nx.Graph``);
* betweenness by one of two engines: ``"numba"`` (``graph.betweenness_kernel``:
  pendant trees folded away, 64 sources per search, snapshots on threads)
  or ``"igraph"`` (C, Brandes, snapshots on worker processes), rescaled to
  NetworkX's normalisation (igraph counts each unordered pair once,
  NetworkX each ordered pair and then multiplies by 1/((n-1)(n-2)));
* degree and weighted degree are counts and sums over the dyads;
* PageRank is NetworkX's own power iteration (``_pagerank_scipy``: same
  matrix, start vector, dangling rule and stopping test), run on a matrix
  built from the arrays, so it stops at the same iteration.

Nodes come in the snapshot's order (the scope as given, or the actors
present sorted), so everything matches ``snapshots`` node for node.
``bench/yearly.py`` and ``tests/test_fast_centrality.py`` check the paths
agree (pytest.approx; betweenness differs only by float summation order).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from tiegraph.analysis.temporal import Activity, Scope, TieTable, resolve_scope, tie_activity
from tiegraph.graph.centrality import centrality_arrays, igraph_betweenness

#: below these sizes betweenness runs in-process (see ``default_jobs``)
PARALLEL_MIN_ACTORS, PARALLEL_MIN_YEARS = 500, 8
#: betweenness engines: compiled kernels of ``graph.betweenness_kernel``, or python-igraph
ENGINES: tuple[str, ...] = ("numba", "igraph")


class YearlyDyads:
    """The tied dyads of each year as index arrays, from a ``TieTable`` (built once, then per year).

    Actors get a global index in sorted-name order, so the actors present in
    a year, taken in index order, are already sorted as ``snapshots`` sorts them.
    """

    def __init__(self, table: TieTable, years: Sequence[int], scope: Scope, activity: Activity,
                 mask: np.ndarray | None = None):
        self.table = table
        self.years = [int(y) for y in years]
        self.fixed = resolve_scope(scope)
        names = set(table.link_u) | set(table.link_v) | set(self.fixed or ())
        for ends in table.endpoints:
            names.update(ends)
        self.names = sorted(names)
        index = {n: i for i, n in enumerate(self.names)}
        self.link_u = np.array([index[u] for u in table.link_u], dtype=np.int64)
        self.link_v = np.array([index[v] for v in table.link_v], dtype=np.int64)
        self.link_count = table.count[table.link_tie] if len(table.link_tie) else np.zeros(0)
        # years x ties, so that one year's gathers below read one contiguous row
        self.active = np.ascontiguousarray(tie_activity(table, self.years, activity, mask=mask).T)
        if self.fixed is not None:
            member = np.zeros(len(self.names), dtype=bool)
            member[[index[n] for n in self.fixed]] = True
            self.keep = member[self.link_u] & member[self.link_v] & table.formed_links(activity)
            self.fixed_index = np.array([index[n] for n in self.fixed], dtype=np.int64)
        else:  # "all": every actor a link joins is an endpoint of its tie
            self.keep = table.formed_links(activity)  # flow/window: a continued tie's repeated pairs do not count
            rows, nodes = [], []
            for row, ends in enumerate(table.endpoints):
                for n in ends:
                    rows.append(row)
                    nodes.append(index[n])
            self.incidence_row = np.array(rows, dtype=np.int64)
            self.incidence_node = np.array(nodes, dtype=np.int64)

    def year(self, column: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(nodes, u, v, weight): the year's nodes and its dyads as local indices u < v
        (in ascending (u, v) order) with summed tie counts."""
        if self.fixed is not None:
            node_index = self.fixed_index
        else:
            present = self.active[column][self.incidence_row]
            node_index = np.unique(self.incidence_node[present])
        nodes = [self.names[i] for i in node_index.tolist()]
        n = len(nodes)
        local = np.full(len(self.names), -1, dtype=np.int64)
        local[node_index] = np.arange(n, dtype=np.int64)
        live = self.active[column][self.table.link_tie] & self.keep
        a, b = local[self.link_u[live]], local[self.link_v[live]]
        low, high = np.minimum(a, b), np.maximum(a, b)
        codes, inverse = np.unique(low * max(n, 1) + high, return_inverse=True)
        weight = np.bincount(inverse.ravel(), weights=self.link_count[live], minlength=len(codes))
        return nodes, codes // max(n, 1), codes % max(n, 1), weight.astype(float)


def default_jobs(n_actors: int, n_years: int) -> int:
    """Threads (numba) or processes (igraph) for betweenness: every usable core when the work
    is large, else 1.

    Betweenness is the only costly step and each year is independent, so
    years are spread over workers: threads for the numba kernels (they
    release the GIL), processes for igraph (it holds the GIL).  Small work
    stays in this thread: starting worker processes costs more than it saves.
    """
    if n_actors < PARALLEL_MIN_ACTORS or n_years < PARALLEL_MIN_YEARS:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _igraph_task(args: tuple[int, np.ndarray, np.ndarray]) -> np.ndarray:
    return igraph_betweenness(*args)


def _igraph_betweenness_all(graphs: list[tuple[int, np.ndarray, np.ndarray]], jobs: int) -> list[np.ndarray]:
    """igraph betweenness of each (n, u, v), in order, over ``jobs`` processes (fork where available)."""
    if jobs <= 1 or len(graphs) < 2:
        return [igraph_betweenness(*g) for g in graphs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform == "linux" else None)
    with ProcessPoolExecutor(max_workers=min(jobs, len(graphs)), mp_context=context) as pool:
        return list(pool.map(_igraph_task, graphs))


def fast_centrality_by_year(table: TieTable, years: Sequence[int], scope: Scope, activity: Activity, *,
                            engine: str = "numba", jobs: int | None = None, mask: np.ndarray | None = None
                            ) -> Iterator[tuple[int, list[str], dict[str, np.ndarray]]]:
    """``(year, nodes, {measure: array over nodes})`` for each year, as ``snapshot_centrality``
    of the snapshot gives them.

    ``engine``: "numba" (``graph.betweenness_kernel``, threads) or "igraph" (processes);
    ``jobs``: workers for betweenness (None: ``default_jobs``; 1: this thread).
    With numba the workers start on the first years while this thread still
    aggregates the later years' dyads, and it computes degree and PageRank
    of each year while they compute betweenness of the next.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {ENGINES}")
    dyads = YearlyDyads(table, years, scope, activity, mask)
    if jobs is None:
        jobs = default_jobs(len(dyads.names) if dyads.fixed is None else len(dyads.fixed), len(dyads.years))
    per_year: list[tuple[list[str], np.ndarray, np.ndarray, np.ndarray]] = []

    def graphs() -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        for column in range(len(dyads.years)):
            per_year.append(dyads.year(column))
            yield len(per_year[-1][0]), per_year[-1][1], per_year[-1][2]

    if engine == "numba":
        from tiegraph.graph.betweenness_kernel import betweenness_many

        between: Iterable[np.ndarray] = betweenness_many(graphs(), jobs=jobs)
    else:
        between = _igraph_betweenness_all(list(graphs()), jobs)
    for column, bc in enumerate(between):  # per_year[column] exists once its betweenness is asked for
        nodes, u, v, weight = per_year[column]
        yield dyads.years[column], nodes, centrality_arrays(len(nodes), u, v, weight, bc)
