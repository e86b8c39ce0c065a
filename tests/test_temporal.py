"""Year-by-year measures on the tiny fixture tests/fixtures/thesis, every value computed by hand.

The fixture's ties among the six (state level, so Aselsan's sale is a TUR-UZB tie):

    t1  alliance_treaty  AZE-TUR      2015, no end       standing
    t2  defence coop.    KAZ-TUR      2016-05 .. 2018    standing (3 years)
    t3  joint_exercise   TUR,AZE,KAZ  2017-09-12, x2     event, multilateral (3 dyads)
    t4  arms_transfer    aselsan->UZB 2018, x3           event (TUR-UZB at state level)
    t5  intel. protocol  KGZ-UZB      2019, proposed     standing, tentative
    t6  defence_meeting  AZE-KAZ      2019-03            event
    t7  training         TUR->TKM     2014, no end       standing
    t8  joint_exercise   KAZ-RUS      2018               outside the six
    t9  membership       TUR->ots     2015               outside the six (organisation)
    t10 defence_meeting  TUR-KGZ      undated            never in a yearly series

15 dyads among the six.  Stock with the default duration (10 years): t1 in
force 2015-2024, t7 2014-2023, t5 2019-2028; t2 2016-2018 (its end is known).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tiegraph.analysis.centrality_yearly import centrality_by_year, top_actors
from tiegraph.analysis.snapshots import snapshots
from tiegraph.analysis.temporal import ALL, Activity, density_series, tie_table
from tiegraph.analysis.yearly import (
    dyad_table,
    freeman_centralization,
    layer_density,
    records,
    ties_formed_by_type,
    yearly_measures,
)
from tiegraph.graph.build import TieFilter, build_graph, select_ties
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.errors import UsageError
from tiegraph.model.vocabulary import TURKIC_SIX as SIX

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"
YEARS = list(range(2014, 2021))


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


@pytest.fixture(scope="module")
def table(data):
    return tie_table(build_graph(data, level="state"))


@pytest.fixture(scope="module")
def measures(table):
    return {r["year"]: r for r in records(yearly_measures(table, years=YEARS, scope=SIX, hub="TUR"))}


def test_stock_density_by_hand(table):
    # 2014: TKM-TUR (t7)                                       1/15
    # 2015: + AZE-TUR (t1)                                     2/15
    # 2016: + KAZ-TUR (t2)                                     3/15
    # 2017: t3 adds AZE-KAZ (AZE-TUR, KAZ-TUR already tied)    4/15
    # 2018: t3 over; TUR-UZB (t4) replaces AZE-KAZ            4/15
    # 2019: t2 ended 2018, t4 over; KGZ-UZB (t5), AZE-KAZ (t6) 4/15
    # 2020: AZE-TUR, TKM-TUR, KGZ-UZB                         3/15
    series = density_series(table, years=YEARS, scope=SIX)
    assert series == pytest.approx({2014: 1 / 15, 2015: 2 / 15, 2016: 3 / 15, 2017: 4 / 15,
                                    2018: 4 / 15, 2019: 4 / 15, 2020: 3 / 15})


def test_flow_density_counts_ties_formed_that_year(table):
    # formed: 2014 t7; 2015 t1; 2016 t2; 2017 t3 (3 dyads); 2018 t4; 2019 t5+t6; 2020 none
    series = density_series(table, years=YEARS, activity=Activity("flow"), scope=SIX)
    assert series == pytest.approx({2014: 1 / 15, 2015: 1 / 15, 2016: 1 / 15, 2017: 3 / 15,
                                    2018: 1 / 15, 2019: 2 / 15, 2020: 0.0})


def test_window_density_counts_ties_formed_in_the_last_k_years(table):
    # k=3.  2019: t3 (2017), t4 (2018), t5, t6 (2019) -> AZE-TUR, KAZ-TUR, AZE-KAZ, TUR-UZB, KGZ-UZB = 5/15
    #       2020: t4, t5, t6 -> TUR-UZB, KGZ-UZB, AZE-KAZ = 3/15
    series = density_series(table, years=[2019, 2020], activity=Activity("window", window=3), scope=SIX)
    assert series == pytest.approx({2019: 5 / 15, 2020: 3 / 15})
    # k=1 is the flow
    assert density_series(table, years=YEARS, activity=Activity("window", window=1), scope=SIX) == \
        pytest.approx(density_series(table, years=YEARS, activity=Activity("flow"), scope=SIX))


def test_duration_of_standing_ties_without_an_end(table):
    # duration 2: t1 2015-16, t7 2014-15; t2 keeps its known end (2016-18)
    #   2016: AZE-TUR, KAZ-TUR = 2/15;  2017: KAZ-TUR + t3's three dyads = 3/15
    short = density_series(table, years=[2016, 2017], activity=Activity(duration=2), scope=SIX)
    assert short == pytest.approx({2016: 2 / 15, 2017: 3 / 15})
    # 2025: duration 10 -> only t5 (2019-2028) = 1/15; forever -> t1, t7, t5 = 3/15
    assert density_series(table, years=[2025], scope=SIX) == pytest.approx({2025: 1 / 15})
    assert density_series(table, years=[2025], activity=Activity(duration=None), scope=SIX) == pytest.approx({2025: 3 / 15})


def test_events_over_the_window_in_stock_mode(table):
    # 2019, window 3: standing t1, t7, t5 + events t3 (2017-19), t4 (2018-20), t6
    #   -> AZE-TUR, TKM-TUR, KGZ-UZB, KAZ-TUR, AZE-KAZ, TUR-UZB = 6/15
    series = density_series(table, years=[2019], activity=Activity(window=3, events_over_window=True), scope=SIX)
    assert series == pytest.approx({2019: 6 / 15})


def test_weighted_density_uses_tie_counts(measures):
    # 2017: AZE-TUR 1 (t1) + 2 (t3); KAZ-TUR 1 + 2; AZE-KAZ 2; TKM-TUR 1 -> 9 / 15
    # 2018: AZE-TUR 1, KAZ-TUR 1, TUR-UZB 3 (t4), TKM-TUR 1 -> 6 / 15
    assert measures[2017]["weighted_density"] == pytest.approx(9 / 15)
    assert measures[2018]["weighted_density"] == pytest.approx(6 / 15)


def test_multiplexity(measures, table):
    # 2017: AZE-TUR {alliance, exercise}, KAZ-TUR {agreement, exercise}, AZE-KAZ {exercise},
    #       TKM-TUR {training} -> mean (2+2+1+1)/4 = 1.5 types; 2 of 4 dyads multiplex
    assert measures[2017]["multiplexity"] == pytest.approx(1.5)
    assert measures[2017]["multiplex_share"] == pytest.approx(0.5)
    assert measures[2018]["multiplexity"] == pytest.approx(1.0)
    dyads = records(dyad_table(table, year=2017, scope=SIX))
    assert [(d["a"], d["b"], d["n_types"], d["weight"]) for d in dyads] == [
        ("AZE", "KAZ", 1, 2.0), ("AZE", "TUR", 2, 3.0), ("KAZ", "TUR", 2, 3.0), ("TKM", "TUR", 1, 1.0)]


def test_freeman_centralisation(measures):
    # 2017 degrees: TUR 3, AZE 2, KAZ 2, TKM 1, KGZ 0, UZB 0
    #   sum(3 - d) = 0+1+1+2+3+3 = 10 over (n-1)(n-2) = 20 -> 0.5
    # 2015 degrees: TUR 2, AZE 1, TKM 1, others 0 -> (0+1+1+2+2+2)/20 = 0.4
    assert measures[2017]["centralization"] == pytest.approx(0.5)
    assert measures[2015]["centralization"] == pytest.approx(0.4)
    import networkx as nx
    assert freeman_centralization(nx.star_graph(5)) == pytest.approx(1.0)
    assert freeman_centralization(nx.complete_graph(6)) == pytest.approx(0.0)


def test_turkiye_share_and_density_among_the_other_five(measures):
    # 2017 tie-links among the six: t1, t7, t2 and t3's three -> 6; with TUR: all but t3's AZE-KAZ -> 5/6
    #   among the five without TUR (10 dyads): AZE-KAZ -> 1/10
    # 2019: t1, t7, t5, t6 -> 2 of 4 with TUR = 0.5; KGZ-UZB, AZE-KAZ -> 2/10
    assert measures[2017]["hub_share"] == pytest.approx(5 / 6)
    assert measures[2017]["density_without_hub"] == pytest.approx(0.1)
    assert measures[2019]["hub_share"] == pytest.approx(0.5)
    assert measures[2019]["density_without_hub"] == pytest.approx(0.2)
    # 2014-2016: every tie runs to Ankara
    assert [measures[y]["hub_share"] for y in (2014, 2015, 2016)] == [1.0, 1.0, 1.0]


def test_components_transitivity_and_activity(measures):
    # 2017: {TUR, AZE, KAZ, TKM}, {KGZ}, {UZB}; one triangle TUR-AZE-KAZ over
    #   connected triples C(3,2)+C(2,2)+C(2,2) = 5 -> transitivity 3*1/5 = 0.6
    row = measures[2017]
    assert (row["components"], row["largest_component"]) == (3, 4)
    assert row["transitivity"] == pytest.approx(0.6)
    assert (row["ties_formed"], row["ties_active"], row["actors_active"]) == (1, 4, 4)
    # 2018: t1, t2, t4, t7 active; actors TUR, AZE, KAZ, UZB, TKM (t8 with Russia is outside)
    assert (measures[2018]["ties_active"], measures[2018]["actors_active"]) == (4, 5)
    # the three density columns agree with density_series
    assert measures[2017]["density_flow"] == pytest.approx(3 / 15)
    assert measures[2019]["density_window"] == pytest.approx(5 / 15)


def test_scope_all_counts_the_actors_present(table):
    # 2018 stock: t1, t2, t4, t7, t8 (KAZ-RUS), t9 (TUR-ots): 7 actors present -> 21 dyads, 6 tied
    assert density_series(table, years=[2018], scope=ALL) == pytest.approx({2018: 6 / 21})
    snap = snapshots(table, years=[2018], scope=ALL)[2018]
    assert sorted(snap.nodes) == ["AZE", "KAZ", "RUS", "TKM", "TUR", "UZB", "ots"]


def test_star_projection_and_tentative_and_actor_level(data):
    # star: t3 makes no dyad -> 2017 stock = AZE-TUR, KAZ-TUR, TKM-TUR = 3/15
    star = tie_table(build_graph(data, level="state", projection="star"))
    assert density_series(star, years=[2017], scope=SIX) == pytest.approx({2017: 3 / 15})
    # without the proposed t5: 2019 = AZE-TUR, TKM-TUR, AZE-KAZ = 3/15
    firm = tie_table(build_graph(data, select_ties(data, TieFilter(include_tentative=False)), level="state"))
    assert density_series(firm, years=[2019], scope=SIX) == pytest.approx({2019: 3 / 15})
    # actor level: Aselsan's sale is not a TUR-UZB tie -> 2018 = AZE-TUR, KAZ-TUR, TKM-TUR = 3/15
    actors = tie_table(build_graph(data, level="actor"))
    assert density_series(actors, years=[2018], scope=SIX) == pytest.approx({2018: 3 / 15})


def test_ties_formed_by_type_and_layers(table):
    formed = {r["year"]: r for r in records(ties_formed_by_type(table, years=YEARS, scope=SIX))}
    assert formed[2019]["total"] == 2
    assert (formed[2019]["intelligence_protocol"], formed[2019]["defense_meeting"]) == (1, 1)
    assert formed[2020]["total"] == 0
    assert "membership" not in formed[2019]  # t9 joins no two of the six
    layers = {r["year"]: r for r in records(layer_density(table, years=YEARS, scope=SIX))}
    # 2017: exercise layer AZE-TUR, KAZ-TUR, AZE-KAZ = 3/15; alliance layer AZE-TUR = 1/15
    assert layers[2017]["joint_exercise"] == pytest.approx(3 / 15)
    assert layers[2017]["alliance_treaty"] == pytest.approx(1 / 15)


def test_centrality_ranks_and_rank_changes(table):
    frame = centrality_by_year(table, years=[2017, 2018], scope=SIX)
    rows = {(r["year"], r["actor"]): r for r in records(frame)}
    # 2017 degree: TUR 3/5, AZE = KAZ 2/5 (shared rank 2), TKM 1/5 (rank 4), KGZ = UZB 0 (rank 5)
    assert [rows[(2017, a)]["rank"] for a in ("TUR", "AZE", "KAZ", "TKM", "KGZ", "UZB")] == [1, 2, 2, 4, 5, 5]
    assert rows[(2017, "TUR")]["degree"] == pytest.approx(0.6)
    # TUR is the only broker: AZE-TKM and KAZ-TKM run through it, 2 of C(5,2)=10 pairs
    assert rows[(2017, "TUR")]["betweenness"] == pytest.approx(0.2)
    assert rows[(2017, "TUR")]["weighted_degree"] == pytest.approx(7.0)  # 3 + 3 + 1
    # 2018: TUR degree 4 (rank 1), the four others 1 (rank 2), KGZ 0 (rank 6)
    changes = {a: rows[(2018, a)]["rank_change"] for a in ("TUR", "AZE", "TKM", "UZB", "KGZ")}
    assert changes == {"TUR": 0, "AZE": 0, "TKM": 2, "UZB": 3, "KGZ": -1}
    assert rows[(2017, "TUR")]["rank_change"] is None
    assert top_actors(frame, n=2) == ["TUR", "AZE"]
    assert len(centrality_by_year(table, years=[2017], top=1, scope=SIX)) == 1


def test_bad_activity_and_scope_are_refused(table):
    with pytest.raises(UsageError, match="unknown mode 'decay'"):
        Activity("decay")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="duration 0 must be at least 1 year"):
        Activity(duration=0)
    with pytest.raises(UsageError, match="at least two actors"):
        density_series(table, years=[2017], scope=("TUR",))
    with pytest.raises(UsageError, match="rank_by 'fame'"):
        centrality_by_year(table, years=[2017], rank_by="fame", scope=SIX)
