"""Load one or more data directories into a validated ``Dataset``.

Everything is read and checked before anything is returned, so a command
either works on fully valid data or reports every problem and builds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from tiegraph.loaders.records import FileProblem, RawRecord, read_records
from tiegraph.loaders.validate import build_actor, build_tie
from tiegraph.model.entities import Actor, Dataset, Origin, Tie
from tiegraph.model.errors import DataValidationError, Problem
from tiegraph.model.runtime import gc_paused

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"
_DATA_SUFFIXES = (".yaml", ".yml", ".jsonl")


def _files(directory: Path, pattern_dir: str) -> list[Path]:
    folder = directory / pattern_dir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in _DATA_SUFFIXES and p.is_file())


def data_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """(actor files, tie files) of a data directory, in a stable order."""
    actor_files = [p for p in (directory / "actors.yaml", directory / "actors.jsonl") if p.is_file()]
    actor_files += _files(directory, "actors")
    return actor_files, _files(directory, "ties")


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_all(paths: Iterable[Path], problems: list[Problem]) -> list[RawRecord]:
    records: list[RawRecord] = []
    for path in paths:
        try:
            records.extend(read_records(path, _label(path)))
        except FileProblem as exc:
            problems.append(exc.problem)
    return records


def _stream(paths: Iterable[Path], problems: list[Problem]) -> Iterator[RawRecord]:
    """Records one at a time, so a million ties are never all held as raw dicts."""
    for path in paths:
        try:
            yield from read_records(path, _label(path))
        except FileProblem as exc:
            problems.append(exc.problem)


def load_dataset(directories: Iterable[Path | str] | Path | str | None = None) -> Dataset:
    """Read, validate and return the data in ``directories`` (default: the bundled data).

    Raises ``DataValidationError`` listing every problem found.  The cyclic
    garbage collector is paused meanwhile (``model.runtime.gc_paused``).
    """
    with gc_paused():
        return _load_dataset(directories)


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
            problems.append(Problem(str(directory), None, None, None, "data directory not found"))
            continue
        actor_files, tie_files = data_files(directory)
        if not actor_files and not tie_files:
            problems.append(Problem(str(directory), None, None, None,
                                    "no actors.yaml or ties/*.yaml in this directory"))
        actor_paths += actor_files
        tie_paths += tie_files
    if problems:
        raise DataValidationError(problems)

    actors: dict[str, Actor] = {}
    for raw in _read_all(actor_paths, problems):
        actor = build_actor(raw, problems)
        if actor is None:
            continue
        previous = actors.get(actor.id)
        if previous is not None and previous != _same_origin(actor, previous):
            problems.append(Problem(raw.file, raw.line, f"actor '{actor.id}'", "id",
                                    f"duplicate actor id (first defined at {previous.origin})"))
            continue
        actors.setdefault(actor.id, actor)
    for actor in actors.values():
        if actor.country is not None and actors.get(actor.country, None) is None:
            problems.append(Problem(actor.origin.file, actor.origin.line, f"actor '{actor.id}'", "country",
                                    f"unknown state id '{actor.country}'"))
        elif actor.country is not None and actors[actor.country].kind != "state":
            problems.append(Problem(actor.origin.file, actor.origin.line, f"actor '{actor.id}'", "country",
                                    f"'{actor.country}' is a {actors[actor.country].kind}, not a state"))

    def kind_of(actor_id: str) -> str | None:
        actor = actors.get(actor_id)
        return actor.kind if actor else None

    ties: list[Tie] = []
    # where each id was first seen: the tie's own Origin (shared, no copy per tie)
    first_seen: dict[str, Origin] = {}
    for raw in _stream(tie_paths, problems):
        tie = build_tie(raw, problems, kind_of)
        tie_id = raw.data.get("id")
        if isinstance(tie_id, str):
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
    return Dataset(actors, ties, [str(p) for p in actor_paths + tie_paths])


def _same_origin(actor: Actor, previous: Actor) -> Actor:
    """Identical actor records in two directories (e.g. an import repeating a state) are fine."""
    from dataclasses import replace
    return replace(actor, origin=previous.origin)


def _problem_order(problem: Problem) -> tuple[str, int]:
    return (problem.file, problem.line or 0)
