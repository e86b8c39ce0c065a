"""COW's ``states2016.csv`` -> the bundled ``data/cow_states.csv`` (actor ids, ISO dates, censored ends).

Run ``python -m tiegraph.loaders.cow /work/shared/external/cow-states-2016/states2016.csv``
to regenerate the shipped file (``--out FILE`` writes elsewhere).  Why a script
and not a hand-made table: the mapping from COW codes to our actor ids must be
the crosswalk's (``crosswalk.cow_to_iso3``: 365 -> RUS, 315 -> CSK, 260 -> DEU,
…), the same one every importer uses, and a test checks that the shipped file
equals a fresh regeneration.

What changes from COW's file, nothing else:

* dates become ISO ``YYYY-MM-DD`` (``start``/``end``);
* ``end_censored`` is ``true`` where the end is COW's list date 2016-12-31,
  which means "still a member when the list was made", not an exit;
* COW 345's last spell (1944-10-20 on) is cut where the crosswalk changes its
  id: ``YUG`` to 1992-04-26, ``SRB`` (FR Yugoslavia, the continuator) from
  1992-04-27, when FR Yugoslavia was proclaimed.

The existence rule built on these spells is in ``tiegraph.model.statesystem``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from tiegraph.exports.files import check_output_file, write_atomically
from tiegraph.loaders.crosswalk import YUGOSLAVIA_SPLIT_YEAR, cow_to_iso3
from tiegraph.loaders.readers import int_field, read_csv_rows
from tiegraph.model.errors import ExternalFormatError, TiegraphError
from tiegraph.model.statesystem import BUNDLED_STATES, COLUMNS

RAW_COLUMNS = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")
#: COW's list date: an end on it is censored (still a member)
LIST_DATE = date(2016, 12, 31)
#: FR Yugoslavia proclaimed: the day COW 345 changes id (the crosswalk splits by year, YUGOSLAVIA_SPLIT_YEAR)
YUGOSLAVIA_SPLIT = date(YUGOSLAVIA_SPLIT_YEAR, 4, 27)


def _date(row: dict[str, str], prefix: str, label: str, line: int) -> date:
    parts = [int_field(row[f"{prefix}{unit}"], label, line, f"{prefix}{unit}") for unit in ("year", "month", "day")]
    if None in parts:
        missing = next(f"{prefix}{u}" for u, p in zip(("year", "month", "day"), parts) if p is None)
        raise ExternalFormatError(label, line, missing, "empty")
    year, month, day = (int(p) for p in parts if p is not None)
    try:
        return date(year, month, day)
    except ValueError:
        raise ExternalFormatError(label, line, f"{prefix}year", f"{year}-{month}-{day} is not a date") from None


def _rows(path: Path) -> Iterator[dict[str, str]]:
    label = path.name
    for line, raw in read_csv_rows(path, RAW_COLUMNS, label=label):
        ccode = int_field(raw["ccode"], label, line, "ccode")
        start, end = _date(raw, "st", label, line), _date(raw, "end", label, line)
        if ccode is None:
            raise ExternalFormatError(label, line, "ccode", "empty")
        if end < start:
            raise ExternalFormatError(label, line, "endyear", f"the end {end} is before the start {start}")
        pieces = [(start, end)]
        if ccode == 345 and start < YUGOSLAVIA_SPLIT <= end:
            pieces = [(start, YUGOSLAVIA_SPLIT - timedelta(days=1)), (YUGOSLAVIA_SPLIT, end)]
        for first, last in pieces:
            iso3 = cow_to_iso3(ccode, first.year)
            if iso3 is None:
                raise ExternalFormatError(label, line, "ccode", f"COW code {ccode} has no actor id in the crosswalk")
            yield {"iso3": iso3, "ccode": str(ccode), "stateabb": raw["stateabb"].strip(),
                   "statenme": raw["statenme"].strip(), "start": first.isoformat(), "end": last.isoformat(),
                   "end_censored": "true" if last == LIST_DATE else "false"}


def cow_state_rows(path: Path) -> list[dict[str, str]]:
    """The rows of ``cow_states.csv`` made from COW's ``states2016.csv`` at ``path``, in COW's order."""
    return list(_rows(path))


def write_cow_states(source: Path, target: Path = BUNDLED_STATES) -> int:
    """Write ``target`` (atomically) from COW's file ``source``; the number of spells written."""
    check_output_file(target, "--out")
    rows = cow_state_rows(source)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    write_atomically(target, write)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tiegraph.loaders.cow",
        description="Regenerate data/cow_states.csv from COW's states2016.csv, e.g. "
                    "python -m tiegraph.loaders.cow /work/shared/external/cow-states-2016/states2016.csv")
    parser.add_argument("source", type=Path, help="COW's states2016.csv")
    parser.add_argument("--out", type=Path, default=BUNDLED_STATES, help="where to write (default: the bundled file)")
    args = parser.parse_args(argv)
    try:
        count = write_cow_states(args.source, args.out)
    except TiegraphError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {count} spells to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
