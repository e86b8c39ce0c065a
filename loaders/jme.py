"""JME v3 (D'Orazio, Joint Military Exercises, 1970-2010) -> ``joint_exercise``.

The file is D'Orazio's coding workbook ``jme_v3.xls``: a legacy Excel 97-2003
(BIFF8) workbook, read with xlrd (``read_xls_rows``); only sheet ``Sheet1_2``
has cells.  A CSV export of that sheet (``*.csv``, same header) goes through
the same row builder, which is how the committed test excerpt is read.  One
row is one exercise; its participants are the codes in ``State A`` … ``State AD``.

* **Participants** are ISO-3-style codes, validated through the crosswalk
  (``iso3_code``: case and spaces folded, ``ROM`` -> ``ROU``, anything else must
  be a known ISO3 or historical code).  As in MME: ``-9`` (unidentified) and a
  code that cannot be mapped ("8 NATO members") are *left out and reported* as
  warnings, their counts kept in ``attributes``; ``NATO`` is the organisation
  ``nato``; a code listed twice is listed once (warned); a row left with fewer
  than two participants is skipped and reported.
* **Dates** as precise as the row gives them, never padded.  The coded columns
  come first: ``s.year``/``s.month``/``s.day`` (``xx`` = unknown: a day ``xx``
  gives month precision) and ``e.year``/``e.month``/``e.day`` for the end.
  310 rows (the later supplement, sheet rows 1482 on) have no numeric
  ``s.year``: their ``Start Date`` / ``enddate`` text (``MM/DD/YYYY``,
  ``MM/xx/YYYY``) is parsed instead; a text with one ``/`` missing next to
  ``xx`` (``11/xx2002``) is read and listed as a repair; a row whose start is
  still not a date (blank, ``10/xx/007``) is skipped with that reason.  ``.``
  also separates (``08.xx.2007``).  A row whose text can only be read day first
  (``14/09/2007``) has both its texts read day first (a repair, listed).  An
  end before the start, or not a valid date (``e.day`` 126), is left out
  (warned); an end text that is not a date is left out (warned) unless it says
  "unknown" (``-9``, ``xx/xx/xxxx``).  A start outside 1970-2010 is kept as
  coded and warned (row 1699: 2015, entered with the year of coding).
* **Ids**: the sheet has no exercise id, so a tie is ``jme-r<row>``, the row
  number Excel shows (header = row 1): stable for the same file.  For a CSV
  export the number is the CSV line, which is the same number for a full
  export (no cell holds a line break).
* **Source**: ``document`` = the dataset citation and file name, ``locator`` =
  sheet and row plus the row's ``Source(s)`` text (the coder's source file or URL).
* **Attributes**: ``exercise_name``, ``trimmed_name``, ``exercise_type`` (JME
  Type normalised: ``FTX``, ``CPX``, ``CPX;FTX`` for both, ``unsure``),
  ``host`` (as written), ``location``, ``location_detail``, ``reforger``,
  ``institutions``, ``purpose``, ``coder_note``, ``unidentified_participants``,
  ``unmapped_participants``, ``start_date_as_written``, ``end_date_as_written``
  and ``dated_from`` (``Start Date text`` when the start was parsed from it).
  Not imported: the coder's name, the form timestamp, the unnamed third column
  (a number on 1,453 rows) and the last column ``AUS`` (0/1 on the supplement
  rows), whose meanings are not documented.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tiegraph.loaders.crosswalk import iso3_code
from tiegraph.loaders.readers import read_csv_rows, read_xls_rows
from tiegraph.loaders.result import (
    UNIDENTIFIED,
    ImportResult,
    Note,
    Skip,
    end_not_before,
    exercise_participants,
    partial_date,
    tie_record,
)
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage
from tiegraph.model.dates import MAX_YEAR, MIN_YEAR

SOURCE = "jme"
DOCUMENT = "JME v3 (D'Orazio, Joint Military Exercises 1970-2010)"
URL = "https://www.vitodorazio.com/dissertation-chapter-three.html"
SHEET = "Sheet1_2"
REQUIRED = ("Exercise Name", "Location1", "Location2", "Start Date", "s.year", "s.month", "s.day", "enddate",
            "e.year", "e.month", "e.day", "JME Type", "Which state hosted the exercise?", "Source(s)",
            "State A", "State B")
#: the optional free-text columns kept as attributes
TEXT_COLUMNS = {"Trimmed Name": "trimmed_name", "Institution(s) involved": "institutions",
                "What is the purpose of the JME?": "purpose",
                "Anything interesting to note about this exercise?": "coder_note"}
NO_START = "no numeric s.year and Start Date is not a date"
FIRST_YEAR, LAST_YEAR = 1970, 2010  # the period JME covers
COVERAGE = Coverage(SOURCE, FIRST_YEAR, LAST_YEAR, "systematic", ("joint_exercise",),
                    "JME v3: D'Orazio's systematic collection of joint military exercises 1970-2010 "
                    "(coding workbook; a row dated outside these years is kept as coded).")

#: ASCII digits only (re.ASCII): ``\d`` alone also matches '٢٠٢١', which int() reads as 2021
_DATE = re.compile(r"(\d{1,2}|xx)[/.](\d{1,2}|xx)[/.](\d{4})", re.IGNORECASE | re.ASCII)
_DATE_SLASH_MISSING = re.compile(r"(\d{1,2})/?xx/?(\d{4})", re.IGNORECASE | re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: \d{2}:\d{2}:\d{2})?", re.ASCII)  # a date-formatted cell


def read_jme(path: Path | str) -> ImportResult:
    """Read ``jme_v3.xls`` (sheet Sheet1_2), or a CSV export of that sheet, into joint_exercise ties."""
    path = Path(path)
    label = path.name
    workbook = path.suffix.lower() != ".csv"
    rows = list(read_xls_rows(path, SHEET, REQUIRED, label=label) if workbook
                else read_csv_rows(path, REQUIRED, label=label))
    result = ImportResult(SOURCE)
    result.files[label] = len(rows)
    actors: dict[str, dict[str, Any]] = {}
    for row_number, row in rows:
        locator = f"sheet {SHEET}, row {row_number}" if workbook else f"line {row_number}"
        tie = _tie(row, row_number, label, locator, actors, result)
        if tie is not None:
            result.ties.append(tie)
    result.actors = list(actors.values())
    result.coverage = COVERAGE
    return finalize(result)


def _known(value: str) -> str | None:
    value = value.strip()
    return value if value not in ("", UNIDENTIFIED) else None


def _tie(row: dict[str, str], row_number: int, label: str, locator: str,
         actors: dict[str, dict[str, Any]], result: ImportResult) -> dict[str, Any] | None:
    name = _known(row["Exercise Name"])
    where = f"{label}:{row_number}" + (f" '{name}'" if name else "")
    codes = [row[c].strip() for c in row if c.startswith("State ") and row[c].strip()]
    found = exercise_participants(codes, iso3_code, where, actors, result, what="code")
    if found is None:
        return None
    participants, unidentified, unmapped = found
    start, end, from_text = _dates(row, where, result)
    if start is None:
        result.skipped.append(Skip(f"{where} (Start Date '{row['Start Date'].strip()}')", NO_START))
        return None
    end = end_not_before(start, end, where, result)
    if not FIRST_YEAR <= int(start[:4]) <= LAST_YEAR and MIN_YEAR <= int(start[:4]) <= MAX_YEAR:
        result.warnings.append(Note(f"{where} (start {start})", f"start outside JME's {FIRST_YEAR}-{LAST_YEAR} "
                                                                "coverage; kept as coded"))
    attributes: dict[str, Any] = {
        "exercise_name": name,
        "exercise_type": _exercise_type(row["JME Type"]),
        "host": row["Which state hosted the exercise?"].strip(),
        "location": _known(row["Location1"]),
        "location_detail": _known(row["Location2"]),
        "reforger": {"yes": True, "no": False}.get(row.get("Part of the Reforger Exercise?", "").strip().lower()),
        **{key: _known(row.get(column, "")) for column, key in TEXT_COLUMNS.items()},
        "unidentified_participants": unidentified or None,
        "unmapped_participants": ";".join(unmapped) or None,
        "start_date_as_written": row["Start Date"].strip(),
        "end_date_as_written": row["enddate"].strip(),
        "dated_from": "Start Date text" if from_text else None,
    }
    sources = _known(row["Source(s)"])
    record = {
        "id": f"jme-r{row_number}", "type": "joint_exercise", "participants": participants,
        "start": start, "end": end, "status": "held",
        "title": name or attributes["trimmed_name"], "attributes": attributes,
    }
    return tie_record(SOURCE, record, document=f"{DOCUMENT}: {label}",
                      locator=locator + (f"; Source(s): {sources}" if sources else ""), url=URL)


def _dates(row: dict[str, str], where: str, result: ImportResult) -> tuple[str | None, str | None, bool]:
    """(start, end, start parsed from the text): the coded columns first, else the date texts."""
    year, end_year = _part(row["s.year"]), _part(row["e.year"])
    texts = [row[c] for c, coded in (("Start Date", year), ("enddate", end_year)) if coded is None]
    day_first = any(_day_first(text) for text in texts)
    if day_first:
        result.repairs.append(Note(f"{where} ({' / '.join(t.strip() for t in texts)})",
                                   "dates written day first (DD/MM/YYYY), read so"))
    if year is not None:
        start, from_text = partial_date(year, _part(row["s.month"]), _part(row["s.day"])), False
    else:
        start, from_text = _text_date(row["Start Date"], "Start Date", where, result, day_first), True
    if end_year is not None:
        end = partial_date(end_year, _part(row["e.month"]), _part(row["e.day"]))
    else:
        end = _text_date(row["enddate"], "enddate", where, result, day_first)
        text = row["enddate"].strip()
        if end is None and text != UNIDENTIFIED and re.search(r"\d", text):
            result.warnings.append(Note(f"{where} (enddate '{text}')", "enddate is not a date; end left out"))
    return start, end, from_text


def _day_first(value: str) -> bool:
    """A text that can only be read day first: ``14/09/2007``."""
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return False
    return match.group(1).isdigit() and int(match.group(1)) > 12 \
        and match.group(2).isdigit() and int(match.group(2)) <= 12


def _text_date(value: str, column: str, where: str, result: ImportResult, day_first: bool = False) -> str | None:
    """``MM/DD/YYYY``, ``MM/xx/YYYY`` or ``xx/xx/YYYY`` (``.`` also separates; ``DD/MM/YYYY`` when
    ``day_first``), or an ISO date cell, as a partial date; anything else None."""
    text = value.strip()
    if match := _ISO_DATE.fullmatch(text):
        return "-".join(match.groups())
    if match := _DATE.fullmatch(text):
        first, second, year = (None if part.lower() == "xx" else int(part) for part in match.groups())
        month, day = (second, first) if day_first else (first, second)
        if month is None and day is not None:
            return None
    elif match := _DATE_SLASH_MISSING.fullmatch(text):
        month, day, year = int(match.group(1)), None, int(match.group(2))
        result.repairs.append(Note(f"{where} ({column} '{text}')", f"{column} with a '/' missing read as "
                                                                   "month/xx/year"))
    else:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    return partial_date(year, month, day)


def _exercise_type(value: str) -> str | None:
    """JME Type normalised: FTX, CPX, CPX;FTX (both), or the value lower-cased (``unsure``)."""
    text = value.strip()
    kinds = [kind for kind in ("CPX", "FTX") if kind in text.upper()]
    return ";".join(kinds) if kinds else text.lower()


def _part(value: str) -> int | None:
    """A date part; ``xx``, ``xxxx``, ``-9`` and blanks are unknown."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None
