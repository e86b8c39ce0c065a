"""Ties that continue another (ATOP membership spells) count in force, not as formed again.

Three spells of one alliance among TUR, AZE, KAZ (3 dyads), computed by hand:

    s1  TUR-AZE          1990 .. 1991
    s2  TUR-AZE-KAZ      1992 .. 1994   continues s1: KAZ accedes (AZE-KAZ, KAZ-TUR new; AZE-TUR repeated)
    s3  TUR-KAZ          1995 ..        continues s2: AZE withdraws (nothing new)

Stock: 1990 1/3, 1992 3/3, 1995 1/3.  Flow (formed that year): 1990 1/3,
1992 2/3 (not 3/3), 1995 0 (not 1/3).  Ties formed: 1990 1, 1992 1, 1995 0.
"""

from __future__ import annotations

import pytest

from tiegraph.analysis.coverage_series import coverage_series, dataset_coverage
from tiegraph.analysis.snapshots import snapshots
from tiegraph.analysis.temporal import Activity, density_series, tie_table, ties_formed
from tiegraph.analysis.yearly import records, ties_formed_by_type, yearly_measures
from tiegraph.graph.build import build_graph
from tiegraph.loaders.datadir import load_dataset

SCOPE = ("TUR", "AZE", "KAZ")
YEARS = [1990, 1991, 1992, 1993, 1994, 1995]
SPELLS = """\
- id: a-s1
  type: alliance_treaty
  participants: [TUR, AZE]
  start: 1990
  end: 1991
  status: ended
  title: Spell 1
  attributes: {continued_by: a-s2}
  sources: [{document: fixture, locator: row 1}]
- id: a-s2
  type: alliance_treaty
  participants: [TUR, AZE, KAZ]
  start: 1992
  end: 1994
  status: ended
  title: Spell 2
  attributes: {continues: a-s1, continued_by: a-s3}
  sources: [{document: fixture, locator: row 2}]
- id: a-s3
  type: alliance_treaty
  participants: [TUR, KAZ]
  start: 1995
  status: active
  title: Spell 3
  attributes: {continues: a-s2}
  sources: [{document: fixture, locator: row 3}]
"""


@pytest.fixture
def table(make_data):
    return tie_table(build_graph(load_dataset(make_data(SPELLS)), attributes="analysis"))


def test_table_marks_repeated_pairs_and_pure_continuations(table):
    repeated = {(table.ids[r], u, v) for r, u, v, rep in
                zip(table.link_tie, table.link_u, table.link_v, table.repeated) if rep}
    assert repeated == {("a-s2", "AZE", "TUR"), ("a-s3", "KAZ", "TUR")}
    assert dict(zip(table.ids, table.continuation.tolist())) == {"a-s1": False, "a-s2": False, "a-s3": True}


def test_stock_counts_every_pair_in_force(table):
    stock = density_series(table, years=YEARS, scope=SCOPE, activity=Activity("stock", duration=None))
    assert stock == pytest.approx({1990: 1 / 3, 1991: 1 / 3, 1992: 1.0, 1993: 1.0, 1994: 1.0, 1995: 1 / 3})


def test_flow_counts_only_new_pairs(table):
    flow = density_series(table, years=YEARS, scope=SCOPE, activity=Activity("flow"))
    assert flow == pytest.approx({1990: 1 / 3, 1991: 0.0, 1992: 2 / 3, 1993: 0.0, 1994: 0.0, 1995: 0.0})
    window = density_series(table, years=YEARS, scope=SCOPE, activity=Activity("window", window=2))
    assert window == pytest.approx({1990: 1 / 3, 1991: 1 / 3, 1992: 2 / 3, 1993: 2 / 3, 1994: 0.0, 1995: 0.0})


def test_yearly_measures_and_ties_formed(table):
    rows = {r["year"]: r for r in records(yearly_measures(table, years=YEARS, scope=SCOPE, hub=None))}
    assert [rows[y]["ties_formed"] for y in (1990, 1992, 1995)] == [1, 1, 0]
    assert [rows[y]["density_flow"] for y in (1990, 1992, 1995)] == pytest.approx([1 / 3, 2 / 3, 0.0])
    formed = {r["year"]: r["total"] for r in records(ties_formed_by_type(table, years=YEARS, scope=SCOPE))}
    assert formed == {1990: 1, 1991: 0, 1992: 1, 1993: 0, 1994: 0, 1995: 0}


def test_flow_snapshots_leave_repeated_pairs_out(table):
    snaps = snapshots(table, years=[1992, 1995], scope=SCOPE, activity=Activity("flow"))
    assert sorted(map(sorted, snaps[1992].edges())) == [["AZE", "KAZ"], ["KAZ", "TUR"]]
    assert list(snaps[1995].edges()) == []
    stock = snapshots(table, years=[1995], scope=SCOPE, activity=Activity("stock", duration=None))
    assert sorted(map(sorted, stock[1995].edges())) == [["KAZ", "TUR"]]


def test_cumulative_and_ties_formed_on_a_full_graph(make_data):
    full = tie_table(build_graph(load_dataset(make_data(SPELLS))))  # full attributes give the same table
    assert density_series(full, years=YEARS, scope=SCOPE, activity=Activity("flow")) == pytest.approx(
        {1990: 1 / 3, 1991: 0.0, 1992: 2 / 3, 1993: 0.0, 1994: 0.0, 1995: 0.0})
    # cumulative: every pair formed by then, ends ignored (s2's pairs stay after AZE withdraws)
    assert density_series(full, years=[1991, 1995], scope=SCOPE, activity=Activity("cumulative")) == \
        pytest.approx({1991: 1 / 3, 1995: 1.0})
    assert ties_formed(full, years=YEARS, scope=SCOPE) == {1990: 1, 1991: 0, 1992: 1, 1993: 0, 1994: 0, 1995: 0}


def test_coverage_series_use_the_same_rule(table):
    coverage = dataset_coverage(table, {})
    flow = coverage_series(table, years=YEARS, scope=SCOPE, coverage=coverage, datasets=list(coverage),
                           activity=Activity("flow"))
    assert flow.density == pytest.approx((1 / 3, 0.0, 2 / 3, 0.0, 0.0, 0.0))
    assert flow.ties_formed == (1, 0, 1, 0, 0, 0)


def test_a_filtered_out_predecessor_makes_its_pairs_new(make_data):
    from tiegraph.graph.build import TieFilter, select_ties

    data = load_dataset(make_data(SPELLS))
    later = tie_table(build_graph(data, select_ties(data, TieFilter(start_year=1992)), attributes="analysis"))
    flow = density_series(later, years=[1992], scope=SCOPE, activity=Activity("flow"))
    assert flow == pytest.approx({1992: 1.0})


@pytest.mark.parametrize("backend", ["igraph", "numba"])
def test_fast_centrality_paths_apply_the_same_rule(table, backend):
    from tiegraph.analysis.centrality_yearly import centrality_by_year

    if backend == "numba":
        pytest.importorskip("numba")
    for activity in (Activity("flow"), Activity("stock", duration=None)):
        plain = centrality_by_year(table, years=YEARS, scope=SCOPE, activity=activity, backend="networkx")
        fast = centrality_by_year(table, years=YEARS, scope=SCOPE, activity=activity, backend=backend)
        assert fast.to_dict("records") == plain.to_dict("records")
    flow = centrality_by_year(table, years=[1995], scope="all", activity=Activity("flow"), backend=backend)
    assert flow["degree"].sum() == 0  # the withdrawal spell formed nothing
