"""Load one or more data directories into a validated ``Dataset``.

Everything is read and checked before anything is returned, so a command
either works on fully valid data or reports every problem and builds nothing.

A data directory holds ``actors.yaml`` (or ``actors.jsonl``, or files in
``actors/``), tie files in ``ties/`` and, optionally, ``coverage.yaml``: what each
dataset in it covers (data/FORMAT.md).  Every entry of ``ties/`` and ``actors/``
is either read or reported (a sub-directory, ``.YAML``, a broken link or a
symlink loop is an error, never skipped without a word), and so is a file at the
top that looks like data but would not be read (``ties.yaml``, ``actors.yml``).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from tiegraph.loaders.records import FileProblem, RawRecord, read_records
from tiegraph.loaders.validate import UNCHECKED, build_actor, build_coverage, build_tie, normal_id
from tiegraph.model.coverage import Coverage
from tiegraph.model.entities import Actor, Dataset, Origin, Tie
from tiegraph.model.errors import DataValidationError, Problem
from tiegraph.model.gc_pause import gc_paused

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"
_DATA_SUFFIXES = (".yaml", ".yml", ".jsonl")
#: the files read at the top of a data directory
ACTOR_FILES = ("actors.yaml", "actors.jsonl")
COVERAGE_FILE = "coverage.yaml"
#: a top-level file with one of these extensions (any case) that is not read is reported
_DATA_LIKE = (".yaml", ".yml", ".jsonl", ".json")


def _entries(folder: Path, problems: list[Problem]) -> list[Path]:
    """The data files of ``ties/`` or ``actors/``; every other entry becomes a problem."""
    try:
        if not folder.is_dir():
            if os.path.lexists(folder):
                os.stat(folder)  # a broken link or a loop raises here with its reason
                problems.append(Problem(_label(folder), None, None, None,
                                        "is not a directory (tie and actor files go inside it)"))
            return []
        names = sorted(os.listdir(folder))
    except OSError as exc:
        problems.append(Problem(_label(folder), None, None, None, f"cannot read: {exc.strerror}"))
        return []
    found: list[Path] = []
    for name in names:
        path = folder / name
        try:
            is_file, is_dir = path.is_file(), path.is_dir()
            if not (is_file or is_dir):
                os.stat(path)  # ELOOP, ENOENT (broken link), EACCES: the reason named below
        except OSError as exc:
            problems.append(Problem(_label(path), None, None, None, f"cannot read: {exc.strerror}"))
            continue
        if is_dir:
            problems.append(Problem(_label(path), None, None, None,
                                    f"is a directory: sub-directories of {folder.name}/ are not read"))
        elif not is_file:
            problems.append(Problem(_label(path), None, None, None, "not a regular file: not read"))
        elif path.suffix not in _DATA_SUFFIXES:
            problems.append(Problem(_label(path), None, None, None,
                                    "not a data file: only .yaml, .yml and .jsonl (lower case) are read"))
        else:
            found.append(path)
    return found


def _top_file(path: Path, problems: list[Problem]) -> list[Path]:
    """``[path]`` when it is a readable file, ``[]`` when absent; anything else is a problem."""
    if not os.path.lexists(path):
        return []
    if path.is_dir():
        problems.append(Problem(_label(path), None, None, None, "is a directory, not a data file"))
        return []
    return [path]  # a broken link or an unreadable file is reported by the reader, with its reason


def data_files(directory: Path, problems: list[Problem] | None = None) -> tuple[list[Path], list[Path]]:
    """(actor files, tie files) of a data directory, in a stable order.

    Whatever is there but will not be read is added to ``problems``.
    """
    problems = [] if problems is None else problems
    actor_files = [p for name in ACTOR_FILES for p in _top_file(directory / name, problems)]
    actor_files += _entries(directory / "actors", problems)
    try:
        top = sorted(os.listdir(directory))
    except OSError as exc:
        problems.append(Problem(_label(directory), None, None, None, f"cannot read: {exc.strerror}"))
        return actor_files, []
    for name in top:
        if name.lower().endswith(_DATA_LIKE) and name not in (*ACTOR_FILES, COVERAGE_FILE):
            problems.append(Problem(_label(directory / name), None, None, None,
                                    f"not read: at the top of a data directory only {', '.join(ACTOR_FILES)} "
                                    f"and {COVERAGE_FILE} are read (tie files go in ties/)"))
    return actor_files, _entries(directory / "ties", problems)


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _stream(paths: Iterable[Path], problems: list[Problem], broken: set[str] | None = None) -> Iterator[RawRecord]:
    """Records one at a time, so a million ties are never all held as raw dicts.

    A file that cannot be read is one problem; its path goes into ``broken``.
    """
    for path in paths:
        try:
            yield from read_records(path, _label(path))
        except FileProblem as exc:
            problems.append(exc.problem)
            if broken is not None:
                broken.add(str(path))


def read_coverage(directories: Iterable[Path], problems: list[Problem]) -> dict[str, Coverage]:
    """The coverage records of every ``coverage.yaml``, by dataset.

    A dataset declared twice, in one file or in two directories, must be
    declared identically (an import next to a copy of itself is fine).
    """
    coverage: dict[str, Coverage] = {}
    origins: dict[str, Origin] = {}
    paths = [p for d in directories for p in _top_file(d / COVERAGE_FILE, problems)]
    for raw in _stream(paths, problems):
        found = build_coverage(raw, problems)
        if found is None:
            continue
        previous = coverage.get(found.dataset)
        if previous is not None and previous != found:
            problems.append(Problem(raw.file, raw.line, f"coverage '{found.dataset}'", "dataset",
                                    f"declared differently at {origins[found.dataset]}"))
            continue
        coverage.setdefault(found.dataset, found)
        origins.setdefault(found.dataset, Origin(raw.file, raw.line))
    return coverage


def load_dataset(directories: Iterable[Path | str] | Path | str | None = None, *,
                 datasets: Collection[str] | None = None) -> Dataset:
    """Read, validate and return the data in ``directories`` (default: the bundled data).

    With ``datasets``, only ties of those datasets are kept (after every tie was
    validated), so a later cross-dataset merge cannot drop a tie of the chosen
    dataset in favour of one of another.  Raises ``DataValidationError`` listing
    every problem found.  The cyclic garbage collector is paused meanwhile
    (``model.gc_pause.gc_paused``).
    """
    with gc_paused():
        dataset = _load_dataset(directories)
    if datasets is not None:
        dataset.ties = [t for t in dataset.ties if t.dataset in datasets]
    return dataset


def _load_dataset(directories: Iterable[Path | str] | Path | str | None) -> Dataset:
    if directories is None:
        directories = [BUNDLED_DATA]
    elif isinstance(directories, (str, Path)):
        directories = [directories]
    dirs = [Path(d) for d in directories]
    problems: list[Problem] = []
    actor_paths: list[Path] = []
    tie_paths: list[Path] = []
    for directory in dirs:
        if not directory.is_dir():
            what = "is not a directory" if os.path.lexists(directory) else "data directory not found"
            problems.append(Problem(str(directory), None, None, None, what))
            continue
        actor_files, tie_files = data_files(directory, problems)
        if not actor_files and not tie_files and not problems:
            problems.append(Problem(str(directory), None, None, None,
                                    "no actors.yaml or ties/*.yaml in this directory"))
        actor_paths += actor_files
        tie_paths += tie_files
    if problems:
        raise DataValidationError(problems)
    coverage = read_coverage(dirs, problems)
    actors, unchecked = _read_actors(actor_paths, problems)

    def kind_of(actor_id: str) -> str | None:
        actor = actors.get(actor_id)
        if actor is not None:
            return actor.kind
        return UNCHECKED if unchecked is True or actor_id in unchecked else None  # type: ignore[operator]

    ties: list[Tie] = []
    # where each id was first seen: the tie's own Origin (shared, no copy per tie)
    first_seen: dict[str, Origin] = {}
    for raw in _stream(tie_paths, problems):
        tie = build_tie(raw, problems, kind_of)
        tie_id = normal_id(raw.data.get("id"))  # the id as build_tie reads it: compared once, normalised
        if tie_id is not None:
            if tie_id in first_seen:
                problems.append(Problem(raw.file, raw.line, f"tie '{tie_id}'", "id",
                                        f"duplicate tie id (first defined at {first_seen[tie_id]})"))
                continue
            first_seen[tie_id] = tie.origin if tie is not None and tie.origin else Origin(raw.file, raw.line)
        if tie is not None:
            ties.append(tie)
    del first_seen
    if problems:
        raise DataValidationError(sorted(problems, key=_problem_order))
    coverage_paths = [d / COVERAGE_FILE for d in dirs if (d / COVERAGE_FILE).is_file()]
    return Dataset(actors, ties, [str(p) for p in actor_paths + tie_paths + coverage_paths], coverage=coverage)


def _read_actors(paths: list[Path], problems: list[Problem]) -> tuple[dict[str, Actor], set[str] | bool]:
    """Actors by id, and what not to report as unknown in ties: the ids of actor records that
    failed (their own problem is reported), or True when an actor file could not be read at all
    (one broken actors.yaml is one problem, not one per tie naming an actor)."""
    actors: dict[str, Actor] = {}
    failed: set[str] = set()
    broken: set[str] = set()
    for raw in _stream(paths, problems, broken):
        actor = build_actor(raw, problems)
        if actor is None:
            actor_id = normal_id(raw.data.get("id"))
            if actor_id is not None:
                failed.add(actor_id)
            continue
        previous = actors.get(actor.id)
        if previous is not None and previous != _same_origin(actor, previous):
            problems.append(Problem(raw.file, raw.line, f"actor '{actor.id}'", "id",
                                    f"duplicate actor id (first defined at {previous.origin})"))
            continue
        actors.setdefault(actor.id, actor)
    for actor in actors.values():
        where = actor.origin or Origin("?")
        if actor.country is not None and actors.get(actor.country, None) is None:
            if not broken and actor.country not in failed:
                problems.append(Problem(where.file, where.line, f"actor '{actor.id}'", "country",
                                        f"unknown state id '{actor.country}'"))
        elif actor.country is not None and actors[actor.country].kind != "state":
            problems.append(Problem(where.file, where.line, f"actor '{actor.id}'", "country",
                                    f"'{actor.country}' is a {actors[actor.country].kind}, not a state"))
    return actors, (True if broken else failed)


def _same_origin(actor: Actor, previous: Actor) -> Actor:
    """Identical actor records in two directories (e.g. an import repeating a state) are fine."""
    from dataclasses import replace
    return replace(actor, origin=previous.origin)


def _problem_order(problem: Problem) -> tuple[str, int]:
    return (problem.file, problem.line or 0)
