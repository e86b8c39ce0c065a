"""ATOP 5.1 (Leeds et al.) alliance- and member-level files -> ``alliance_treaty`` ties.

The member-level file (``atop5_1m.csv``) has one row per member per alliance
phase with that member's own entry and exit dates; the alliance-level file
(``atop5_1a.csv``) adds what holds for the alliance as a whole (COW ids, bilat,
number of phases).  Both are read; every member row is a record.

**One tie per alliance phase, split where membership changes.**  A tie lists
all members of an ATOP phase (``atopid`` + ``phase``) and the graph builder
projects it as a clique.  In 794 of ATOP 5.1's 849 phases the member states
are the same throughout, and that phase is exactly one tie.  In the other 55,
states accede or withdraw *within* a phase (e.g. 3740, 1990-: the Central Asian
states join in 1992-93).  One tie for such a phase would date every pair from the
phase's first signature — Türkiye and Azerbaijan "allied" from 1975, before
Azerbaijan existed — so such a phase is cut into *membership spells*: one tie
per period in which the member set is constant, each listing the members in
force then, dated from the change that opened it to the change that closed it
(``atop-3740-p2-s1``, ``-s2``, …).  Every pair is then in force in the graph
exactly when ATOP says so.  The price: a spell that follows an accession repeats
the pairs of the spell before it; ``attributes.continues`` names that previous
spell, and the formation measures (flow density, ties formed per year) count
only the pairs a spell adds (``analysis.temporal``).

Dates are signature dates (ATOP codes signature, not ratification).  A blank or
-9 day gives month precision, a -9 month year precision, a -9 year no date at
all (never a fake one).  Exit ``0`` means "still in force on 31 Dec 2018": no
``end`` and status ``active``; a spell closed by an exit or accession is
``ended`` (``continued_by`` tells which).  Obligations are the ATOP member-level
dummies, 1 when any member in force has them (``obligations_asymmetric`` marks
phases whose members differ).

**Version and file pair.**  Every row's ``version`` must be ``5.1``: the rules
above (exit 0 = in force on 31 Dec 2018, member code 8152, the 5.1 phases) are
5.1's, so another version (4.01, 5.0) is refused rather than cited as 5.1.  The
alliance-level file must be alliance-level (no ``member`` column) and the
member-level file member-level (a ``member`` column); one file is never read as both.

Coverage (``coverage.yaml``): systematic for ``alliance_treaty``, 1815-2018.  An
alliance still in force at the end of 2018 has no end (status ``active``): its
end is censored by the data, not observed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiegraph.loaders.crosswalk import cow_to_iso3, state_actor
from tiegraph.loaders.readers import int_field, read_csv_rows
from tiegraph.loaders.result import TIE_ORDER, ExternalFormatError, ImportResult, Note, Skip, ordered, partial_date
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage

SOURCE = "atop"
VERSION = "5.1"
DOCUMENT = f"ATOP {VERSION} (Leeds et al.)"
URL = "http://www.atopdata.org/"
OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
ALLIANCE_COLUMNS = ("atopid", "cowid", "cow4id", "bilat", "maxphase", "ineffect") + OBLIGATIONS + ("version",)
MEMBER_COLUMNS = ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
                  "phase") + OBLIGATIONS + ("version",)
COVERAGE = Coverage(SOURCE, 1815, 2018, "systematic", ("alliance_treaty",),
                    f"ATOP {VERSION} (Leeds et al.): every written alliance 1815-2018. An alliance in force "
                    "on 31 Dec 2018 has no end: right-censored at 2018, not ended.")
MISSING = -9
DateKey = tuple[int, int, int]  # (year, month, day); 0 where unknown, for ordering only


@dataclass(frozen=True)
class Member:
    line: int
    iso: str
    entry: DateKey
    exit: DateKey | None  # None: in force at the end of ATOP's coverage (or exit missing)
    obligations: tuple[int, ...]


def atop_files(path: Path | str) -> tuple[Path, Path]:
    """(alliance file, member file) from a folder, the alliance file or the member file."""
    path = Path(path)
    if path.is_dir():
        alliance, member = path / "atop5_1a.csv", path / "atop5_1m.csv"
    elif path.name.endswith(("m.csv", "m_NNA.csv")):
        member = path
        alliance = path.with_name(path.name.replace("m.csv", "a.csv").replace("m_NNA.csv", "a_NNA.csv"))
    else:
        alliance = path
        member = path.with_name(path.name.replace("a.csv", "m.csv").replace("a_NNA.csv", "m_NNA.csv"))
    if alliance == member:
        raise ExternalFormatError(str(path), None, None, "cannot tell which ATOP file this is: give the folder, "
                                  "or the alliance-level *a.csv with the member-level *m.csv beside it")
    for needed in (alliance, member):
        if not needed.is_file():
            raise ExternalFormatError(str(needed), None, None,
                                      "ATOP file not found (need the alliance-level *a.csv and the "
                                      "member-level *m.csv side by side)")
    return alliance, member


def read_atop(path: Path | str, member_path: Path | str | None = None) -> ImportResult:
    """Read ATOP's alliance-level and member-level files (nothing is written)."""
    alliance_path, found_member = atop_files(path) if member_path is None else (Path(path), Path(member_path))
    member_path = found_member
    result = ImportResult(SOURCE)
    if alliance_path.resolve() == member_path.resolve():
        raise ExternalFormatError(alliance_path.name, None, None, "given as both the alliance-level and the "
                                  "member-level file")
    alliances = {row["atopid"].strip(): (line, row)
                 for line, row in _versioned(read_csv_rows(alliance_path, ALLIANCE_COLUMNS, label=alliance_path.name),
                                             alliance_path.name, "member")}
    result.files[alliance_path.name] = len(alliances)
    phases: dict[tuple[str, int], list[Member]] = {}
    label = member_path.name
    member_rows = 0
    for line, row in _versioned(read_csv_rows(member_path, MEMBER_COLUMNS, label=label), label, None):
        member_rows += 1
        atopid, phase = row["atopid"].strip(), int_field(row["phase"], label, line, "phase", blank=0)
        int_field(atopid, label, line, "atopid")  # a number (the tie's attribute): 'x' was a traceback
        member = _member(row, line, label, result)
        if member is not None:
            phases.setdefault((atopid, phase or 0), []).append(member)
    result.files[label] = member_rows
    seen = {atopid for atopid, _ in phases}
    for atopid, (line, _) in alliances.items():
        if atopid not in seen:
            result.skipped.append(Skip(f"{alliance_path.name}:{line} atopid {atopid}",
                                       "alliance without a usable member row"))
    states: dict[str, dict[str, Any]] = {}
    for (atopid, phase), members in phases.items():
        if atopid not in alliances:
            result.warnings.append(Note(f"{label}:{members[0].line} atopid {atopid}",
                                        "atopid missing from the alliance-level file"))
        alliance: tuple[int | None, dict[str, str]] = alliances.get(atopid, (None, {}))
        ties = _phase_ties(atopid, phase, members, alliance, (alliance_path.name, label), result)
        if not ties:
            result.skipped.append(Skip(f"{label}:{members[0].line} atopid {atopid} phase {phase}",
                                       "phase with fewer than two mapped members in force together"))
        for tie in ties:
            for iso in tie["participants"]:
                states.setdefault(iso, state_actor(iso))
        result.ties.extend(ties)
    result.actors = list(states.values())
    result.coverage = COVERAGE
    return finalize(result)


def _versioned(rows: Iterator[tuple[int, dict[str, str]]], label: str,
               foreign: str | None) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows, each checked to be ATOP 5.1 and of the right level (no ``foreign`` column).

    (A member-level file requires ``member``, so an alliance-level file in its place
    already fails on that missing column.)
    """
    for line, row in rows:
        if foreign is not None and foreign in row:
            raise ExternalFormatError(label, 1, foreign, "is an ATOP member-level file, given where the "
                                      "alliance-level file belongs")
        version = row["version"].strip()
        if version != VERSION:
            raise ExternalFormatError(label, line, "version", f"ATOP version '{version}': this loader reads ATOP "
                                      f"{VERSION} only (its codes and its 'exit 0 = in force on 31 Dec 2018' "
                                      f"rule are {VERSION}'s)")
        yield line, row


def _member(row: dict[str, str], line: int, label: str, result: ImportResult) -> Member | None:
    where = f"{label}:{line} atopid {row['atopid'].strip()} member {row['member'].strip()}"
    entry = _date_key(row, ("yrent", "moent", "dayent"), label, line)
    if entry is None:
        result.skipped.append(Skip(where, "entry year missing (-9): the member cannot be dated"))
        return None
    iso = cow_to_iso3(row["member"].strip(), entry[0])
    if iso is None:
        result.skipped.append(Skip(where, "member COW code not mapped to an ISO3 id"))
        return None
    exit_year = int_field(row["yrexit"], label, line, "yrexit", blank=MISSING)
    exit_key = None if exit_year in (0, MISSING) else _date_key(row, ("yrexit", "moexit", "dayexit"), label, line)
    if exit_year == MISSING:
        result.warnings.append(Note(where, "exit year missing (-9): treated as not ended, no end date"))
    if exit_key is not None and exit_key <= entry:
        result.skipped.append(Skip(where, "exit not after entry"))
        return None
    obligations = tuple(int_field(row[o], label, line, o, blank=0) or 0 for o in OBLIGATIONS)
    return Member(line, iso, entry, exit_key, tuple(1 if o > 0 else 0 for o in obligations))


def _date_key(row: dict[str, str], columns: tuple[str, str, str], label: str, line: int) -> DateKey | None:
    year, month, day = (int_field(row[c], label, line, c, blank=MISSING) for c in columns)
    if year is None or year <= 0:
        return None
    return (year, month if month and month > 0 else 0, day if day and day > 0 else 0)


def _iso_date(key: DateKey | None) -> str | None:
    if key is None:
        return None
    return partial_date(key[0], key[1] or None, key[2] or None)


def _spells(members: list[Member]) -> list[tuple[DateKey, DateKey | None, list[Member]]]:
    """Periods of constant membership: (start, end or None, members in force)."""
    bounds = sorted({m.entry for m in members} | {m.exit for m in members if m.exit is not None})
    spells: list[tuple[DateKey, DateKey | None, list[Member]]] = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else None
        active = [m for m in members if m.entry <= start and (m.exit is None or m.exit > start)]
        if spells and spells[-1][1] == start and {m.iso for m in spells[-1][2]} == {m.iso for m in active}:
            # the rows changed (FRG -> Germany) but not the states: one tie, citing every row
            merged = spells[-1][2] + [m for m in active if m not in spells[-1][2]]
            spells[-1] = (spells[-1][0], end, merged)
            continue
        if len({m.iso for m in active}) >= 2:
            spells.append((start, end, active))
    return [s for s in spells if s[1] is None or s[1] > s[0]]


def _simultaneous(members: list[Member]) -> bool:
    """Two rows of one state in force at the same time (not one after the other, as FRG -> Germany)."""
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            if a.iso == b.iso and (b.exit is None or a.entry < b.exit) and (a.exit is None or b.entry < a.exit):
                return True
    return False


def _phase_ties(atopid: str, phase: int, members: list[Member], alliance: tuple[int | None, dict[str, str]],
                labels: tuple[str, str], result: ImportResult) -> list[dict[str, Any]]:
    spells = _spells(members)
    base = f"atop-{atopid}" + (f"-p{phase}" if phase else "")
    ids = [base if len(spells) == 1 else f"{base}-s{n}" for n in range(1, len(spells) + 1)]
    alliance_line, alliance_row = alliance
    ties = []
    for index, (start, end, active) in enumerate(spells):
        participants = list(dict.fromkeys(m.iso for m in active))
        if _simultaneous(active):
            result.warnings.append(Note(f"{labels[1]}:{active[0].line} atopid {atopid} phase {phase}",
                                        "two member codes map to one state; listed once"))
        open_ended = end is None  # no later entry or exit: every member is still in force
        obligations = {o: max(m.obligations[i] for m in active) for i, o in enumerate(OBLIGATIONS)}
        attributes: dict[str, Any] = {
            "atopid": int(atopid), "phase": phase, **obligations,
            "obligations_asymmetric": len({m.obligations for m in active}) > 1,
            "cowid": alliance_row.get("cowid", "").strip() or None,
            "cow4id": alliance_row.get("cow4id", "").strip() or None,
            "bilat": alliance_row.get("bilat", "").strip() == "1" if alliance_row else None,
            "maxphase": int(alliance_row["maxphase"]) if alliance_row.get("maxphase", "").strip().isascii() and alliance_row.get("maxphase", "").strip().isdigit() else None,
            "in_force_2018": open_ended,
            "spell": f"{index + 1} of {len(spells)}" if len(spells) > 1 else None,
            "continues": ids[index - 1] if index else None,
            "continued_by": ids[index + 1] if index + 1 < len(spells) else None,
        }
        lines = sorted(m.line for m in active)
        sources = [{"document": f"{DOCUMENT}: {labels[1]}", "url": URL,
                    "locator": f"lines {_ranges(lines)}, atopid {atopid} phase {phase}"}]
        if alliance_line is not None:
            sources.append({"document": f"{DOCUMENT}: {labels[0]}", "url": URL,
                            "locator": f"line {alliance_line}, atopid {atopid}"})
        kinds = [o for o in OBLIGATIONS if obligations[o]]
        record = {
            "id": ids[index], "type": "alliance_treaty", "participants": participants,
            "start": _iso_date(start), "end": None if open_ended else _iso_date(end),
            "status": "active" if open_ended else "ended",
            "title": f"ATOP alliance {atopid}" + (f" phase {phase}" if phase else "")
                     + (f" ({', '.join(kinds)})" if kinds else ""),
            "attributes": attributes, "sources": sources, "dataset": SOURCE,
        }
        ties.append(ordered(record, TIE_ORDER))
    return ties


def _ranges(lines: list[int]) -> str:
    """"3, 5-9, 12": member-file lines, compact."""
    parts: list[str] = []
    start = prev = lines[0]
    for line in [*lines[1:], None]:
        if line is not None and line == prev + 1:
            prev = line
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if line is not None:
            start = prev = line
    return ", ".join(parts)
