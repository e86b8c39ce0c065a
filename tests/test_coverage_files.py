"""coverage.yaml: what each dataset covers, read from every data directory and written by imports."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tiegraph.cli import app
from tiegraph.loaders.datadir import BUNDLED_DATA, load_dataset
from tiegraph.loaders.overlap import merge_dataset
from tiegraph.model.coverage import Coverage

CORPUS = Path(__file__).parent / "bad_inputs"
GOOD = """\
- dataset: seeds
  first_year: 2000
  last_year: 2010
  kind: systematic
  tie_types: [alliance_treaty]
  note: a test
"""


def directory(root: Path, coverage: str | None) -> Path:
    (root / "ties").mkdir(parents=True)
    shutil.copy(CORPUS / "actors.yaml", root / "actors.yaml")
    shutil.copy(CORPUS / "good_ties.yaml", root / "ties" / "good.yaml")
    if coverage is not None:
        (root / "coverage.yaml").write_text(textwrap.dedent(coverage), encoding="utf-8")
    return root


def test_the_bundled_data_declare_the_seeds_documentary():
    coverage = load_dataset().coverage
    assert set(coverage) == {"seeds"}
    seeds = coverage["seeds"]
    assert (seeds.kind, seeds.first_year, seeds.last_year, seeds.systematic) == ("documentary", 1990, 2025, False)
    assert "dense only for the years they discuss" in " ".join(seeds.note.split())
    assert {t.type for t in load_dataset().ties} <= set(seeds.tie_types)


def test_coverage_is_read_and_survives_the_merge(tmp_path):
    dataset = load_dataset([directory(tmp_path / "d", GOOD)])
    expected = Coverage("seeds", 2000, 2010, "systematic", ("alliance_treaty",), "a test")
    assert dataset.coverage == {"seeds": expected}
    assert expected.is_censored(2010) and not expected.is_censored(2009)
    assert merge_dataset(dataset).coverage == dataset.coverage


@pytest.mark.parametrize("edit, expected", [
    (("kind: systematic", "kind: complete"),
     ":4: coverage 'seeds': field 'kind': unknown kind 'complete' (use one of: systematic, documentary)"),
    (("last_year: 2010", "last_year: 1990"),
     ":3: coverage 'seeds': field 'last_year': last_year 1990 is before first_year 2000"),
    (("first_year: 2000", "first_year: 0x7D0"),
     ":2: coverage 'seeds': field 'first_year': '0x7D0' must be a year from 1800 to 2100"),
    (("[alliance_treaty]", "[alliance]"),
     ":5: coverage 'seeds': field 'tie_types': unknown tie type 'alliance' (see 'tiegraph types')"),
    (("note: a test", "notes: a test"),
     ":6: coverage 'seeds': field 'notes': unknown field (allowed: dataset, first_year, kind, last_year, note, "
     "tie_types)"),
    (("  tie_types: [alliance_treaty]\n", ""), ":1: coverage 'seeds': field 'tie_types': must be a non-empty list "
                                               "of tie types"),
    (("kind: systematic", "kind: systematic\n  kind: documentary"), ":5: field 'kind': key given twice in one record"),
], ids=["kind", "years-reversed", "hex-year", "tie-type", "unknown-field", "no-types", "duplicate-key"])
def test_bad_coverage_is_one_exact_line(runner, tmp_path, edit, expected):
    root = directory(tmp_path / "d", GOOD.replace(*edit))
    result = runner.invoke(app, ["validate", str(root)])
    assert (result.exit_code, result.stderr) == (1, f"Error: {root}/coverage.yaml{expected}\n")


def test_two_directories_declaring_one_dataset_differently_is_an_error(runner, tmp_path):
    first = directory(tmp_path / "a", GOOD)
    second = directory(tmp_path / "b", GOOD.replace("last_year: 2010", "last_year: 2012"))
    (second / "ties" / "good.yaml").write_text((CORPUS / "good_ties.yaml").read_text().replace(
        "id: good", "id: other"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(first), str(second)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {second}/coverage.yaml:1: coverage 'seeds': field 'dataset': declared differently at "
           f"{first}/coverage.yaml:1\n")
    (second / "coverage.yaml").write_text(GOOD, encoding="utf-8")  # the same declaration twice is fine
    assert runner.invoke(app, ["validate", str(first), str(second)]).exit_code == 0


def test_bundled_validate_counts_the_coverage_file(runner):
    result = runner.invoke(app, ["validate", str(BUNDLED_DATA)])
    ties = len(load_dataset().ties)
    assert result.stdout == f"OK: 30 actors, {ties} ties in 8 files\n"
