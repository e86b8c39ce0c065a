"""SIPRI's current per-delivery CSV export -> ``arms_transfer`` ties, one per deal.

What SIPRI's Arms Transfers Database serves today (``read_sipri`` in
``loaders/sipri.py`` sends a file here when its header starts ``SIPRI AT Database
ID,Supplier,``).  The layout, as checked on the February 2026 export:

* one row per deal **and delivery year**; a deal delivered over three years has
  three rows with the same ``SIPRI AT Database ID`` (SIPRI's stable deal id);
* an 11-line preamble (the selection, e.g. "Deals with deliveries made for the
  year range '1995' to '2025'", and "Data generated: …" for the citation);
* every line ends with ``;`` after its last field; CR LF line ends (a copy saved
  with LF reads the same); a field holding a comma is double-quoted, so rows are
  read with ``csv`` (quotes, and line breaks inside quotes, handled);
* estimates are flagged in their own Yes/No columns (blank: not stated);
* ``SIPRI estimate`` is the TIV per unit of the weapon as new, ``TIV deal unit``
  the TIV per unit in this deal (0.4 of it second hand, 0.66 second hand but
  modernised), ``TIV delivery values`` the TIV of the row's delivery.

**One deal = one tie** (supplier -> recipient), id ``sipri-<deal id>``: stable
across exports and subsets.  It is dated by the order date at the precision SIPRI
gives (a year) with its estimate flag (``order_year_uncertain``); every delivery
year is kept (``delivery_years`` "2013;2014", ``first_delivery``,
``last_delivery``, the numbers and TIV per year in ``delivered_by_year`` and
``tiv_delivered_by_year``, the estimated years in ``delivery_years_uncertain``);
status is ``delivered`` (every deal in this export has a delivery).

**Coverage**: the export holds only deals with a delivery in the selected years,
so it observes transfers *by delivery year*, from the selection's first year to
the latest delivery year in the file (SIPRI's selection may name a later year
than its data reach).  As a source of *orders* it is left-truncated: a deal
ordered before the first year is there only if it delivered later, and orders
with no delivery yet are absent.  The coverage note says so.

Damage is never repaired by guessing: a file that ends inside a row is an error;
a row with the wrong number of fields, a delivery year that is not a year, or
rows of one deal that disagree on the supplier or the recipient make the deal
be skipped and reported (an imported deal always has all its deliveries).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from tiegraph.loaders.result import TIE_ORDER, ExternalFormatError, ImportResult, Note, Skip, ordered
from tiegraph.loaders.sipri_common import (
    SOURCE,
    URL,
    YEAR,
    SipriResult,
    check_header,
    delivery_attributes,
    endpoints,
    generated,
    number,
    order_year,
    system_attributes,
)
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage

DOCUMENT = "SIPRI Arms Transfers Database, per-delivery export"
LAYOUT = "per-delivery export (one row per deal and delivery year)"
HEADER = ("SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
          "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate",
          "Delivery year", "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit",
          "TIV delivery values", "Local production")
FIELDS = ("deal", "supplier", "recipient", "designation", "description", "category", "order_date",
          "order_estimate", "delivered", "delivered_estimate", "delivery_year", "delivery_estimate",
          "condition", "tiv_unit_new", "tiv_unit", "tiv_delivered", "local_production")
WIDTH = len(HEADER)
#: the columns that vary between the rows of one deal; every other column describes the deal
PER_DELIVERY = {"delivered", "delivered_estimate", "delivery_year", "delivery_estimate", "tiv_delivered"}
SELECTION = re.compile(r"year range '(\d{4})' to '(\d{4})'")
END = ";"  # every line of the export ends with it


class Row(NamedTuple):
    line: int
    values: dict[str, str]


def read_transfers(label: str, text: str, encoding: str, head: list[str]) -> ImportResult:
    """Read the per-delivery export whose lines up to its header are ``head`` (nothing is written)."""
    header_line = len(head)
    header = _split(head[-1].rstrip("\r"), label, header_line)
    marked = bool(header) and header[-1].endswith(END)
    header = [*header[:-1], header[-1].removesuffix(END)] if header else header
    check_header(tuple(header), HEADER, label, header_line)
    preamble = head[:-1]
    made = generated(preamble)
    selection = next((m.groups() for m in map(SELECTION.search, preamble) if m), None)
    result = SipriResult(SOURCE)
    result.encodings[label] = encoding
    rest = text[sum(len(line) + 1 for line in head):]
    rows = _rows(rest, header_line + 1, label, marked)
    deals: dict[str, list[Row]] = {}
    broken: dict[str, int] = {}  # deal id -> the line of a malformed row of it
    for line, fields in rows:
        deal = fields[0].strip()
        if len(fields) != WIDTH:
            result.skipped.append(Skip(f"{label}:{line} ({len(fields)} fields)", f"malformed row: not {WIDTH} "
                                       "comma-separated fields (a comma outside quotes?)"))
            broken.setdefault(deal, line)
            continue
        if not deal.isdigit():
            result.skipped.append(Skip(f"{label}:{line} ('{deal}')", "SIPRI AT Database ID is not a number"))
            continue
        deals.setdefault(deal, []).append(Row(line, dict(zip(FIELDS, fields))))
    document = f"{DOCUMENT} (data generated {made or 'date not stated'}): {label}"
    actors: dict[str, dict[str, Any]] = {}
    delivered: set[int] = set()
    ordered_in: set[int] = set()
    for deal, deal_rows in deals.items():
        where = f"{label}:{deal_rows[0].line} deal {deal}"
        if deal in broken:
            result.skipped.append(Skip(f"{where} (line {broken[deal]})", "a row of the deal is malformed: the "
                                       "deal is left out (its deliveries would be incomplete)"))
            continue
        tie = _tie(deal, deal_rows, where, label, document, actors, result)
        if tie is None:
            continue
        delivered.update(int(y) for y in tie["attributes"]["delivery_years"].split(";"))
        ordered_in.update([int(tie["start"])] if "start" in tie else [])
        result.ties.append(tie)
    result.files[label] = len(rows)
    result.layout = f"{LAYOUT}: {len(rows)} rows, {len(deals)} deals"
    result.actors = list(actors.values())
    result.coverage = _coverage(delivered, ordered_in, selection, made)
    return finalize(result)


def _split(line: str, label: str, number: int) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error as exc:
        raise ExternalFormatError(label, number, None, f"unreadable CSV: {exc}") from None


def _rows(rest: str, first: int, label: str, marked: bool) -> list[tuple[int, list[str]]]:
    """``(line, fields)`` per non-blank row, the trailing ``;`` taken off; a cut-off last row is an error."""
    reader = csv.reader(io.StringIO(rest, newline=""))
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for fields in reader:
            line, previous = first + previous, reader.line_num
            if fields:
                rows.append((line, fields))
    except csv.Error as exc:
        raise ExternalFormatError(label, first + previous, None, f"unreadable CSV: {exc}") from None
    while rows and not "".join(rows[-1][1]).strip().removesuffix(END).strip():
        rows.pop()  # blank (or ';'-only) lines at the end
    if rows:
        line, fields = rows[-1]
        why = (f"{len(fields)} of {WIDTH} fields" if len(fields) < WIDTH else
               f"its last field '{fields[-1]}' lacks the '{END}' every line of the export ends with"
               if marked and not fields[-1].endswith(END) else None)
        if why is not None:
            raise ExternalFormatError(label, line, None, f"the file ends inside a row ({why}): truncated? "
                                      "Export it from SIPRI again")
    return [(line, [*fields[:-1], fields[-1].removesuffix(END)]) for line, fields in rows
            if "".join(fields).strip().removesuffix(END).strip()]


def _flag(text: str) -> bool | None:
    """SIPRI's Yes/No estimate columns; blank (not stated) is None, never No."""
    return {"yes": True, "no": False}.get(text.strip().lower())


def _total(values: list[str]) -> int | float | None:
    """The exact sum of decimal texts (TIV: 0.1 + 0.2 is 0.3); blanks and non-numbers left out."""
    parts = []
    for value in values:
        try:
            parts.append(Decimal(value.strip()))
        except InvalidOperation:
            continue
    if not parts:
        return None
    total = sum(parts, Decimal(0))
    return int(total) if total == total.to_integral_value() and all("." not in v for v in values) else float(total)


def _by_year(rows: list[Row], column: str) -> str:
    """``2013:1;2014:2``: a per-delivery column by delivery year (blank values left out)."""
    years: dict[str, list[str]] = {}
    for row in rows:
        if row.values[column].strip():
            years.setdefault(row.values["delivery_year"].strip(), []).append(row.values[column])
    return ";".join(f"{year}:{_total(values)}" for year, values in sorted(years.items()))


def _tie(deal: str, rows: list[Row], where: str, label: str, document: str,
         actors: dict[str, dict[str, Any]], result: ImportResult) -> dict[str, Any] | None:
    """The tie of one deal (its rows in file order), or None after recording why it is skipped."""
    first = rows[0].values
    for column in ("supplier", "recipient"):
        if len({r.values[column].strip() for r in rows}) > 1:
            seen = " / ".join(f"'{r.values[column].strip()}' (line {r.line})" for r in rows)
            result.skipped.append(Skip(f"{where} ({column}: {seen})", "rows of one deal (SIPRI AT Database ID) "
                                       "disagree on the supplier or the recipient"))
            return None
    bad = next((r for r in rows if not YEAR.fullmatch(r.values["delivery_year"].strip())), None)
    if bad is not None:
        result.skipped.append(Skip(f"{label}:{bad.line} deal {deal} ('{bad.values['delivery_year'].strip()}')",
                                   "delivery year is not a year: the deal is left out (its deliveries "
                                   "would be incomplete)"))
        return None
    year = int(first["order_date"]) if YEAR.fullmatch(first["order_date"].strip()) else None
    pair = endpoints(first["supplier"], first["recipient"], year, where, actors, result)
    if pair is None:
        return None
    order_year(first["order_date"], where, result)  # warns when it is not a year
    for column, name in zip(FIELDS, HEADER):
        values = list(dict.fromkeys(r.values[column].strip() for r in rows))
        if column not in PER_DELIVERY and len(values) > 1:
            result.warnings.append(Note(f"{where} ('{name}': {' / '.join(repr(v) for v in values)})",
                                        "rows of one deal disagree on a column of the deal; the first "
                                        "row's value kept"))
    years = [r.values["delivery_year"].strip() for r in rows]
    if len(set(years)) < len(years):
        result.warnings.append(Note(where, "a delivery year in two rows of one deal; their numbers added"))
    estimated = _flags(rows, "delivered_estimate")
    system = system_attributes(first["designation"])
    attributes: dict[str, Any] = {
        **system,
        "weapon_description": first["description"].strip(),
        "armament_category": first["category"].strip(),
        "order_year_uncertain": _flag(first["order_estimate"]),
        "number_delivered": _total([r.values["delivered"] for r in rows]),
        "number_delivered_uncertain": True if True in estimated else False if estimated == {False} else None,
        **delivery_attributes(years),
        "delivery_years_uncertain": ";".join(sorted({r.values["delivery_year"].strip() for r in rows
                                                     if _flag(r.values["delivery_estimate"])})),
        "delivered_by_year": _by_year(rows, "delivered"),
        "condition": first["condition"].strip(),
        "local_production": _flag(first["local_production"]),
        "tiv_per_unit": number(first["tiv_unit"]),
        "tiv_per_unit_new": number(first["tiv_unit_new"]),
        "tiv_delivered": _total([r.values["tiv_delivered"] for r in rows]),
        "tiv_delivered_by_year": _by_year(rows, "tiv_delivered"),
        "sipri_deal_id": int(deal),
        "sipri_supplier": first["supplier"].strip(),
        "sipri_recipient": first["recipient"].strip(),
    }
    record = {
        "id": f"{SOURCE}-{deal}", "type": "arms_transfer", "from": pair[0], "to": pair[1],
        "start": str(year) if year else None, "status": "delivered",
        "title": f"{system['system']} ({first['description'].strip()})",
        "attributes": attributes,
        "sources": [{"document": document, "locator": f"{_lines([r.line for r in rows])}, "
                                                      f"SIPRI AT Database ID {deal}", "url": URL}],
        "dataset": SOURCE,
    }
    return ordered(record, TIE_ORDER)


def _flags(rows: list[Row], column: str) -> set[bool | None]:
    return {_flag(r.values[column]) for r in rows}


def _lines(numbers: list[int]) -> str:
    """``line 14``, ``lines 14-16`` (consecutive) or ``lines 14, 20``."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"lines {numbers[0]}-{numbers[-1]}"
    return "lines " + ", ".join(map(str, numbers))


def _coverage(delivered: set[int], ordered_in: set[int], selection: tuple[str, ...] | None,
              made: str | None) -> Coverage | None:
    """Arms transfers by delivery year: the selection's first year to the latest delivery in the file."""
    if not delivered:
        return None
    first = min(delivered) if selection is None else min(int(selection[0]), min(delivered))
    last = max(delivered)
    chosen = f"{selection[0]}-{selection[1]}" if selection else f"{first}-{last}"
    later = (f"; SIPRI's selection runs to {selection[1]}, but no delivery after {last} is in the file, so the "
             f"coverage ends at {last} (a year with no delivery recorded at all is not taken as a year of no "
             "transfers)" if selection and int(selection[1]) > last else "")
    orders = f" (years of order in the file: {min(ordered_in)}-{max(ordered_in)})" if ordered_in else ""
    return Coverage(SOURCE, first, last, "systematic", ("arms_transfer",),
                    "SIPRI Arms Transfers Database: every transfer of major conventional arms SIPRI recorded "
                    f"with a delivery in {chosen} (per-delivery export, data generated "
                    f"{made or 'date not stated'}). The years are DELIVERY years: {first}-{last}{later}. As a "
                    f"source of orders it is left-truncated: a deal ordered before {first} is in it only if "
                    f"something was delivered in {first} or later, and orders with no delivery yet are "
                    f"absent{orders}.")
