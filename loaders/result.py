"""What every external-dataset loader returns, and the record builders they share.

The loaders under ``loaders/`` (dcad, atop, sipri, mme, jme) are *pure row builders*:
they read a third-party file (``loaders/readers.py``) and return an ``ImportResult``
holding tie and actor records in the project's own JSONL format (data/FORMAT.md).
They never write: ``loaders/writer.py`` validates and writes, all or nothing.

Every record that does not become a tie is accounted for: ``skipped`` says where
and why, ``repairs`` lists what was fixed (e.g. a SIPRI record broken over two
lines) and ``warnings`` what was kept with a caveat.  Nothing disappears silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tiegraph.model.coverage import Coverage
from tiegraph.model.errors import ExternalFormatError

__all__ = ["ExternalFormatError", "ImportResult", "Note", "Skip"]

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
    #: what the dataset covers (written to coverage.yaml beside the ties); set by each loader
    coverage: Coverage | None = None
    #: how each file was decoded, when the loader had to detect it (file name -> encoding)
    encodings: dict[str, str] = field(default_factory=dict)

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
        lines = [f"{self.source}: {name}: {count} records read"
                 + (f" (encoding: {self.encodings[name]})" if name in self.encodings else "")
                 for name, count in self.files.items()]
        types = Counter(t["type"] for t in self.ties)
        lines.append(f"{self.source}: ties produced: {len(self.ties)}"
                     + (f" ({', '.join(f'{k} {v}' for k, v in sorted(types.items()))})" if types else ""))
        kinds = Counter(a["kind"] for a in self.actors)
        lines.append(f"{self.source}: actors: {len(self.actors)}"
                     + (f" ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})" if kinds else ""))
        if self.coverage is not None:
            c = self.coverage
            lines.append(f"{self.source}: coverage: {c.first_year}-{c.last_year}, {c.kind} "
                         f"({', '.join(c.tie_types)})")
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
    unidentified, unmapped = 0, list[str]()
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

