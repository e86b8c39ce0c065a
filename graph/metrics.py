"""Network measures: yearly density over an explicit actor scope, centrality, a trend test.

Functions take the graph first and return plain dicts (networkx style).  Density
is over the *scope*: every scope actor counts in the denominator even in years
when it has no tie, so adding ties, not actors, is what raises density.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import Literal

import networkx as nx

DensityMode = Literal["cumulative", "flow"]


def edge_active(data: dict, year: int, mode: DensityMode) -> bool:
    """Whether an edge counts in ``year``: formed that year (flow) or by then (cumulative)."""
    start = data.get("year")
    if start is None:
        return False
    return start == year if mode == "flow" else start <= year


def repeats_pair(data: dict, parallel: dict) -> bool:
    """Whether an edge repeats a pair of the tie it continues (``parallel``: all edges of that pair).

    An ATOP spell opened by an accession lists the old members again: those
    pairs were formed with the earlier spell, not in this one's year.
    """
    prior = data.get("continues")
    return bool(prior) and any(d.get("tie_id") == prior for d in parallel.values())


def scope_density(graph: nx.MultiGraph, scope: Iterable[str], *, year: int | None = None,
                  mode: DensityMode = "cumulative") -> float:
    """Share of scope dyads joined by at least one (active) edge."""
    nodes = list(dict.fromkeys(scope))
    if len(nodes) < 2:
        return 0.0
    tied = 0
    for a, b in combinations(nodes, 2):
        if not graph.has_node(a) or not graph.has_node(b):
            continue
        edges = graph.get_edge_data(a, b) or {}
        if any(year is None or (edge_active(d, year, mode) and not (mode == "flow" and repeats_pair(d, edges)))
               for d in edges.values()):
            tied += 1
    return tied / (len(nodes) * (len(nodes) - 1) / 2)


def density_by_year(graph: nx.MultiGraph, scope: Iterable[str], years: Iterable[int], *,
                    mode: DensityMode = "cumulative") -> dict[int, float]:
    """``{year: density}`` of the scope for each year."""
    scope = list(scope)
    return {y: scope_density(graph, scope, year=y, mode=mode) for y in years}


def ties_by_year(graph: nx.MultiGraph, scope: Iterable[str] | None = None) -> dict[int, int]:
    """Number of distinct ties formed each year (among the scope when given)."""
    scope_set = set(scope) if scope is not None else None
    seen: dict[int, set[str]] = {}
    for a, b, data in graph.edges(data=True):
        if scope_set is not None and not (a in scope_set and b in scope_set):
            continue
        if data.get("year") is not None and not repeats_pair(data, graph[a][b]):
            seen.setdefault(data["year"], set()).add(data["tie_id"])
    return {y: len(ids) for y, ids in sorted(seen.items())}


def year_span(graph: nx.MultiGraph) -> tuple[int, int] | None:
    years = [d["year"] for _, _, d in graph.edges(data=True) if d.get("year") is not None]
    return (min(years), max(years)) if years else None


def centrality(graph: nx.MultiGraph, *, nodes: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
    """Degree, weighted degree, betweenness and eigenvector centrality per node.

    Computed on the collapsed simple graph (one edge per dyad) so a dyad with
    25 exercises is not 25 times as central; ``weighted_degree`` keeps the
    tie counts.  Eigenvector centrality is only defined on a connected graph:
    it is computed on the largest connected component and is 0 elsewhere.
    """
    from tiegraph.graph.build import collapse

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
    import numpy as np

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


def mann_kendall(series: dict[int, float]) -> dict[str, float | str | int]:
    """Mann–Kendall trend test with Sen's slope on a yearly series.

    pymannkendall's ``original_test``, as ported in ``graph.mann_kendall`` so
    that ``tiegraph report`` does not import scipy.stats (same numbers).
    """
    from tiegraph.graph.mann_kendall import original_test

    values = [series[y] for y in sorted(series)]
    if len(values) < 3 or len(set(values)) < 2:
        return {"trend": "no trend", "p": 1.0, "tau": 0.0, "z": 0.0, "sen_slope": 0.0, "n": len(values)}
    result = original_test(values)
    return {"trend": result.trend, "p": float(result.p), "tau": float(result.Tau),
            "z": float(result.z), "sen_slope": float(result.slope), "n": len(values)}
