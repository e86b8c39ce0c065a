"""JME v3 (D'Orazio's Joint Military Exercises workbook): the committed CSV excerpt of its sheet, the
.xls reader's errors through the real CLI, exercise overlaps with MME and the seeds — and, when the
shared folder is present, the full workbook with PROVENANCE.md's counts."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from test_loaders_external import EXTERNAL, FIXTURES, full, loads, reasons, tie
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.loaders.crosswalk import iso3_code
from tiegraph.loaders.datadir import BUNDLED_DATA, load_dataset
from tiegraph.loaders.jme import REQUIRED, SHEET, read_jme
from tiegraph.loaders.mme import read_mme
from tiegraph.loaders.overlap import find_overlaps
from tiegraph.loaders.readers import read_xls_rows
from tiegraph.loaders.result import ExternalFormatError
from tiegraph.loaders.writer import align_actors, reference_actors, write_import
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Source, Tie
from tiegraph.model.vocabulary import TURKIC_SIX

EXCERPT = FIXTURES / "jme" / "jme_v3_sheet1_2.csv"
WORKBOOK = EXTERNAL / "jme-v3" / "jme_v3.xls" if EXTERNAL else None
URL = "https://www.vitodorazio.com/dissertation-chapter-three.html"


# --------------------------------------------------------------------------- the excerpt


def test_jme_excerpt(tmp_path: Path) -> None:
    result = read_jme(EXCERPT)
    assert (result.records_read, len(result.ties), len(result.skipped)) == (36, 30, 6)
    assert reasons(result) == {"fewer than two identified participants": 3,
                               "no numeric s.year and Start Date is not a date": 2,
                               "fails the tiegraph validator": 1}
    assert [s.where for s in result.skipped][:5] == [
        "jme_v3_sheet1_2.csv:8 'Ocean Going 83' (1 identified, 1 x -9)",
        "jme_v3_sheet1_2.csv:19 'Cooperation Alliance 2005' (0 identified, unmapped 8 NATO members)",
        "jme_v3_sheet1_2.csv:26 'Elang Ausindo 07' (Start Date '')",
        "jme_v3_sheet1_2.csv:29 'Vigilant Pacific 07' (Start Date '10/xx/007')",
        "jme_v3_sheet1_2.csv:30 (0 identified)"]
    assert "year 3009 out of range" in result.skipped[5].where  # 'Peace 09', 03/05/3009: never repaired
    midlink = tie(result, "jme-r2")
    assert (midlink["participants"], midlink["start"], midlink["end"], midlink["title"], midlink["status"]) == (
        ["USA", "TUR", "PAK", "GBR"], "1974-11", "1974-11-30", "Midlink 74", "held")  # s.day xx: month
    assert midlink["sources"] == [{
        "document": "JME v3 (D'Orazio, Joint Military Exercises 1970-2010): jme_v3_sheet1_2.csv",
        "locator": "line 2; Source(s): 19741121--0053-jme_1_74_1.txt", "url": URL}]
    assert midlink["attributes"] == {"exercise_name": "Midlink 74", "exercise_type": "FTX",
                                     "location": "Indian Ocean", "location_detail": "Arabian Sea",
                                     "reforger": False, "start_date_as_written": "11/xx/1974",
                                     "end_date_as_written": "11/30/1974"}
    assert midlink["dataset"] == "jme"
    # codes: historical states, case and spaces folded, ROM, NATO, a code listed twice
    assert tie(result, "jme-r3")["participants"] == ["CSK", "RUS"]
    assert tie(result, "jme-r5")["participants"] == ["POL", "RUS", "DDR"]
    assert "DEU" in tie(result, "jme-r6")["participants"]  # 'DEu'
    assert "BEL" in tie(result, "jme-r9")["participants"]  # 'BEL '
    assert tie(result, "jme-r17")["participants"] == ["HUN", "ROU"]  # 'ROM'
    assert tie(result, "jme-r18")["participants"] == ["RUS", "nato"]
    assert tie(result, "jme-r14")["participants"] == ["POL", "DEU"]  # DEU twice
    assert ("jme_v3_sheet1_2.csv:14 (DEU)", "participant listed twice; listed once") in result.warnings
    # ends: -9, xxxx, an impossible day, before the start
    assert "end" not in tie(result, "jme-r4") and "end" not in tie(result, "jme-r16")
    assert "end" not in tie(result, "jme-r12")
    assert ("jme_v3_sheet1_2.csv:12 'Tasmanex 93' (end '1993-02-126')",
            "end is not a valid date; end left out") in result.warnings
    assert ("jme_v3_sheet1_2.csv:7 'Adventure Express 83'", "end before start; end left out") in result.warnings
    # rows without a numeric s.year: the Start Date text, with its precision
    air = tie(result, "jme-r23")
    assert (air["start"], air["end"], air["attributes"]["dated_from"]) == ("2007-11", "2007-11", "Start Date text")
    assert (tie(result, "jme-r24")["start"], tie(result, "jme-r24")["end"]) == ("2007-07", "2007-08")  # 08.xx.2007
    assert tie(result, "jme-r25")["start"] == "2002-11"  # '11/xx2002'
    assert (tie(result, "jme-r36")["start"], tie(result, "jme-r36")["end"]) == ("2007-09-03", "2007-09-14")
    assert [tuple(r) for r in result.repairs] == [
        ("jme_v3_sheet1_2.csv:25 'Dugong 02' (Start Date '11/xx2002')",
         "Start Date with a '/' missing read as month/xx/year"),
        ("jme_v3_sheet1_2.csv:36 'Wise Foresight - HU 2007' (03/09/2007 / 14/09/2007)",
         "dates written day first (DD/MM/YYYY), read so")]
    assert tie(result, "jme-r31")["start"] == "2015-11-08"  # kept as coded, warned
    assert ("jme_v3_sheet1_2.csv:31 (start 2015-11-08)",
            "start outside JME's 1970-2010 coverage; kept as coded") in result.warnings
    # type and host
    egemen = tie(result, "jme-r34")["attributes"]
    assert (egemen["exercise_type"], egemen["host"]) == ("CPX;FTX", "Turkey")
    assert tie(result, "jme-r22")["attributes"]["exercise_type"] == "CPX"  # 'cpx'
    assert tie(result, "jme-r10")["attributes"]["exercise_type"] == "unsure"
    assert tie(result, "jme-r27")["sources"][0]["locator"] == "line 27; Source(s): 13705"  # a number cell
    assert len(result.ties) == len({t["id"] for t in result.ties})
    assert {a["id"]: a["kind"] for a in result.actors if a["kind"] != "state"} == {"nato": "organization"}
    loads(result, tmp_path)


@pytest.mark.parametrize("code, iso", [
    ("TUR", "TUR"), ("DEu", "DEU"), ("BEL ", "BEL"), ("ROM", "ROU"), ("DDR", "DDR"), ("CSK", "CSK"),
    ("SUN", "RUS"), ("8 NATO members", None), ("-9", None), ("XYZ", None), ("TURK", None)])
def test_iso3_codes(code: str, iso: str | None) -> None:
    assert iso3_code(code) == iso


def test_xls_cells_as_text() -> None:
    """Cells become text as a CSV export holds them (what lets one row builder serve both)."""
    from xlrd.sheet import Cell

    from tiegraph.loaders.readers import _xls_text
    assert [_xls_text(Cell(kind, value), 0) for kind, value in [
        (1, "FTX"), (2, 1974.0), (2, -9.0), (2, 2.5), (3, 40343.0), (3, 42282.5), (3, -9.0), (4, 1), (5, 42),
        (0, ""), (6, "")]] == ["FTX", "1974", "-9", "2.5", "2010-06-14", "2015-10-05 12:00:00", "-9", "TRUE",
                               "", "", ""]


# --------------------------------------------------------------------------- bad input, through the CLI


def _import(path: Path, into: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["import", "jme", str(path), "--into", str(into)])
    return result.exit_code, result.output


@pytest.mark.parametrize("name, content, message", [
    ("jme.xls", b"Coder,Timestamp\nEli,7/11/2012\n",
     "not an Excel 97-2003 .xls workbook (no OLE2 signature; a CSV export of the sheet must be named *.csv)"),
    ("jme.xlsx", b"PK\x03\x04\x14\x00\x06\x00",
     "is an .xlsx (or other ZIP) file, not the Excel 97-2003 .xls workbook this source is read from"),
    ("jme.xls", b"", "file is empty"),
    ("jme.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "the workbook is unreadable: damaged (Expected \"little-endian\" marker, found b'\\x00\\x00'): download or "
     "save it again"),
])
def test_cli_rejects_files_that_are_not_the_workbook(tmp_path: Path, name: str, content: bytes,
                                                     message: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    assert _import(bad, tmp_path / "out") == (1, f"Error: {name}: {message}\n")
    assert not (tmp_path / "out").exists()


def test_cli_csv_export_missing_column(tmp_path: Path) -> None:
    rows = EXCERPT.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "sheet.csv"
    bad.write_text("\n".join([rows[0].replace("s.year", "year")] + rows[1:3]) + "\n", encoding="utf-8")
    assert _import(bad, tmp_path / "out") == (
        1, "Error: sheet.csv:1: field 's.year': missing column in the header (is this the right file for this "
           "source?)\n")
    mme = FIXTURES / "mme" / "mme_v7.csv"  # another dataset's file
    assert _import(mme, tmp_path / "out") == (
        1, "Error: mme_v7.csv:1: field 'Exercise Name': missing column in the header (is this the right file "
           "for this source?)\n")
    assert not (tmp_path / "out").exists()


def test_cli_imports_the_excerpt(tmp_path: Path) -> None:
    into = tmp_path / "jme"
    code, output = _import(EXCERPT, into)
    assert code == 0, output
    assert output.splitlines()[:9] == [
        "jme: jme_v3_sheet1_2.csv: 36 records read",
        "jme: ties produced: 30 (joint_exercise 30)",
        "jme: actors: 70 (organization 1, state 69)",
        "jme: coverage: 1970-2010, systematic (joint_exercise)",
        "jme: records skipped: 6",
        "  3 x fewer than two identified participants: jme_v3_sheet1_2.csv:8 'Ocean Going 83' (1 identified, "
        "1 x -9); jme_v3_sheet1_2.csv:19 'Cooperation Alliance 2005' (0 identified, unmapped 8 NATO members); "
        "jme_v3_sheet1_2.csv:30 (0 identified)",
        "  2 x no numeric s.year and Start Date is not a date: jme_v3_sheet1_2.csv:26 'Elang Ausindo 07' "
        "(Start Date ''); jme_v3_sheet1_2.csv:29 'Vigilant Pacific 07' (Start Date '10/xx/007')",
        "  1 x fails the tiegraph validator: jme-r33, line 33; Source(s): "
        "Chinese_navy_destroyer_leaves_for_joint_mili.DOC (start: year 3009 out of range 1800-2100 in "
        "'3009-03-05')",
        "jme: repaired: 2",
    ]
    assert len(load_dataset([BUNDLED_DATA, into]).ties) > 30  # aligned with the bundled actors


# --------------------------------------------------------------------------- overlaps


def _exercise(tie_id: str, who: tuple[str, ...], start: str, dataset: str, name: str | None = None) -> Tie:
    return Tie(tie_id, "joint_exercise", who, PartialDate.parse(start), "held", (Source(dataset, "x"),),
               title=name or "", attributes={"exercise_name": name} if name else {}, dataset=dataset)


def test_exercise_overlap_rule() -> None:
    ties = [
        _exercise("m-rimpac", ("USA", "JPN", "AUS"), "1980-02-26", "mme", "RIMPAC '80"),
        _exercise("j-rimpac", ("USA", "JPN", "AUS", "CAN"), "1980-03-01", "jme", "Rimpac 1980"),  # 4 days, +CAN
        _exercise("m-fe", ("USA", "KOR"), "1990-03-01", "mme", "Foal Eagle 90"),
        _exercise("j-rsoi", ("USA", "KOR"), "1990-03-02", "jme", "RSOI 90"),  # same dyad and days, another name
        _exercise("m-x", ("USA", "KOR"), "1990-08-20", "mme"),
        _exercise("j-x", ("USA", "KOR"), "1990-08", "jme"),  # unnamed: same participants, August overlaps
        _exercise("j-y", ("USA", "KOR"), "1990-10-01", "jme"),  # 42 days after m-x: another exercise
        _exercise("m-z", ("USA", "GBR", "FRA"), "1995-05-01", "mme"),
        _exercise("j-z", ("USA", "GBR"), "1995-05-01", "jme"),  # unnamed and not the same participants
        _exercise("j-z2", ("USA", "GBR", "FRA"), "1995-05-02", "jme", "Z"),  # one named: same participants
        _exercise("s-cc", ("AZE", "GEO", "TUR"), "2017", "seeds", "Caucasian Eagle"),
        _exercise("j-cc", ("AZE", "GEO", "TUR"), "2017-06-05", "jme", "Caucasian Eagle 2017"),
    ]
    pairs = {(p["kept"], p["duplicate"]) for p in find_overlaps(ties)}
    assert pairs == {("m-rimpac", "j-rimpac"), ("m-x", "j-x"), ("m-z", "j-z2"), ("s-cc", "j-cc")}


def test_excerpts_overlap_with_mme(tmp_path: Path) -> None:
    write_import(read_mme(FIXTURES / "mme" / "mme_v7.csv"), tmp_path / "mme", [])
    write_import(read_jme(EXCERPT), tmp_path / "jme", [])
    pairs = find_overlaps(load_dataset([tmp_path / "mme", tmp_path / "jme"]))
    assert [(p["kept"], p["duplicate"]) for p in pairs] == [
        ("mme-102", "jme-r5"), ("mme-757", "jme-r10"),
        ("mme-978", "jme-r11"),  # Tradewinds 92: MME lists 13 states, JME 9
        ("mme-1689", "jme-r15"),  # Centrazbat 98: unnamed in JME, same participants and day
        ("mme-3058", "jme-r21")]


# --------------------------------------------------------------------------- the full workbook


@full
def test_full_jme(tmp_path: Path) -> None:
    result = read_jme(WORKBOOK)  # type: ignore[arg-type]
    assert (result.records_read, len(result.ties), len(result.skipped)) == (1790, 1781, 9)
    assert reasons(result) == {"fewer than two identified participants": 5,
                               "no numeric s.year and Start Date is not a date": 3,
                               "fails the tiegraph validator": 1}
    assert [s.where.split(" ")[0] for s in result.skipped] == [
        "jme_v3.xls:169", "jme_v3.xls:338", "jme_v3.xls:743", "jme_v3.xls:1298", "jme_v3.xls:1531",
        "jme_v3.xls:1602", "jme_v3.xls:1668", "jme_v3.xls:1695", "jme-r1732,"]
    assert Counter(r.message for r in result.repairs) == {
        "Start Date with a '/' missing read as month/xx/year": 3,
        "dates written day first (DD/MM/YYYY), read so": 1}
    assert Counter(w.message for w in result.warnings) == {
        "end before start; end left out": 6, "end is not a valid date; end left out": 2,
        "participant listed twice; listed once": 6,
        "start outside JME's 1970-2010 coverage; kept as coded": 1}
    assert Counter(len(t["start"]) for t in result.ties) == {10: 1445, 7: 332, 4: 4}  # day, month, year
    assert sum(t["attributes"].get("dated_from") == "Start Date text" for t in result.ties) == 305
    assert {c: sum(c in t["participants"] for t in result.ties) for c in TURKIC_SIX} == {
        "TUR": 126, "AZE": 30, "KAZ": 51, "KGZ": 46, "UZB": 21, "TKM": 0}  # TUR 127 rows less 'Peace 09'
    assert Counter(t["attributes"].get("exercise_type") for t in result.ties) == {
        "FTX": 1452, "unsure": 170, "CPX": 74, "CPX;FTX": 44, None: 41}
    assert sum(a["kind"] == "state" for a in result.actors) == 173
    loads(result, tmp_path)


@full
def test_full_jme_rows_match_provenance() -> None:
    """PROVENANCE.md's figures, read from the rows as xlrd gives them (before any mapping)."""
    rows = list(read_xls_rows(WORKBOOK, SHEET, REQUIRED))  # type: ignore[arg-type]
    assert (len(rows), rows[0][0], rows[-1][0], len(rows[0][1])) == (1790, 2, 1791, 53)
    years = [int(r["s.year"]) for _, r in rows if r["s.year"].isdigit()]
    assert (len(years), min(years), max(years)) == (1480, 1974, 2010)
    assert sum(r["Start Date"].strip() != "" for _, r in rows if not r["s.year"].strip()) == 307  # of 310
    codes = [{v.strip().upper() for k, v in r.items() if k.startswith("State ")} for _, r in rows]
    assert {c: sum(c in row for row in codes) for c in TURKIC_SIX} == {
        "TUR": 127, "AZE": 30, "KAZ": 51, "KGZ": 46, "UZB": 21, "TKM": 0}
    assert Counter(r["JME Type"] for _, r in rows) == {
        "FTX": 1455, "Unsure": 173, "CPX": 75, "": 41, "Both CPX & FTX": 39, "CPX/FTX": 3, "FTX/CPX": 3, "cpx": 1}


@full
def test_full_csv_export_gives_the_same_ties(tmp_path: Path) -> None:
    """A full CSV export of the sheet: same ids, participants, dates and attributes as the workbook."""
    rows = list(read_xls_rows(WORKBOOK, SHEET, ()))  # type: ignore[arg-type]
    export = tmp_path / "jme_v3.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(rows[0][1]))
        writer.writerows(list(row.values()) for _, row in rows)
    from_csv, from_xls = read_jme(export).ties, read_jme(WORKBOOK).ties  # type: ignore[arg-type]
    assert [dict(t, sources=None) for t in from_csv] == [dict(t, sources=None) for t in from_xls]
    assert from_csv[0]["sources"][0]["locator"] == "line 2; Source(s): 19741121--0053-jme_1_74_1.txt"
    assert from_xls[0]["sources"][0]["locator"] == ("sheet Sheet1_2, row 2; "
                                                    "Source(s): 19741121--0053-jme_1_74_1.txt")


@full
def test_full_overlaps_with_mme_and_seeds(tmp_path: Path) -> None:
    bundled = reference_actors([BUNDLED_DATA])
    for name, result in (("mme", read_mme(EXTERNAL / "mme-v7" / "mme_v7.csv")),  # type: ignore[operator]
                         ("jme", read_jme(WORKBOOK))):  # type: ignore[arg-type]
        write_import(align_actors(result, bundled), tmp_path / name, [BUNDLED_DATA])
    pairs = find_overlaps(load_dataset([BUNDLED_DATA, tmp_path / "mme", tmp_path / "jme"]))
    assert Counter((p["kept_dataset"], p["duplicate_dataset"], p["family"]) for p in pairs) == {
        ("mme", "jme", "exercise"): 1342}  # the seeds' exercises (2017 on) postdate both
    assert len({p["kept"] for p in pairs}) == len(pairs)  # one to one


@full
def test_full_jme_needs_the_sheet(tmp_path: Path) -> None:
    """Missing sheet / column: the real workbook with one name changed in place (same length)."""
    data = WORKBOOK.read_bytes()  # type: ignore[union-attr]
    (tmp_path / "renamed.xls").write_bytes(data.replace(b"Sheet1_2", b"Sheet1_X"))
    (tmp_path / "no-year.xls").write_bytes(data.replace(b"s.year", b"s_year", 1))
    assert _import(tmp_path / "renamed.xls", tmp_path / "out") == (
        1, "Error: renamed.xls: no sheet 'Sheet1_2' (the workbook has: Sheet1_X, Sheet1, Sheet2, Sheet3)\n")
    assert _import(tmp_path / "no-year.xls", tmp_path / "out") == (
        1, "Error: no-year.xls:1: field 's.year': missing column in the header of sheet 'Sheet1_2' (is this the "
           "right file for this source?)\n")
    assert not (tmp_path / "out").exists()
    with pytest.raises(ExternalFormatError, match="no sheet 'Sheet1_2'"):
        read_jme(tmp_path / "renamed.xls")
