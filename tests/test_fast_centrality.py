"""The compiled backends of per-year centrality give the NetworkX backend's table
(analysis.centrality_yearly_compiled), and graph.betweenness_kernel gives nx.betweenness_centrality
on hand-computed and random graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from tiegraph.analysis.centrality_yearly import AUTO_FAST_NODES, centrality_by_year, ranks_of, resolve_backend
from tiegraph.analysis.temporal import Activity, tie_table
from tiegraph.graph.betweenness_kernel import betweenness, betweenness_many, numba_available
from tiegraph.graph.build import build_graph
from tiegraph.graph.centrality import igraph_available
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.errors import UsageError

YEARS = list(range(2005, 2026))
EXACT = ["year", "actor", "name", "rank", "rank_change"]
MEASURES = ["degree", "weighted_degree", "betweenness", "pagerank"]
needs_numba = pytest.mark.skipif(not numba_available(), reason="numba not installed")
FAST = [pytest.param("numba", marks=needs_numba),
        pytest.param("igraph", marks=pytest.mark.skipif(not igraph_available(), reason="igraph not installed"))]


@pytest.fixture(scope="module")
def random_data(tmp_path_factory):
    """A small random dataset: 60 actors, 500 ties 1995-2025, some multilateral."""
    root = tmp_path_factory.mktemp("random")
    generate(root, ties=500, actors=60, first_year=1995, last_year=2025, multilateral_share=0.2, seed=3)
    return load_dataset(root)


@pytest.fixture(scope="module")
def networkx_frames():
    """NetworkX reference tables shared by the backend comparisons (the slow side of each)."""
    return {}


def assert_same(plain, fast):
    assert list(plain.columns) == list(fast.columns)
    assert len(plain) == len(fast) > 0
    assert plain[EXACT].reset_index(drop=True).equals(fast[EXACT].reset_index(drop=True))
    for measure in MEASURES:
        assert fast[measure].tolist() == pytest.approx(plain[measure].tolist()), measure


@pytest.mark.parametrize("backend", FAST)
@pytest.mark.parametrize("projection", ["clique", "star"])
@pytest.mark.parametrize("level", ["actor", "state"])
@pytest.mark.parametrize("scope", ["all", "fixed"])
def test_backends_agree(random_data, networkx_frames, backend, projection, level, scope):
    table = tie_table(build_graph(random_data, projection=projection, level=level, attributes="analysis"))
    chosen = "all" if scope == "all" else ("AAA", "AAB", "AAC", "AAD", "AAE", "AAF", "NOPE")
    for rank_by in ("degree", "betweenness", "pagerank"):
        key = (projection, level, scope, rank_by)  # the reference is computed once for both backends
        if key not in networkx_frames:
            networkx_frames[key] = centrality_by_year(table, years=YEARS, scope=chosen, rank_by=rank_by,
                                                      backend="networkx")
        fast = centrality_by_year(table, years=YEARS, scope=chosen, rank_by=rank_by, backend=backend, jobs=1)
        assert_same(networkx_frames[key], fast)


@pytest.mark.parametrize("backend", FAST)
def test_parallel_and_other_activity_rules(random_data, backend):
    table = tie_table(build_graph(random_data, attributes="analysis"))
    for activity in (Activity("flow"), Activity("window", window=4), Activity(duration=None)):
        plain = centrality_by_year(table, years=YEARS, scope="all", activity=activity, backend="networkx", top=5)
        fast = centrality_by_year(table, years=YEARS, scope="all", activity=activity, backend=backend, jobs=2,
                                  top=5)
        assert_same(plain, fast)


@pytest.mark.parametrize("backend", FAST)
def test_empty_years_and_tiny_snapshots(random_data, backend):
    table = tie_table(build_graph(random_data, attributes="analysis"))
    years = [1990, 1995, 1996]  # before any tie, then the first sparse years
    plain = centrality_by_year(table, years=years, scope="all", backend="networkx")
    fast = centrality_by_year(table, years=years, scope="all", backend=backend, jobs=1)
    assert plain[EXACT].equals(fast[EXACT])
    for measure in MEASURES:
        assert fast[measure].tolist() == pytest.approx(plain[measure].tolist())


def test_no_rows_gives_the_empty_table(random_data):
    table = tie_table(build_graph(random_data, attributes="analysis"))
    frame = centrality_by_year(table, years=[1900], scope="all", backend="networkx")
    assert frame.empty and frame["rank_change"].dtype == "Int64"


@needs_numba
def test_auto_backend_by_size():
    assert resolve_backend("auto", 6) == "networkx"
    assert resolve_backend("auto", AUTO_FAST_NODES + 1) == "numba"
    assert resolve_backend("networkx", 5000) == "networkx"
    with pytest.raises(UsageError, match="backend 'fast'"):
        resolve_backend("fast", 10)


def test_ranks_share_the_best_rank_and_ignore_float_noise():
    values = {"a": {"m": 0.3}, "b": {"m": 0.1 + 0.2}, "c": {"m": 0.5}, "d": {"m": 0.0}}
    assert 0.1 + 0.2 != 0.3  # float noise that must not split a tie
    assert ranks_of(values, "m") == {"c": 1, "a": 2, "b": 2, "d": 4}
    rng = np.random.default_rng(1)
    many = {str(i): {"m": float(v)} for i, v in enumerate(rng.integers(0, 5, size=50))}
    slow = {a: 1 + sum(1 for o in many.values() if o["m"] > v["m"]) for a, v in many.items()}
    assert ranks_of(many, "m") == slow


# -- graph.betweenness_kernel against hand-computed values and NetworkX ------------------------------------

def nx_betweenness(n: int, edges) -> list[float]:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    values = nx.betweenness_centrality(graph)
    return [values[i] for i in range(n)]


def ours(n: int, edges) -> list[float]:
    pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    return betweenness(n, pairs[:, 0], pairs[:, 1]).tolist()


# (n, edges, raw betweenness = ordered pairs through each node, worked out by hand); normalised by
# 1/((n-1)(n-2)) as NetworkX does
HAND = {
    # a tree vertex is a cut vertex: (N-1)^2 - sum of its pieces' squared sizes
    "path": (5, [(0, 1), (1, 2), (2, 3), (3, 4)], [0, 6, 8, 6, 0]),
    "star": (5, [(0, 1), (0, 2), (0, 3), (0, 4)], [12, 0, 0, 0, 0]),
    "tree (no core)": (5, [(0, 1), (0, 2), (1, 3), (1, 4)], [6, 10, 0, 0, 0]),
    # triangle 0-1-2 with the pendant chain 2-3-4: 2 splits {0,1} | {3,4}, 3 splits {4} | the rest
    "pendant chain": (5, [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4)], [0, 0, 8, 6, 0]),
    # triangle 0-1-2 with the tree 0-3, 3-4, 3-5 hanging at 0
    "pendant tree": (6, [(0, 1), (1, 2), (0, 2), (0, 3), (3, 4), (3, 5)], [12, 0, 0, 14, 0, 0]),
    # a path of 3, a 2-node component, isolated 5, and the 4-cycle 6-7-8-9 with pendant 10 at 6:
    # in the cycle each opposite pair splits its two paths, 10's paths to 7, 8, 9 all pass 6
    "components": (11, [(0, 1), (1, 2), (3, 4), (6, 7), (7, 8), (8, 9), (9, 6), (6, 10)],
                   [0, 2, 0, 0, 0, 0, 7, 2, 1, 2, 0]),
    # two triangles joined by the path 2-6-3: all in the 2-core, so Brandes does it all
    "bridge path": (7, [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 6), (6, 3)], [0, 0, 16, 16, 0, 0, 18]),
    "two nodes": (2, [(0, 1)], [0, 0]),
    "isolated only": (3, [], [0, 0, 0]),
    "empty": (0, [], []),
}


@needs_numba
@pytest.mark.parametrize("case", sorted(HAND))
def test_betweenness_by_hand(case):
    n, edges, raw = HAND[case]
    expected = [r / ((n - 1) * (n - 2)) for r in raw] if n > 2 else [float(r) for r in raw]
    assert ours(n, edges) == pytest.approx(expected)
    assert nx_betweenness(n, edges) == pytest.approx(expected)  # the hand count is NetworkX's


@needs_numba
@pytest.mark.parametrize("graph", [nx.grid_2d_graph(12, 9), nx.cycle_graph(300), nx.barbell_graph(40, 30),
                                   nx.balanced_tree(3, 4), nx.random_regular_graph(3, 200, seed=2)],
                         ids=["grid (108 nodes: two batches)", "long cycle (deep searches)", "barbell",
                              "balanced tree", "3-regular"])
def test_betweenness_known_graphs(graph):
    graph = nx.convert_node_labels_to_integers(graph)
    n = graph.number_of_nodes()
    assert ours(n, graph.edges()) == pytest.approx(nx_betweenness(n, graph.edges()))


@needs_numba
def test_betweenness_ignores_loops_and_repeats_and_checks_nodes():
    assert ours(4, [(0, 1), (1, 0), (1, 1), (1, 2), (2, 3), (2, 3)]) == pytest.approx(
        nx_betweenness(4, [(0, 1), (1, 2), (2, 3)]))
    edges = np.array([0, 1]), np.array([1, 2])
    assert betweenness(3, *edges, normalized=False).tolist() == [0.0, 1.0, 0.0]  # as NetworkX: pairs once
    with pytest.raises(ValueError, match="0..2"):
        betweenness(3, np.array([0]), np.array([3]))


def graphs_with_trees(max_nodes: int):
    """Random graphs: a random core plus pendant trees, 2-node components and isolated nodes."""
    @st.composite
    def build(draw):
        n = draw(st.integers(0, max_nodes))
        pairs = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0)))
        edges = draw(st.lists(pairs, max_size=3 * n)) if n else []
        hang = draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=n)) if n else []
        for i, at in enumerate(hang):  # each new node hangs at an earlier one: trees grow
            edges.append((at if i == 0 else draw(st.sampled_from([at, n + i - 1])), n + i))
        return n + len(hang), edges
    return build()


@needs_numba
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(graphs_with_trees(30), graphs_with_trees(150)))  # 150: several batches of 64 sources
def test_betweenness_matches_networkx(graph):
    n, edges = graph
    assert ours(n, edges) == pytest.approx(nx_betweenness(n, edges))


@needs_numba
@settings(max_examples=20, deadline=None)
@given(st.lists(graphs_with_trees(40), min_size=0, max_size=6))
def test_betweenness_many_on_threads_is_in_order(graphs):
    arrays = [(n, np.array([e[0] for e in edges], dtype=np.int64), np.array([e[1] for e in edges], dtype=np.int64))
              for n, edges in graphs]
    alone = [betweenness(*g) for g in arrays]
    for jobs in (1, 2):
        got = list(betweenness_many(iter(arrays), jobs=jobs))
        assert len(got) == len(alone) and all(np.array_equal(a, b) for a, b in zip(got, alone))
