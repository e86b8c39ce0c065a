"""Combined datasets count each cross-dataset duplicate once, in every command.

The committed excerpts (tests/fixtures/external) imported next to the bundled
seeds hold 8 duplicates, listed by ``tiegraph overlaps``: 3 SIPRI
drone sales the seeds also code, and 5 exercises in both MME and JME.  The
report must count 207 - 8 = 199 ties, and say which dataset absorbed what.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tiegraph.cli import app
from tiegraph.loaders.datadir import BUNDLED_DATA

FIXTURES = Path(__file__).parent / "fixtures" / "external"
IMPORTS = {
    "dcad": FIXTURES / "dcad" / "DCAD-v1.0-main.csv",
    "sipri": FIXTURES / "sipri" / "trade-register-excerpt.csv",
    "mme": FIXTURES / "mme" / "mme_v7.csv",
    "jme": FIXTURES / "jme" / "jme_v3_sheet1_2.csv",
}


@pytest.fixture(scope="module")
def data_args(tmp_path_factory) -> list[str]:
    from typer.testing import CliRunner

    root = tmp_path_factory.mktemp("imports")
    args = ["--data", str(BUNDLED_DATA)]
    for source, path in IMPORTS.items():
        done = CliRunner().invoke(app, ["import", source, str(path), "--into", str(root / source)])
        assert done.exit_code == 0, done.output
        args += ["--data", str(root / source)]
    return args


def test_overlap_listing_counts_the_pairs(runner, data_args):
    done = runner.invoke(app, ["overlaps", *[a for a in data_args if a != "--data"], "--list"])
    assert done.exit_code == 0, done.output
    out = done.stdout
    assert "ties: 207 (seeds 75, sipri 43, dcad 33, jme 30, mme 26)" in out
    assert "5 x exercise: jme duplicates mme (kept)" in out
    assert "3 x arms_transfer: sipri duplicates seeds (kept)" in out
    assert "overlapping pairs: 8" in out
    rows = [line for line in out.splitlines() if line.count("\t") == 4]
    assert rows[0] == "kept\tduplicate\tfamily\tparticipants\tyears" and len(rows) == 1 + 8  # a header line


def test_report_counts_each_duplicate_once(runner, data_args):
    done = runner.invoke(app, ["report", *data_args, "--tentative", "--format", "json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["summary"]["ties"] == 199
    assert report["ties_by_dataset"] == [
        {"dataset": "seeds", "ties": 75, "duplicates_absorbed": 3},
        {"dataset": "sipri", "ties": 40, "duplicates_absorbed": 0},
        {"dataset": "dcad", "ties": 33, "duplicates_absorbed": 0},
        {"dataset": "mme", "ties": 26, "duplicates_absorbed": 5},
        {"dataset": "jme", "ties": 25, "duplicates_absorbed": 0},
    ]


def test_exports_leave_the_duplicates_out(runner, data_args, tmp_path):
    import networkx as nx

    from tiegraph.loaders.datadir import load_dataset
    from tiegraph.loaders.overlap import find_overlaps

    pairs = find_overlaps(load_dataset([Path(a) for a in data_args if a != "--data"]))
    out = tmp_path / "ties.graphml"
    done = runner.invoke(app, ["export", "graphml", *data_args, str(out), "--per-tie", "--tentative"])
    assert done.exit_code == 0, done.output
    tie_ids = {d["tie_id"] for *_, d in nx.read_graphml(out).edges(data=True)}
    assert len(tie_ids) == 199
    assert {p["duplicate"] for p in pairs} & tie_ids == set()
    assert {p["kept"] for p in pairs} <= tie_ids


def test_one_dataset_is_left_as_it_is(runner):
    done = runner.invoke(app, ["report", "--tentative", "--format", "json"])
    report = json.loads(done.output)
    assert report["summary"]["ties"] == 75
    assert report["ties_by_dataset"] == [{"dataset": "seeds", "ties": 75, "duplicates_absorbed": 0}]
