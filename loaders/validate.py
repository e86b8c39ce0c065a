"""Turn raw records into validated actors and ties, collecting every problem.

Validation never stops at the first problem: a user fixing a file wants the
whole list.  Each problem names file, line, record and field.

Strings that repeat across ties (type, status, actor ids, documents, URLs,
dataset names, attribute names and short attribute values) are interned, so
a million ties share one copy of each instead of holding a million copies
(see BENCHMARKS.md).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from tiegraph.loaders.records import RawRecord
from tiegraph.model.coverage import COVERAGE_KINDS, Coverage
from tiegraph.model.dates import MAX_YEAR, MIN_YEAR, DateFormatError, PartialDate
from tiegraph.model.entities import Actor, Conflict, Origin, Reading, Source, Tie
from tiegraph.model.errors import Problem
from tiegraph.model.vocabulary import ACTOR_KINDS, MEMBERSHIP_ROLES, STATUSES, TIE_TYPES

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ISO3 = re.compile(r"^[A-Z]{3}$")
MAX_COUNT = 100_000
MAX_TEXT = 10_000

ACTOR_FIELDS = {"id", "kind", "name", "aliases", "country", "note"}
TIE_FIELDS = {"id", "type", "participants", "from", "to", "start", "end", "status", "count",
              "title", "attributes", "sources", "conflicts", "note", "dataset"}
SOURCE_FIELDS = {"document", "locator", "quote", "url"}
#: attribute values up to this length are interned (systems, roles, units repeat; prose does not)
INTERN_MAX = 64
_STATUS = {s: s for s in STATUSES}
#: what ``actor_kind`` returns for an id it cannot judge (its actor record, or the whole actors
#: file, failed and is reported on its own): no "unknown actor" line for every tie naming it
UNCHECKED = "?"
COVERAGE_FIELDS = {"dataset", "first_year", "last_year", "kind", "tie_types", "note"}


def normal_id(value: Any) -> str | None:
    """An id as every check compares it: text without surrounding spaces; a number as its digits.

    ``id: 2021`` and ``id: "2021"`` are one id, and so are ``"x "`` and ``x``
    (data/FORMAT.md, "Ids").  Anything else (a list, true) is not an id: None.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _intern(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)


def _intern_value(value: Any) -> Any:
    if type(value) is str and len(value) <= INTERN_MAX:
        return sys.intern(value)
    return value


class RecordChecker:
    """Collects problems for one record; ``fail`` records one and returns None."""

    def __init__(self, raw: RawRecord, kind: str, problems: list[Problem]):
        self.raw = raw
        self.problems = problems
        rid = raw.data.get("id")
        self.label = f"{kind} '{rid}'" if isinstance(rid, str) and rid else f"{kind} #{raw.line}"
        self.failed = False

    def fail(self, field: str | None, message: str) -> None:
        line = self.raw.line_of(field) if field else self.raw.line
        self.problems.append(Problem(self.raw.file, line, self.label, field, message))
        self.failed = True

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.raw.data.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(field, f"must be text, got {type(value).__name__}")
            return None
        if len(value) > MAX_TEXT:
            self.fail(field, f"is {len(value)} characters long (at most {MAX_TEXT})")
            return None
        return value.strip()

    def unknown_fields(self, allowed: set[str]) -> None:
        for key in self.raw.data:
            if key not in allowed:
                self.fail(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _date(check: RecordChecker, field: str) -> PartialDate | None:
    value = check.raw.data.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        check.fail(field, f"'{value}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        return None
    try:
        return PartialDate.parse(value)
    except DateFormatError as exc:
        check.fail(field, str(exc))
        return None


def build_actor(raw: RawRecord, problems: list[Problem]) -> Actor | None:
    check = RecordChecker(raw, "actor", problems)
    check.unknown_fields(ACTOR_FIELDS)
    actor_id = check.text("id", required=True)
    kind = check.text("kind", required=True)
    name = check.text("name", required=True)
    country = check.text("country")
    if kind is not None and kind not in ACTOR_KINDS:
        check.fail("kind", f"unknown kind '{kind}' (use one of: {', '.join(ACTOR_KINDS)})")
    if actor_id is not None and kind in ACTOR_KINDS:
        if kind == "state" and not ISO3.match(actor_id):
            check.fail("id", f"state id '{actor_id}' must be an ISO 3166-1 alpha-3 code such as TUR")
        if kind != "state" and not SLUG.match(actor_id):
            check.fail("id", f"{kind} id '{actor_id}' must be a lowercase slug such as 'baykar'")
    if kind == "company" and country is None:
        check.fail("country", "is required for a company (its home state's ISO3 id)")
    aliases = raw.data.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        check.fail("aliases", "must be a list of names")
        aliases = []
    if check.failed:
        return None
    return Actor(actor_id, kind, name, tuple(aliases), country, check.text("note"),  # type: ignore[arg-type]
                 Origin(raw.file, raw.line))


def _sources(check: RecordChecker) -> tuple[Source, ...]:
    value = check.raw.data.get("sources")
    if not value:
        check.fail("sources", "at least one source is required (document + locator or quote)")
        return ()
    if not isinstance(value, list):
        check.fail("sources", "must be a list of {document, locator, quote, url}")
        return ()
    sources = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            check.fail("sources", f"source {index} must be a mapping with document and locator/quote")
            continue
        extra = set(item) - SOURCE_FIELDS
        if extra:
            check.fail("sources", f"source {index} has unknown field '{sorted(extra)[0]}'")
        fields = {k: (str(item[k]).strip() if item.get(k) not in (None, "") else None)
                  for k in SOURCE_FIELDS}
        document = fields["document"] or fields["url"]
        if not document:
            check.fail("sources", f"source {index} needs a document or url")
            continue
        if not (fields["locator"] or fields["quote"]):
            check.fail("sources", f"source {index} ({document}) needs a locator or a quote")
            continue
        sources.append(Source(sys.intern(document), fields["locator"], fields["quote"], _intern(fields["url"])))
    return tuple(sources)


def _conflicts(check: RecordChecker, documents: set[str]) -> tuple[Conflict, ...]:
    value = check.raw.data.get("conflicts")
    if value is None:
        return ()
    if not isinstance(value, list):
        check.fail("conflicts", "must be a list of {field, note, readings}")
        return ()
    conflicts = []
    for index, item in enumerate(value, start=1):
        readings_raw = item.get("readings") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not item.get("field") or not isinstance(readings_raw, list):
            check.fail("conflicts", f"conflict {index} needs a field and a list of readings")
            continue
        readings = []
        for reading in readings_raw:
            if not isinstance(reading, dict) or reading.get("value") is None or not reading.get("source"):
                check.fail("conflicts", f"conflict {index}: each reading needs a value and a source")
                continue
            source = str(reading["source"])
            if source not in documents:
                check.fail("conflicts", f"conflict {index}: reading source '{source}' is not among the tie's sources")
            readings.append(Reading(str(reading["value"]), source))
        if len(readings_raw) < 2:
            check.fail("conflicts", f"conflict {index} needs at least two readings")
        conflicts.append(Conflict(str(item["field"]), tuple(readings),
                                  str(item["note"]) if item.get("note") else None))
    return tuple(conflicts)


def _attributes(check: RecordChecker) -> dict[str, Any]:
    value = check.raw.data.get("attributes")
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.fail("attributes", "must be a mapping of names to values")
        return {}
    for key, item in value.items():
        if item is not None and not isinstance(item, (str, int, float, bool)):
            check.fail("attributes", f"'{key}' must be a single value (text, number or true/false)")
    return {sys.intern(str(k)): _intern_value(v) for k, v in value.items() if v is not None}


def _participants(check: RecordChecker, directed: bool | None) -> tuple[str, ...]:
    data = check.raw.data
    if directed is None:  # unknown type: still check the ids given
        ids = data.get("participants")
        if not isinstance(ids, list):
            ids = [data.get("from"), data.get("to")]
        return tuple(i for i in ids if isinstance(i, str))
    if directed:
        if "participants" in data:
            check.fail("participants", f"'{data.get('type')}' is directed: give 'from' and 'to' instead")
            return ()
        origin, target = check.text("from", required=True), check.text("to", required=True)
        if origin is None or target is None:
            return ()
        if origin == target:
            check.fail("to", f"self-tie: '{origin}' cannot be tied to itself")
            return ()
        return (sys.intern(origin), sys.intern(target))
    if "from" in data or "to" in data:
        check.fail("from" if "from" in data else "to",
                   f"'{data.get('type')}' is undirected: list the actors in 'participants'")
        return ()
    value = data.get("participants")
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        check.fail("participants", "must be a list of actor ids")
        return ()
    value = [p.strip() for p in value]
    if len(value) != len(set(value)):
        dup = next(p for p in value if value.count(p) > 1)
        check.fail("participants", f"self-tie: '{dup}' is listed twice")
        return ()
    if len(value) < 2:
        check.fail("participants", "a tie needs at least two participants")
        return ()
    return tuple(sys.intern(p) for p in value)


def build_tie(raw: RawRecord, problems: list[Problem], actor_kind: Callable[[str], str | None],
              default_dataset: str = "seeds") -> Tie | None:
    """Validate one tie record against the vocabulary and the known actors."""
    check = RecordChecker(raw, "tie", problems)
    check.unknown_fields(TIE_FIELDS)
    tie_id = check.text("id", required=True)
    if tie_id is not None and not SLUG.match(tie_id):
        check.fail("id", f"'{tie_id}' is not a lowercase slug like 'tur-aze-shusha-2021'")
    type_name = check.text("type", required=True)
    tie_type = TIE_TYPES.get(type_name or "")
    if type_name is not None and tie_type is None:
        check.fail("type", f"unknown tie type '{type_name}' (see 'tiegraph types')")
    participants = _participants(check, tie_type.directed if tie_type else None)
    for field, actor_id in zip(_participant_fields(tie_type, participants), participants):
        kind = actor_kind(actor_id)
        if kind == UNCHECKED:
            continue
        if kind is None:
            check.fail(field, f"unknown actor id '{actor_id}' (not in any actors file)")
        elif tie_type is not None:
            allowed = tie_type.to_kinds if (tie_type.directed and field == "to") else tie_type.from_kinds
            if kind not in allowed:
                role = tie_type.roles[1 if field == "to" else 0]
                check.fail(field, f"wrong direction: {tie_type.name} {role} '{actor_id}' is {_article(kind)} {kind} "
                                  f"(must be {' or '.join(sorted(allowed))})")
    start, end = _date(check, "start"), _date(check, "end")
    if start and end and end.latest() < start.earliest():
        check.fail("end", f"end {end} is before start {start}")
    status = check.text("status", required=True)
    if status is not None and status not in STATUSES:
        check.fail("status", f"unknown status '{status}' (use one of: {', '.join(STATUSES)})")
    count = raw.data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        check.fail("count", f"'{count}' must be a whole number from 1 to {MAX_COUNT}")
    attributes = _attributes(check)
    if tie_type is not None and tie_type.name == "membership" and attributes.get("role") not in MEMBERSHIP_ROLES:
        check.fail("attributes", f"membership needs attributes.role: {' or '.join(MEMBERSHIP_ROLES)}")
    sources = _sources(check)
    conflicts = _conflicts(check, {s.document for s in sources})
    title, note = check.text("title") or "", check.text("note")
    dataset = _intern(check.text("dataset")) or default_dataset
    if check.failed:
        return None
    return Tie(tie_id, tie_type.name, participants, start, _STATUS[status], sources, title, end,  # type: ignore[union-attr,index,arg-type]
               count, attributes, conflicts, note, dataset, Origin(raw.file, raw.line))


def _participant_fields(tie_type: Any, participants: tuple[str, ...]) -> list[str]:
    if tie_type is not None and tie_type.directed:
        return ["from", "to"]
    return ["participants"] * len(participants)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def build_coverage(raw: RawRecord, problems: list[Problem]) -> Coverage | None:
    """One record of ``coverage.yaml`` (data/FORMAT.md, "Coverage"), checked like a tie."""
    check = RecordChecker(raw, "coverage", problems)
    check.label = f"coverage '{raw.data.get('dataset')}'" if isinstance(raw.data.get("dataset"), str) \
        else f"coverage #{raw.line}"
    check.unknown_fields(COVERAGE_FIELDS)
    dataset = check.text("dataset", required=True)
    years: list[int] = []
    for field in ("first_year", "last_year"):
        value = raw.data.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
            check.fail(field, f"'{value}' must be a year from {MIN_YEAR} to {MAX_YEAR}" if value is not None
                       else "is required")
        years.append(value)  # type: ignore[arg-type]  # checked: a failed record is not built
    if not check.failed and years[0] > years[1]:
        check.fail("last_year", f"last_year {years[1]} is before first_year {years[0]}")
    kind = check.text("kind", required=True)
    if kind is not None and kind not in COVERAGE_KINDS:
        check.fail("kind", f"unknown kind '{kind}' (use one of: {', '.join(COVERAGE_KINDS)})")
    types = raw.data.get("tie_types")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        check.fail("tie_types", "must be a non-empty list of tie types")
        types = []
    for name in types:
        if name not in TIE_TYPES:
            check.fail("tie_types", f"unknown tie type '{name}' (see 'tiegraph types')")
    note = check.text("note") or ""
    if check.failed:
        return None
    return Coverage(dataset, years[0], years[1], kind, tuple(types), note)  # type: ignore[arg-type]
