"""Every benchmark script runs in --quick mode and prints what it promises (no timing assertions).

This keeps the benchmark code from rotting: each script is run as a user
would run it (``python -m bench.X --quick``), in a subprocess, with its data
cached in a temporary --workdir.  A new benchmark (e.g. bench/neo4j_load.py,
once the Neo4j store lands) adds a line to SCRIPTS.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: module -> lines (regular expressions) its --quick output must contain
SCRIPTS: dict[str, list[str]] = {
    "bench.core": [
        r"check on 3,000 ties .*: PASSED",
        r"ties +code +attributes +edges +load_s +build_s +ties_per_s +load_ties_per_s +import_mb "
        r"+after_load_mb +peak_mb",
        r"\n *2,000 +current +analysis +[\d,]+ +[\d.]+ +[\d.]+ +[\d,]+",
        r"\n *10,000 +current +full +[\d,]+ +[\d.]+ +[\d.]+ +[\d,]+",
        r"10,000 ties: analysis/full peak [\d.]+, time [\d.]+",
        r"target 10,000 ties \(analysis\) peak <= 2,048 MB: [\d,]+ MB",
    ],
    "bench.yearly": [
        r"snapshots: 20 years 2006-2025",
        r"\n *networkx +[\d.]+ +[\d.]+ +[\d,]+ +1\.00",
        r"\n *igraph x1 +[\d.]+ +[\d.]+ +[\d,]+ +[\d.]+",
        r"\n *numba x1 +[\d.]+ +[\d.]+ +[\d,]+ +[\d.]+",
        r"\n *numba x2 +[\d.]+ +[\d.]+ +[\d,]+ +[\d.]+",
        r"ratio networkx / numba x2: [\d.]+x wall",
        r"max \|numba x2 - networkx\|: degree",
        r"equality check against networkx \(ranks exact, measures pytest.approx\): PASSED",
    ],
    "bench.thesis": [
        r"import all: ",
        r"\n *tiegraph thesis \(200 draws\) +1 +[\d.]+ +[\d.]+ +yes",
        r"permutation null, \d+ rows x 200 draws: before [\d.]+ s, after [\d.]+ s, ratio \d+x",
        r"null series equal draw for draw: yes",
        r"target median wall <= 10 s \(200 draws\): [\d.]+ s, (met|missed by [\d.]+ s)",
    ],
    "bench.report": [
        r"\n *tiegraph report +3 +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+",
        r"\n *tiegraph report \(bytecode cached\) +3 +[\d.]+",
        r"report output identical in all 8 runs: yes",
        r"slowest top-level imports of 'tiegraph report'",
        r"heavy modules imported by the report: none",
        r"target median <= 1.5 s: [\d.]+ s, (met|missed by [\d.]+ s)",
    ],
}


@pytest.mark.parametrize("module", sorted(SCRIPTS))
def test_bench_quick(module, tmp_path_factory):
    import re

    workdir = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", module, "--quick", "--workdir", str(workdir)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(quick mode)" in done.stdout
    for pattern in SCRIPTS[module]:
        assert re.search(pattern, done.stdout), f"{module}: no line matching {pattern!r} in:\n{done.stdout}"


def test_bench_neo4j_load_quick(neo4j_server, tmp_path_factory):
    """bench/neo4j_load.py --quick on the session's local server (it restarts it for the bulk path),
    or on $NEO4J_URI (clearing its data; the bulk path is then skipped).

    The session server, not one of the script's own: a server start is the slowest step of the
    suite, and the data are small (500 ties among 250 actors, a sample of 50: quick mode's smallest
    that runs every part), so what is checked is that every part runs and prints its figures, not
    the figures.
    """
    import os
    import re

    from neo4j_fixtures import local_workdir

    workdir = tmp_path_factory.mktemp("bench")
    shared = local_workdir()
    command = [sys.executable, "-m", "bench.neo4j_load", "--quick", "--workdir", str(workdir)]
    if shared is not None:
        command += ["--server-workdir", str(shared)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    local = shared is not None or not os.environ.get("NEO4J_URI")  # (d), the bulk path, needs a local server
    patterns = [r"\(quick mode\)", r"data: 500 ties = [\d,]+ relationships, 250 actors; sample 50 ties",
                r"\n *load \(empty db\) +[\d.]+ +[\d.]+ +[\d,.]+", r"\n *re-load +[\d.]+",
                r"\(a\) load: [\d,]+ relationships/s, [\d,]+ nodes/s .*counts as expected: yes",
                r"\(c\) re-load: .*, 500 ties replaced \(deleted and written again\); counts identical: yes",
                r"\(b\) ratio per-tie / batched: [\d.,]+x wall; counts identical and as expected: yes",
                r"\(f\) where the online writer's time goes: the first 200 bilateral ties of \(a\)",
                *(rf"\n *{re.escape(rung)} +{batch} +{writers} +[\d.]+ +200 +[\d.]+ +[\d,.]+ +[\d,.]+ +[\d,.]+"
                  for rung, batch, writers in (("no properties", "2,000", 1), ("no properties, 2 writers", "2,000", 2),
                                               ("all properties", "2,000", 1),
                                               ("all, batches of 10,000", "10,000", 1),
                                               ("all, 2 writers", "2,000", 2))),
                r"\(e\) bundled data \+ atop, dcad, jme, mme, sipri: [\d,]+ ties = [\d,]+ relationships",
                r"target >= 35,000 relationships/s, online writer: [\d,]+, (met|missed by [\d.,]+x)",
                r"target <= 30 s, bundled \+ external datasets online \(read \+ load\): [\d.]+ s, "
                r"(met|missed by [\d.,]+x)"]
    bulk = [r"\n *bulk +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d,.]+ +[\d,.]+",
            r"\(d\) bulk: [\d,]+ relationships/s end to end \([\d.]+ s, the whole load --bulk; headline\); "
            r"[\d,]+ relationships/s over the import phase .*counts as expected: yes",
            r"\(d\) lean import of the same graph \(ids, type, year, status\): [\d,]+ relationships in [\d.]+ s",
            r"target >= 50,000 relationships/s, bulk end to end: [\d,]+, (met|missed by [\d.,]+x)",
            r"target >= 0.75x the lean import, bulk import phase: [\d.]+x, (met|missed by [\d.,]+x)",
            r"\(g\) where the import phase goes: .*\(median of 1 alternating rounds\)",
            *(rf"\n *{re.escape(rung)} +1 +[\d.]+ +[\d.]+ +[\d,.]+ +[\d.]+"
              for rung in ("lean (ids, type, year, status)", "dates, lists as text"))]
    for pattern in patterns + (bulk if local else []):
        assert re.search(pattern, done.stdout), f"no line matching {pattern!r} in:\n{done.stdout}"
