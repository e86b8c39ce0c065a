"""Dynamic GEXF 1.3 and Gephi CSV exports: round trips, spells from partial dates, the commands."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

from tiegraph.cli import app
from tiegraph.exports.csv_tables import write_gephi_csv
from tiegraph.exports.gexf import NS, edge_spell, read_gexf, write_gexf
from tiegraph.graph.build import build_graph, select_ties
from tiegraph.loaders.datadir import load_dataset

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"

# (edge id, spell with timeformat="date", spell with timeformat="double"), state level, clique
SPELLS = {
    "t1-aze-tur-alliance-2015": (("2015-01-01", None), ("2015.0", None)),            # standing, no end: open
    "t2-kaz-tur-dca-2016": (("2016-05-01", "2018-12-31"), ("2016.0", "2018.0")),     # 2016-05 .. 2018
    "t3-tur-aze-kaz-exercise-2017:TUR:AZE": (("2017-09-12", "2017-09-12"), ("2017.0", "2017.0")),  # event, a day
    "t4-aselsan-uzb-2018": (("2018-01-01", "2018-12-31"), ("2018.0", "2018.0")),     # event, "2018" = the year
    "t6-aze-kaz-meeting-2019": (("2019-03-01", "2019-03-31"), ("2019.0", "2019.0")), # event, a month
    "t7-tur-tkm-training-2014": (("2014-01-01", None), ("2014.0", None)),
}


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


@pytest.fixture(scope="module")
def graph(data):
    return build_graph(data, level="state")


def dated_keys(graph):
    return {k for _, _, k, d in graph.edges(keys=True, data=True) if d["year"] is not None}


@pytest.mark.parametrize("timeformat, column", [("date", 0), ("double", 1)])
def test_gexf_round_trip_edges_spells_and_attributes(graph, tmp_path, timeformat, column):
    path = tmp_path / "ties.gexf"
    counts = write_gexf(graph, path, timeformat=timeformat)
    back = read_gexf(path)
    assert (back["mode"], back["timeformat"]) == ("dynamic", timeformat)
    assert counts == {"nodes": 8, "edges": 11, "undated": 1}
    assert set(back["edges"]) == dated_keys(graph)  # the undated t10 is left out
    for key, spells in SPELLS.items():
        assert back["edges"][key]["spells"] == [spells[column]], key
    t4 = back["edges"]["t4-aselsan-uzb-2018"]
    assert (t4["source"], t4["target"], t4["type"], t4["weight"]) == ("TUR", "UZB", "directed", 3.0)
    assert (t4["attrs"]["year"], t4["attrs"]["tentative"], t4["attrs"]["type"]) == (2018, False, "arms_transfer")
    assert back["edges"]["t7-tur-tkm-training-2014"]["source"] == "TUR"
    assert back["edges"]["t5-kgz-uzb-intel-2019"]["attrs"]["tentative"] is True
    # every attribute value of every edge survives (as the GraphML-cleaned value)
    for _a, _b, key, data in graph.edges(keys=True, data=True):
        if key in back["edges"]:
            assert back["edges"][key]["attrs"]["tie_id"] == data["tie_id"]
            assert back["edges"][key]["attrs"]["count"] == data["count"]
    # nodes appear with their first dated tie; RUS and ots are there, isolates are not
    first = {"date": {"TUR": "2014-01-01", "KGZ": "2019-01-01", "UZB": "2018-01-01"},
             "double": {"TUR": "2014.0", "KGZ": "2019.0", "UZB": "2018.0"}}[timeformat]
    for node, start in first.items():
        assert back["nodes"][node]["spells"] == [(start, None)]
    assert back["nodes"]["TUR"]["label"] == "Türkiye"
    assert set(back["nodes"]) == {"TUR", "AZE", "KAZ", "KGZ", "UZB", "TKM", "RUS", "ots"}


def test_gexf_structure(graph, tmp_path):
    path = tmp_path / "ties.gexf"
    write_gexf(graph, path)
    root = etree.parse(str(path)).getroot()
    ns = {"g": NS}
    assert (root.tag, root.get("version")) == (f"{{{NS}}}gexf", "1.3")
    graph_el = root.find("g:graph", ns)
    assert (graph_el.get("mode"), graph_el.get("timeformat")) == ("dynamic", "date")
    declared = {a.get("id") for a in graph_el.findall("g:attributes[@class='edge']/g:attribute", ns)}
    for edge in graph_el.findall("g:edges/g:edge", ns):
        used = {v.get("for") for v in edge.findall("g:attvalues/g:attvalue", ns)}
        assert used <= declared
        (spell,) = edge.findall("g:spells/g:spell", ns)
        assert spell.get("end") is None or spell.get("start") <= spell.get("end")
    assert graph_el.find("g:edges", ns).get("count") == "11"


def test_networkx_reads_the_gexf_back(data, tmp_path):
    # networkx's reader refuses mixed directed/undirected graphs: check it on the undirected ties
    ties = [t for t in select_ties(data) if not t.directed]
    graph = build_graph(data, ties, level="state")
    path = tmp_path / "undirected.gexf"
    write_gexf(graph, path)
    back = nx.read_gexf(path)
    assert back.graph["mode"] == "dynamic"
    assert back.number_of_edges() == len(dated_keys(graph))
    assert set(back.nodes) == {n for a, b, k in graph.edges(keys=True) if k in dated_keys(graph) for n in (a, b)}
    exercise = [d for _, _, d in back.edges(data=True) if d["tie_id"] == "t3-tur-aze-kaz-exercise-2017"]
    assert len(exercise) == 3 and all(d["spells"] == [("2017-09-12", "2017-09-12")] for d in exercise)


def test_undated_ties_can_be_kept(graph, tmp_path):
    path = tmp_path / "all.gexf"
    counts = write_gexf(graph, path, include_undated=True)
    assert counts["undated"] == 0 and counts["edges"] == 12
    assert read_gexf(path)["edges"]["t10-tur-kgz-meeting-undated"]["spells"] == []
    assert edge_spell({"date": None}) is None


def test_csv_round_trip_for_gephi(graph, tmp_path):
    result = write_gephi_csv(graph, tmp_path / "csv")
    nodes = pd.read_csv(result["nodes"], keep_default_na=False)
    edges = pd.read_csv(result["edges"], keep_default_na=False)
    assert list(nodes.columns) == ["Id", "Label", "kind", "country", "aliases", "timeset"]
    assert list(edges.columns[:7]) == ["Source", "Target", "Type", "Id", "Label", "Weight", "timeset"]
    assert {"tie_type", "citation", "tie_id", "status"} <= set(edges.columns)
    assert "type" not in edges.columns and "source" not in edges.columns  # would clash with Gephi's columns
    assert set(edges["Id"]) == dated_keys(graph) and result["undated"] == 1
    by_id = edges.set_index("Id")
    t4 = by_id.loc["t4-aselsan-uzb-2018"]
    assert (t4["Source"], t4["Target"], t4["Type"], t4["Weight"], t4["timeset"]) == (
        "TUR", "UZB", "Directed", 3, "<[2018.0, 2018.0]>")
    assert by_id.loc["t1-aze-tur-alliance-2015", "timeset"] == "<[2015.0, Infinity]>"
    assert by_id.loc["t2-kaz-tur-dca-2016", "timeset"] == "<[2016.0, 2018.0]>"
    assert by_id.loc["t1-aze-tur-alliance-2015", "Type"] == "Undirected"
    assert nodes.set_index("Id").loc["TUR", "timeset"] == "<[2014.0, Infinity]>"
    # every timeset is one Gephi interval <[start, end]>
    assert all(re.fullmatch(r"<\[[0-9.-]+, ([0-9.-]+|Infinity)\]>", t) for t in edges["timeset"])


def test_csv_with_dates(graph, tmp_path):
    result = write_gephi_csv(graph, tmp_path, timeformat="date")
    edges = pd.read_csv(result["edges"], keep_default_na=False).set_index("Id")
    assert edges.loc["t6-aze-kaz-meeting-2019", "timeset"] == "<[2019-03-01, 2019-03-31]>"
    assert edges.loc["t7-tur-tkm-training-2014", "timeset"] == "<[2014-01-01, Infinity]>"


def test_export_commands(runner, tmp_path):
    gexf_path = tmp_path / "ties.gexf"
    result = runner.invoke(app, ["export", "gexf", str(gexf_path), "-d", str(FIXTURE), "--level", "state"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote {gexf_path}: 8 nodes, 11 edges from 10 ties (1 undated edge left out)"
    assert len(read_gexf(gexf_path)["edges"]) == 11
    out = tmp_path / "tables"
    result = runner.invoke(app, ["export", "csv", str(out), "-d", str(FIXTURE), "--undated"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (f"Wrote {out / 'nodes.csv'} (9 nodes) and {out / 'edges.csv'} (12 edges) "
                                     "from 10 ties")
    result = runner.invoke(app, ["export", "gexf", str(gexf_path), "-d", str(FIXTURE), "--timeformat", "decade"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --timeformat 'decade' is not one of: date, double"
