"""What every external-dataset loader returns, and the helpers they share.

The loaders under ``loaders/`` (dcad, atop, sipri, mme, jme) are *pure row builders*:
they read a third-party file and return an ``ImportResult`` holding tie and actor
records in the project's own JSONL format (data/FORMAT.md).  They never write.
Writing, with validation first and an all-or-nothing replace, is done by
``write_import`` so the CLI and tests share one careful path.

Every record that does not become a tie is accounted for: ``skipped`` says where
and why, ``repairs`` lists what was fixed (e.g. a SIPRI record broken over two
lines) and ``warnings`` what was kept with a caveat.  Nothing disappears silently.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from tiegraph.loaders.records import FileProblem, RawRecord, read_records
from tiegraph.loaders.validate import build_actor, build_tie
from tiegraph.model.errors import DataValidationError, Problem, TiegraphError

#: the fields of a tie record, in the order data/FORMAT.md lists them
TIE_ORDER = ("id", "type", "participants", "from", "to", "start", "end", "status", "count",
             "title", "attributes", "sources", "note", "dataset")
ACTOR_ORDER = ("id", "kind", "name", "aliases", "country", "note")
EXAMPLES = 3  # examples shown per reason in summaries


class Skip(NamedTuple):
    """A source record that produced no tie: where it is (FILE:LINE and record id) and why."""

    where: str
    reason: str


class Note(NamedTuple):
    """A repair or a caveat on a record that *was* imported."""

    where: str
    message: str


class ExternalFormatError(TiegraphError):
    """The input file is not in the expected format; the message is one ``FILE:LINE: …`` line."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str):
        self.problem = Problem(file, line, None, field, message)
        super().__init__(str(self.problem))


@dataclass
class ImportResult:
    """Tie and actor records built from one source, plus the account of every record read."""

    source: str
    files: dict[str, int] = field(default_factory=dict)  # file name -> records read
    ties: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    repairs: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

    @property
    def records_read(self) -> int:
        return sum(self.files.values())

    def skipped_by_reason(self) -> dict[str, list[str]]:
        """``{reason: [where, …]}`` in first-seen order."""
        groups: dict[str, list[str]] = {}
        for skip in self.skipped:
            groups.setdefault(skip.reason, []).append(skip.where)
        return groups

    def summary(self) -> str:
        """Plain-text account: per file records read, ties produced, skips grouped by reason."""
        lines = [f"{self.source}: {name}: {count} records read" for name, count in self.files.items()]
        types = Counter(t["type"] for t in self.ties)
        lines.append(f"{self.source}: ties produced: {len(self.ties)}"
                     + (f" ({', '.join(f'{k} {v}' for k, v in sorted(types.items()))})" if types else ""))
        kinds = Counter(a["kind"] for a in self.actors)
        lines.append(f"{self.source}: actors: {len(self.actors)}"
                     + (f" ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})" if kinds else ""))
        lines.append(f"{self.source}: records skipped: {len(self.skipped)}")
        for reason, wheres in self.skipped_by_reason().items():
            lines.append(f"  {len(wheres)} x {reason}: {_examples(wheres)}")
        for title, notes in (("repaired", self.repairs), ("warnings", self.warnings)):
            if not notes:
                continue
            lines.append(f"{self.source}: {title}: {len(notes)}")
            groups: dict[str, list[str]] = {}
            for note in notes:
                groups.setdefault(note.message, []).append(note.where)
            for message, wheres in groups.items():
                lines.append(f"  {len(wheres)} x {message}: {_examples(wheres)}")
        return "\n".join(lines)


def _examples(wheres: list[str]) -> str:
    shown = "; ".join(wheres[:EXAMPLES])
    return shown + (f"; … ({len(wheres) - EXAMPLES} more)" if len(wheres) > EXAMPLES else "")


# --------------------------------------------------------------------------- reading CSV


def read_csv_rows(path: Path, required: tuple[str, ...], *, encoding: str = "utf-8",
                  label: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each data row of a CSV file, checking the header first.

    ``line`` is the physical line the row starts on (the header is line 1), so
    every skip and source locator points at the right line of the real file.
    A missing column or a row with the wrong number of fields is a format error.
    """
    label = label or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExternalFormatError(label, None, None, f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ExternalFormatError(label, data[: exc.start].count(b"\n") + 1, None,
                                  f"not valid {encoding} (byte 0x{data[exc.start]:02x})") from None
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise ExternalFormatError(label, None, None, "file is empty")
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            missing = [c for c in required if c not in header]
            if missing:
                raise ExternalFormatError(label, 1, missing[0], "missing column in the header "
                                          "(is this the right file for this source?)")
            previous = reader.line_num
            for values in reader:
                line, previous = previous + 1, reader.line_num
                if not values:
                    continue
                if len(values) != len(header):
                    raise ExternalFormatError(label, line, None, f"{len(values)} fields, "
                                              f"the header has {len(header)}")
                yield line, dict(zip(header, values))
        except csv.Error as exc:
            raise ExternalFormatError(label, reader.line_num, None, f"unreadable CSV: {exc}") from None


#: the first bytes of an OLE2 compound file (Excel 97-2003 .xls) and of a ZIP (.xlsx)
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


def read_xls_rows(path: Path, sheet: str, required: tuple[str, ...], *,
                  label: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row, values)`` for each non-empty data row of one sheet of a legacy ``.xls``.

    The same contract as ``read_csv_rows``: ``row`` is the sheet's row number
    as Excel shows it (the header is row 1) and every value is text, so one row
    builder serves the workbook and a CSV export of its sheet.  Cells become
    text as a CSV export would hold them: whole numbers without ``.0``, dates
    as ``YYYY-MM-DD``.  A file that is not an Excel 97-2003 workbook, a missing
    sheet or a missing column is a format error (one line, nothing read).
    """
    label = label or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExternalFormatError(label, None, None, f"cannot read: {exc.strerror}") from None
    if not data:
        raise ExternalFormatError(label, None, None, "file is empty")
    if data.startswith(ZIP_SIGNATURE):
        raise ExternalFormatError(label, None, None, "is an .xlsx (or other ZIP) file, not the Excel 97-2003 "
                                  ".xls workbook this source is read from")
    if not data.startswith(OLE2_SIGNATURE):
        raise ExternalFormatError(label, None, None, "not an Excel 97-2003 .xls workbook (no OLE2 signature; "
                                  "a CSV export of the sheet must be named *.csv)")
    import xlrd

    try:  # xlrd writes its warnings to a log (stdout by default): keep them out of the summary
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises many types for a damaged file; any of them means "unreadable"
        raise ExternalFormatError(label, None, None, f"unreadable .xls workbook ({type(exc).__name__}: "
                                  f"{exc})") from None
    try:
        if sheet not in book.sheet_names():
            raise ExternalFormatError(label, None, None, f"no sheet '{sheet}' (the workbook has: "
                                      f"{', '.join(book.sheet_names()) or 'no sheets'})")
        try:
            table = book.sheet_by_name(sheet)
        except Exception as exc:
            raise ExternalFormatError(label, None, None, f"sheet '{sheet}' unreadable ({type(exc).__name__}: "
                                      f"{exc})") from None
        if table.nrows == 0:
            raise ExternalFormatError(label, None, None, f"sheet '{sheet}' is empty")
        header = [_xls_text(cell, book.datemode).strip() for cell in table.row(0)]
        missing = [c for c in required if c not in header]
        if missing:
            raise ExternalFormatError(label, 1, missing[0], f"missing column in the header of sheet '{sheet}' "
                                      "(is this the right file for this source?)")
        for index in range(1, table.nrows):
            values = [_xls_text(cell, book.datemode) for cell in table.row(index)]
            if any(v.strip() for v in values):
                yield index + 1, dict(zip(header, values + [""] * (len(header) - len(values))))
    finally:
        book.release_resources()


def _xls_text(cell: Any, datemode: int) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates ISO, blanks and errors empty."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                y, m, d, hh, mm, ss = xlrd.xldate_as_tuple(cell.value, datemode)
            except xlrd.xldate.XLDateError:  # e.g. -9 in a date-formatted cell: keep the number
                pass
            else:
                clock = f"{hh:02d}:{mm:02d}:{ss:02d}"
                if y == 0:
                    return clock
                return f"{y:04d}-{m:02d}-{d:02d}" + (f" {clock}" if (hh, mm, ss) != (0, 0, 0) else "")
        number = float(cell.value)
        return str(int(number)) if number.is_integer() else repr(number)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return ""  # empty, blank, or an error cell (#N/A …): no value


def int_field(value: str, label: str, line: int, column: str, *, blank: int | None = None) -> int | None:
    """Parse an integer column; blank gives ``blank``; anything else non-numeric is a format error."""
    value = value.strip()
    if value == "":
        return blank
    try:
        return int(float(value)) if "." in value else int(value)
    except ValueError:
        raise ExternalFormatError(label, line, column, f"'{value}' is not a number") from None


def partial_date(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """The date as written with the precision the source gives: no year, no date (never invented)."""
    if year is None or year <= 0:
        return None
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    if day is None or day <= 0:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def tie_record(dataset: str, fields: dict[str, Any], *, document: str, locator: str,
               url: str) -> dict[str, Any]:
    """A tie of ``dataset`` citing one record of its file (document, locator, url), in FORMAT.md's order."""
    return ordered({**fields, "sources": [{"document": document, "locator": locator, "url": url}],
                    "dataset": dataset}, TIE_ORDER)


def end_not_before(start: str | None, end: str | None, where: str, result: ImportResult) -> str | None:
    """``end``, or None with a warning when it is not a date or lies wholly before ``start``.

    A bad end is left out, never "repaired"; a bad start is the tie's own
    problem, reported when ``finalize`` validates it.
    """
    from tiegraph.model.dates import DateFormatError, PartialDate

    if end is None:
        return None
    try:
        last = PartialDate.parse(end).latest()
    except DateFormatError:
        result.warnings.append(Note(f"{where} (end '{end}')", "end is not a valid date; end left out"))
        return None
    try:
        first = PartialDate.parse(start).earliest() if start is not None else None
    except DateFormatError:
        return end
    if first is not None and last < first:
        result.warnings.append(Note(where, "end before start; end left out"))
        return None
    return end


def ordered(record: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """The record with FORMAT.md's field order and without empty optional fields."""
    out = {k: record[k] for k in order if k in record and record[k] not in (None, "", {}, [])}
    if record.get("attributes"):
        out["attributes"] = {k: v for k, v in record["attributes"].items() if v not in (None, "")}
    return out


#: how MME and JME write a participant they could not identify
UNIDENTIFIED = "-9"


def exercise_participants(values: list[str], to_state: Callable[[str], str | None], where: str,
                          actors: dict[str, dict[str, Any]], result: ImportResult, *,
                          what: str = "name") -> tuple[list[str], int, list[str]] | None:
    """The actor ids of a multilateral record's participant cells (MME names, JME codes).

    ``-9`` (unidentified) and values ``to_state`` cannot map are *left out and
    reported* as warnings; the caller keeps their counts on the tie.  ``NATO``
    is the organisation ``nato``.  A participant listed twice is listed once
    (warned).  With fewer than two left the record is skipped and reported and
    None returned, else ``(ids, number unidentified, unmapped values)``.
    """
    from tiegraph.loaders.crosswalk import ORGANIZATIONS, state_actor

    participants: list[str] = []
    unidentified, unmapped = 0, []
    for value in values:
        if value == UNIDENTIFIED:
            unidentified += 1
            continue
        actor_id = value.strip().lower()
        if actor_id in ORGANIZATIONS:
            actors.setdefault(actor_id, ORGANIZATIONS[actor_id])
        else:
            actor_id = to_state(value)  # type: ignore[assignment]
            if actor_id is None:
                unmapped.append(value)
                continue
            actors.setdefault(actor_id, state_actor(actor_id))
        if actor_id in participants:
            result.warnings.append(Note(f"{where} ({value})", "participant listed twice; listed once"))
            continue
        participants.append(actor_id)
    if len(participants) < 2:
        detail = f"{len(participants)} identified" + (f", {unidentified} x -9" if unidentified else "") \
            + (f", unmapped {', '.join(unmapped)}" if unmapped else "")
        result.skipped.append(Skip(f"{where} ({detail})", "fewer than two identified participants"))
        return None
    if unidentified:
        result.warnings.append(Note(where, "unidentified participant (-9) left out"))
    for value in unmapped:
        result.warnings.append(Note(f"{where} ('{value}')", f"participant {what} not mapped to an ISO3 id; "
                                                            "left out"))
    return participants, unidentified, unmapped


# --------------------------------------------------------------------------- validation


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
    from tiegraph.loaders.curated import data_files
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


def _validate(stage: Path, others: list[Path]) -> None:
    """The staged files must load on their own and next to ``others`` (the bundled data).

    Problems that lie in ``others`` themselves (someone's half-edited
    data/ties/*.yaml) are not the import's and do not block it; problems in the
    staged files — e.g. a state whose record differs from the bundled one — do.
    """
    from tiegraph.loaders.curated import load_dataset
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


def write_import(result: ImportResult, into: Path, validate_with: list[Path]) -> tuple[Path, Path]:
    """Write ``into/ties/SOURCE.jsonl`` and ``into/actors/SOURCE.jsonl``: validated, both or neither.

    The two files are first written to a staging directory next to the target
    and loaded with ``load_dataset`` together with ``validate_with`` (the data
    directories users will pass alongside).  Only then are the old files moved
    aside and the new ones renamed in; if the second rename fails the first is
    undone.  Re-running replaces the files, so an import never duplicates.
    """
    if not result.ties:
        raise TiegraphError(f"{result.source}: no ties produced, nothing written")
    created = not into.exists()
    try:
        into.mkdir(parents=True, exist_ok=True)
        return _replace(result, into, validate_with)
    except OSError as exc:
        raise TiegraphError(f"{exc.filename or into}: cannot write: {exc.strerror}") from None
    finally:
        if created and into.is_dir() and not any(into.iterdir()):
            into.rmdir()  # a failed first import leaves no empty directory behind


def _replace(result: ImportResult, into: Path, validate_with: list[Path]) -> tuple[Path, Path]:
    name = f"{result.source}.jsonl"
    targets = (into / "actors" / name, into / "ties" / name)
    stage = Path(tempfile.mkdtemp(prefix=f".import-{result.source}-", dir=into))
    try:
        staged = (stage / "actors" / name, stage / "ties" / name)
        for path, records in zip(staged, (result.actors, result.ties)):
            path.parent.mkdir()
            path.write_text(jsonl(records), encoding="utf-8")
        _validate(stage, validate_with)
        for target in targets:
            target.parent.mkdir(exist_ok=True)
        backups: list[tuple[Path, Path]] = []
        done: list[Path] = []
        try:
            for source, target in zip(staged, targets):
                if target.exists():
                    backup = stage / f"{target.parent.name}.previous"
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
    return targets
