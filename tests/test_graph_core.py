"""Graph building, density and centrality on a tiny dataset with hand-computed answers."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from tiegraph.analysis.temporal import Activity, density_series, tie_table, ties_formed
from tiegraph.cli import app
from tiegraph.graph.build import TieFilter, build_graph, select_ties
from tiegraph.graph.centrality import centrality
from tiegraph.loaders.datadir import load_dataset

# Scope TUR, AZE, KAZ, KGZ -> 6 dyads.
TINY_TIES = """\
- {id: t1, type: alliance_treaty, participants: [TUR, AZE], start: 2015, status: signed,
   sources: [{document: s.txt, locator: p1}]}
- {id: t2, type: arms_transfer, from: tai, to: KAZ, start: 2018-05, status: delivered,
   attributes: {system: ANKA, quantity: 3}, sources: [{document: s.txt, locator: p2}]}
- {id: t3, type: joint_exercise, participants: [AZE, KAZ, KGZ], start: 2020-10-01, status: held,
   title: Drill, sources: [{document: s.txt, locator: p3}]}
- {id: t4, type: defense_meeting, participants: [TUR, AZE], start: 2020, status: held,
   sources: [{document: s.txt, locator: p4}]}
- {id: t5, type: membership, from: KGZ, to: ots, start: 2019, status: active,
   attributes: {role: member}, sources: [{document: s.txt, locator: p5}]}
- {id: t6, type: strategic_partnership, participants: [TUR, KGZ], status: proposed,
   sources: [{document: s.txt, locator: p6}]}
"""
SCOPE = ("TUR", "AZE", "KAZ", "KGZ")


@pytest.fixture
def tiny(make_data):
    return load_dataset(make_data(TINY_TIES))


def test_clique_projection_one_edge_per_pair(tiny):
    graph = build_graph(tiny)
    assert graph.number_of_edges() == 1 + 1 + 3 + 1 + 1 + 1
    assert sorted(k for _, _, k in graph.edges(keys=True) if k.startswith("t3")) == [
        "t3:AZE:KAZ", "t3:AZE:KGZ", "t3:KAZ:KGZ"]
    assert graph.has_edge("tai", "KAZ") and not graph.has_edge("TUR", "KAZ")


def test_state_level_folds_companies(tiny):
    graph = build_graph(tiny, level="state")
    assert "tai" not in graph
    data = graph.get_edge_data("TUR", "KAZ")["t2"]
    assert (data["from"], data["to"], data["attr_system"]) == ("tai", "KAZ", "ANKA")


def test_star_projection_adds_event_nodes(tiny):
    graph = build_graph(tiny, projection="star")
    assert graph.nodes["event:t3"]["kind"] == "event"
    assert sorted(graph.neighbors("event:t3")) == ["AZE", "KAZ", "KGZ"]
    assert not graph.has_edge("AZE", "KAZ")


def test_density_cumulative_and_flow_by_hand(tiny):
    table = tie_table(build_graph(tiny, level="state"))
    years = range(2015, 2021)
    # cumulative: 2015 TUR-AZE (1/6); 2018 +TUR-KAZ (2/6); 2020 +AZE-KAZ, AZE-KGZ, KAZ-KGZ (5/6);
    # TUR-KGZ is undated and never counts in a yearly series.
    assert density_series(table, years=years, scope=SCOPE, activity=Activity("cumulative")) == pytest.approx(
        {2015: 1 / 6, 2016: 1 / 6, 2017: 1 / 6, 2018: 2 / 6, 2019: 2 / 6, 2020: 5 / 6})
    # flow: 2020 has t3's three dyads plus TUR-AZE (t4) = 4/6.
    assert density_series(table, years=years, scope=SCOPE, activity=Activity("flow")) == pytest.approx(
        {2015: 1 / 6, 2016: 0, 2017: 0, 2018: 1 / 6, 2019: 0, 2020: 4 / 6})
    assert ties_formed(table, years=years, scope=SCOPE) == {2015: 1, 2016: 0, 2017: 0, 2018: 1, 2019: 0, 2020: 2}


def test_scope_actor_without_ties_still_counts(tiny):
    table = tie_table(build_graph(tiny, level="state"))
    # TUR-AZE tied; the scope (TUR, AZE, KGZ) has 3 dyads; by 2015 only one is tied.
    assert density_series(table, years=[2015], scope=("TUR", "AZE", "KGZ"),
                          activity=Activity("cumulative")) == pytest.approx({2015: 1 / 3})


def test_centrality_by_hand(tiny):
    cent = centrality(build_graph(tiny, level="state"))
    # Simple graph: K4 on TUR, AZE, KAZ, KGZ plus KGZ-ots.  n = 5, so degree / 4.
    assert {n: v["degree"] for n, v in cent.items()} == pytest.approx(
        {"TUR": 0.75, "AZE": 0.75, "KAZ": 0.75, "KGZ": 1.0, "ots": 0.25})
    # KGZ is on the shortest paths ots-TUR, ots-AZE, ots-KAZ: 3 / ((n-1)(n-2)/2) = 3/6.
    assert cent["KGZ"]["betweenness"] == pytest.approx(0.5)
    assert cent["TUR"]["betweenness"] == 0
    # TUR-AZE carries two ties (t1, t4).
    assert cent["TUR"]["weighted_degree"] == 4 and cent["AZE"]["weighted_degree"] == 4
    assert max(cent, key=lambda n: cent[n]["eigenvector"]) == "KGZ"


def test_filters(tiny):
    assert [t.id for t in select_ties(tiny, TieFilter(include_tentative=False))] == ["t1", "t2", "t3", "t4", "t5"]
    assert [t.id for t in select_ties(tiny, TieFilter(start_year=2019))] == ["t3", "t4", "t5"]
    assert [t.id for t in select_ties(tiny, TieFilter(types=frozenset({"joint_exercise"})))] == ["t3"]


def test_report_json_numbers(make_data, runner):
    root = make_data(TINY_TIES)
    result = runner.invoke(app, ["report", "--data", str(root), "--scope", "TUR,AZE,KAZ,KGZ", "--tentative",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["density_cumulative"] for r in report["density"]] == pytest.approx(
        [1 / 6, 1 / 6, 1 / 6, 2 / 6, 2 / 6, 5 / 6])
    # stock: the 2015 treaty stays in force (10 years, no end known); the 2018 sale and
    # the 2020 drill and meeting count in their year only.
    assert [r["density_stock"] for r in report["density"]] == pytest.approx(
        [1 / 6, 1 / 6, 1 / 6, 2 / 6, 1 / 6, 4 / 6])
    assert report["summary"] == {"actors": 6, "ties": 6, "undated_ties": 1, "tentative_ties": 1,
                                 "conflicted_ties": 0, "sources_cited": 1}
    assert report["top_actors"][0]["actor"] == "KGZ"


def test_report_other_formats(make_data, runner, tmp_path):
    root = make_data(TINY_TIES)
    md = runner.invoke(app, ["report", "-d", str(root), "--format", "markdown"]).stdout
    assert "## density\n" in md and "| year | ties_formed | density_cumulative | density_flow | density_stock |" in md
    done = runner.invoke(app, ["report", "-d", str(root), "--format", "csv", "--out", str(tmp_path / "csv")])
    assert done.exit_code == 0, done.output  # one CSV file per table
    csv_text = (tmp_path / "csv" / "density.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("year,ties_formed,density_cumulative,density_flow,density_stock\n2015,1,")
    table = runner.invoke(app, ["report", "-d", str(root)])
    assert table.exit_code == 0 and "density" in table.stdout


def test_report_rejects_bad_options(make_data, runner):
    root = make_data(TINY_TIES)
    cases = [
        (["--format", "xml"], 2, "Error: tiegraph report: Invalid value for '--format' / '-f': Value error, 'xml' "
                                 "is not one of 'table', 'json', 'csv', 'markdown'. (see 'tiegraph report --help')\n"),
        (["--type", "drone"], 1, "Error: unknown tie type 'drone' (see 'tiegraph types')\n"),
        (["--scope", "TUR,XYZ"], 1, "Error: --scope: unknown actor id 'XYZ'\n"),
        (["--from", "2020", "--to", "2010"], 2, "Error: year range 2020-2010 is empty\n"),
    ]
    for args, code, expected in cases:
        result = runner.invoke(app, ["report", "-d", str(root), *args])
        assert (result.exit_code, result.stderr) == (code, expected)


def test_graphml_round_trip(make_data, runner, tmp_path):
    root = make_data(TINY_TIES)
    out = tmp_path / "g.graphml"
    result = runner.invoke(app, ["export", "graphml", str(out), "-d", str(root), "--per-tie", "--tentative",
                                 "--level", "actor"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {out} (") and result.stdout.endswith(": 6 nodes, 8 edges, 6 ties\n")
    graph = nx.read_graphml(out, force_multigraph=True)
    edges = {d["tie_id"]: (sorted((a, b)), d) for a, b, d in graph.edges(data=True)}
    assert edges["t2"][0] == ["KAZ", "tai"]
    assert (edges["t2"][1]["type"], edges["t2"][1]["year"], edges["t2"][1]["date"]) == ("arms_transfer", 2018, "2018-05")
    assert edges["t6"][1]["year"] == -1 and edges["t6"][1]["date"] == ""
    assert edges["t1"][1]["source"] == "s.txt, p1"
    assert graph.nodes["tai"] == {"name": "Turkish Aerospace Industries", "kind": "company",
                                  "country": "TUR", "aliases": ""}
    for _, _, data in graph.edges(data=True):
        assert all(v is not None for v in data.values())


COVERAGE_2016_2020 = """\
- dataset: seeds
  first_year: 2016
  last_year: 2020
  kind: documentary
  tie_types: [alliance_treaty, arms_transfer, joint_exercise, defense_meeting, membership, strategic_partnership]
  note: fixture coverage
"""


def test_report_shows_years_outside_coverage_as_missing(make_data, runner, tmp_path):
    root = make_data(TINY_TIES)
    (root / "coverage.yaml").write_text(COVERAGE_2016_2020, encoding="utf-8")
    args = ["report", "-d", str(root), "--scope", "TUR,AZE,KAZ,KGZ"]
    report = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    # 2015 (t1's year) is outside the declared coverage: missing, not zero; 2016 on as before
    assert report["density"][0] == {"year": 2015, "ties_formed": None, "density_cumulative": None,
                                     "density_flow": None, "density_stock": None}
    assert [r["density_stock"] for r in report["density"][1:]] == pytest.approx([1 / 6, 1 / 6, 2 / 6, 1 / 6, 4 / 6])
    assert report["coverage"] == [{"dataset": "seeds", "kind": "documentary", "years": "2016-2020", "types": 6,
                                   "note": "fixture coverage"}]
    assert {"column": "all density columns", "years": "2015",
            "note": "no dataset covers these years: missing, not zero"} in report["notes"]
    assert report["verdict"]["verdict"] == "Cannot tell from these data"  # documentary data only
    md = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    assert "| 2015 | – | – | – | – |" in md
    runner.invoke(app, [*args, "--format", "csv", "--out", str(tmp_path / "csv")])
    assert "\n2015,,,,\n" in (tmp_path / "csv" / "density.csv").read_text(encoding="utf-8")


def test_report_notes_a_constant_column_and_the_assumption_behind_it(runner):
    report = json.loads(runner.invoke(app, ["report", "--format", "json"]).stdout)
    notes = {n["column"]: n for n in report["notes"]}
    cumulative = notes["density_cumulative"]
    years = [r["year"] for r in report["density"] if r["density_cumulative"] == 1.0]
    assert cumulative["years"] == f"{years[0]}-{years[-1]}"
    assert "turkic-intelligence-chiefs-meetings (participants assumed" in cumulative["note"]


def test_report_by_year_structure_and_centrality_respect_coverage(make_data, runner):
    root = make_data(TINY_TIES)
    (root / "coverage.yaml").write_text(COVERAGE_2016_2020, encoding="utf-8")
    result = runner.invoke(app, ["report", "-d", str(root), "--scope", "TUR,AZE,KAZ,KGZ", "--by-year",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    structure = {r["year"]: r for r in report["structure"]}
    assert set(structure[2015].values()) == {2015, None}  # not covered: missing, not zero
    # 2020: TUR-AZE (alliance + meeting), AZE-KAZ, AZE-KGZ, KAZ-KGZ (the drill)
    row = structure[2020]
    assert (row["ties_active"], row["components"], row["largest_component"]) == (3, 1, 4)
    assert row["multiplexity"] == pytest.approx(5 / 4)
    assert row["transitivity"] == pytest.approx(3 / 5)  # one triangle, five connected triples
    assert row["hub_share"] == pytest.approx(2 / 5)  # t1 and t4 of the five tie-links touch TUR
    assert row["density_without_hub"] == pytest.approx(1.0)
    ranks = [(r["year"], r["actor"], r["rank"]) for r in report["centrality_by_year"]]
    assert {y for y, _, _ in ranks} == {2016, 2017, 2018, 2019, 2020}
    assert [(a, k) for y, a, k in ranks if y == 2020] == [("AZE", 1), ("KAZ", 2), ("KGZ", 2), ("TUR", 4)]
