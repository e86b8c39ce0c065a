"""The import writer: validate an ``ImportResult``, align its actors, write it atomically.

Nothing reaches the target directory before the staged files load cleanly on their
own and next to the data they will be used with; the two JSONL files (and the
dataset's ``coverage.yaml``) are then swapped in together, and a failure undoes the
swap.  A lock on the target directory keeps two imports from mixing their files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tiegraph.loaders.records import _FORBIDDEN, FileProblem, RawRecord, _char_problem, read_records
from tiegraph.loaders.result import ACTOR_ORDER, ImportResult, Skip, ordered
from tiegraph.loaders.validate import build_actor, build_tie
from tiegraph.model.coverage import Coverage
from tiegraph.model.errors import DataValidationError, ExternalFormatError, Problem, TiegraphError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

COVERAGE_FILE = "coverage.yaml"


def finalize(result: ImportResult) -> ImportResult:
    """Run the project's validator on every record; a failing tie becomes a skip (never written).

    The loaders already build valid records; this is the safety net that makes
    "every produced tie passes loaders/validate.py" true by construction.
    """
    for tie in result.ties:
        _refuse_controls(tie)
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for number, actor in enumerate(result.actors, start=1):
        built = build_actor(RawRecord(f"{result.source} actors", number, actor, {}), problems)
        if built is not None:
            kinds[built.id] = built.kind
    if problems:  # an actor record we built is wrong: a loader bug, not user data
        raise DataValidationError(problems)
    kept, seen = [], set()
    for tie in result.ties:
        tie_problems: list[Problem] = []
        where = f"{tie['id']}, {tie.get('sources', [{}])[0].get('locator', '')}"
        if tie["id"] in seen:
            result.skipped.append(Skip(where, "duplicate tie id"))
            continue
        if build_tie(RawRecord(result.source, 0, tie, {}), tie_problems, kinds.get) is None:
            detail = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in tie_problems)
            result.skipped.append(Skip(f"{where} ({detail})", "fails the tiegraph validator"))
            continue
        seen.add(tie["id"])
        kept.append(tie)
    result.ties = kept
    used = {p for t in kept for p in (t.get("participants") or [t.get("from"), t.get("to")])}
    used |= {a["country"] for a in result.actors if a["id"] in used and a.get("country")}
    result.actors = sorted((a for a in result.actors if a["id"] in used), key=lambda a: a["id"])
    return result


def _hidden_char(value: Any, path: str) -> tuple[str, str] | None:
    """``(field path, character)`` of the first character no text may hold (records.FORBIDDEN), else None."""
    if isinstance(value, str):
        bad = _FORBIDDEN.search(value)
        return (path, bad.group()) if bad else None
    if isinstance(value, dict):
        return next((found for key, item in value.items()
                     if (found := _hidden_char(item, f"{path}.{key}" if path else str(key)))), None)
    if isinstance(value, list):
        return next((found for item in value if (found := _hidden_char(item, path))), None)
    return None


def _refuse_controls(tie: dict[str, Any]) -> None:
    """A NUL or other control character copied from the source file is an error naming the file's line.

    Why here as well as in ``readers.read_csv_rows``: an importer that parses its file
    itself (SIPRI's preamble and split records) would otherwise write the character into
    the staged JSONL, whose reader then refused it with the staging file's name.
    """
    found = _hidden_char({k: v for k, v in tie.items() if k != "sources"}, "")
    if found is None:
        return
    source = (tie.get("sources") or [{}])[0]
    label = str(source.get("document", tie.get("id"))).rsplit(": ", 1)[-1]
    locator = str(source.get("locator", ""))
    line = re.match(r"lines? (\d+)", locator)
    raise ExternalFormatError(label, int(line.group(1)) if line else None, found[0],
                              _char_problem(found[1]) + ("" if line else f" ({locator})"))


def reference_actors(directories: list[Path]) -> dict[str, dict[str, Any]]:
    """Actor records (as written) of existing data directories, by id; unreadable files are ignored."""
    from tiegraph.loaders.datadir import data_files
    found: dict[str, dict[str, Any]] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in data_files(directory)[0]:
            try:
                for raw in read_records(path):
                    if isinstance(raw.data.get("id"), str):
                        found.setdefault(raw.data["id"], raw.data)
            except FileProblem:
                continue
    return found


def align_actors(result: ImportResult, reference: dict[str, dict[str, Any]]) -> ImportResult:
    """Use the bundled record for every actor id the bundled data already has.

    ``load_dataset`` accepts a repeated actor only when both records are
    identical, so an imported ``TUR`` must carry exactly the bundled name,
    aliases and note; the crosswalk's name is used only for ids new to the data.
    """
    result.actors = [ordered(dict(reference[a["id"]]), ACTOR_ORDER) if a["id"] in reference else a
                     for a in result.actors]
    return result


# --------------------------------------------------------------------------- writing


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def coverage_record(coverage: Coverage) -> dict[str, Any]:
    """A ``coverage.yaml`` record (data/FORMAT.md, "Coverage") of ``coverage``."""
    return {"dataset": coverage.dataset, "first_year": coverage.first_year, "last_year": coverage.last_year,
            "kind": coverage.kind, "tie_types": list(coverage.tie_types), "note": coverage.note}


def _coverage_yaml(into: Path, coverage: Coverage) -> str:
    """``into/coverage.yaml`` with this dataset's record replaced (or added), the others kept as written."""
    path = into / COVERAGE_FILE
    records: list[dict[str, Any]] = []
    if path.exists():
        try:
            records = [raw.data for raw in read_records(path) if raw.data.get("dataset") != coverage.dataset]
        except FileProblem as exc:
            raise TiegraphError(f"{exc.problem} (the import would rewrite this file: fix or remove it)") from None
    records.append(coverage_record(coverage))
    return yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=100)


def _validate(stage: Path, others: list[Path]) -> None:
    """The staged files must load on their own and next to ``others`` (the bundled data).

    Problems that lie in ``others`` themselves (someone's half-edited
    data/ties/*.yaml) are not the import's and do not block it; problems in the
    staged files — e.g. a state whose record differs from the bundled one — do.
    """
    from tiegraph.loaders.datadir import load_dataset
    load_dataset([stage])
    if not others:
        return
    try:
        load_dataset([*others, stage])
    except DataValidationError as exc:
        staged = str(stage.resolve())
        own = [p for p in exc.problems if staged in str(Path(p.file).resolve())]
        if own:
            raise DataValidationError(own) from None


@contextmanager
def locked(into: Path) -> Iterator[None]:
    """Hold an exclusive lock on the directory ``into`` (released when the process ends, even killed).

    Two ``tiegraph import`` runs into one directory would otherwise interleave
    their swaps (the actors of one next to the ties of the other).
    """
    if fcntl is None:  # pragma: no cover - not on POSIX: no lock, as before
        yield
        return
    handle = os.open(into, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TiegraphError(f"{into}: another tiegraph import is writing into this directory; "
                                "run this one when it has finished") from None
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def write_import(result: ImportResult, into: Path, validate_with: list[Path]) -> tuple[Path, Path]:
    """Write ``into/ties/SOURCE.jsonl``, ``into/actors/SOURCE.jsonl`` and ``into/coverage.yaml``.

    The files are first written to a staging directory next to the target and
    loaded with ``load_dataset`` together with ``validate_with`` (the data
    directories users will pass alongside).  Only then are the old files moved
    aside and the new ones renamed in; if a rename fails the earlier ones are
    undone.  Re-running replaces the files, so an import never duplicates.  The
    whole write holds ``locked(into)``.
    """
    with staged_import(result, into, validate_with) as staged:
        staged.commit()
    return staged.targets[0], staged.targets[1]


@dataclass
class StagedImport:
    """One dataset's files written and validated in ``stage``, not yet in place (see ``staged_import``).

    Why a step of its own: ``import all`` stages every dataset first and puts them in
    place only when all of them staged, so a failing dataset leaves nothing written.
    """

    into: Path
    stage: Path
    targets: list[Path]
    staged: list[Path]
    backups: list[tuple[Path, Path]] = field(default_factory=list)
    done: list[Path] = field(default_factory=list)
    made: list[Path] = field(default_factory=list)

    def commit(self) -> None:
        """Move the old files aside and rename the staged ones in; a failed rename undoes the others."""
        try:
            for target in self.targets:
                if not target.parent.exists():
                    target.parent.mkdir()
                    self.made.append(target.parent)
            for number, (source, target) in enumerate(zip(self.staged, self.targets)):
                if target.exists():
                    backup = self.stage / f"{number}.previous"
                    os.replace(target, backup)
                    self.backups.append((backup, target))
                os.replace(source, target)
                self.done.append(target)
        except OSError as exc:
            # os.replace names its source (in the stage); the user needs the place that could not be written
            failed = next((t for t in self.targets if t not in self.done), self.into)
            self.undo()
            raise TiegraphError(f"{failed}: cannot write: {exc.strerror}") from None

    def undo(self) -> None:
        """Put back what ``commit`` replaced (while the stage, which holds the old files, still exists)."""
        for target in self.done:
            target.unlink(missing_ok=True)
        for backup, target in self.backups:
            os.replace(backup, target)
        for directory in self.made:
            directory.rmdir()
        self.done, self.backups, self.made = [], [], []


@contextmanager
def staged_import(result: ImportResult, into: Path, validate_with: list[Path]) -> Iterator[StagedImport]:
    """Stage ``result`` for ``into`` (written, validated, ``into`` locked) until the block ends.

    Inside the block ``commit()`` puts the files in place (and ``undo()`` takes them
    back); leaving it removes the stage and releases the lock, and a directory created
    for an import that wrote nothing is removed again.
    """
    if not result.ties:
        raise TiegraphError(f"{result.source}: no ties produced, nothing written")
    created = not into.exists()
    try:
        into.mkdir(parents=True, exist_ok=True)
        with locked(into):
            stage = Path(tempfile.mkdtemp(prefix=f".import-{result.source}-", dir=into))
            try:
                yield _stage(result, into, stage, validate_with)
            finally:
                shutil.rmtree(stage, ignore_errors=True)
    except OSError as exc:
        raise TiegraphError(f"{exc.filename or into}: cannot write: {exc.strerror}") from None
    finally:
        if created and into.is_dir() and not any(into.iterdir()):
            into.rmdir()  # a failed first import leaves no empty directory behind


def _stage(result: ImportResult, into: Path, stage: Path, validate_with: list[Path]) -> StagedImport:
    name = f"{result.source}.jsonl"
    targets = [into / "actors" / name, into / "ties" / name]
    contents = [jsonl(result.actors), jsonl(result.ties)]
    if result.coverage is not None:
        targets.append(into / COVERAGE_FILE)
        contents.append(_coverage_yaml(into, result.coverage))
    staged = [stage / t.relative_to(into) for t in targets]
    for path, text in zip(staged, contents):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _validate(stage, validate_with)
    return StagedImport(into, stage, targets, staged)
