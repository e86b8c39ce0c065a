"""GEXF, GraphML and Gephi CSV exports: grouped edges, merged spells from partial dates, the commands.

Gephi's own importer is run on real files in tests/test_gephi.py; here the
files are read back and checked against hand-computed values.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from lxml import etree

from tiegraph.cli import app
from tiegraph.exports.csv_tables import timeset, write_gephi_csv
from tiegraph.exports.edges import merge_spells
from tiegraph.exports.gexf import NS, edge_spell, read_gexf, write_gexf
from tiegraph.exports.graphml import write_graphml
from tiegraph.exports.progress import size_text
from tiegraph.graph.build import build_graph, select_ties
from tiegraph.loaders.datadir import load_dataset

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"

# (edge id, spell with timeformat="date", spell with timeformat="double"), state level, clique
SPELLS = {
    "AZE-TUR:alliance_treaty": (("2015-01-01", None), ("2015.0", None)),                  # standing, no end: open
    "KAZ-TUR:defense_cooperation_agreement": (("2016-05-01", "2018-12-31"), ("2016.0", "2018.0")),  # 2016-05..2018
    "AZE-TUR:joint_exercise": (("2017-09-12", "2017-09-12"), ("2017.0", "2017.0")),       # event, a day
    "TUR>UZB:arms_transfer": (("2018-01-01", "2018-12-31"), ("2018.0", "2018.0")),        # event, "2018" = the year
    "AZE-KAZ:defense_meeting": (("2019-03-01", "2019-03-31"), ("2019.0", "2019.0")),      # event, a month
    "TUR>TKM:training": (("2014-01-01", None), ("2014.0", None)),
}


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


@pytest.fixture(scope="module")
def graph(data):
    return build_graph(data, level="state")


@pytest.mark.parametrize("timeformat, column", [("date", 0), ("double", 1)])
def test_gexf_round_trip_edges_spells_and_attributes(graph, tmp_path, timeformat, column):
    path = tmp_path / "ties.gexf"
    counts = write_gexf(graph, path, timeformat=timeformat)
    back = read_gexf(path)
    assert (back["mode"], back["timeformat"], back["defaultedgetype"]) == ("dynamic", timeformat, None)
    # 11 dated tie edges, none parallel in this fixture: 11 edges of one tie each, holding 9 ties (the
    # exercise t3 is on three pairs, counted once); t10 is undated
    assert counts == {"nodes": 8, "edges": 11, "ties": 9, "undated": 1}
    for key, spells in SPELLS.items():
        assert back["edges"][key]["spells"] == [spells[column]], key
    t4 = back["edges"]["TUR>UZB:arms_transfer"]
    assert (t4["source"], t4["target"], t4["type"], t4["kind"], t4["weight"]) == (
        "TUR", "UZB", "directed", "arms_transfer", 1.0)
    assert t4["label"] == "Fixture radar delivery"
    assert t4["attrs"] == {"ties": 1, "tie_ids": "t4-aselsan-uzb-2018", "tie_type": "arms_transfer",
                           "relationship": "ARMS_TRANSFER", "first": "2018", "last": "2018", "first_year": 2018,
                           "last_year": 2018, "status": "delivered", "tentative": False, "datasets": "seeds",
                           "conflict": False, "censored": False, "open": False, "undated": 0}
    assert back["edges"]["TUR>TKM:training"]["source"] == "TUR"
    assert back["edges"]["KGZ-UZB:intelligence_protocol"]["attrs"]["tentative"] is True
    assert back["edges"]["KAZ-TUR:defense_cooperation_agreement"]["attrs"]["conflict"] is True
    assert back["edges"]["KAZ-TUR:defense_cooperation_agreement"]["attrs"]["first"] == "2016-05"
    assert back["edges"]["KAZ-TUR:defense_cooperation_agreement"]["attrs"]["open"] is False  # ended 2018
    assert back["edges"]["AZE-TUR:alliance_treaty"]["attrs"]["open"] is True  # no end known
    tie_ids = {i for e in back["edges"].values() for i in e["attrs"]["tie_ids"].split(";")}
    assert tie_ids == {d["tie_id"] for *_, d in graph.edges(data=True) if d["date"]}
    # nodes appear with their first dated tie; every node of the graph is written
    first = {"date": {"TUR": "2014-01-01", "KGZ": "2019-01-01", "UZB": "2018-01-01"},
             "double": {"TUR": "2014.0", "KGZ": "2019.0", "UZB": "2018.0"}}[timeformat]
    for node, start in first.items():
        assert back["nodes"][node]["spells"] == [(start, None)]
    assert back["nodes"]["TUR"]["label"] == "Türkiye"
    assert set(back["nodes"]) == {"TUR", "AZE", "KAZ", "KGZ", "UZB", "TKM", "RUS", "ots"} == set(graph.nodes)
    assert all(e["weight"] == e["attrs"]["ties"] == len(e["attrs"]["tie_ids"].split(";"))
               for e in back["edges"].values())


def test_gexf_structure(graph, tmp_path):
    path = tmp_path / "ties.gexf"
    write_gexf(graph, path)
    root = etree.parse(str(path)).getroot()
    ns = {"g": NS}
    assert (root.tag, root.get("version")) == (f"{{{NS}}}gexf", "1.3")
    graph_el = root.find("g:graph", ns)
    assert (graph_el.get("mode"), graph_el.get("timeformat")) == ("dynamic", "date")
    assert "defaultedgetype" not in graph_el.attrib  # with one, Gephi drops the edges of the other direction
    declared = {a.get("id") for a in graph_el.findall("g:attributes[@class='edge']/g:attribute", ns)}
    for edge in graph_el.findall("g:edges/g:edge", ns):
        used = {v.get("for") for v in edge.findall("g:attvalues/g:attvalue", ns)}
        assert used <= declared
        assert edge.get("type") in ("directed", "undirected") and edge.get("kind")
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
    assert back.number_of_edges() == 8  # t1, t2, t3 (three pairs), t5, t6, t8
    exercise = [d for _, _, d in back.edges(data=True) if d["tie_ids"] == "t3-tur-aze-kaz-exercise-2017"]
    assert len(exercise) == 3 and all(d["spells"] == [("2017-09-12", "2017-09-12")] for d in exercise)


def test_undated_ties_can_be_kept(graph, tmp_path):
    path = tmp_path / "all.gexf"
    counts = write_gexf(graph, path, include_undated=True)
    assert (counts["undated"], counts["edges"], counts["ties"]) == (0, 12, 10)  # every tie of the fixture
    undated = read_gexf(path)["edges"]["KGZ-TUR:defense_meeting"]
    assert (undated["spells"], undated["attrs"]["undated"], undated["attrs"]["first"]) == ([], 1, "")
    assert edge_spell({"date": None}) is None


def test_merge_spells_by_hand():
    assert merge_spells([("2015-01-01", "2018-12-31"), ("2017-01-01", "2020-12-31"), ("2022-06-01", "2022-06-30")]) \
        == [("2015-01-01", "2020-12-31"), ("2022-06-01", "2022-06-30")]
    assert merge_spells([("2019-01-01", None), ("2015-01-01", "2016-12-31"), ("2021-01-01", "2021-12-31")]) \
        == [("2015-01-01", "2016-12-31"), ("2019-01-01", None)]
    # touching years merge (Gephi's closed intervals would overlap at 2018.0); the next day does not
    assert merge_spells([("2015.0", "2018.0"), ("2018.0", "2019.0")], "double") == [("2015.0", "2019.0")]
    assert merge_spells([("2015-01-01", "2015-12-31"), ("2016-01-01", "2016-12-31")]) == [
        ("2015-01-01", "2015-12-31"), ("2016-01-01", "2016-12-31")]
    assert merge_spells([("2015.0", "2015.0"), ("2015.0", "2015.0")], "double") == [("2015.0", "2015.0")]
    assert merge_spells([("2010.0", None), ("2012.0", "2030.0")], "double") == [("2010.0", None)]


PARALLEL = """\
- {id: dca-1, type: defense_cooperation_agreement, participants: [TUR, AZE], start: 2015, end: 2018,
   status: signed, title: First, sources: [{document: a.txt, locator: p1}]}
- {id: dca-2, type: defense_cooperation_agreement, participants: [AZE, TUR], start: 2017-03, end: 2020,
   status: signed, title: Second, sources: [{document: b.txt, locator: p1}]}
- {id: dca-3, type: defense_cooperation_agreement, participants: [TUR, AZE], start: 2023-06-15, end: 2026,
   status: signed, title: Third, sources: [{document: c.txt, locator: p1}]}
- {id: arms-1, type: arms_transfer, from: TUR, to: AZE, start: 2020, status: delivered, sources: [{document: d.txt, locator: p1}]}
- {id: arms-2, type: arms_transfer, from: tai, to: AZE, start: 2021, status: delivered, sources: [{document: e.txt, locator: p1}]}
- {id: arms-3, type: arms_transfer, from: AZE, to: TUR, start: 2022, status: delivered, sources: [{document: f.txt, locator: p1}]}
"""
COVERAGE = """\
- {dataset: seeds, first_year: 1990, last_year: 2026, kind: documentary, tie_types: [defense_cooperation_agreement]}
"""


@pytest.fixture
def parallel(make_data):
    root = make_data(PARALLEL)
    (root / "coverage.yaml").write_text(COVERAGE, encoding="utf-8")
    data = load_dataset(root)
    return data, build_graph(data, level="state")


def test_parallel_ties_become_one_edge_per_pair_direction_and_type(parallel, tmp_path):
    data, graph = parallel
    counts = write_gexf(graph, tmp_path / "p.gexf", coverage=data.coverage)
    edges = read_gexf(tmp_path / "p.gexf")["edges"]
    assert counts == {"nodes": 5, "edges": 3, "ties": 6, "undated": 0}  # every actor, tied or not
    dca = edges["AZE-TUR:defense_cooperation_agreement"]
    # 2015..2018 and 2017-03..2020 overlap: one spell; 2023-06-15..2026 stays apart
    assert dca["spells"] == [("2015-01-01", "2020-12-31"), ("2023-06-15", "2026-12-31")]
    assert (dca["weight"], dca["attrs"]["ties"], dca["attrs"]["tie_ids"]) == (3.0, 3, "dca-1;dca-2;dca-3")
    assert (dca["attrs"]["first"], dca["attrs"]["last"], dca["label"]) == (
        "2015", "2026", "defense_cooperation_agreement (3 ties)")
    assert dca["attrs"]["censored"] is True  # dca-3 ends at the coverage's last year, 2026
    # a company's sale folds into TUR at state level: two ties TUR -> AZE, one AZE -> TUR
    assert edges["TUR>AZE:arms_transfer"]["attrs"]["tie_ids"] == "arms-1;arms-2"
    assert edges["TUR>AZE:arms_transfer"]["spells"] == [("2020-01-01", "2020-12-31"), ("2021-01-01", "2021-12-31")]
    assert edges["AZE>TUR:arms_transfer"]["attrs"]["tie_ids"] == "arms-3"
    assert edges["AZE>TUR:arms_transfer"]["attrs"]["censored"] is False
    assert "title" not in dca["attrs"]
    write_gexf(graph, tmp_path / "full.gexf", full=True)
    full = read_gexf(tmp_path / "full.gexf")["edges"]["AZE-TUR:defense_cooperation_agreement"]["attrs"]
    assert (full["title"], full["source"]) == ("First || Second || Third", "a.txt, p1 || b.txt, p1 || c.txt, p1")


def test_graphml_one_edge_per_pair_accounts_for_every_tie(parallel, tmp_path):
    data, graph = parallel
    counts = write_graphml(graph, tmp_path / "p.graphml", coverage=data.coverage)
    assert counts == {"nodes": 5, "edges": 1, "ties": 6}  # tai folds into TUR at state level
    back = nx.read_graphml(tmp_path / "p.graphml")
    (edge,) = [d for *_, d in back.edges(data=True)]
    assert (edge["ties"], edge["weight"], edge["tie_ids"]) == (6, 6, "dca-1;dca-2;dca-3;arms-1;arms-2;arms-3")
    assert edge["types"] == "defense_cooperation_agreement:3;arms_transfer:3"
    assert edge["directions"] == "TUR>AZE:2;AZE>TUR:1"
    assert (edge["first"], edge["last"], edge["first_year"], edge["last_year"]) == ("2015", "2026", 2015, 2026)
    assert edge["censored"] is True
    assert back.nodes["TUR"]["label"] == "Türkiye"  # Gephi's node label key
    per_tie = write_graphml(graph, tmp_path / "t.graphml", per_tie=True)
    assert per_tie == {"nodes": 5, "edges": 6, "ties": 6}
    ids = {d["tie_id"] for *_, d in nx.read_graphml(tmp_path / "t.graphml", force_multigraph=True).edges(data=True)}
    assert ids == {"dca-1", "dca-2", "dca-3", "arms-1", "arms-2", "arms-3"}


def test_csv_round_trip_for_gephi(graph, tmp_path):
    result = write_gephi_csv(graph, tmp_path / "csv", timeformat="double")
    nodes = pd.read_csv(result["nodes"], keep_default_na=False)
    edges = pd.read_csv(result["edges"], keep_default_na=False)
    assert list(nodes.columns) == ["Id", "Label", "kind", "country", "aliases", "timeset"]
    assert list(edges.columns[:8]) == ["Source", "Target", "Type", "Id", "Label", "Weight", "Kind", "timeset"]
    assert {"tie_type", "ties", "tie_ids", "status"} <= set(edges.columns)
    assert "type" not in edges.columns and "source" not in edges.columns  # would clash with Gephi's columns
    assert set(edges["Id"]) == set(SPELLS) | {"AZE-KAZ:joint_exercise", "KAZ-TUR:joint_exercise",
                                              "KAZ-RUS:joint_exercise", "KGZ-UZB:intelligence_protocol",
                                              "TUR>ots:membership"}
    assert (result["undated"], result["ties"]) == (1, 9)
    by_id = edges.set_index("Id")
    t4 = by_id.loc["TUR>UZB:arms_transfer"]
    assert (t4["Source"], t4["Target"], t4["Type"], t4["Weight"], t4["Kind"], t4["timeset"]) == (
        "TUR", "UZB", "Directed", 1, "arms_transfer", "<[2018.0, 2018.0]>")
    assert by_id.loc["AZE-TUR:alliance_treaty", "timeset"] == "<[2015.0, Infinity]>"
    assert by_id.loc["KAZ-TUR:defense_cooperation_agreement", "timeset"] == "<[2016.0, 2018.0]>"
    assert by_id.loc["AZE-TUR:alliance_treaty", "Type"] == "Undirected"
    assert by_id.loc["KAZ-TUR:defense_cooperation_agreement", "dates"] == "2016-05/2018"  # as written
    assert "first" not in edges.columns  # Gephi's wizard would type "2016-05" as a timestamp, then fail on "1990s"
    assert nodes.set_index("Id").loc["TUR", "timeset"] == "<[2014.0, Infinity]>"
    assert all(re.fullmatch(r"<\[[0-9.-]+, ([0-9.-]+|Infinity)\]>", t) for t in edges["timeset"])


def test_csv_with_dates_and_several_spells(parallel, tmp_path):
    _, graph = parallel
    result = write_gephi_csv(graph, tmp_path, timeformat="date")
    edges = pd.read_csv(result["edges"], keep_default_na=False).set_index("Id")
    assert edges.loc["AZE-TUR:defense_cooperation_agreement", "timeset"] == \
        "<[2015-01-01, 2020-12-31];[2023-06-15, 2026-12-31]>"


def test_csv_writes_both_files_or_neither(graph, tmp_path, monkeypatch):
    import tiegraph.exports.csv_tables as csv_tables

    real = pd.DataFrame.to_csv
    calls = []

    def failing(frame, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", path)
        return real(frame, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    with pytest.raises(OSError):
        csv_tables.write_gephi_csv(graph, tmp_path / "out")
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []  # no nodes.csv without edges.csv, no temp file


def test_export_commands(runner, tmp_path):
    gexf_path = tmp_path / "ties.gexf"
    result = runner.invoke(app, ["export", "gexf", str(gexf_path), "-d", str(FIXTURE), "--level", "state",
                                 "--tentative"])
    assert result.exit_code == 0, result.output
    # the window: the fixture's first tie (2014, after 1992) to the last year a tie starts (2019)
    assert result.stdout.strip() == (f"Wrote {gexf_path} ({size_text(gexf_path)}): 8 nodes, 11 edges, 9 ties, "
                                     "timeline 2014-2019 (1 undated tie left out)")
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert len(read_gexf(gexf_path)["edges"]) == 11
    out = tmp_path / "tables"
    result = runner.invoke(app, ["export", "csv", str(out), "-d", str(FIXTURE), "--undated", "--tentative",
                                 "--level", "actor"])
    assert result.exit_code == 0, result.output
    nodes, edges = out / "nodes.csv", out / "edges.csv"
    assert result.stdout.strip() == (f"Wrote {nodes} and {edges} ({size_text(nodes, edges)}): 9 nodes, 12 edges, "
                                     "10 ties, timeline 2014-2019")
    graphml_path = tmp_path / "ties.graphml"
    result = runner.invoke(app, ["export", "graphml", str(graphml_path), "-d", str(FIXTURE), "--tentative",
                                 "--level", "actor"])
    assert result.exit_code == 0, result.output
    # GraphML has no timeline: every tie unless --from/--to ask for a window
    assert result.stdout.strip() == f"Wrote {graphml_path} ({size_text(graphml_path)}): 9 nodes, 9 edges, 10 ties"
    result = runner.invoke(app, ["export", "graphml", str(graphml_path), "-d", str(FIXTURE), "--from", "2019",
                                 "--tentative", "--level", "actor"])
    # in force in 2019: the open standing ties t1 (2015), t7 (2014), t9 (2015), the 2019 ties t5 and t6, and
    # the undated t10 (GraphML keeps undated ties); each on a pair of its own
    assert result.stdout.strip().endswith(": 9 nodes, 6 edges, 6 ties, timeline 2019-2019")
    result = runner.invoke(app, ["export", "gexf", str(gexf_path), "-d", str(FIXTURE), "--timeformat", "decade"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: tiegraph export gexf: Invalid value for '--timeformat': Value error, "
                             "'decade' is not one of 'date', 'double'. (see 'tiegraph export gexf --help')\n")


def test_window_clips_the_timeline_and_keeps_every_actor(runner, tmp_path):
    path = tmp_path / "w.gexf"
    result = runner.invoke(app, ["export", "gexf", str(path), "-d", str(FIXTURE), "--level", "state",
                                 "--from", "2016", "--to", "2018"])
    assert result.exit_code == 0, result.output
    back = read_gexf(path)
    edges = back["edges"]
    # in force in 2016-2018: the 2015 alliance (no end: to the window's end), the 2016-05..2018 agreement,
    # the 2017 exercise, the 2018 sale and exercise, the 2014 training and 2015 membership (open)
    assert edges["AZE-TUR:alliance_treaty"]["spells"] == [("2016-01-01", "2018-12-31")]
    assert edges["KAZ-TUR:defense_cooperation_agreement"]["spells"] == [("2016-05-01", "2018-12-31")]
    assert edges["TUR>UZB:arms_transfer"]["spells"] == [("2018-01-01", "2018-12-31")]
    assert "AZE-KAZ:defense_meeting" not in edges and "KGZ-UZB:intelligence_protocol" not in edges  # 2019
    starts = [s for e in edges.values() for s, _ in e["spells"]] + [
        s for n in back["nodes"].values() for s, _ in n["spells"]]
    ends = [e for x in [*edges.values(), *back["nodes"].values()] for _, e in x["spells"]]
    assert (min(starts), max(ends)) == ("2016-01-01", "2018-12-31") and None not in ends
    # KGZ's ties are in 2019 or undated: still a node, over the whole window
    assert back["nodes"]["KGZ"]["spells"] == [("2016-01-01", "2018-12-31")]
    assert set(back["nodes"]) == set(build_graph(load_dataset(FIXTURE), level="state").nodes)
    result = runner.invoke(app, ["export", "gexf", str(path), "-d", str(FIXTURE), "--from", "2019", "--to", "2015"])
    assert (result.exit_code, result.stderr) == (2, "Error: year range 2019-2015 is empty\n")


def test_csv_and_gexf_agree_on_nodes_edges_and_time(runner, tmp_path):
    for args in ([], ["--timeformat", "double"], ["--from", "2017"]):
        gexf_path, out = tmp_path / "t.gexf", tmp_path / "csv"
        for command, target in (("gexf", gexf_path), ("csv", out)):
            result = runner.invoke(app, ["export", command, str(target), "-d", str(FIXTURE), *args])
            assert result.exit_code == 0, result.output
        back = read_gexf(gexf_path)
        nodes = pd.read_csv(out / "nodes.csv", keep_default_na=False).set_index("Id")
        edges = pd.read_csv(out / "edges.csv", keep_default_na=False).set_index("Id")
        assert set(nodes.index) == set(back["nodes"]) and set(edges.index) == set(back["edges"]), args
        for node, data in back["nodes"].items():
            assert nodes.loc[node, "timeset"] == timeset(data["spells"]), (args, node)
        for edge, data in back["edges"].items():
            assert edges.loc[edge, "timeset"] == timeset(data["spells"]), (args, edge)
            assert edges.loc[edge, "Weight"] == data["weight"] == data["attrs"]["ties"], (args, edge)
    assert back["timeformat"] == "date"  # one default for both
    assert edges.loc["AZE-TUR:joint_exercise", "timeset"] == "<[2017-09-12, 2017-09-12]>"


def test_characters_xml_cannot_carry_never_break_the_files(graph, tmp_path):
    # the loader refuses them; the exporters still never write malformed XML (issue: NUL/ESC in a title)
    bad = graph.copy()
    (a, b, key) = next(iter(bad.edges(keys=True)))
    bad.edges[a, b, key]["title"] = "nul\x00esc\x1bend"
    bad.nodes[a]["name"] = "node\x00name"
    write_gexf(bad, tmp_path / "bad.gexf", full=True)
    write_graphml(bad, tmp_path / "bad.graphml", full=True)
    write_graphml(bad, tmp_path / "tie.graphml", per_tie=True)
    for name in ("bad.gexf", "bad.graphml", "tie.graphml"):
        text = etree.tostring(etree.parse(str(tmp_path / name)), encoding="unicode")  # well-formed
        assert "nul\ufffdesc\ufffdend" in text and "\x00" not in text and "\x1b" not in text, name


def test_progress_bar_with_labelled_units_on_a_terminal(tmp_path):
    """On a terminal (a pseudo-terminal here) stderr shows the bar, counting edges; stdout says what was written."""
    import os
    import pty
    import subprocess
    import sys

    primary, secondary = pty.openpty()
    path = tmp_path / "t.graphml"
    done = subprocess.run([sys.executable, "-m", "tiegraph.cli", "export", "graphml", str(path), "-d", str(FIXTURE),
                           "--per-tie", "--tentative", "--level", "actor"], stderr=secondary, stdout=subprocess.PIPE, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert done.returncode == 0, shown
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))
    assert "writing GraphML" in text and "12/12 edges" in text, text
    assert done.stdout.startswith(f"Wrote {path} (") and "12 edges, 10 ties" in done.stdout
