"""SIPRI Arms Transfers Database trade-register CSV export -> ``arms_transfer`` ties.

The export is not a clean CSV, so it is parsed by hand rather than with
``csv``/pandas, which would silently misread it:

* latin-1 in the March 2025 export (names such as "Türkiye" in Comments are byte
  0xFC), but a copy re-saved by a spreadsheet is UTF-8, often with a BOM: the
  encoding is detected (``readers.decode_text``: BOM, else UTF-8 when the bytes are
  valid UTF-8, else latin-1) and named in the import summary, so "Bü-181" is never
  read as "BÃ¼-181" (with a new tie id);
* a free-text preamble (11 lines in the 2025 export) before the header; the
  header is found by its first fields, and the "Data generated" line is kept
  for the citation;
* unquoted fields: the export writes ``;`` inside text, never ``,``; the
  uncertainty columns after "Year of order", "Number ordered" and "Number
  delivered" are named with a single space and hold ``?`` or nothing;
* a raw line break (LF or CR LF) inside Comments splits a record over two
  physical lines (four records in the March 2025 full export).  Lines are split
  on LF only; a line with fewer than 16 fields is joined with the next line when
  — and only when — the two make exactly 16 fields.  The repair is reported
  with both line numbers; anything else is skipped and reported, never shifted.
  A last record cut short (fewer than 16 fields at the end of the file) means the
  file is truncated: an error, as in every other loader, not a skip.

Actors: states through the crosswalk.  Names ending in ``*`` (non-state armed
groups, e.g. "Syria rebels*") or ``**`` (international organisations, e.g.
"United Nations**") become ``organization`` actors with a slug id
(``syria-rebels``); such a name is never passed to the name matcher, which
would turn "Syria rebels" into Syria.  An ``arms_transfer`` supplier must be a
state or company, so a transfer *from* an armed group (``*``) or an international
organisation (``**``: the UN, the EU, NATO) is skipped and reported as such, and so
is one from "unknown supplier(s)" or to "unknown recipient(s)".  "Northern
Cyprus" is ``XNC``, as in the bundled data (coco would say CYP).

Coverage (``coverage.yaml``): systematic for ``arms_transfer``, from the earliest
to the latest year of order or delivery in the file (the register's years).

One record = one deal = one tie (supplier -> recipient), dated by the year of
order; deliveries, numbers, weapon and TIV values go to ``attributes``.  Status
is ``delivered`` when SIPRI lists a delivery year or a delivered number, else
``signed``.  There is no record id in the export: the tie id is made from
supplier, recipient, order year and a short hash of the record text, so the
same record gets the same id in a full export and in a subset cut from it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from tiegraph.loaders.crosswalk import name_to_iso3, slug, state_actor
from tiegraph.loaders.readers import decode_text
from tiegraph.loaders.result import TIE_ORDER, ExternalFormatError, ImportResult, Note, Skip, ordered
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage

SOURCE = "sipri"
DOCUMENT = "SIPRI Arms Transfers Database, trade register"
URL = "https://www.sipri.org/databases/armstransfers"
HEADER = ("Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
          "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
          "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons")
FIELDS = ("recipient", "supplier", "order_year", "order_year_uncertain", "ordered",
          "ordered_uncertain", "designation", "description", "delivered", "delivered_uncertain",
          "delivery_years", "condition", "comments", "tiv_unit", "tiv_order", "tiv_delivered")
WIDTH = len(HEADER)
UNKNOWN = {"unknown supplier(s)": "supplier", "unknown recipient(s)": "recipient"}
ARMED_GROUP, ORGANISATION = "armed group", "international organisation"


def read_sipri(path: Path | str) -> ImportResult:
    """Read a SIPRI trade-register CSV export (nothing is written)."""
    path = Path(path)
    label = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExternalFormatError(label, None, None, f"cannot read: {exc.strerror}") from None
    text, encoding = decode_text(data)
    lines = text.split("\n")  # LF only: a CR belongs to the line (CR LF breaks are repaired below)
    header_index = next((i for i, line in enumerate(lines[:40])
                         if line.rstrip("\r").startswith("Recipient,Supplier,")), None)
    if header_index is None:
        raise ExternalFormatError(label, 1, None, "no 'Recipient,Supplier,…' header in the first 40 "
                                                  "lines (not a SIPRI trade-register export?)")
    header = tuple(lines[header_index].rstrip("\r").split(","))
    if header != HEADER:
        i = next((i for i, expected in enumerate(HEADER) if i >= len(header) or header[i] != expected), WIDTH)
        found = (f"is missing (the header has {len(header)} columns, SIPRI's export {WIDTH})"
                 if i >= len(header) else f"is '{header[i]}', SIPRI's export has '{HEADER[i]}'"
                 if i < WIDTH else f"is extra (the header has {len(header)} columns, SIPRI's export {WIDTH})")
        raise ExternalFormatError(label, header_index + 1, f"column {i + 1}", found)
    generated = next((line.split(":", 1)[1].strip() for line in lines[:header_index]
                      if line.startswith("Data generated:")), None)
    document = f"{DOCUMENT} (data generated {generated or 'date not stated'}): {label}"
    result = ImportResult(SOURCE)
    result.encodings[label] = encoding
    actors: dict[str, dict[str, Any]] = {}
    used_ids: dict[str, int] = {}
    records = 0
    years: set[int] = set()  # every year of order or delivery read, for the coverage
    for line, raw, values in _records(lines, header_index + 1, label, result):  # one pass: skips in file order
        records += 1
        years.update(int(y) for y in re.split(r"[;\s]+", f"{values[2]};{values[10]}") if y.isdigit())
        tie = _tie(dict(zip(FIELDS, values)), line, raw, label, document, actors, result)
        if tie is None:
            continue
        count = used_ids.get(tie["id"], 0) + 1
        used_ids[tie["id"]] = count
        if count > 1:  # the same record text twice in the export: keep both, distinguishably
            tie["id"] = f"{tie['id']}-{count}"
        result.ties.append(tie)
    result.files[label] = records + sum(1 for s in result.skipped if s.reason.startswith("malformed"))
    result.actors = list(actors.values())
    result.coverage = _coverage(years, generated)
    return finalize(result)


def _coverage(years: set[int], generated: str | None) -> Coverage | None:
    """The register's years: earliest to latest year of order or delivery among the records read."""
    if not years:
        return None
    return Coverage(SOURCE, min(years), max(years), "systematic", ("arms_transfer",),
                    "SIPRI Arms Transfers Database: every transfer of major conventional arms SIPRI "
                    f"recorded (trade register, data generated {generated or 'date not stated'}); years "
                    "from the earliest to the latest year of order or delivery in the export.")


def _records(lines: list[str], first: int, label: str, result: ImportResult):
    """Yield (line number, raw text, 16 fields) per logical record, repairing split records."""
    index = first
    while index < len(lines):
        line = lines[index]
        number = index + 1
        index += 1
        if not line.strip("\r").strip():
            continue
        text = line.rstrip("\r")
        fields = text.split(",")
        if len(fields) < WIDTH and index < len(lines):
            follow = lines[index].rstrip("\r")
            joined = text + ("" if follow.startswith(",") else " ") + follow
            if len(joined.split(",")) == WIDTH:
                kind = "CR LF" if line.endswith("\r") else "LF"
                result.repairs.append(Note(f"{label}:{number}-{number + 1}",
                                           f"record split by a raw line break ({kind}) inside "
                                           f"Comments, rejoined"))
                index += 1
                yield number, joined, joined.split(",")
                continue
        if len(fields) < WIDTH and not any(line.strip("\r").strip() for line in lines[index:]):
            raise ExternalFormatError(label, number, None, f"the file ends inside a record ({len(fields)} of "
                                      f"{WIDTH} fields): truncated? Export the trade register again")
        if len(fields) != WIDTH:
            result.skipped.append(Skip(f"{label}:{number} ({len(fields)} fields)",
                                       f"malformed record: not {WIDTH} comma-separated fields and not "
                                       f"repairable by joining the next line"))
            continue
        yield number, text, fields


def _actor(name: str, year: int | None, actors: dict[str, dict[str, Any]]) -> tuple[str | None, str]:
    """(actor id, kind) for a SIPRI name; (None, why) when it cannot be mapped.

    The kind is "state", ARMED_GROUP (``*``), ORGANISATION (``**``), "unknown" or "unmapped".
    """
    clean = name.strip()
    if clean.endswith("*"):
        stars = len(clean) - len(clean.rstrip("*"))
        base = clean.rstrip("*").strip()
        actor_id = slug(base)
        kind = ORGANISATION if stars >= 2 else ARMED_GROUP
        actors.setdefault(actor_id, {"id": actor_id, "kind": "organization", "name": base,
                                     "note": f"SIPRI {kind} ('{'*' * min(stars, 2)}' in SIPRI): '{clean}'."})
        return actor_id, kind
    if clean.lower() in UNKNOWN:
        return None, "unknown"
    iso = name_to_iso3(clean, year)
    if iso is None:
        return None, "unmapped"
    actors.setdefault(iso, state_actor(iso))
    return iso, "state"


def _tie(rec: dict[str, str], line: int, raw: str, label: str, document: str,
         actors: dict[str, dict[str, Any]], result: ImportResult) -> dict[str, Any] | None:
    where = f"{label}:{line}"
    year = int(rec["order_year"]) if rec["order_year"].strip().isdigit() else None
    supplier, supplier_kind = _actor(rec["supplier"], year, actors)
    recipient, recipient_kind = _actor(rec["recipient"], year, actors)
    for role, name, kind in (("supplier", rec["supplier"], supplier_kind),
                             ("recipient", rec["recipient"], recipient_kind)):
        if kind == "unknown":
            other = rec["recipient" if role == "supplier" else "supplier"].strip()
            result.skipped.append(Skip(f"{where} ({'to' if role == 'supplier' else 'from'} {other})",
                                       f"{role} unknown ('{name.strip()}' in SIPRI)"))
            return None
        if kind == "unmapped":
            result.skipped.append(Skip(f"{where} ('{name.strip()}')",
                                       f"{role} name not mapped to a country (ISO3 id)"))
            return None
    if supplier_kind in (ARMED_GROUP, ORGANISATION):
        result.skipped.append(Skip(f"{where} ('{rec['supplier'].strip()}')",
                                   f"supplier is an {supplier_kind}, not a state or company (the "
                                   "supplier of an arms_transfer must be one)"))
        return None
    if supplier == recipient:
        result.skipped.append(Skip(f"{where} ({supplier})", "supplier and recipient are the same state"))
        return None
    if year is None and rec["order_year"].strip():
        result.warnings.append(Note(where, f"year of order '{rec['order_year'].strip()}' is not a year; "
                                           f"tie left undated"))
    deliveries = [y for y in re.split(r"\s*;\s*", rec["delivery_years"].strip()) if y]
    bad_years = [y for y in deliveries if not y.isdigit()]
    if bad_years:
        result.warnings.append(Note(where, "delivery year that is not a year kept as text"))
    delivered = _number(rec["delivered"])
    attributes: dict[str, Any] = {
        "weapon_designation": rec["designation"].strip(),
        "weapon_description": rec["description"].strip(),
        "number_ordered": _number(rec["ordered"]),
        "number_ordered_uncertain": rec["ordered_uncertain"].strip() == "?",
        "number_delivered": delivered,
        "number_delivered_uncertain": rec["delivered_uncertain"].strip() == "?",
        "order_year_uncertain": rec["order_year_uncertain"].strip() == "?",
        "delivery_years": ";".join(deliveries),
        "first_delivery": deliveries[0] if deliveries else None,
        "last_delivery": deliveries[-1] if deliveries else None,
        "condition": rec["condition"].strip(),
        "comments": rec["comments"].strip(),
        "tiv_per_unit": _number(rec["tiv_unit"]),
        "tiv_total_order": _number(rec["tiv_order"]),
        "tiv_delivered": _number(rec["tiv_delivered"]),
        "sipri_supplier": rec["supplier"].strip(),
        "sipri_recipient": rec["recipient"].strip(),
    }
    digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
    tie_id = f"sipri-{slug(supplier)}-{slug(recipient)}-{year or 'undated'}-{digest}"  # type: ignore[arg-type]
    record = {
        "id": tie_id, "type": "arms_transfer", "from": supplier, "to": recipient,
        "start": str(year) if year else None,
        "status": "delivered" if deliveries or (delivered or 0) > 0 else "signed",
        "title": f"{rec['designation'].strip()} ({rec['description'].strip()})",
        "attributes": attributes,
        "sources": [{"document": document, "locator": f"line {line}", "url": URL}],
        "dataset": SOURCE,
    }
    return ordered(record, TIE_ORDER)


def _number(text: str) -> int | float | None:
    """A count or TIV value; blank means 'not available', never zero."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in value else number
