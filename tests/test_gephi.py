"""Gephi's own importer takes the GEXF and GraphML exports whole.

One JVM run of tests/gephi/GephiImport.java (gephi-toolkit 0.10.1 from Maven
Central, headless) imports seven files -- the bundled data as GEXF (dates and
years), GraphML and the edges table of the CSV export, and the bundled data +
the full DCAD and MME imports as GEXF, GraphML and CSV edges -- and reports
what Gephi kept.  For each: no SEVERE issue and
no exception; every node and edge written is in Gephi's graph; the ``ties``
Gephi holds add up to every tie edge of the graph and ``tie_ids`` name every
tie; the GEXF's time bounds are the earliest start and the latest end of the
ties (computed here from the dates, not from the exporter).

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
from tiegraph.commands.common import load
from tiegraph.exports.csv_tables import write_gephi_csv
from tiegraph.exports.edges import orient
from tiegraph.exports.gexf import read_gexf, write_gexf
from tiegraph.exports.graphml import write_graphml
from tiegraph.graph.build import build_graph
from tiegraph.model.dates import PartialDate
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
        elif tag in ("NODES", "EDGES", "DIRECTED", "TYPES", "TIES", "TIE_IDS"):
            current[tag.lower()] = int(rest)
        elif tag == "TIMEFORMAT":
            current["timeformat"] = rest
        elif tag == "BOUNDS":
            current["bounds"] = tuple(float(v) for v in rest.split("\t"))
    assert set(reports) == set(map(str, files)), done.stdout[-3000:]
    return reports


def _ms(day: tuple[int, int, int]) -> float:
    return calendar.timegm(dt.date(*day).timetuple()) * 1000.0


def expected_bounds(graph, timeformat: str) -> tuple[float, float]:
    """Earliest start and latest finite end of the dated ties, in Gephi's units (ms for dates, years)."""
    lows, highs = [], []
    for _, _, d in graph.edges(data=True):
        if not d.get("date"):
            continue
        start = PartialDate.parse(d["date"])
        end = PartialDate.parse(d["end"]) if d.get("end") else (start if d["temporal"] == "event" else None)
        if timeformat == "double":
            lows.append(float(start.year))
            highs += [float(start.year)] + ([float(end.year)] if end else [])
        else:
            lows.append(_ms(start.earliest()))
            highs += [_ms(start.earliest())] + ([_ms(end.latest())] if end else [])
    return min(lows), max(highs)


def dated(graph) -> list[dict]:
    return [d for *_, d in graph.edges(data=True) if d.get("date")]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(path, kind, graph, timeformat) of every file Gephi imports."""
    from typer.testing import CliRunner

    tmp = tmp_path_factory.mktemp("gephi")
    runner = CliRunner()
    for source, path in (("dcad", EXTERNAL / "dcad-v1.0" / "DCAD-v1.0-main.csv"),
                         ("mme", EXTERNAL / "mme-v7" / "mme_v7.csv")):
        result = runner.invoke(app, ["import", source, str(path), "--into", str(tmp / source)])
        assert result.exit_code == 0, result.output
    files = []
    for name, data in (("bundled", load(None)), ("all", load([REPO / "data", tmp / "dcad", tmp / "mme"]))):
        graph = build_graph(data)
        for timeformat in (("date", "double") if name == "bundled" else ("date",)):
            path = tmp / f"{name}-{timeformat}.gexf"
            write_gexf(graph, path, timeformat=timeformat, coverage=data.coverage)
            files.append((path, "gexf", graph, timeformat))
        path = tmp / f"{name}.graphml"
        write_graphml(graph, path, coverage=data.coverage)
        files.append((path, "graphml", graph, None))
        write_gephi_csv(graph, tmp / f"{name}-csv", timeformat="double", coverage=data.coverage)
        files.append((tmp / f"{name}-csv" / "edges.csv", "csv", graph, "double"))
    written = {path: read_gexf(path) for path, kind, *_ in files if kind == "gexf"}
    return files, run_gephi([f[0] for f in files]), data.coverage, written


def test_gephi_keeps_every_tie(exported):
    files, reports, _, gexfs = exported
    assert len(files) == 7
    for path, kind, graph, timeformat in files:
        report = reports[str(path)]
        severe = [i for i in report["issues"] if i[0] in ("SEVERE", "CRITICAL")]
        assert (severe, report["exceptions"]) == ([], []), path.name
        ties = [d for *_, d in graph.edges(data=True)] if kind == "graphml" else dated(graph)
        assert report["ties"] == len(ties), path.name  # every tie edge is in one of Gephi's edges
        assert report["tie_ids"] == len({d["tie_id"] for d in ties}), path.name
        if kind == "graphml":
            assert report["nodes"] == graph.number_of_nodes(), path.name
            assert report["edges"] == len({frozenset(e) for e in graph.edges()}), path.name
            continue
        if kind == "csv":  # the same edges as the GEXF of the same data (nodes: their ends)
            written = gexfs[path.parent.parent / path.parent.name.replace("-csv", "-date.gexf")]
        else:
            written = gexfs[path]
            assert written["defaultedgetype"] is None  # Gephi then reads each edge's own type
        assert (report["nodes"], report["edges"]) == (len(written["nodes"]), len(written["edges"])), path.name
        directed = {(*orient(a, b, d)[:2], d["type"]) for a, b, d in graph.edges(data=True)
                    if d.get("date") and d["directed"]}
        assert report["directed"] == len(directed) > 0, path.name
        assert report["timeformat"] == timeformat.upper(), path.name
        assert report["bounds"] == pytest.approx(expected_bounds(graph, timeformat)), path.name


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
