"""Data directories a careless or hostile user could hand over: each is one ``Error:`` line, exit 1.

The per-file cases (alias bombs, deep nesting, control characters, duplicate keys, …) live in
the bad-input corpus (tests/bad_inputs); these are the cases about the directory itself: what is
in ``ties/`` besides data files, links, permissions, a directory where a file belongs.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tiegraph.cli import app

CORPUS = Path(__file__).parent / "bad_inputs"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A valid data directory (the corpus' good actors and one good tie)."""
    root = tmp_path / "data"
    (root / "ties").mkdir(parents=True)
    shutil.copy(CORPUS / "actors.yaml", root / "actors.yaml")
    shutil.copy(CORPUS / "good_ties.yaml", root / "ties" / "good.yaml")
    return root


def validate(runner, root: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["validate", str(root)])
    return result.exit_code, result.stdout, result.stderr


def test_the_good_directory_validates(runner, data):
    assert validate(runner, data) == (0, "OK: 5 actors, 1 ties in 2 files\n", "")


@pytest.mark.parametrize("make, expected", [
    (lambda d: (d / "ties" / "more.YAML").write_text("- id: x\n"),
     "{d}/ties/more.YAML: not a data file: only .yaml, .yml and .jsonl (lower case) are read"),
    (lambda d: (d / "ties" / "notes.txt").write_text("x"),
     "{d}/ties/notes.txt: not a data file: only .yaml, .yml and .jsonl (lower case) are read"),
    (lambda d: (d / "ties" / "old").mkdir(),
     "{d}/ties/old: is a directory: sub-directories of ties/ are not read"),
    (lambda d: os.symlink(d / "ties" / "loop.yaml", d / "ties" / "loop.yaml"),
     "{d}/ties/loop.yaml: cannot read: Too many levels of symbolic links"),
    (lambda d: os.symlink(d / "nowhere.yaml", d / "ties" / "gone.yaml"),
     "{d}/ties/gone.yaml: cannot read: No such file or directory"),
    (lambda d: (d / "ties.yaml").write_text("- id: x\n"),
     "{d}/ties.yaml: not read: at the top of a data directory only actors.yaml, actors.jsonl and "
     "coverage.yaml are read (tie files go in ties/)"),
    (lambda d: (d / "Actors.YAML").write_text("- id: x\n"),
     "{d}/Actors.YAML: not read: at the top of a data directory only actors.yaml, actors.jsonl and "
     "coverage.yaml are read (tie files go in ties/)"),
], ids=["upper-case-extension", "unknown-extension", "sub-directory", "symlink-loop", "broken-link",
        "ties-file-at-top", "upper-case-actors"])
def test_every_entry_is_read_or_reported(runner, data, make, expected):
    make(data)
    assert validate(runner, data) == (1, "", f"Error: {expected.format(d=data)}\n")


def test_ties_symlink_loop_is_reported(runner, data):
    shutil.rmtree(data / "ties")
    os.symlink(data / "ties", data / "ties")
    assert validate(runner, data) == (1, "", f"Error: {data}/ties: cannot read: Too many levels of symbolic links\n")


def test_actors_yaml_that_is_a_directory_is_named(runner, data):
    (data / "actors.yaml").unlink()
    (data / "actors.yaml").mkdir()
    code, out, err = validate(runner, data)
    # named once: the ties naming TUR and AZE are not reported as unknown actors on top
    assert (code, out, err) == (1, "", f"Error: {data}/actors.yaml: is a directory, not a data file\n")


def test_a_broken_actors_file_is_one_line_not_one_per_tie(runner, data):
    (data / "actors.yaml").write_text("- {id: TUR, kind: state\n", encoding="utf-8")
    for n in range(50):
        (data / "ties" / f"t{n}.yaml").write_text((CORPUS / "good_ties.yaml").read_text().replace(
            "id: good", f"id: good-{n}"), encoding="utf-8")
    code, out, err = validate(runner, data)
    assert (code, out, err.count("\n")) == (1, "", 1), err
    assert err.startswith(f"Error: {data}/actors.yaml:2: invalid YAML:")


def _unreadable(path: Path, monkeypatch) -> None:
    """Make ``path`` unreadable: chmod when not root; as root (who reads anything), the OS call fails."""
    if os.geteuid() != 0:
        path.chmod(0)
        return
    real = os.listdir

    def listdir(target):
        if Path(target) == path:
            raise PermissionError(13, "Permission denied", str(target))
        return real(target)

    monkeypatch.setattr("tiegraph.loaders.datadir.os.listdir", listdir)


def test_unreadable_ties_directory_is_one_line(runner, data, monkeypatch):
    _unreadable(data / "ties", monkeypatch)
    try:
        assert validate(runner, data) == (1, "", f"Error: {data}/ties: cannot read: Permission denied\n")
    finally:
        (data / "ties").chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_unreadable_tie_file_is_one_line(runner, data):
    (data / "ties" / "good.yaml").chmod(0)
    try:
        assert validate(runner, data) == (1, "", f"Error: {data}/ties/good.yaml: cannot read: Permission denied\n")
    finally:
        (data / "ties" / "good.yaml").chmod(0o644)


def test_billion_laughs_is_refused_before_any_expansion(runner, data):
    """Nine levels of ten aliases would expand to 10^9 strings (the issue: 150 s, 9.4 GB, MemoryError)."""
    shutil.copy(CORPUS / "cases" / "billion_laughs.yaml", data / "ties" / "bomb.yaml")
    started = time.perf_counter()
    code, _, err = validate(runner, data)
    elapsed = time.perf_counter() - started
    assert (code, err) == (1, f"Error: {data}/ties/bomb.yaml:7: YAML alias '*a0' is not supported (write the value out)\n")
    assert elapsed < 5  # bounded: it is refused, not expanded (a sanity bound, not a benchmark)
