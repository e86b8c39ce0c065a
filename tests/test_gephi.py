"""Gephi's own importer takes the GEXF, GraphML and CSV exports whole, every actor and every tie.

One JVM run of tests/gephi/GephiImport.java (gephi-toolkit 0.10.1 from Maven
Central, headless) imports seven exports written by the real commands with
their defaults -- the bundled data as GEXF (dates and years), GraphML and the
CSV tables (nodes.csv + edges.csv), and the bundled data + the full DCAD and
MME imports as GEXF, GraphML and CSV -- and reports what Gephi kept.  For each:
no SEVERE issue and no exception; every actor is a node (the bundled data's
HUN, ISR, UKR, nato … too, whose ties are all undated); every edge written is
in Gephi's graph and its weight is its ``ties``; the ``ties`` Gephi holds add
up to every tie edge in the window and ``tie_ids`` name every tie; the time
bounds are the analysis window (first year all six Turkic states exist -- COW
state system -- to the last year a tie starts), computed here from the data.

The jar (about 80 MB) is resolved by Maven into ~/.m2 the first time (about
40 s on a fresh machine), then reused.  DCAD + MME are imported in full (5,440
ties, 44,000 tie edges once MME's multilateral exercises are projected to
pairs): that is the size the issue reported Gephi failing on, and it costs a
few seconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, SHARED

from tiegraph.cli import app
from tiegraph.commands.common import DEFAULT_SCOPE, load
from tiegraph.exports.edges import orient
from tiegraph.exports.gexf import read_gexf
from tiegraph.graph.build import build_graph
from tiegraph.model.statesystem import state_system
from tiegraph.store.jvm import default_home, locked

GEPHI = Path(__file__).parent / "gephi"
VERSION = "0.10.1"
EXTERNAL = SHARED / "external"


def gephi_jar() -> Path:
    """The toolkit jar in the local Maven repository, resolved with tests/gephi/pom.xml if missing."""
    repo = Path(os.environ.get("TIEGRAPH_M2_REPO", Path.home() / ".m2" / "repository"))
    jar = repo / "org" / "gephi" / "gephi-toolkit" / VERSION / f"gephi-toolkit-{VERSION}-all.jar"
    if not jar.is_file():
        mvn = shutil.which("mvn")
        assert mvn, "Maven (mvn) is needed to fetch gephi-toolkit"
        # The Neo4j jars' lock: a Neo4j test on the other xdist worker may be running Maven on the
        # same local repository, which two Maven runs must not write at once.
        home = default_home()
        home.mkdir(parents=True, exist_ok=True)
        with locked(home / ".lock"):
            done = subprocess.run([mvn, "-q", "-B", "-f", str(GEPHI / "pom.xml"), f"-Dmaven.repo.local={repo}",
                                   "dependency:resolve"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert jar.is_file(), jar
    return jar


def run_gephi(files: list[Path]) -> dict[str, dict]:
    """Gephi's report of each file: counts, bounds, issues (see GephiImport.java)."""
    java = shutil.which("java")
    assert java, "Java 17 is needed to run Gephi's importer"
    done = subprocess.run(
        [java, "-Djava.awt.headless=true", "-Duser.timezone=UTC", "-Xmx2g", "-cp", str(gephi_jar()),
         str(GEPHI / "GephiImport.java"), *map(str, files)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    reports: dict[str, dict] = {}
    current: dict = {}
    for line in done.stdout.splitlines():
        tag, _, rest = line.partition("\t")
        if tag == "FILE":
            current = reports.setdefault(rest, {"issues": [], "exceptions": []})
        elif tag == "ISSUE":
            current["issues"].append(tuple(rest.split("\t", 1)))
        elif tag == "EXCEPTION":
            current["exceptions"].append(rest)
        elif tag in ("NODES", "EDGES", "DIRECTED", "TYPES", "TIES", "TIE_IDS", "WEIGHT_MISMATCH"):
            current[tag.lower()] = int(rest)
        elif tag == "TIMEFORMAT":
            current["timeformat"] = rest
        elif tag == "BOUNDS":
            current["bounds"] = tuple(float(v) for v in rest.split("\t"))
    assert set(reports) == set(map(str, files)), done.stdout[-3000:]
    return reports


def _ms(day: tuple[int, int, int]) -> float:
    return calendar.timegm(dt.date(*day).timetuple()) * 1000.0


def analysis_window(data) -> tuple[int, int]:
    """First year every default-scope state exists (COW) to the last year a tie starts."""
    return (state_system().first_common_year(DEFAULT_SCOPE), max(t.year for t in data.ties if t.year is not None))


def in_window(tie, window: tuple[int, int]) -> bool:
    """A dated tie in force at some time of the window (an open standing tie: from its start on)."""
    last = tie.end.year if tie.end else (tie.year if tie.tie_type.temporal == "event" else None)
    return tie.year is not None and tie.year <= window[1] and (last is None or last >= window[0])


def expected_bounds(window: tuple[int, int], timeformat: str) -> tuple[float, float]:
    """The window in Gephi's units (ms for dates, years)."""
    if timeformat == "double":
        return float(window[0]), float(window[1])
    return _ms((window[0], 1, 1)), _ms((window[1], 12, 31))


def dated(graph) -> list[dict]:
    return [d for *_, d in graph.edges(data=True) if d.get("date")]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(path, kind, expected graph, timeformat, actors, window) of every file Gephi imports."""
    from typer.testing import CliRunner

    tmp = tmp_path_factory.mktemp("gephi")
    runner = CliRunner()
    for source, path in (("dcad", EXTERNAL / "dcad-v1.0" / "DCAD-v1.0-main.csv"),
                         ("mme", EXTERNAL / "mme-v7" / "mme_v7.csv")):
        result = runner.invoke(app, ["import", source, str(path), "--into", str(tmp / source)])
        assert result.exit_code == 0, result.output
    files = []
    for name, dirs in (("bundled", [REPO / "data"]), ("all", [REPO / "data", tmp / "dcad", tmp / "mme"])):
        data = load(dirs)
        window = analysis_window(data)
        graph = build_graph(data, [t for t in data.ties if t.year is None or in_window(t, window)])
        every_tie = build_graph(data)  # GraphML has no timeline: every tie
        # every actor and every tie, tentative ones too (the exports' defaults: state level, no tentative ties)
        args = [a for d in dirs for a in ("--data", str(d))] + ["--level", "actor", "--tentative"]
        exports = [("gexf", tmp / f"{name}-date.gexf", [], "date")]
        if name == "bundled":
            exports.append(("gexf", tmp / f"{name}-double.gexf", ["--timeformat", "double"], "double"))
        exports += [("graphml", tmp / f"{name}.graphml", [], None), ("csv", tmp / f"{name}-csv", [], "date")]
        for kind, path, extra, timeformat in exports:
            result = runner.invoke(app, ["export", kind, str(path), *args, *extra])
            assert result.exit_code == 0, result.output
            assert (f"timeline {window[0]}-{window[1]}" in result.stdout) == (kind != "graphml")
            target = path / "edges.csv" if kind == "csv" else path
            files.append((target, kind, every_tie if kind == "graphml" else graph, timeformat, len(data.actors),
                          window))
    written = {path: read_gexf(path) for path, kind, *_ in files if kind == "gexf"}
    return files, run_gephi([f[0] for f in files]), data.coverage, written


def test_gephi_keeps_every_actor_and_every_tie(exported):
    files, reports, _, gexfs = exported
    assert len(files) == 7
    for path, kind, graph, timeformat, actors, window in files:
        report = reports[str(path)]
        severe = [i for i in report["issues"] if i[0] in ("SEVERE", "CRITICAL")]
        assert (severe, report["exceptions"]) == ([], []), path.name
        assert report["nodes"] == actors == graph.number_of_nodes(), path.name  # undated ties' actors too
        assert report["weight_mismatch"] == 0, path.name  # an edge's weight is its number of ties
        ties = [d for *_, d in graph.edges(data=True)] if kind == "graphml" else dated(graph)
        assert report["ties"] == len(ties), path.name  # every tie edge is in one of Gephi's edges, once
        assert report["tie_ids"] == len({d["tie_id"] for d in ties}), path.name
        if kind == "graphml":
            assert report["edges"] == len({frozenset(e) for e in graph.edges()}), path.name
            continue
        if kind == "csv":  # the same nodes and edges as the GEXF of the same data
            written = gexfs[path.parent.parent / path.parent.name.replace("-csv", "-date.gexf")]
        else:
            written = gexfs[path]
            assert written["defaultedgetype"] is None  # Gephi then reads each edge's own type
        assert (report["nodes"], report["edges"]) == (len(written["nodes"]), len(written["edges"])), path.name
        directed = {(*orient(a, b, d)[:2], d["type"]) for a, b, d in graph.edges(data=True)
                    if d.get("date") and d["directed"]}
        assert report["directed"] == len(directed) > 0, path.name
        # Gephi's spreadsheet importer leaves the workspace's time format at DOUBLE, reading a date as
        # milliseconds since 1970: the same instants as the GEXF, shown as numbers
        assert report["timeformat"] == (timeformat.upper() if kind == "gexf" else "DOUBLE"), path.name
        assert report["bounds"] == pytest.approx(expected_bounds(window, timeformat)), path.name


def test_the_real_data_file_is_a_size_gephi_handles(exported):
    files, *_ = exported
    sizes = {p.name: p.stat().st_size for p, *_ in files}
    assert sizes["all-date.gexf"] < 20_000_000 and sizes["all.graphml"] < 20_000_000, sizes


def test_ties_ending_at_the_edge_of_their_dataset_are_censored(exported):
    files, _, coverage, gexfs = exported
    edges = gexfs[next(p for p, *_ in files if p.name == "all-date.gexf")]["edges"].values()
    censored = [e["attrs"] for e in edges if e["attrs"]["censored"]]
    assert censored and "dcad" in coverage  # DCAD's agreements still in force in its last year
    for attrs in censored:
        last = [coverage[d].last_year for d in attrs["datasets"].split(";") if d in coverage]
        assert attrs["last_year"] >= min(last), attrs
