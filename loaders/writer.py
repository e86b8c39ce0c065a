"""The import writer: validate an ``ImportResult``, align its actors, write it atomically.

Nothing reaches the target directory before the staged files load cleanly on their
own and next to the data they will be used with; the two JSONL files (and the
dataset's ``coverage.yaml``) are then swapped in together, and a failure undoes the
swap.  A lock on the target directory keeps two imports from mixing their files.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from tiegraph.loaders.records import FileProblem, RawRecord, read_records
from tiegraph.loaders.result import ACTOR_ORDER, ImportResult, Skip, ordered
from tiegraph.loaders.validate import build_actor, build_tie
from tiegraph.model.coverage import Coverage
from tiegraph.model.errors import DataValidationError, Problem, TiegraphError

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
    if not result.ties:
        raise TiegraphError(f"{result.source}: no ties produced, nothing written")
    created = not into.exists()
    try:
        into.mkdir(parents=True, exist_ok=True)
        with locked(into):
            return _replace(result, into, validate_with)
    except OSError as exc:
        raise TiegraphError(f"{exc.filename or into}: cannot write: {exc.strerror}") from None
    finally:
        if created and into.is_dir() and not any(into.iterdir()):
            into.rmdir()  # a failed first import leaves no empty directory behind


def _replace(result: ImportResult, into: Path, validate_with: list[Path]) -> tuple[Path, Path]:
    name = f"{result.source}.jsonl"
    targets = [into / "actors" / name, into / "ties" / name]
    contents = [jsonl(result.actors), jsonl(result.ties)]
    if result.coverage is not None:
        targets.append(into / COVERAGE_FILE)
        contents.append(_coverage_yaml(into, result.coverage))
    stage = Path(tempfile.mkdtemp(prefix=f".import-{result.source}-", dir=into))
    try:
        staged = [stage / t.relative_to(into) for t in targets]
        for path, text in zip(staged, contents):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        _validate(stage, validate_with)
        for target in targets:
            target.parent.mkdir(exist_ok=True)
        backups: list[tuple[Path, Path]] = []
        done: list[Path] = []
        try:
            for number, (source, target) in enumerate(zip(staged, targets)):
                if target.exists():
                    backup = stage / f"{number}.previous"
                    os.replace(target, backup)
                    backups.append((backup, target))
                os.replace(source, target)
                done.append(target)
        except OSError:
            for target in done:
                target.unlink(missing_ok=True)
            for backup, target in backups:
                os.replace(backup, target)
            raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return targets[0], targets[1]
