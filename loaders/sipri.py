"""SIPRI Arms Transfers Database CSV exports -> ``arms_transfer`` ties: the trade-register layout.

``read_sipri`` reads both of SIPRI's layouts, told apart by their header: the older
"trade register" (``Recipient,Supplier,…``, one record per deal), read here, and the
current per-delivery export (``SIPRI AT Database ID,Supplier,…``, one row per deal and
delivery year), read by ``loaders/sipri_transfers.py``.  Both give ties of dataset
``sipri``; the rules they share (actors, ``delivery_years``, ``system``) are in
``loaders/sipri_common.py``.  The import summary names the layout read.

The trade register is not a clean CSV, so it is parsed by hand rather than with
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
order; deliveries, numbers, weapon and TIV values go to ``attributes``: the
designation as ``system`` (the name every dataset uses), the delivery years as
``delivery_years`` (``2020;2021``: 4-digit years, ascending; anything else in the
column is left out with a warning).  Status
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

from tiegraph.loaders import sipri_common as common
from tiegraph.loaders.crosswalk import slug
from tiegraph.loaders.result import TIE_ORDER, ExternalFormatError, ImportResult, Note, Skip, ordered
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage

DOCUMENT = "SIPRI Arms Transfers Database, trade register"
LAYOUT = "trade register (one record per deal)"
HEADER = ("Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
          "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
          "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons")
FIELDS = ("recipient", "supplier", "order_year", "order_year_uncertain", "ordered",
          "ordered_uncertain", "designation", "description", "delivered", "delivered_uncertain",
          "delivery_years", "condition", "comments", "tiv_unit", "tiv_order", "tiv_delivered")
WIDTH = len(HEADER)
#: how each layout's header line starts
REGISTER_START, TRANSFERS_START = "Recipient,Supplier,", "SIPRI AT Database ID,Supplier,"


def read_sipri(path: Path | str) -> ImportResult:
    """Read a SIPRI CSV export of either layout, told apart by its header (nothing is written)."""
    label, text, encoding = common.read_text(path)
    lines = text.split("\n")  # LF only: a CR belongs to the line (CR LF breaks are repaired below)
    header_index, start = next(((i, start) for i, line in enumerate(lines[:common.HEADER_SEARCH])
                                for start in (REGISTER_START, TRANSFERS_START) if line.startswith(start)),
                               (None, None))
    if header_index is None:
        raise ExternalFormatError(label, 1, None, f"no '{REGISTER_START}…' (trade register) or "
                                  f"'{TRANSFERS_START}…' (per-delivery export) header in the first "
                                  f"{common.HEADER_SEARCH} lines (not a SIPRI export?)")
    if start == TRANSFERS_START:
        from tiegraph.loaders.sipri_transfers import read_transfers

        return read_transfers(label, text, encoding, lines[:header_index + 1])
    common.check_header(tuple(lines[header_index].rstrip("\r").split(",")), HEADER, label, header_index + 1)
    made = common.generated(lines[:header_index])
    document = f"{DOCUMENT} (data generated {made or 'date not stated'}): {label}"
    result = common.SipriResult(common.SOURCE, layout=LAYOUT)
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
    result.coverage = _coverage(years, made)
    return finalize(result)


def _coverage(years: set[int], made: str | None) -> Coverage | None:
    """The register's years: earliest to latest year of order or delivery among the records read."""
    if not years:
        return None
    return Coverage(common.SOURCE, min(years), max(years), "systematic", ("arms_transfer",),
                    "SIPRI Arms Transfers Database: every transfer of major conventional arms SIPRI "
                    f"recorded (trade register, data generated {made or 'date not stated'}); years "
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


def _tie(rec: dict[str, str], line: int, raw: str, label: str, document: str,
         actors: dict[str, dict[str, Any]], result: ImportResult) -> dict[str, Any] | None:
    where = f"{label}:{line}"
    year = int(rec["order_year"]) if common.YEAR.fullmatch(rec["order_year"].strip()) else None
    pair = common.endpoints(rec["supplier"], rec["recipient"], year, where, actors, result)
    if pair is None:
        return None
    supplier, recipient = pair
    common.order_year(rec["order_year"], where, result)  # warns when it is not a year
    deliveries = [y for y in re.split(r"\s*;\s*", rec["delivery_years"].strip()) if y]
    for bad in (y for y in deliveries if not common.YEAR.fullmatch(y)):
        result.warnings.append(Note(f"{where} ('{bad}')", "delivery year that is not a year left out"))
    deliveries = [y for y in deliveries if common.YEAR.fullmatch(y)]
    delivered = common.number(rec["delivered"])
    attributes: dict[str, Any] = {
        **common.system_attributes(rec["designation"]),
        "weapon_description": rec["description"].strip(),
        "number_ordered": common.number(rec["ordered"]),
        "number_ordered_uncertain": rec["ordered_uncertain"].strip() == "?",
        "number_delivered": delivered,
        "number_delivered_uncertain": rec["delivered_uncertain"].strip() == "?",
        "order_year_uncertain": rec["order_year_uncertain"].strip() == "?",
        **common.delivery_attributes(deliveries),
        "condition": rec["condition"].strip(),
        "comments": rec["comments"].strip(),
        "tiv_per_unit": common.number(rec["tiv_unit"]),
        "tiv_total_order": common.number(rec["tiv_order"]),
        "tiv_delivered": common.number(rec["tiv_delivered"]),
        "sipri_supplier": rec["supplier"].strip(),
        "sipri_recipient": rec["recipient"].strip(),
    }
    digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
    tie_id = f"sipri-{slug(supplier)}-{slug(recipient)}-{year or 'undated'}-{digest}"
    record = {
        "id": tie_id, "type": "arms_transfer", "from": supplier, "to": recipient,
        "start": str(year) if year else None,
        "status": "delivered" if deliveries or (delivered or 0) > 0 else "signed",
        "title": f"{rec['designation'].strip()} ({rec['description'].strip()})",
        "attributes": attributes,
        "sources": [{"document": document, "locator": f"line {line}", "url": common.URL}],
        "dataset": common.SOURCE,
    }
    return ordered(record, TIE_ORDER)
