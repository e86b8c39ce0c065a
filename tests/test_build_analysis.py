"""build_graph(attributes="analysis"): the lean graph report/thesis use is the full graph, restricted."""

from __future__ import annotations

import gc

import pytest

from tiegraph.analysis.temporal import Activity, density_series, tie_table, ties_formed
from tiegraph.graph.build import ANALYSIS_KEYS, build_graph, edge_attributes
from tiegraph.graph.centrality import centrality
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import PartialDate
from tiegraph.model.errors import DataValidationError, UsageError
from tiegraph.model.vocabulary import TURKIC_SIX


@pytest.fixture(scope="module")
def bundled():
    return load_dataset()


@pytest.mark.parametrize("projection", ["clique", "star"])
@pytest.mark.parametrize("level", ["actor", "state"])
def test_analysis_graph_is_the_full_graph_restricted(bundled, projection, level):
    full = build_graph(bundled, projection=projection, level=level)
    lean = build_graph(bundled, projection=projection, level=level, attributes="analysis")
    assert list(full.nodes(data=True)) == list(lean.nodes(data=True))
    assert full.graph == lean.graph
    full_edges = list(full.edges(keys=True, data=True))
    lean_edges = list(lean.edges(keys=True, data=True))
    assert [e[:3] for e in full_edges] == [e[:3] for e in lean_edges]
    for (_, _, _, f), (_, _, _, a) in zip(full_edges, lean_edges):
        assert a == {k: f[k] for k in ANALYSIS_KEYS}
    years = range(1990, 2026)
    a, b = tie_table(full), tie_table(lean)
    for activity in (Activity("cumulative"), Activity("stock"), Activity("flow")):
        assert density_series(a, years=years, scope=TURKIC_SIX, activity=activity) == \
            density_series(b, years=years, scope=TURKIC_SIX, activity=activity)
    assert ties_formed(a, years=years, scope=TURKIC_SIX) == ties_formed(b, years=years, scope=TURKIC_SIX)
    cent_full, cent_lean = centrality(full), centrality(lean)
    assert cent_full.keys() == cent_lean.keys()
    for node, values in cent_full.items():
        assert cent_lean[node] == pytest.approx(values)  # eigenvector: ARPACK's random start vector
    assert (a.ids, a.types, a.datasets, a.link_u, a.link_v, a.names) == \
        (b.ids, b.types, b.datasets, b.link_u, b.link_v, b.names)
    assert a.start.tolist() == pytest.approx(b.start.tolist(), nan_ok=True)
    assert a.end.tolist() == pytest.approx(b.end.tolist(), nan_ok=True)


def test_pairs_of_one_tie_share_one_dict_in_analysis_only(bundled):
    multilateral = next(t for t in bundled.ties if len(t.participants) > 2)
    lean = build_graph(bundled, [multilateral], attributes="analysis")
    full = build_graph(bundled, [multilateral])
    assert len({id(d) for _, _, d in lean.edges(data=True)}) == 1
    assert len({id(d) for _, _, d in full.edges(data=True)}) == full.number_of_edges() > 1
    assert next(iter(full.edges(data=True)))[2] == edge_attributes(multilateral)


def test_unknown_attribute_set(bundled):
    with pytest.raises(UsageError, match="unknown attribute set 'lean'"):
        build_graph(bundled, attributes="lean")  # type: ignore[arg-type]


def test_repeated_tie_merges_like_add_edge(bundled):
    tie = bundled.ties[0]
    lean = build_graph(bundled, [tie, tie], attributes="analysis")
    full = build_graph(bundled, [tie, tie])
    assert lean.number_of_edges() == full.number_of_edges()
    assert [d for *_, d in lean.edges(data=True)] == [{k: d[k] for k in ANALYSIS_KEYS}
                                                     for *_, d in full.edges(data=True)]


def test_loaded_ties_share_repeated_strings_and_dates(bundled):
    by_type = {}
    for tie in bundled.ties:
        assert by_type.setdefault(tie.type, tie.type) is tie.type
    ids = {}
    for tie in bundled.ties:
        for p in tie.participants:
            assert ids.setdefault(p, p) is p
    assert PartialDate.parse("2021-06") is PartialDate.parse(" 2021-06 ")
    assert PartialDate.parse(2021) == PartialDate(2021)


def test_garbage_collector_restored_after_load(make_data):
    assert gc.isenabled()
    load_dataset()
    assert gc.isenabled()
    bad = make_data("- {id: x, type: nope, participants: [TUR, AZE], status: signed, sources: []}\n")
    with pytest.raises(DataValidationError):
        load_dataset(bad)
    assert gc.isenabled()
