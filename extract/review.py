"""Writing candidates, and the review step that turns accepted candidates into ordinary ties.

Why a review step of its own: a candidate is a proposal, and only a person who has
read its quote may make it data.  ``review`` moves each accepted candidate, edited
if the coder says so (``--set ID.status=held``), into ``DATA/ties/extracted.yaml``
with its quote, locator, document and the rule that proposed it, plus who accepted
it and when (``attributes.accepted_by``, ``accepted_at``); rejected candidates
leave the candidates file.  Every decision is appended to ``CANDIDATES/review.log``.
Nothing is written unless every accepted tie validates against the data it joins,
and all files change together (``exports.files.write_all_atomically``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from tiegraph.exports.files import write_all_atomically
from tiegraph.extract.candidates import DATASET, Candidates, render
from tiegraph.loaders.records import FileProblem, RawRecord, read_records
from tiegraph.loaders.result import TIE_ORDER, ordered
from tiegraph.model.errors import DataValidationError, OptionValueError, Problem, TiegraphError, UsageError

ACCEPTED_FILE = "extracted.yaml"
LOG_FILE = "review.log"
#: attributes that describe the extraction run, not the tie: dropped on acceptance
_RUN_ONLY = ("against",)
#: the fields ``--set`` may change (``attributes.KEY`` too)
EDITABLE = ("type", "from", "to", "participants", "start", "end", "status", "title", "count", "note")


def _dump(records: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=100000) if records else "[]\n"


def _text(text: str) -> Callable[[str], None]:
    """A writer for ``write_all_atomically``: fills the temp file it is given with ``text``."""
    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")
    return write


# --------------------------------------------------------------------------- writing candidates


def candidate_files(found: list[Candidates], into: Path, reference: dict[str, dict[str, Any]]) -> dict[Path, str]:
    """The files ``tiegraph extract`` writes: one ties file per document and ``actors.yaml``.

    The actors are the records (as written in the data) of every actor a candidate
    names, with the countries of its companies, joined with those already in
    ``into/actors.yaml``: the directory validates on its own and beside the data.
    """
    files: dict[Path, str] = {}
    seen: dict[str, str] = {}
    for item in found:
        if item.slug in seen:
            raise UsageError(f"{item.document.name} and {seen[item.slug]} would both write "
                             f"{into / 'ties' / (item.slug + '.yaml')}: rename one of them")
        seen[item.slug] = item.document.name
        files[into / "ties" / f"{item.slug}.yaml"] = render(item)
    actors: dict[str, dict[str, Any]] = {}
    existing = into / "actors.yaml"
    if existing.is_file():
        try:
            actors = {str(r.data.get("id")): r.data for r in read_records(existing)}
        except FileProblem as exc:
            raise TiegraphError(f"{exc.problem} (extract adds actors to this file: fix or remove it)") from None
    used = {i for item in found for t in item.ties for i in (t.get("participants") or [t["from"], t["to"]])}
    used |= {reference[i]["country"] for i in used if i in reference and reference[i].get("country")}
    for actor_id in sorted(used):
        actors.setdefault(actor_id, reference[actor_id])
    header = "# Actors the candidate ties name, copied from the data they were resolved against.\n\n"
    files[existing] = header + _dump(sorted(actors.values(), key=lambda a: str(a.get("id"))))
    _check_valid(files, into)
    return files


def _check_valid(files: dict[Path, str], into: Path) -> None:
    """Load the directory as it will be (staged in a temp dir) with the project's loader: a
    candidates directory that ``tiegraph validate`` refuses is never written."""
    from tiegraph.loaders.datadir import load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        (stage / "ties").mkdir()
        if (into / "ties").is_dir():
            for old in (into / "ties").iterdir():
                if old.is_file() and old.suffix == ".yaml":
                    (stage / "ties" / old.name).write_bytes(old.read_bytes())
        for path, text in files.items():
            (stage / path.relative_to(into)).write_text(text, encoding="utf-8")
        try:
            load_dataset(stage)
        except DataValidationError as exc:
            raise TiegraphError(f"{into}: the candidates would not validate: {exc.problems[0]}") from None


def write_files(files: dict[Path, str]) -> None:
    """All files or none (temp files renamed into place together)."""
    write_all_atomically({path: _text(text) for path, text in files.items()})


# --------------------------------------------------------------------------- review


def read_candidates(directory: Path) -> dict[str, RawRecord]:
    """Candidate records of ``directory/ties/*.yaml`` by id (with file and line for messages)."""
    ties = directory / "ties"
    if not ties.is_dir():
        raise UsageError(f"{directory}: not a candidates directory (no ties/ in it; write one with tiegraph extract)")
    found: dict[str, RawRecord] = {}
    for path in sorted(ties.glob("*.yaml")):
        try:
            for raw in read_records(path):
                found.setdefault(str(raw.data.get("id")), raw)
        except FileProblem as exc:
            raise DataValidationError([exc.problem]) from None
    return found


def _edit(record: dict[str, Any], raw: RawRecord, change: str) -> None:
    """Apply ``FIELD=VALUE`` (``attributes.KEY=VALUE``; ``participants=A,B``) to ``record``."""
    field, _, value = change.partition("=")
    if field.startswith("attributes."):
        record.setdefault("attributes", {})[field.split(".", 1)[1]] = value
    elif field == "participants":
        record["participants"] = [v.strip() for v in value.split(",") if v.strip()]
    elif field == "count":
        if not value.isdigit():
            raise OptionValueError(f"--set {raw.data['id']}.count: '{value}' is not a whole number")
        record["count"] = int(value)
    elif field in EDITABLE:
        record[field] = value
    else:
        raise OptionValueError(f"--set {raw.data['id']}.{field}: unknown field (editable: {', '.join(EDITABLE)}, "
                         f"attributes.KEY)")


def review(candidates: Path, into: Path, by: str, accept: Iterable[str], reject: Iterable[str],
           edits: Iterable[str], now: datetime | None = None) -> dict[str, list[str]]:
    """Accept (edited) and reject candidates; returns ``{"accepted": ids, "rejected": ids}``.

    A malformed option (an empty ``--by``, a ``--set`` that is not ``ID.FIELD=VALUE``, an id both
    accepted and rejected) is misuse (``OptionValueError``, exit 2); an id that is no candidate, or
    an accepted tie that would not validate in ``into``, is bad data (exit 1).
    """
    from tiegraph.loaders.datadir import load_dataset
    from tiegraph.loaders.validate import build_tie

    accept, reject = list(dict.fromkeys(accept)), list(dict.fromkeys(reject))
    if not by.strip():
        raise OptionValueError("--by: say who reviewed the candidates (a name or initials)")
    both = set(accept) & set(reject)
    if both:
        raise OptionValueError(f"candidate '{sorted(both)[0]}' is both accepted and rejected")
    records = read_candidates(candidates)
    for option, ids in (("--accept", accept), ("--reject", reject)):
        for tie_id in ids:
            if tie_id not in records:
                raise UsageError(f"{option}: no candidate '{tie_id}' in {candidates / 'ties'}")
    changes: dict[str, list[str]] = {}
    for edit in edits:
        target, dot, change = edit.partition(".")
        if not dot or "=" not in change:
            raise OptionValueError(f"--set '{edit}': write ID.FIELD=VALUE, e.g. --set ID.status=held")
        if target not in accept:
            raise OptionValueError(f"--set '{edit}': candidate '{target}' is not accepted in this review (--accept it)")
        changes.setdefault(target, []).append(change)
    data = load_dataset(into)
    existing = {t.id: t for t in data.ties}
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    accepted: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for tie_id in accept:
        raw = records[tie_id]
        record = {k: (dict(v) if isinstance(v, dict) else v) for k, v in raw.data.items()}
        edited = []
        for change in changes.get(tie_id, []):
            before = record.get(change.partition("=")[0], "(none)")
            _edit(record, raw, change)
            edited.append(f"{change.partition('=')[0]}: {before} -> {change.partition('=')[2]}")
        record.pop("dataset", None) if record.get("dataset") == DATASET else None
        attributes = {k: v for k, v in record.get("attributes", {}).items() if k not in _RUN_ONLY}
        attributes.update(accepted_by=by.strip(), accepted_at=stamp)
        if edited:
            attributes["edited"] = "; ".join(edited)
        record["attributes"] = attributes
        record = ordered(record, (*TIE_ORDER[:-2], "conflicts", *TIE_ORDER[-2:]))
        if tie_id in existing:
            where = existing[tie_id].origin
            problems.append(Problem(raw.file, raw.line, f"tie '{tie_id}'", "id", f"already in {into} (at {where})"))
            continue
        kinds = {a.id: a.kind for a in data.actors.values()}
        if build_tie(RawRecord(raw.file, raw.line, record, raw.key_lines), problems, kinds.get) is not None:
            accepted.append(record)
    if problems:
        raise DataValidationError(problems)
    return _write_review(candidates, into, by.strip(), stamp, records, accepted, reject)


def _write_review(candidates: Path, into: Path, by: str, stamp: str, records: dict[str, RawRecord],
                  accepted: list[dict[str, Any]], rejected: list[str]) -> dict[str, list[str]]:
    target = into / "ties" / ACCEPTED_FILE
    kept: list[dict[str, Any]] = []
    if target.is_file():
        try:
            kept = [raw.data for raw in read_records(target)]
        except FileProblem as exc:
            raise DataValidationError([exc.problem]) from None
    files: dict[Path, str] = {}
    if accepted:
        files[target] = ("# Ties accepted from tiegraph extract candidates (tiegraph review); each keeps its quote,\n"
                         "# locator and document, the rule that proposed it, and who accepted it when.\n\n"
                         + _dump(kept + accepted))
    done = {r["id"] for r in accepted} | set(rejected)
    for path in sorted({Path(records[i].file) for i in done}):
        header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                         if line.startswith("#"))
        left = [raw.data for raw in read_records(path) if str(raw.data.get("id")) not in done]
        files[path] = header + "\n" + _dump(left)
    log = candidates / LOG_FILE
    previous = log.read_text(encoding="utf-8") if log.is_file() else ""
    lines = [f"{stamp}\taccepted\t{r['id']}\tby {by}\t-> {target}\n" for r in accepted]
    lines += [f"{stamp}\trejected\t{i}\tby {by}\n" for i in rejected]
    files[log] = previous + "".join(lines)
    write_files(files)
    return {"accepted": [r["id"] for r in accepted], "rejected": rejected}
