"""What SIPRI's two CSV layouts share: reading the file, actors, numbers, delivery years, the system.

SIPRI has exported its Arms Transfers Database in two layouts: the older "trade
register" (one record per deal, ``loaders/sipri.py``) and the current per-delivery
export (one row per deal and delivery year, ``loaders/sipri_transfers.py``).  Both
become the same ties of dataset ``sipri``, so the rules that decide what a tie is
live here, once:

* names -> actors (``*`` armed groups and ``**`` international organisations are
  ``organization`` actors, never sent to the name matcher; unknown suppliers or
  recipients, unmapped names, non-state suppliers and self-transfers are skipped,
  each with its reason);
* ``delivery_years``: the years as a ``;``-joined string of 4-digit years in
  ascending order, with ``first_delivery`` and ``last_delivery`` — the analysis
  counts a transfer as activity in its delivery years, so both layouts must give
  exactly this;
* ``system``: the weapon designation under the one name every dataset uses for a
  tie's weapon system (the bundled data's ``attributes.system``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiegraph.loaders.crosswalk import name_to_iso3, slug, state_actor
from tiegraph.loaders.readers import decode_text
from tiegraph.loaders.result import ExternalFormatError, ImportResult, Note, Skip

SOURCE = "sipri"
URL = "https://www.sipri.org/databases/armstransfers"
UNKNOWN = {"unknown supplier(s)": "supplier", "unknown recipient(s)": "recipient"}
ARMED_GROUP, ORGANISATION = "armed group", "international organisation"
#: how far down the header may lie (the exports have an 11-line preamble)
HEADER_SEARCH = 40
#: a designation ends in " -" or " --" in the per-delivery export ("Ejder Yalcin -"): not part of the name
TRAILING_DASHES = re.compile(r"(\s+-+)+$")
YEAR = re.compile(r"\d{4}")


@dataclass
class SipriResult(ImportResult):
    """An ``ImportResult`` that also says which of SIPRI's layouts was read (shown in the summary)."""

    layout: str = ""

    def summary(self) -> str:
        lines = super().summary().splitlines()
        at = len(self.files) + 1  # after the records-read and ties-produced lines
        return "\n".join([*lines[:at], f"{self.source}: layout: {self.layout}", *lines[at:]])


def read_text(path: Path | str) -> tuple[str, str, str]:
    """``(file name, text, encoding)``: the export decoded as ``readers.decode_text`` detects it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExternalFormatError(path.name, None, None, f"cannot read: {exc.strerror}") from None
    text, encoding = decode_text(data)
    return path.name, text, encoding


def check_header(header: tuple[str, ...], expected: tuple[str, ...], label: str, line: int) -> None:
    """The header must be SIPRI's, column for column: the first difference is a format error."""
    if header == expected:
        return
    width = len(expected)
    i = next((i for i, name in enumerate(expected) if i >= len(header) or header[i] != name), width)
    found = (f"is missing (the header has {len(header)} columns, SIPRI's export {width})"
             if i >= len(header) else f"is '{header[i]}', SIPRI's export has '{expected[i]}'"
             if i < width else f"is extra (the header has {len(header)} columns, SIPRI's export {width})")
    raise ExternalFormatError(label, line, f"column {i + 1}", found)


def generated(preamble: list[str]) -> str | None:
    """The "Data generated: …" date of the preamble (for the citation), or None."""
    return next((line.split(":", 1)[1].strip().rstrip(";").strip() for line in preamble
                 if line.startswith("Data generated:")), None)


def actor(name: str, year: int | None, actors: dict[str, dict[str, Any]]) -> tuple[str | None, str]:
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


def endpoints(supplier_name: str, recipient_name: str, year: int | None, where: str,
              actors: dict[str, dict[str, Any]], result: ImportResult) -> tuple[str, str] | None:
    """(supplier id, recipient id) of a transfer, or None after recording why it is skipped."""
    supplier, supplier_kind = actor(supplier_name, year, actors)
    recipient, recipient_kind = actor(recipient_name, year, actors)
    for role, name, kind in (("supplier", supplier_name, supplier_kind),
                             ("recipient", recipient_name, recipient_kind)):
        if kind == "unknown":
            other = (recipient_name if role == "supplier" else supplier_name).strip()
            result.skipped.append(Skip(f"{where} ({'to' if role == 'supplier' else 'from'} {other})",
                                       f"{role} unknown ('{name.strip()}' in SIPRI)"))
            return None
        if kind == "unmapped":
            result.skipped.append(Skip(f"{where} ('{name.strip()}')",
                                       f"{role} name not mapped to a country (ISO3 id)"))
            return None
    if supplier_kind in (ARMED_GROUP, ORGANISATION):
        result.skipped.append(Skip(f"{where} ('{supplier_name.strip()}')",
                                   f"supplier is an {supplier_kind}, not a state or company (the "
                                   "supplier of an arms_transfer must be one)"))
        return None
    if supplier == recipient:
        result.skipped.append(Skip(f"{where} ({supplier})", "supplier and recipient are the same state"))
        return None
    return supplier, recipient  # type: ignore[return-value]  # both mapped: checked above


def order_year(text: str, where: str, result: ImportResult) -> int | None:
    """The year of order (a tie's start, kept at year precision); a non-year is warned, tie undated."""
    value = text.strip()
    if YEAR.fullmatch(value):
        return int(value)
    if value:
        result.warnings.append(Note(where, f"year of order '{value}' is not a year; tie left undated"))
    return None


def delivery_attributes(years: list[str]) -> dict[str, Any]:
    """``delivery_years`` ("2020;2021", ascending, each once), ``first_delivery``, ``last_delivery``."""
    ordered_years = sorted(set(years))
    return {"delivery_years": ";".join(ordered_years),
            "first_delivery": ordered_years[0] if ordered_years else None,
            "last_delivery": ordered_years[-1] if ordered_years else None}


def system_attributes(designation: str) -> dict[str, Any]:
    """``system``: the designation without the per-delivery export's trailing dashes.

    ``sipri_designation`` keeps the text as SIPRI wrote it when the two differ.
    """
    raw = designation.strip()
    system = TRAILING_DASHES.sub("", raw)
    return {"system": system, "sipri_designation": raw if raw != system else None}


def number(text: str) -> int | float | None:
    """A count or TIV value; blank means 'not available', never zero."""
    value = text.strip()
    if not value:
        return None
    try:
        parsed = float(value)
    except ValueError:
        return None
    return int(parsed) if parsed.is_integer() and "." not in value else parsed
