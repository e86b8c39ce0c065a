"""Exact betweenness centrality of many small graphs, fast: trees folded away, 64 sources at a time.

Why this exists: ``analysis.centrality_yearly.centrality_by_year`` needs
betweenness for every yearly snapshot, and betweenness is nearly all of its
cost (Brandes' algorithm, one breadth-first search per source: O(nodes x
edges) per snapshot).  Even igraph's C implementation is too slow for 200
yearly snapshots of a 2,000-actor graph within the target (BENCHMARKS.md
section 2 has the figures).  This module does less work instead,
and gives ``nx.betweenness_centrality``'s numbers (exact, up to the order of
float summation):

1. **Trees folded away.**  Repeatedly removing degree-1 vertices leaves the
   2-core; each removed vertex hangs in a tree whose root stays.  A tree
   vertex is a cut vertex, so its betweenness is a count: ordered pairs of
   vertices in different pieces of its component once it is removed,
   ``(N-1)^2 - sum(piece^2)``.  Shortest paths from anywhere in the tree of
   root ``r`` leave through ``r``, so Brandes runs on the 2-core only, each
   core vertex standing for its tree: weighted as a source and as a target
   (``size``), plus the count above for paths that start or end inside its
   own tree.  (Baglioni et al. 2012, "Fast exact computation of betweenness
   centrality in social networks".)  Even when the 2-core keeps most of the
   vertices, the searches are shorter: fewer sources, and fewer vertices and
   edges per search.
2. **64 sources per search.**  The sources of a batch advance together,
   a BFS level at a time: per vertex and level a 64-bit mask says in which
   sources' searches the vertex sits at that level, so one AND per edge
   replaces 64 separate "visited?" tests, and the path counts and
   dependencies (one float per vertex and source) are touched only where a
   mask bit is set.

The measured speed of each step against igraph and NetworkX is in
BENCHMARKS.md section 2 (``python -m bench.yearly`` reproduces it).

The kernels are compiled by numba and release the GIL, so ``betweenness_many``
runs snapshots on threads: no worker processes, no pickling.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: sources per search: the bits of a mask word
LANES = 64


def numba_available() -> bool:
    """Whether numba can be imported (it compiles the kernels; checked, not assumed)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def betweenness(n: int, u: np.ndarray, v: np.ndarray, *, normalized: bool = True) -> np.ndarray:
    """``nx.betweenness_centrality`` of the undirected graph on nodes ``0..n-1`` with edges
    ``(u[i], v[i])``, as an array in node order (self-loops and repeated edges are ignored,
    as in an ``nx.Graph``)."""
    from tiegraph.graph._betweenness_kernel_numba import raw_betweenness

    u, v = _simple_edges(n, np.asarray(u), np.asarray(v))
    raw = raw_betweenness(n, u, v)  # sum over ordered (source, target) pairs, as NetworkX sums
    if not normalized:
        return raw * 0.5  # NetworkX: each unordered pair once
    return raw * (1.0 / ((n - 1) * (n - 2))) if n > 2 else raw


def betweenness_many(graphs: Iterable[tuple[int, np.ndarray, np.ndarray]], *,
                     jobs: int = 1) -> Iterator[np.ndarray]:
    """``betweenness(n, u, v)`` of each graph, in order, over ``jobs`` threads.

    All graphs are handed to the threads when the first result is asked for
    (``graphs`` may be a generator doing other work meanwhile); the caller
    can work on result ``i`` while the threads compute the later ones.
    """
    if jobs <= 1:
        for n, u, v in graphs:
            yield betweenness(n, u, v)
        return
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="betweenness")
    try:
        futures = [pool.submit(betweenness, n, u, v) for n, u, v in graphs]
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _simple_edges(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each undirected edge once, as int32 (low, high), self-loops dropped."""
    u, v = u.astype(np.int64), v.astype(np.int64)
    if len(u) and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        raise ValueError(f"edge endpoints must lie in 0..{n - 1}")
    low, high = np.minimum(u, v), np.maximum(u, v)
    codes = np.unique(low[low != high] * max(n, 1) + high[low != high])
    return (codes // max(n, 1)).astype(np.int32), (codes % max(n, 1)).astype(np.int32)
