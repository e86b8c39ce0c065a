"""The bad-input corpus: each file gives its exact one-line error, exit 1, and nothing written.

Cases live in tests/bad_inputs/cases/; expected.tsv holds the error each must produce.
A case named ``actors_*`` replaces the actors file; every other case is a ties file next
to the shared good actors.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tiegraph.cli import app

CORPUS = Path(__file__).parent / "bad_inputs"


def load_expected() -> list[tuple[str, str]]:
    rows = []
    for line in (CORPUS / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, message = line.split("\t", 1)
            rows.append((name, message))
    return rows


CASES = load_expected()


def test_corpus_is_complete():
    files = {p.name for p in (CORPUS / "cases").iterdir()}
    assert files == {name for name, _ in CASES}
    assert len(CASES) >= 30


def stage(case: str, root: Path) -> Path:
    """A data directory holding the case; returns the path the error must name."""
    (root / "ties").mkdir(parents=True)
    source = CORPUS / "cases" / case
    if case.startswith("actors_"):
        shutil.copy(source, root / "actors.yaml")
        shutil.copy(CORPUS / "good_ties.yaml", root / "ties" / "good.yaml")
        return root / "actors.yaml"
    shutil.copy(CORPUS / "actors.yaml", root / "actors.yaml")
    target = root / "ties" / case
    shutil.copy(source, target)
    return target


@pytest.mark.parametrize("case, message", CASES, ids=[c for c, _ in CASES])
def test_bad_input_gives_one_exact_error_and_writes_nothing(case, message, runner, tmp_path):
    root = tmp_path / "data"
    path = stage(case, root)
    expected = f"Error: {path}{message.replace('{file}', str(path))}\n"
    result = runner.invoke(app, ["validate", str(root)])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    out = tmp_path / "out" / "graph.graphml"
    result = runner.invoke(app, ["export", "graphml", str(out), "--data", str(root)])
    assert (result.exit_code, result.stderr) == (1, expected)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    result = runner.invoke(app, ["report", "--data", str(root), "--format", "json"])
    assert (result.exit_code, result.stdout) == (1, "")
