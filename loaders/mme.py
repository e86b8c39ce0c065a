"""MME v7 (D'Orazio & Galambos, Multinational Military Exercises 1980-2010) -> ``joint_exercise``.

One row is one exercise; its participants are the names in StateA … StateAM.

* **Participants** go through the crosswalk (names, not codes, in this file).
  ``-9`` marks participants MME could not identify; ``NATO`` becomes the
  organisation ``nato``.  A participant name that cannot be mapped, and each
  ``-9``, is *left out of the tie and reported* as a warning, with the count
  kept in ``attributes.unidentified_participants`` / ``unmapped_participants``:
  an exercise of the US and Norway "with other NATO states" is still a US-Norway
  exercise.  A row left with fewer than two participants is skipped and
  reported (a tie needs two).  A name listed twice is listed once (warned).
* **Dates** as precise as given: ``s.day``/``e.day`` = ``xx`` gives month
  precision.  ``end`` is the exercise's last day when MME gives one not before
  the start.
* **Ids**: ``MMEID`` is not unique in v7 (mme3457, mme3458 and mme3460 each
  name two exercises), so every row whose MMEID repeats gets its line number as
  a suffix (``mme-3457-l1409``); unique ids stay ``mme-87``.
* ``Ex_Name`` = ``-9`` (unknown) leaves the title to the series name, if any.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tiegraph.loaders.crosswalk import name_to_iso3
from tiegraph.loaders.readers import int_field, read_csv_rows
from tiegraph.loaders.result import (
    UNIDENTIFIED,
    ImportResult,
    end_not_before,
    exercise_participants,
    partial_date,
    tie_record,
)
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage

SOURCE = "mme"
DOCUMENT = "MME v7 (D'Orazio & Galambos 2021)"
URL = "https://doi.org/10.7910/DVN/KHFODX"
REQUIRED = ("MMEID", "Ex_Name", "Series_Name", "Location", "s.year", "s.month", "s.day",
            "e.year", "e.month", "e.day", "StateA", "StateB")
DOMAINS = ("CPX", "Air", "Land", "Sea", "Amphibious", "Cyber")
FOCUS = ("Warfighting", "Peacekeeping", "Humanitarian")
UNKNOWN = UNIDENTIFIED  # MME's "unknown" in every column
COVERAGE = Coverage(SOURCE, 1980, 2010, "systematic", ("joint_exercise",),
                    "MME v7: every multinational military exercise 1980-2010 its coders found "
                    "(D'Orazio & Galambos 2021).")


def read_mme(path: Path | str) -> ImportResult:
    """Read ``mme_v7.csv`` (wide format) into joint_exercise ties (nothing is written)."""
    path = Path(path)
    label = path.name
    rows = list(read_csv_rows(path, REQUIRED, label=label))
    result = ImportResult(SOURCE)
    result.files[label] = len(rows)
    repeated = {k for k, n in Counter(r["MMEID"].strip() for _, r in rows).items() if n > 1}
    actors: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        tie = _tie(row, line, label, repeated, actors, result)
        if tie is not None:
            result.ties.append(tie)
    result.actors = list(actors.values())
    result.coverage = COVERAGE
    return finalize(result)


def _state_columns(row: dict[str, str]) -> list[str]:
    return [row[c].strip() for c in row if c.startswith("State") and row[c].strip()]


def _tie(row: dict[str, str], line: int, label: str, repeated: set[str],
         actors: dict[str, dict[str, Any]], result: ImportResult) -> dict[str, Any] | None:
    mme_id = row["MMEID"].strip()
    where = f"{label}:{line} {mme_id}"
    year = int_field(row["s.year"], label, line, "s.year")
    found = exercise_participants(_state_columns(row), lambda name: name_to_iso3(name, year), where, actors,
                                  result)
    if found is None:
        return None
    participants, unidentified, unmapped = found
    start = partial_date(year, _part(row["s.month"]), _part(row["s.day"]))
    end = partial_date(_part(row["e.year"]), _part(row["e.month"]), _part(row["e.day"]))
    end = end_not_before(start, end, where, result)
    name = row["Ex_Name"].strip()
    series = row["Series_Name"].strip()
    number = mme_id.lower().removeprefix("mme")
    tie_id = f"mme-{number}" + (f"-l{line}" if mme_id in repeated else "")
    attributes: dict[str, Any] = {
        "mme_id": mme_id,
        "exercise_name": name if name != UNKNOWN else None,
        "series": series if series not in ("", UNKNOWN) else None,
        "location": row["Location"].strip() if row["Location"].strip() not in ("", UNKNOWN) else None,
        "domains": ";".join(d.lower() for d in DOMAINS if row.get(d, "").strip() == "1") or None,
        "focus": ";".join(f.lower() for f in FOCUS if row.get(f, "").strip() == "1") or None,
        "unidentified_participants": unidentified or None,
        "unmapped_participants": ";".join(unmapped) or None,
        "start_date_as_written": row.get("StartDate", "").strip() or None,
    }
    record = {
        "id": tie_id, "type": "joint_exercise", "participants": participants,
        "start": start, "end": end, "status": "held",
        "title": name if name != UNKNOWN else (series if series not in ("", UNKNOWN) else ""),
        "attributes": attributes,
    }
    return tie_record(SOURCE, record, document=f"{DOCUMENT}: {label}", locator=f"line {line}, MMEID {mme_id}",
                      url=URL)


def _part(value: str) -> int | None:
    """A date part; ``xx``, ``-9`` and blanks are unknown."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None
