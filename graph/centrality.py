"""Centrality of one graph: the single home of every centrality measure tiegraph prints or stores.

Two views, both computed on the collapsed simple graph (one edge per dyad), so
an actor with 25 exercises with one partner is not 25 times as central
(``weighted_degree`` keeps the counts):

* ``centrality`` -- degree, weighted degree, betweenness and eigenvector
  centrality of a whole ``MultiGraph``: what ``tiegraph report`` lists and
  what the Neo4j write-back stores on actor nodes (``store.rows``).
* ``snapshot_centrality`` -- degree, weighted degree, betweenness and
  PageRank of one yearly snapshot (``analysis.centrality_yearly``); PageRank
  rather than eigenvector because it is defined on disconnected graphs,
  which early years always are.  ``centrality_arrays`` gives the same four
  numbers from edge arrays, for the compiled yearly path.

Betweenness on large graphs comes from ``graph.betweenness_kernel`` (numba)
or igraph (``igraph_betweenness``), both rescaled to NetworkX's numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from tiegraph.graph.build import collapse

#: the measures of ``centrality`` (whole graph) and of ``snapshot_centrality`` (one year)
GRAPH_MEASURES: tuple[str, ...] = ("degree", "weighted_degree", "betweenness", "eigenvector")
SNAPSHOT_MEASURES: tuple[str, ...] = ("degree", "weighted_degree", "betweenness", "pagerank")
#: NetworkX's pagerank defaults (alpha, max_iter, tol), so the iteration stops at the same step
PAGERANK_ALPHA, PAGERANK_MAX_ITER, PAGERANK_TOL = 0.85, 100, 1.0e-6


def centrality(graph: nx.MultiGraph, *, nodes: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
    """Degree, weighted degree, betweenness and eigenvector centrality per node.

    ``nodes`` restricts the graph first.  Eigenvector centrality is only
    defined on a connected graph: it is computed on the largest connected
    component (ties broken by sorted node ids) and is 0 elsewhere; a
    two-node component is handled (the dense solver, unlike ARPACK, accepts it).
    """
    simple = collapse(graph)
    keep = set(nodes) if nodes is not None else None
    if keep is not None:
        simple = simple.subgraph(n for n in simple if n in keep).copy()
    degree = nx.degree_centrality(simple) if len(simple) > 1 else {n: 0.0 for n in simple}
    betweenness = nx.betweenness_centrality(simple)
    eigen: dict[str, float] = {n: 0.0 for n in simple}
    if simple.number_of_edges():
        largest = max(nx.connected_components(simple), key=lambda c: (len(c), sorted(c)))
        eigen.update(leading_eigenvector(simple.subgraph(largest)))
    return {
        n: {
            "degree": degree[n],
            "weighted_degree": float(simple.degree(n, weight="weight")),
            "betweenness": betweenness[n],
            "eigenvector": eigen[n],
        }
        for n in simple
    }


def leading_eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality of a connected graph, unit-norm, deterministic.

    networkx's ``eigenvector_centrality_numpy`` fails on two-node graphs and
    starts ARPACK from a random vector (results differ in the last digits
    between runs); a dense symmetric solver is exact and repeatable for the
    graph sizes a report shows, and ARPACK with a fixed start vector covers
    large graphs.
    """
    nodes = sorted(graph)
    if len(nodes) == 1:
        return {nodes[0]: 1.0}
    matrix = nx.to_numpy_array(graph, nodelist=nodes, weight=None)
    if len(nodes) <= 3000:
        values, vectors = np.linalg.eigh(matrix)
        vector = vectors[:, int(np.argmax(values))]
    else:
        from scipy.sparse import csr_matrix
        from scipy.sparse.linalg import eigsh
        _, vectors = eigsh(csr_matrix(matrix), k=1, which="LA", v0=np.ones(len(nodes)))
        vector = vectors[:, 0]
    vector = np.abs(vector) / np.linalg.norm(vector)
    return {node: float(value) for node, value in zip(nodes, vector)}


def snapshot_centrality(snapshot: nx.Graph) -> dict[str, dict[str, float]]:
    """Degree (normalised), weighted degree, betweenness (normalised), weighted PageRank of a simple graph."""
    n = snapshot.number_of_nodes()
    if n == 0:
        return {}
    degree = nx.degree_centrality(snapshot) if n > 1 else {v: 0.0 for v in snapshot}
    betweenness = nx.betweenness_centrality(snapshot)
    pagerank_ = nx.pagerank(snapshot, weight="weight") if snapshot.number_of_edges() else \
        {v: 1.0 / n for v in snapshot}
    return {v: {"degree": float(degree[v]),
                "weighted_degree": float(snapshot.degree(v, weight="weight")),
                "betweenness": float(betweenness[v]),
                "pagerank": float(pagerank_[v])} for v in snapshot}


def pagerank(n: int, u: np.ndarray, v: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """NetworkX's ``_pagerank_scipy`` (defaults, weight="weight") on an undirected edge list.

    Same matrix, start vector, dangling rule and stopping test, so it stops at
    the same iteration as ``nx.pagerank`` on the snapshot.
    """
    import scipy as sp

    if n == 0:
        return np.zeros(0)
    data = np.concatenate([weight, weight])
    rows, cols = np.concatenate([u, v]), np.concatenate([v, u])
    matrix = sp.sparse.coo_array((data, (rows, cols)), shape=(n, n), dtype=float).asformat("csr")
    out_weight = matrix.sum(axis=1)
    out_weight[out_weight != 0] = 1.0 / out_weight[out_weight != 0]
    scale = sp.sparse.dia_array((out_weight.T, 0), shape=matrix.shape).tocsr()
    matrix = scale @ matrix
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(out_weight == 0)[0]
    for _ in range(PAGERANK_MAX_ITER):
        last = x
        x = PAGERANK_ALPHA * (x @ matrix + sum(x[dangling]) * p) + (1 - PAGERANK_ALPHA) * p
        if np.absolute(x - last).sum() < n * PAGERANK_TOL:
            return x
    raise nx.PowerIterationFailedConvergence(PAGERANK_MAX_ITER)


def igraph_available() -> bool:
    """Whether python-igraph can be imported (a declared dependency; checked, not assumed)."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def igraph_betweenness(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Normalised betweenness as ``nx.betweenness_centrality`` gives it, computed by igraph."""
    import igraph

    if n < 3:
        return np.zeros(n)
    graph = igraph.Graph(n=n, edges=list(zip(u.tolist(), v.tolist())), directed=False)
    raw = np.asarray(graph.betweenness(directed=False), dtype=float)
    # igraph: unordered pairs; NetworkX: ordered pairs (2x), then scale 1/((n-1)(n-2))
    return (2.0 * raw) * (1 / ((n - 1) * (n - 2)))


def centrality_arrays(n: int, u: np.ndarray, v: np.ndarray, weight: np.ndarray,
                      between: np.ndarray) -> dict[str, np.ndarray]:
    """The four measures of ``snapshot_centrality`` as arrays over nodes ``0..n-1`` of the dyads
    ``(u, v)`` with summed ``weight`` (``between``: the betweenness, computed apart because it is
    the costly one)."""
    degree = (np.bincount(u, minlength=n) + np.bincount(v, minlength=n)).astype(float)
    strength = np.bincount(u, weights=weight, minlength=n) + np.bincount(v, weights=weight, minlength=n)
    if n > 1:
        degree = degree * (1.0 / (n - 1.0))
    else:
        degree = np.zeros(n)
    rank = pagerank(n, u, v, weight) if len(u) else np.full(n, 1.0 / n) if n else np.zeros(0)
    return {"degree": degree, "weighted_degree": strength.astype(float), "betweenness": between,
            "pagerank": rank}
