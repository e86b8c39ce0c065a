"""DCAD v1.0 main file (Kinne 2020) -> ``defense_cooperation_agreement`` ties.

One row is one bilateral agreement (``DCAid``), so one row becomes one tie
between the two COW-coded signatories.

Choices, and why:

* **Type.**  Every row is ``defense_cooperation_agreement``.  DCAD's categories
  (DCA, DIC, TREX, PROCUREMENT, COMMISSION, RESEARCH) are sub-kinds of defence
  cooperation agreement in Kinne's sense; the codebook was not obtained
  (PROVENANCE.md), so mapping, say, DIC to ``defense_industrial_cooperation``
  would rest on a guess and would split one dataset's count across types.  The
  categories are kept in ``attributes`` (``dcad_type``, ``category``) so a
  finer analysis can filter on them.
* **Dates.**  ``start`` is the signature date with the precision given (a blank
  day gives YYYY-MM, a blank month YYYY).  ``end`` is ``endYearEstimate``, a year;
  DCAD caps it at 2010, its last year, so ``end: 2010`` means "in force at least
  until 2010" (``attributes.end_censored``).  Entry into force is kept as
  ``attributes.entry_into_force`` when it has a year.
* **Status.**  ``ended`` when DCAD codes ``terminated = 1``; otherwise ``signed``
  (the estimate of the end year is not a record of termination).
* **Self-dyads** (``ccode1 == ccode2``; three rows in v1.0) are skipped and
  reported: a tie needs two different states, and the codes cannot say which
  partner was meant (row 0297 has codes 145/145 but names BOL/VEN).
* **Code/name clashes**: a row whose ``cowName`` is the usual name of a
  *different* code in the file (v1.0: DCADv1.0-0108, code 652 Syria named EGY,
  Egypt's 651) is skipped and reported rather than guessed.  Mere spelling
  variants of one code's name (KOR/ROK, GER/GMY, FRG/GFR) are not clashes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tiegraph.loaders.crosswalk import cow_to_iso3, state_actor
from tiegraph.loaders.readers import int_field, read_csv_rows
from tiegraph.loaders.result import ImportResult, Skip, partial_date, tie_record
from tiegraph.loaders.writer import finalize
from tiegraph.model.coverage import Coverage

SOURCE = "dcad"
DOCUMENT = "DCAD v1.0 (Kinne 2020)"
URL = "https://correlatesofwar.org/data-sets/defense-cooperation-agreement-dataset/"
DCAD_START, DCAD_END = 1980, 2010  # the years DCAD covers; endYearEstimate is capped at the last
COVERAGE = Coverage(SOURCE, DCAD_START, DCAD_END, "systematic", ("defense_cooperation_agreement",),
                    "DCAD v1.0 (Kinne 2020): every defence cooperation agreement signed 1980-2010. "
                    "endYearEstimate stops at 2010 because the data stop there: an end in 2010 is "
                    "right-censored (in force in 2010, end unknown), not an end.")
REQUIRED = ("ccode1", "cowName1", "ccode2", "cowName2", "signDay", "signMonth", "signYear",
            "EIFDay", "EIFMonth", "EIFYear", "type", "category1", "category2", "category3",
            "terminated", "endYearEstimate", "asymmetry", "categoryConf", "sourceType", "source",
            "DCAid")
#: DCAD sentinel codes (negative numbers) mean "not applicable / unknown": never a value
TERMINATED = {"0": "no", "1": "yes", "-88": "unknown", "-99": "unknown"}


def read_dcad(path: Path | str) -> ImportResult:
    """Read ``DCAD-v1.0-main.csv`` into tie and actor records (nothing is written)."""
    path = Path(path)
    label = path.name
    result = ImportResult(SOURCE)
    rows = list(read_csv_rows(path, REQUIRED, label=label))
    result.files[label] = len(rows)
    names = _usual_names(rows)
    states: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        where = f"{label}:{line} {row['DCAid']}"
        code1 = int_field(row["ccode1"], label, line, "ccode1")
        code2 = int_field(row["ccode2"], label, line, "ccode2")
        year = int_field(row["signYear"], label, line, "signYear")
        if code1 == code2:
            result.skipped.append(Skip(f"{where} ({code1} {row['cowName1']} / {code2} {row['cowName2']})",
                                       "self-dyad: ccode1 equals ccode2 (a tie needs two states)"))
            continue
        first, second = cow_to_iso3(code1, year), cow_to_iso3(code2, year)
        if first is None or second is None:
            bad = code1 if first is None else code2
            result.skipped.append(Skip(f"{where} (COW {bad})", "COW code not mapped to an ISO3 id"))
            continue
        pair = [first, second]
        if first == second:
            result.skipped.append(Skip(f"{where} ({code1}/{code2} -> {first})",
                                       "both COW codes map to the same state"))
            continue
        clash = _name_clash(row, names)
        if clash:
            result.skipped.append(Skip(f"{where} ({clash})",
                                       "ccode and cowName name different states"))
            continue
        for iso in pair:
            states.setdefault(iso, state_actor(iso))
        result.ties.append(_tie(row, line, label, pair, year))
    result.actors = list(states.values())
    result.coverage = COVERAGE
    return finalize(result)


def _name_clash(row: dict[str, str], usual: dict[str, str]) -> str | None:
    """A side whose cowName is the usual name of *another* code: the row contradicts itself.

    Spelling variants (KOR for ROK, GER for GMY) are not clashes; 652 with "EGY"
    (652 is Syria, EGY is 651's name) is, and neither reading can be preferred.
    """
    owners = {name: code for code, name in usual.items()}
    for side in ("1", "2"):
        code, name = row[f"ccode{side}"].strip(), row[f"cowName{side}"].strip()
        if usual.get(code) != name and owners.get(name, code) != code:
            return f"ccode{side} {code} is usually {usual.get(code)}, '{name}' is {owners[name]}"
    return None


def _usual_names(rows: list[tuple[int, dict[str, str]]]) -> dict[str, str]:
    """The most frequent cowName of each ccode, to find rows whose name and code disagree."""
    counts: dict[str, Counter[str]] = {}
    for _, row in rows:
        for side in ("1", "2"):
            counts.setdefault(row[f"ccode{side}"].strip(), Counter())[row[f"cowName{side}"].strip()] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in counts.items()}


def _tie(row: dict[str, str], line: int, label: str, pair: list[str], year: int | None) -> dict[str, Any]:
    dca_id = row["DCAid"].strip()
    number = dca_id.rsplit("-", 1)[-1]
    start = partial_date(year, _int(row["signMonth"]), _int(row["signDay"]))
    end_year = _int(row["endYearEstimate"])
    eif = partial_date(_int(row["EIFYear"]), _int(row["EIFMonth"]), _int(row["EIFDay"]))
    categories = [row[c].strip() for c in ("category1", "category2", "category3") if row[c].strip()]
    attributes: dict[str, Any] = {
        "dcad_id": dca_id,
        "dcad_type": row["type"].strip(),
        "category": ";".join(categories),
        "category_confidence": row["categoryConf"].strip(),
        "entry_into_force": eif,
        "end_estimated": end_year is not None,
        "end_censored": end_year == DCAD_END,
        "terminated": TERMINATED.get(row["terminated"].strip(), row["terminated"].strip()),
        "asymmetry": _int(row["asymmetry"]),
        "source_type": row["sourceType"].strip(),
        "dcad_source": row["source"].strip(),
        "cow_codes": f"{row['ccode1'].strip()};{row['ccode2'].strip()}",
    }
    title = f"{' / '.join(categories) or 'DCA'} agreement {row['cowName1'].strip()}-{row['cowName2'].strip()}"
    record = {
        "id": f"dcad-{number.lower()}",
        "type": "defense_cooperation_agreement",
        "participants": pair,
        "start": start,
        "end": partial_date(end_year) if end_year and year and end_year >= year else None,
        "status": "ended" if row["terminated"].strip() == "1" else "signed",
        "title": title,
        "attributes": attributes,
    }
    return tie_record(SOURCE, record, document=f"{DOCUMENT}: {label}", locator=f"line {line}, DCAid {dca_id}",
                      url=URL)


def _int(value: str) -> int | None:
    """A date part or code; blank and DCAD's negative sentinels are 'unknown', never a value."""
    value = value.strip()
    if not (value.isascii() and value.lstrip("-").isdigit()):  # '²'.isdigit() is True, int('²') fails
        return None
    number = int(value)
    return number if number >= 0 else None
