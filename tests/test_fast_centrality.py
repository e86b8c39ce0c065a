"""The igraph backend of per-year centrality gives the NetworkX backend's table (graph.fast_centrality)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.generate import generate
from graph.build import build_graph
from graph.centrality_time import AUTO_IGRAPH_NODES, centrality_by_year, ranks_of, resolve_backend
from graph.temporal import Activity
from loaders.curated import load_dataset
from model.errors import UsageError

pytest.importorskip("igraph")

YEARS = list(range(2005, 2026))
EXACT = ["year", "actor", "name", "rank", "rank_change"]
MEASURES = ["degree", "weighted_degree", "betweenness", "pagerank"]


@pytest.fixture(scope="module")
def random_data(tmp_path_factory):
    """A small random dataset: 60 actors, 500 ties 1995-2025, some multilateral."""
    root = tmp_path_factory.mktemp("random")
    generate(root, ties=500, actors=60, first_year=1995, last_year=2025, multilateral_share=0.2, seed=3)
    return load_dataset(root)


def assert_same(plain, fast):
    assert list(plain.columns) == list(fast.columns)
    assert len(plain) == len(fast) > 0
    assert plain[EXACT].reset_index(drop=True).equals(fast[EXACT].reset_index(drop=True))
    for measure in MEASURES:
        assert fast[measure].tolist() == pytest.approx(plain[measure].tolist()), measure


@pytest.mark.parametrize("projection", ["clique", "star"])
@pytest.mark.parametrize("level", ["actor", "state"])
@pytest.mark.parametrize("scope", ["all", "fixed"])
def test_backends_agree(random_data, projection, level, scope):
    graph = build_graph(random_data, projection=projection, level=level, attributes="analysis")
    chosen = "all" if scope == "all" else ("AAA", "AAB", "AAC", "AAD", "AAE", "AAF", "NOPE")
    for rank_by in ("degree", "betweenness", "pagerank"):
        plain = centrality_by_year(graph, years=YEARS, scope=chosen, rank_by=rank_by, backend="networkx")
        fast = centrality_by_year(graph, years=YEARS, scope=chosen, rank_by=rank_by, backend="igraph", jobs=1)
        assert_same(plain, fast)


def test_parallel_igraph_and_other_activity_rules(random_data):
    graph = build_graph(random_data, attributes="analysis")
    for activity in (Activity("flow"), Activity("window", window=4), Activity(duration=None)):
        plain = centrality_by_year(graph, years=YEARS, scope="all", activity=activity, backend="networkx", top=5)
        fast = centrality_by_year(graph, years=YEARS, scope="all", activity=activity, backend="igraph", jobs=2,
                                  top=5)
        assert_same(plain, fast)


def test_empty_years_and_tiny_snapshots(random_data):
    graph = build_graph(random_data, attributes="analysis")
    years = [1990, 1995, 1996]  # before any tie, then the first sparse years
    plain = centrality_by_year(graph, years=years, scope="all", backend="networkx")
    fast = centrality_by_year(graph, years=years, scope="all", backend="igraph", jobs=1)
    assert plain[EXACT].equals(fast[EXACT])
    for measure in MEASURES:
        assert fast[measure].tolist() == pytest.approx(plain[measure].tolist())


def test_auto_backend_by_size():
    assert resolve_backend("auto", 6) == "networkx"
    assert resolve_backend("auto", AUTO_IGRAPH_NODES + 1) == "igraph"
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
