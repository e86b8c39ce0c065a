"""Loaders for DCAD, ATOP, SIPRI and MME (JME: test_loaders_jme.py): committed excerpts, the
hand-made split-record file, the crosswalk, overlaps, ``tiegraph import`` — and, when the shared
folder is present, the full files with their exact counts."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.loaders.atop import read_atop
from tiegraph.loaders.crosswalk import cow_to_iso3, name_to_iso3, state_actor
from tiegraph.loaders.datadir import BUNDLED_DATA, load_dataset
from tiegraph.loaders.dcad import read_dcad
from tiegraph.loaders.mme import read_mme
from tiegraph.loaders.overlap import datasets_used, find_overlaps, merge_overlaps
from tiegraph.loaders.result import ExternalFormatError, ImportResult
from tiegraph.loaders.sipri import read_sipri
from tiegraph.loaders.writer import align_actors, jsonl, write_import
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Source, Tie
from tiegraph.model.errors import DataValidationError
from tiegraph.model.vocabulary import TURKIC_SIX

FIXTURES = Path(__file__).parent / "fixtures" / "external"
REPO = Path(__file__).resolve().parent.parent
EXTERNAL = next((p for p in (Path("/work/shared/external"), REPO.parent / "shared" / "external")
                 if p.is_dir()), None)
full = pytest.mark.skipif(EXTERNAL is None, reason="shared/external (the full third-party files) is absent")


def loads(result: ImportResult, tmp_path: Path) -> None:
    """Every tie and actor passes the project's own loader (loaders/validate.py via load_dataset)."""
    directory = tmp_path / f"check-{result.source}"
    for sub, records in (("actors", result.actors), ("ties", result.ties)):
        (directory / sub).mkdir(parents=True)
        (directory / sub / f"{result.source}.jsonl").write_text(jsonl(records), encoding="utf-8")
    dataset = load_dataset([directory])
    assert len(dataset.ties) == len(result.ties)
    assert dataset.datasets() == [result.source]
    assert {s.url for t in dataset.ties for s in t.sources}


def reasons(result: ImportResult) -> dict[str, int]:
    return {reason: len(wheres) for reason, wheres in result.skipped_by_reason().items()}


def tie(result: ImportResult, tie_id: str) -> dict:
    return next(t for t in result.ties if t["id"] == tie_id)


# --------------------------------------------------------------------------- DCAD


def test_dcad_excerpt(tmp_path: Path) -> None:
    result = read_dcad(FIXTURES / "dcad" / "DCAD-v1.0-main.csv")
    assert (result.records_read, len(result.ties), len(result.skipped)) == (37, 33, 4)
    assert reasons(result) == {"ccode and cowName name different states": 1,
                               "self-dyad: ccode1 equals ccode2 (a tie needs two states)": 3}
    assert [s.where for s in result.skipped if s.reason.startswith("self-dyad")] == [
        "DCAD-v1.0-main.csv:10 DCADv1.0-0297 (145 BOL / 145 VEN)",
        "DCAD-v1.0-main.csv:22 DCADv1.0-1625 (541 MZM / 541 MZM)",
        "DCAD-v1.0-main.csv:38 DCADv1.0-1847 (750 IND / 750 IND)"]
    first = tie(result, "dcad-1720")
    assert first["participants"] == ["TUR", "TKM"]
    assert (first["start"], first["end"], first["status"]) == ("1992-09-09", "2010", "signed")
    assert first["attributes"]["entry_into_force"] == "1996-04-04"
    assert first["attributes"]["dcad_id"] == "DCADv1.0-1720"
    assert first["sources"] == [{"document": "DCAD v1.0 (Kinne 2020): DCAD-v1.0-main.csv",
                                 "locator": "line 23, DCAid DCADv1.0-1720",
                                 "url": "https://correlatesofwar.org/data-sets/defense-cooperation-agreement-dataset/"}]
    assert tie(result, "dcad-0035")["start"] == "2002-04"  # blank day: month precision
    assert tie(result, "dcad-0005")["start"] == "1999"  # blank day and month: year
    assert tie(result, "dcad-0009")["status"] == "ended"  # terminated = 1
    assert "entry_into_force" not in tie(result, "dcad-1009")["attributes"]  # EIF day/month, no year
    assert tie(result, "dcad-0055")["participants"] == ["USA", "SRB"]  # COW 345 in 2006
    assert len([t for t in result.ties if set(t["participants"]) <= set(TURKIC_SIX)]) == 23
    loads(result, tmp_path)


# --------------------------------------------------------------------------- ATOP


def test_atop_excerpt(tmp_path: Path) -> None:
    result = read_atop(FIXTURES / "atop")
    assert result.files == {"atop5_1a.csv": 9, "atop5_1m.csv": 43}
    assert (len(result.ties), result.skipped, result.warnings) == (21, [], [])
    pact = tie(result, "atop-4550")
    assert pact["participants"] == ["AZE", "TUR"]
    assert (pact["start"], pact.get("end"), pact["status"]) == ("1994-02-09", None, "active")
    assert {k: pact["attributes"][k] for k in ("atopid", "defense", "offense", "neutral", "nonagg",
                                               "consul")} == {"atopid": 4550, "defense": 1, "offense": 0,
                                                              "neutral": 0, "nonagg": 0, "consul": 0}
    assert tie(result, "atop-1320")["participants"] == ["FRA", "XAN"]  # Annam, member code 8152
    assert tie(result, "atop-3045")["participants"] == ["CSK", "YUG"]
    assert tie(result, "atop-3045")["end"] == "1949-09"  # blank exit day: month precision
    elysee = tie(result, "atop-3470")  # FRG row then Germany row: one state, one tie
    assert (elysee["participants"], elysee["status"]) == (["FRA", "DEU"], "active")
    anzus = tie(result, "atop-3215-s1"), tie(result, "atop-3215-s2")
    assert [t["participants"] for t in anzus] == [["USA", "AUS", "NZL"], ["USA", "AUS"]]
    assert anzus[0]["end"] == anzus[1]["start"] == "1986-09-17"
    assert anzus[1]["attributes"]["continues"] == "atop-3215-s1"
    assert tie(result, "atop-3490-s2")["start"] == "1964-01"  # El Salvador's entry day is blank
    # a Turkic pair is tied only from the day both are members
    assert tie(result, "atop-4400-s1")["participants"] == ["RUS", "BLR", "ARM", "TJK", "KGZ", "UZB", "KAZ"]
    assert tie(result, "atop-4400-s2")["start"] == "1993-09-24"
    assert "AZE" in tie(result, "atop-4400-s2")["participants"]
    assert next(a for a in result.actors if a["id"] == "XAN")["note"].startswith("ATOP member code 8152")
    loads(result, tmp_path)


def test_atop_path_forms() -> None:
    by_folder = read_atop(FIXTURES / "atop")
    for path in (FIXTURES / "atop" / "atop5_1a.csv", FIXTURES / "atop" / "atop5_1m.csv"):
        assert read_atop(path).ties == by_folder.ties


def test_atop_missing_codes(tmp_path: Path) -> None:
    """-9 (missing) never becomes a date; 0 exit = still in force."""
    (tmp_path / "atop5_1a.csv").write_bytes((FIXTURES / "atop" / "atop5_1a.csv").read_bytes())
    rows = list(csv.DictReader(io.StringIO((FIXTURES / "atop" / "atop5_1m.csv").read_text())))
    for row in rows:
        if row["atopid"] == "1320":
            row.update(dayexit="-9", moexit="-9")
        if row["atopid"] == "3045" and row["member"] == "345":
            row["yrent"] = "-9"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "atop5_1m.csv").write_text(out.getvalue())
    result = read_atop(tmp_path)
    assert tie(result, "atop-1320")["end"] == "1883"  # month and day missing: the year only
    assert reasons(result) == {"entry year missing (-9): the member cannot be dated": 1,
                               "phase with fewer than two mapped members in force together": 1}
    assert not any(t["id"] == "atop-3045" for t in result.ties)


def test_atop_needs_both_files(tmp_path: Path) -> None:
    (tmp_path / "atop5_1a.csv").write_bytes((FIXTURES / "atop" / "atop5_1a.csv").read_bytes())
    with pytest.raises(ExternalFormatError, match="atop5_1m.csv: ATOP file not found"):
        read_atop(tmp_path / "atop5_1a.csv")


# --------------------------------------------------------------------------- SIPRI


def test_sipri_excerpt(tmp_path: Path) -> None:
    result = read_sipri(FIXTURES / "sipri" / "trade-register-excerpt.csv")
    assert (result.records_read, len(result.ties), result.repairs) == (47, 43, [])
    assert reasons(result) == {"supplier unknown ('unknown supplier(s)' in SIPRI)": 4}
    tb2 = next(t for t in result.ties if t["to"] == "ALB")
    assert (tb2["id"], tb2["from"], tb2["start"], tb2["status"]) == (
        "sipri-tur-alb-2022-b6e7f24d", "TUR", "2022", "delivered")
    assert tb2["title"] == "Bayraktar TB2 (armed UAV)"
    assert {k: tb2["attributes"][k] for k in ("number_ordered", "number_ordered_uncertain",
                                              "delivery_years", "tiv_delivered")} == {
        "number_ordered": 3, "number_ordered_uncertain": True, "delivery_years": "2024", "tiv_delivered": 7.2}
    assert tb2["sources"][0]["document"] == ("SIPRI Arms Transfers Database, trade register (data generated "
                                             "13 Mar 2025 10:02:49 AM): trade-register-excerpt.csv")
    assert any(t["to"] == "ARE" for t in result.ties)  # "UAE"
    rebels = next(a for a in result.actors if a["id"] == "syria-rebels")
    assert rebels["kind"] == "organization"  # never Syria
    assert any("Kiliç" in t["attributes"].get("comments", "") for t in result.ties)  # latin-1
    loads(result, tmp_path)


def test_sipri_split_records_repaired(tmp_path: Path) -> None:
    result = read_sipri(FIXTURES / "sipri" / "handmade-split-records.csv")
    assert (result.records_read, len(result.ties)) == (11, 7)
    assert [tuple(r) for r in result.repairs] == [
        ("handmade-split-records.csv:14-15", "record split by a raw line break (LF) inside Comments, rejoined"),
        ("handmade-split-records.csv:16-17", "record split by a raw line break (CR LF) inside Comments, rejoined")]
    aze, kaz = (next(t for t in result.ties if t["to"] == c) for c in ("AZE", "KAZ"))
    assert (aze["attributes"]["comments"], aze["attributes"]["tiv_delivered"]) == (
        "Hand-made; comment ends in a line break", 86.4)
    assert (kaz["attributes"]["comments"], kaz["attributes"]["tiv_per_unit"], kaz["sources"][0]["locator"]) == (
        "Hand-made; produced in Türkiye under licence", 5, "line 16")
    assert [tuple(s) for s in result.skipped] == [
        ("handmade-split-records.csv:20 ('Hezbollah (Lebanon)*')",
         "supplier is an armed group, not a state or company (the supplier of an arms_transfer must be one)"),
        ("handmade-split-records.csv:21 ('Atlantis')", "recipient name not mapped to a country (ISO3 id)"),
        ("handmade-split-records.csv:22 (7 fields)", "malformed record: not 16 comma-separated fields and "
                                                     "not repairable by joining the next line"),
        ("handmade-split-records.csv:24 (to Azerbaijan)", "supplier unknown ('unknown supplier(s)' in SIPRI)")]
    uzb = next(t for t in result.ties if t["to"] == "UZB")  # the line after the broken one is intact
    assert (uzb["status"], uzb["sources"][0]["locator"]) == ("signed", "line 23")
    assert {a["id"]: a["kind"] for a in result.actors if a["kind"] != "state"} == {
        "syria-rebels": "organization", "united-nations": "organization"}
    loads(result, tmp_path)


def test_sipri_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text("Recipient,Supplier,Year of order\nA,B,2020\n")
    with pytest.raises(ExternalFormatError) as err:
        read_sipri(bad)
    assert str(err.value) == ("export.csv:1: field 'column 4': is missing (the header has 3 columns, "
                              "SIPRI's export 16)")
    bad.write_text("preamble\nRecipient,Supplier,Year of order,?\n")
    with pytest.raises(ExternalFormatError) as err:
        read_sipri(bad)
    assert str(err.value) == "export.csv:2: field 'column 4': is '?', SIPRI's export has ' '"


# --------------------------------------------------------------------------- MME


def test_mme_excerpt(tmp_path: Path) -> None:
    result = read_mme(FIXTURES / "mme" / "mme_v7.csv")
    assert (result.records_read, len(result.ties), len(result.skipped)) == (30, 26, 4)
    assert reasons(result) == {"fewer than two identified participants": 4}
    ids = [t["id"] for t in result.ties]
    assert {"mme-3460-l13", "mme-3460-l26", "mme-3457-l14", "mme-3458-l23"} <= set(ids)
    assert len(ids) == len(set(ids))
    readex = tie(result, "mme-87")
    assert (readex["participants"], readex["start"], readex["end"], readex["title"]) == (
        ["NLD", "GBR", "USA"], "1980-01-14", "1980-01-21", "Readex 1-80")
    assert tie(result, "mme-88")["start"] == "1980-01"  # day xx
    assert tie(result, "mme-2457")["participants"] == ["ROU", "SRB"]  # "Yugoslavia" in 2004
    assert tie(result, "mme-94")["participants"] == ["DDR", "RUS"]
    assert "KNA" in tie(result, "mme-978")["participants"]  # "st. christopher"
    assert "nato" in tie(result, "mme-2860")["participants"]
    assert "end" not in tie(result, "mme-281")  # MME's end is before its start
    assert ("mme_v7.csv:16 mme3493 ('Baltic States')",
            "participant name not mapped to an ISO3 id; left out") in result.warnings
    assert tie(result, "mme-3493")["attributes"]["unmapped_participants"] == "Baltic States"
    loads(result, tmp_path)


# --------------------------------------------------------------------------- crosswalk


@pytest.mark.parametrize("code, year, iso", [
    (640, None, "TUR"), (373, None, "AZE"), (705, None, "KAZ"), (703, None, "KGZ"), (704, None, "UZB"),
    (701, None, "TKM"), (365, 1985, "RUS"), (255, None, "DEU"), (260, None, "DEU"), (265, None, "DDR"),
    (315, None, "CSK"), (316, None, "CZE"), (345, 1991, "YUG"), (345, 1992, "SRB"), (680, None, "YMD"),
    (679, None, "YEM"), (817, None, "XRV"), (816, None, "VNM"), (970, None, "NRU"), (946, None, "KIR"),
    (8152, None, "XAN"), (99999, None, None), ("x", None, None)])
def test_cow_codes(code: int, year: int | None, iso: str | None) -> None:
    assert cow_to_iso3(code, year) == iso


@pytest.mark.parametrize("name, year, iso", [
    ("Turkey", None, "TUR"), ("Turkiye", None, "TUR"), ("Soviet Union", None, "RUS"),
    ("Czechoslovakia", None, "CSK"), ("German Democratic Republic", None, "DDR"),
    ("Yugoslavia", 1985, "YUG"), ("Yugoslavia", 2004, "SRB"), ("UAE", None, "ARE"),
    ("South Yemen", None, "YMD"), ("Atlantis", None, None), ("-9", None, None), ("Baltic States", None, None)])
def test_country_names(name: str, year: int | None, iso: str | None) -> None:
    assert name_to_iso3(name, year) == iso


def test_state_actor_records() -> None:
    assert state_actor("TUR") == {"id": "TUR", "kind": "state", "name": "Türkiye"}
    assert state_actor("YUG")["note"].startswith("ISO 3166-3 former code")


# --------------------------------------------------------------------------- overlaps


def _tie(tie_id: str, kind: str, who: tuple[str, ...], year: int | None, dataset: str, **attributes) -> Tie:
    return Tie(tie_id, kind, who, PartialDate(year) if year else None, "signed",
               (Source(dataset, "x"),), attributes=attributes, dataset=dataset)


def test_overlaps_flag_and_merge() -> None:
    ties = [
        _tie("s-tb2", "arms_transfer", ("TUR", "KGZ"), 2021, "seeds", system="Bayraktar TB2 (and more)"),
        _tie("p-tb2", "arms_transfer", ("TUR", "KGZ"), 2022, "sipri", system="Bayraktar TB2"),
        _tie("p-akinci", "arms_transfer", ("TUR", "KGZ"), 2021, "sipri", system="Akinci"),
        _tie("p-back", "arms_transfer", ("KGZ", "TUR"), 2021, "sipri", system="Bayraktar TB2"),
        _tie("s-dca", "defense_cooperation_agreement", ("KAZ", "TUR"), 1996, "seeds"),
        _tie("d-1", "defense_cooperation_agreement", ("TUR", "KAZ"), 1996, "dcad"),
        _tie("d-2", "defense_cooperation_agreement", ("TUR", "KAZ"), 1996, "dcad"),
        _tie("a-pact", "alliance_treaty", ("AZE", "TUR"), 2010, "atop"),
        _tie("s-sp", "strategic_partnership", ("TUR", "AZE"), 2011, "seeds"),
        _tie("d-aze", "defense_cooperation_agreement", ("AZE", "TUR"), 2010, "dcad"),
        _tie("s-undated", "defense_cooperation_agreement", ("AZE", "TUR"), None, "seeds"),
    ]
    pairs = {(p["kept"], p["duplicate"]) for p in find_overlaps(ties)}
    assert pairs == {("s-tb2", "p-tb2"), ("s-dca", "d-1"), ("s-sp", "a-pact")}
    merged = merge_overlaps(ties)
    assert [t.id for t in merged] == ["s-tb2", "p-akinci", "p-back", "s-dca", "d-2", "s-sp", "d-aze", "s-undated"]
    assert next(t for t in merged if t.id == "s-dca").attributes["overlaps_with"] == "d-1"
    marked = merge_overlaps(ties, drop_duplicates=False)
    assert next(t for t in marked if t.id == "a-pact").attributes["duplicate_of"] == "s-sp"
    assert datasets_used(merged) == {"seeds": 4, "sipri": 2, "dcad": 2}
    assert datasets_used([{"dataset": "dcad"}, {}]) == {"dcad": 1, "seeds": 1}


# --------------------------------------------------------------------------- writing and the CLI


def test_imported_states_reuse_bundled_records(tmp_path: Path) -> None:
    reference = tmp_path / "ref"
    reference.mkdir()
    (reference / "actors.yaml").write_text("- id: TUR\n  kind: state\n  name: Republic of Türkiye\n"
                                           "  aliases: [Turkey]\n", encoding="utf-8")
    result = read_dcad(FIXTURES / "dcad" / "DCAD-v1.0-main.csv")
    renamed = ImportResult(result.source, result.files, result.ties,
                           [dict(a, name="Turkey") if a["id"] == "TUR" else a for a in result.actors])
    with pytest.raises(DataValidationError, match="duplicate actor id"):
        write_import(renamed, tmp_path / "bad", [reference])
    assert not (tmp_path / "bad").exists()  # nothing written, not even the directory
    from tiegraph.loaders.writer import reference_actors
    align_actors(result, reference_actors([reference]))
    write_import(result, tmp_path / "good", [reference])
    assert load_dataset([reference, tmp_path / "good"]).actors["TUR"].name == "Republic of Türkiye"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def test_cli_import_writes_validated_files(tmp_path: Path) -> None:
    into = tmp_path / "dcad-data"
    runner = CliRunner()
    result = runner.invoke(app, ["import", "dcad", str(FIXTURES / "dcad" / "DCAD-v1.0-main.csv"),
                                 "--into", str(into)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "dcad: DCAD-v1.0-main.csv: 37 records read",
        "dcad: ties produced: 33 (defense_cooperation_agreement 33)",
        "dcad: actors: 18 (state 18)",
        "dcad: coverage: 1980-2010, systematic (defense_cooperation_agreement)",
        "dcad: records skipped: 4",
        "  1 x ccode and cowName name different states: DCAD-v1.0-main.csv:9 DCADv1.0-0108 "
        "(ccode2 652 is usually SYR, 'EGY' is 651)",
        "  3 x self-dyad: ccode1 equals ccode2 (a tie needs two states): "
        "DCAD-v1.0-main.csv:10 DCADv1.0-0297 (145 BOL / 145 VEN); DCAD-v1.0-main.csv:22 DCADv1.0-1625 "
        "(541 MZM / 541 MZM); DCAD-v1.0-main.csv:38 DCADv1.0-1847 (750 IND / 750 IND)",
        f"Wrote {_shown(into / 'ties' / 'dcad.jsonl')} (33 ties) and "
        f"{_shown(into / 'actors' / 'dcad.jsonl')} (18 actors) and {_shown(into / 'coverage.yaml')}",
        f"Use it with: --data {_shown(BUNDLED_DATA)} --data {_shown(into)}",
    ]
    ties_file, actors_file = into / "ties" / "dcad.jsonl", into / "actors" / "dcad.jsonl"
    first = (ties_file.read_bytes(), actors_file.read_bytes())
    assert len(first[0].splitlines()) == 33 and json.loads(first[0].splitlines()[0])["dataset"] == "dcad"
    again = runner.invoke(app, ["import", "dcad", str(FIXTURES / "dcad" / "DCAD-v1.0-main.csv"),
                                "--into", str(into)])
    assert again.exit_code == 0
    assert (ties_file.read_bytes(), actors_file.read_bytes()) == first  # replaced, not appended
    assert sorted(p.name for p in into.rglob("*")) == ["actors", "coverage.yaml", "dcad.jsonl", "dcad.jsonl", "ties"]
    assert load_dataset([into]).coverage["dcad"].is_censored(2010)
    assert len(load_dataset([into]).ties) == 33


@pytest.mark.parametrize("source, path, lines", [
    ("atop", "atop", ["atop: atop5_1a.csv: 9 records read", "atop: atop5_1m.csv: 43 records read",
                      "atop: ties produced: 21 (alliance_treaty 21)"]),
    ("sipri", "sipri/handmade-split-records.csv", [
        "sipri: handmade-split-records.csv: 11 records read (encoding: latin-1 (not valid UTF-8))",
        "sipri: ties produced: 7 (arms_transfer 7)"]),
    ("mme", "mme/mme_v7.csv", ["mme: mme_v7.csv: 30 records read",
                               "mme: ties produced: 26 (joint_exercise 26)"]),
])
def test_cli_import_other_sources(tmp_path: Path, source: str, path: str, lines: list[str]) -> None:
    result = CliRunner().invoke(app, ["import", source, str(FIXTURES / path), "--into", str(tmp_path / source)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[: len(lines)] == lines
    assert (tmp_path / source / "ties" / f"{source}.jsonl").is_file()


def test_cli_bad_file_one_error_line_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "not-dcad.csv"
    bad.write_text("a,b\n1,2\n")
    into = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "dcad", str(bad), "--into", str(into)])
    assert result.exit_code == 1
    assert result.output == ("Error: not-dcad.csv:1: field 'ccode1': missing column in the header "
                             "(is this the right file for this source?)\n")
    assert not into.exists()
    short = tmp_path / "short.csv"
    header = (FIXTURES / "dcad" / "DCAD-v1.0-main.csv").read_text().splitlines()[0]
    short.write_text(header + "\n2,USA,20,CAN\n")
    result = CliRunner().invoke(app, ["import", "dcad", str(short), "--into", str(into)])
    assert (result.exit_code, result.output) == (1, "Error: short.csv:2: 4 fields, the header has 30\n")
    assert not into.exists()


def test_cli_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.csv"
    header = (FIXTURES / "mme" / "mme_v7.csv").read_bytes().splitlines()[0]
    bad.write_bytes(header + b"\nmme1,Exercise in T\xfcrkiye\n")
    result = CliRunner().invoke(app, ["import", "mme", str(bad), "--into", str(tmp_path / "out")])
    assert (result.exit_code, result.output) == (1, "Error: latin1.csv:2: not valid utf-8 (byte 0xfc)\n")
    assert not (tmp_path / "out").exists()


def test_cli_rejects_unknown_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "cow", str(tmp_path)])
    assert (result.exit_code, result.output) == (2, "Error: tiegraph import: Invalid value for 'source': Value error, 'cow' is not "
                                                    "one of 'dcad', 'atop', 'sipri', 'mme', 'jme', 'all'. (see 'tiegraph import --help')\n")


# --------------------------------------------------------------------------- the full files


@full
def test_full_dcad(tmp_path: Path) -> None:
    result = read_dcad(EXTERNAL / "dcad-v1.0" / "DCAD-v1.0-main.csv")
    assert (result.records_read, len(result.ties), len(result.skipped)) == (1871, 1867, 4)
    assert [s.where.split(" (")[0] for s in result.skipped] == [
        "DCAD-v1.0-main.csv:109 DCADv1.0-0108", "DCAD-v1.0-main.csv:293 DCADv1.0-0297",
        "DCAD-v1.0-main.csv:1593 DCADv1.0-1625", "DCAD-v1.0-main.csv:1811 DCADv1.0-1847"]
    assert reasons(result)["self-dyad: ccode1 equals ccode2 (a tie needs two states)"] == 3
    turkic = [t for t in result.ties if set(t["participants"]) <= set(TURKIC_SIX)]
    assert (len(turkic), min(t["start"] for t in turkic), max(t["start"] for t in turkic)) == (
        23, "1992-09-09", "2010-11")
    assert sum("TUR" in t["participants"] for t in result.ties) == 141
    in_force = {y: sum(int(t["start"][:4]) <= y <= int(t["end"]) for t in result.ties) for y in (1990, 2000, 2010)}
    assert in_force == {1990: 98, 2000: 803, 2010: 1199}  # PROVENANCE: 98, 804, 1,202 before the 4 skips
    loads(result, tmp_path)


@full
def test_full_atop(tmp_path: Path) -> None:
    result = read_atop(EXTERNAL / "atop-5.1")
    assert result.files == {"atop5_1a.csv": 789, "atop5_1m.csv": 2510}
    assert (len(result.ties), result.skipped, result.warnings) == (1081, [], [])
    assert len({(t["attributes"]["atopid"], t["attributes"]["phase"]) for t in result.ties}) == 849
    assert Counter(t["status"] for t in result.ties) == {"ended": 703, "active": 378}
    assert len(result.actors) == 207
    loads(result, tmp_path)


@full
def test_full_sipri_subset(tmp_path: Path) -> None:
    result = read_sipri(EXTERNAL / "sipri-trade-register" / "derived" /
                        "trade-register_turkiye-supplier-or-turkic-recipient.csv")
    assert (result.records_read, len(result.ties), result.repairs) == (1123, 1119, [])
    assert reasons(result) == {"supplier unknown ('unknown supplier(s)' in SIPRI)": 4}
    assert sum(t["from"] == "TUR" for t in result.ties) == 244
    assert sum(t["from"] in TURKIC_SIX and t["to"] in TURKIC_SIX for t in result.ties) == 33
    loads(result, tmp_path)


@full
def test_full_mme(tmp_path: Path) -> None:
    result = read_mme(EXTERNAL / "mme-v7" / "mme_v7.csv")
    assert (result.records_read, len(result.ties), len(result.skipped)) == (3707, 3573, 134)
    assert reasons(result) == {"fewer than two identified participants": 134}
    assert {c: sum(c in t["participants"] for t in result.ties) for c in TURKIC_SIX} == {
        "TUR": 331, "AZE": 77, "KAZ": 113, "KGZ": 92, "UZB": 57, "TKM": 1}
    assert sorted(t["id"] for t in result.ties if "-l" in t["id"]) == [
        "mme-3457-l1409", "mme-3458-l1961", "mme-3460-l1239", "mme-3460-l2817"]
    loads(result, tmp_path)
