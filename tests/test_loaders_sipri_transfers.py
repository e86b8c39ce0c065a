"""SIPRI's current per-delivery export (``loaders/sipri_transfers.py``) beside the trade register.

The committed excerpt (36 rows of the February 2026 export, ``fixtures/sipri-transfers``), damaged
copies of it made in tmp (each gets one exact ``Error:`` line or a reported skip, through the CLI),
what both layouts must share (``delivery_years``, ``system``), ``import all`` with both layouts in
one folder, and — when the shared folder is present — the full subset with its exact counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_loaders_external import EXTERNAL, FIXTURES, _shown, full, loads, reasons, tie

from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.loaders.overlap import find_overlaps
from tiegraph.loaders.sipri import read_sipri
from tiegraph.model.errors import ExternalFormatError
from tiegraph.model.vocabulary import TURKIC_SIX

EXCERPT = Path(__file__).parent / "fixtures" / "sipri-transfers" / "transfers-excerpt.csv"
REGISTER = FIXTURES / "sipri" / "trade-register-excerpt.csv"
YEARS = re.compile(r"\d{4}(;\d{4})*")
SKIP_MALFORMED = "malformed row: not 17 comma-separated fields (a comma outside quotes?)"
SKIP_DEAL_MALFORMED = "a row of the deal is malformed: the deal is left out (its deliveries would be incomplete)"
SKIP_NOT_YEAR = "delivery year is not a year: the deal is left out (its deliveries would be incomplete)"
SKIP_DISAGREE = "rows of one deal (SIPRI AT Database ID) disagree on the supplier or the recipient"


def copy(tmp_path: Path, old: bytes = b"", new: bytes = b"", name: str = "transfers.csv") -> Path:
    """The excerpt with ``old`` replaced by ``new`` once (it must occur)."""
    data = EXCERPT.read_bytes()
    if old:
        assert data.count(old) == 1, old
        data = data.replace(old, new)
    path = tmp_path / name
    path.write_bytes(data)
    return path


def import_cli(runner, path: Path, into: Path):
    return runner.invoke(app, ["import", "sipri", str(path), "--into", str(into)])


# --------------------------------------------------------------------------- the excerpt


def test_excerpt_one_tie_per_deal(tmp_path: Path) -> None:
    result = read_sipri(EXCERPT)
    assert (result.records_read, len(result.ties), result.repairs, result.warnings) == (36, 20, [], [])
    assert result.layout == "per-delivery export (one row per deal and delivery year): 36 rows, 22 deals"
    assert reasons(result) == {"supplier unknown ('unknown supplier(s)' in SIPRI)": 2}
    assert [s.where for s in result.skipped] == ["transfers-excerpt.csv:43 deal 67791 (to Azerbaijan)",
                                                 "transfers-excerpt.csv:45 deal 62074 (to Azerbaijan)"]
    dragar = tie(result, "sipri-22537")  # four rows, not in year order; ordered 1992
    assert (dragar["from"], dragar["to"], dragar["start"], dragar["status"]) == ("FRA", "TUR", "1992", "delivered")
    assert {k: dragar["attributes"][k] for k in (
        "system", "delivery_years", "first_delivery", "last_delivery", "delivered_by_year", "number_delivered",
        "number_delivered_uncertain", "tiv_delivered", "tiv_per_unit", "order_year_uncertain",
        "local_production", "sipri_deal_id")} == {
        "system": "Dragar", "delivery_years": "1997;1998;1999;2000", "first_delivery": "1997",
        "last_delivery": "2000", "delivered_by_year": "1997:68;1998:58;1999:200;2000:189",
        "number_delivered": 68 + 58 + 200 + 189, "number_delivered_uncertain": True,
        "tiv_delivered": pytest.approx(34 + 29 + 100 + 94.5), "tiv_per_unit": 0.5, "order_year_uncertain": False,
        "local_production": True, "sipri_deal_id": 22537}
    assert dragar["sources"] == [{
        "document": "SIPRI Arms Transfers Database, per-delivery export (data generated 12 Feb 2026 12:26:12 PM): "
                    "transfers-excerpt.csv",
        "locator": "lines 17-20, SIPRI AT Database ID 22537", "url": "https://www.sipri.org/databases/armstransfers"}]
    buk = tie(result, "sipri-56311")["attributes"]  # second hand but modernised: 0.66 of the TIV as new
    assert (buk["tiv_per_unit"], buk["tiv_per_unit_new"], buk["condition"], buk["tiv_delivered_by_year"]) == (
        33, 50, "Second hand but modernized", "2013:33;2014:33")
    survivor = tie(result, "sipri-54222")
    assert (survivor["title"], survivor["attributes"]["system"], survivor["attributes"]["sipri_designation"]) == (
        "Survivor-2 (armoured personnel carrier)", "Survivor-2", "Survivor-2 -")
    assert tie(result, "sipri-28845")["attributes"]["system"] == "A-50EHI"
    pechora = tie(result, "sipri-67820")["attributes"]  # blank estimate flags: not stated, never "No"
    assert "order_year_uncertain" not in pechora and "delivery_years_uncertain" not in pechora
    cobra = tie(result, "sipri-65604")["attributes"]  # rows 2022, 2021, 2023 (flags No, No, blank)
    assert (cobra["delivery_years"], cobra["delivered_by_year"], cobra["number_delivered"]) == (
        "2021;2022;2023", "2021:4;2022:20;2023:36", 60)
    assert "delivery_years_uncertain" not in cobra
    tb2 = tie(result, "sipri-64964")["attributes"]
    assert (tb2["system"], tb2["delivery_years"], tb2["delivery_years_uncertain"]) == (
        "Bayraktar TB-2", "2021;2022", "2022")
    assert tie(result, "sipri-61723")["to"] == "syria-rebels"
    assert {a["id"]: a["kind"] for a in result.actors if a["kind"] != "state"} == {"syria-rebels": "organization"}
    turkic = [t["id"] for t in result.ties if t["from"] in TURKIC_SIX and t["to"] in TURKIC_SIX]
    assert len(turkic) == 10 and "sipri-35708" in turkic  # Kazakhstan -> Kyrgyzstan among them
    coverage = result.coverage
    assert (coverage.first_year, coverage.last_year, coverage.kind, coverage.tie_types) == (
        1995, 2024, "systematic", ("arms_transfer",))
    assert "The years are DELIVERY years: 1995-2024" in coverage.note
    assert "As a source of orders it is left-truncated" in coverage.note
    loads(result, tmp_path)


def test_both_layouts_give_delivery_years_and_system() -> None:
    """Ascending 4-digit years, first/last from them, the designation as ``system``, in both layouts."""
    for path in (EXCERPT, REGISTER):
        result = read_sipri(path)
        assert result.ties
        for record in result.ties:
            attributes = record["attributes"]
            assert "weapon_designation" not in attributes and attributes["system"]
            if record["status"] != "delivered" and "delivery_years" not in attributes:
                continue  # a trade-register deal with nothing delivered yet
            years = attributes["delivery_years"]
            assert YEARS.fullmatch(years), (record["id"], years)
            assert years.split(";") == sorted(set(years.split(";")))
            assert (attributes["first_delivery"], attributes["last_delivery"]) == (years[:4], years[-4:])
    register = read_sipri(REGISTER)
    assert register.layout == "trade register (one record per deal)"
    assert tie(register, "sipri-tur-alb-2022-b6e7f24d")["attributes"]["system"] == "Bayraktar TB2"


def test_register_delivery_years_sorted_and_non_years_left_out(tmp_path: Path) -> None:
    head = REGISTER.read_bytes().split(b"\n")[:12]
    path = tmp_path / "register.csv"
    path.write_bytes(b"\n".join(head) + b"\nAzerbaijan,Turkiye,2019,,5,,Kirpi,APC,5,,2021; 20x1;2019 ;2021,"
                                        b"New,,0.3,1.5,1.5\n")
    result = read_sipri(path)
    attributes = result.ties[0]["attributes"]
    assert (attributes["delivery_years"], attributes["first_delivery"], attributes["last_delivery"]) == (
        "2019;2021", "2019", "2021")
    assert [tuple(w) for w in result.warnings] == [("register.csv:13 ('20x1')",
                                                    "delivery year that is not a year left out")]


def test_cli_import_names_the_layout(runner, tmp_path: Path) -> None:
    into = tmp_path / "sipri"
    result = import_cli(runner, EXCERPT, into)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:6] == [
        "sipri: transfers-excerpt.csv: 36 records read (encoding: ASCII)",
        "sipri: ties produced: 20 (arms_transfer 20)",
        "sipri: layout: per-delivery export (one row per deal and delivery year): 36 rows, 22 deals",
        "sipri: actors: 14 (organization 1, state 13)",
        "sipri: coverage: 1995-2024, systematic (arms_transfer)",
        "sipri: records skipped: 2"]
    written = [json.loads(line) for line in (into / "ties" / "sipri.jsonl").read_text().splitlines()]
    assert [t["id"] for t in written] == [t["id"] for t in read_sipri(EXCERPT).ties]
    assert load_dataset([into]).coverage["sipri"].covers(1995, "arms_transfer")
    register = import_cli(runner, REGISTER, tmp_path / "register")
    assert "sipri: layout: trade register (one record per deal)" in register.stdout.splitlines()


def test_not_a_sipri_export(tmp_path: Path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text("Supplier,Recipient\nA,B\n")
    with pytest.raises(ExternalFormatError) as err:
        read_sipri(bad)
    assert str(err.value) == ("export.csv:1: no 'Recipient,Supplier,…' (trade register) or 'SIPRI AT Database "
                              "ID,Supplier,…' (per-delivery export) header in the first 40 lines (not a SIPRI "
                              "export?)")
    bad.write_text("SIPRI AT Database ID,Supplier,Recipient,Designation;\n1,A,B,C;\n")
    with pytest.raises(ExternalFormatError) as err:
        read_sipri(bad)
    assert str(err.value) == ("export.csv:1: field 'column 5': is missing (the header has 4 columns, SIPRI's "
                              "export 17)")


# --------------------------------------------------------------------------- damaged copies, through the CLI


@pytest.mark.parametrize("cut, why", [
    (lambda data: data[: data.rindex(b"\r\n28845,") + 30], "4 of 17 fields"),
    (lambda data: data[:-3], "its last field 'No' lacks the ';' every line of the export ends with"),
])
def test_truncated_last_row_is_an_error_and_writes_nothing(runner, tmp_path: Path, cut, why: str) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(cut(EXCERPT.read_bytes()))
    result = import_cli(runner, path, tmp_path / "out")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"Error: cut.csv:48: the file ends inside a row ({why}): truncated? Export it from SIPRI again\n")
    assert not (tmp_path / "out").exists()


def test_row_with_a_wrong_field_count_skips_its_deal(runner, tmp_path: Path) -> None:
    row = b"56311,Belarus,Azerbaijan,Buk-1M,SAM system,Air-defence systems,2012,No,1,No,2014,"
    path = copy(tmp_path, row, row.replace(b"Buk-1M", b"Buk-1M, modernised"))
    result = import_cli(runner, path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "sipri: ties produced: 19 (arms_transfer 19)" in lines
    assert f"  1 x {SKIP_MALFORMED}: transfers.csv:16 (18 fields)" in lines
    assert f"  1 x {SKIP_DEAL_MALFORMED}: transfers.csv:15 deal 56311 (line 16)" in lines
    quoted = copy(tmp_path, row, row.replace(b"Buk-1M", b'"Buk-1M, modernised"'), name="quoted.csv")
    read = read_sipri(quoted)  # quoted, the comma is text: SIPRI's export quotes such fields
    assert reasons(read) == {"supplier unknown ('unknown supplier(s)' in SIPRI)": 2}
    assert (len(read.ties), read.warnings) == (20, [
        ("quoted.csv:15 deal 56311 ('Designation': 'Buk-1M' / 'Buk-1M, modernised')",
         "rows of one deal disagree on a column of the deal; the first row's value kept")])


def test_delivery_year_that_is_not_a_year_skips_its_deal(runner, tmp_path: Path) -> None:
    path = copy(tmp_path, b",2014,No,Second hand but modernized", b",2O14,No,Second hand but modernized")
    result = import_cli(runner, path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"  1 x {SKIP_NOT_YEAR}: transfers.csv:16 deal 56311 ('2O14')" in result.stdout.splitlines()
    written = (tmp_path / "out" / "ties" / "sipri.jsonl").read_text()
    assert '"sipri-56311"' not in written and len(written.splitlines()) == 19


def test_rows_of_one_deal_disagreeing_on_the_supplier_skip_it(runner, tmp_path: Path) -> None:
    path = copy(tmp_path, b"56311,Belarus,Azerbaijan,Buk-1M,SAM system,Air-defence systems,2012,No,1,No,2014,",
                b"56311,Russia,Azerbaijan,Buk-1M,SAM system,Air-defence systems,2012,No,1,No,2014,")
    result = import_cli(runner, path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (f"  1 x {SKIP_DISAGREE}: transfers.csv:15 deal 56311 (supplier: 'Belarus' (line 15) / "
            "'Russia' (line 16))") in result.stdout.splitlines()


def test_utf8_bom_and_lf_copies_read_like_the_export(runner, tmp_path: Path) -> None:
    original = read_sipri(EXCERPT)
    data = EXCERPT.read_bytes()
    for name, content, encoding in (("bom.csv", b"\xef\xbb\xbf" + data, "UTF-8 with BOM"),
                                    ("lf.csv", data.replace(b"\r\n", b"\n"), "ASCII")):
        assert content != data
        (tmp_path / name).write_bytes(content)
        result = import_cli(runner, tmp_path / name, tmp_path / name.replace(".csv", ""))
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == f"sipri: {name}: 36 records read (encoding: {encoding})"
        copied = read_sipri(tmp_path / name)
        assert [(t["id"], t["attributes"], t["sources"][0]["locator"]) for t in copied.ties] == [
            (t["id"], t["attributes"], t["sources"][0]["locator"]) for t in original.ties]
    no_preamble = tmp_path / "header-first.csv"  # re-saved without SIPRI's preamble, with a BOM
    no_preamble.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(data.split(b"\r\n")[11:]))
    assert [t["id"] for t in read_sipri(no_preamble).ties] == [t["id"] for t in original.ties]


# --------------------------------------------------------------------------- both layouts together


def test_import_all_prefers_the_per_delivery_export(runner, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    (folder / "old").mkdir(parents=True)
    (folder / "new").mkdir()
    (folder / "old" / "register.csv").write_bytes(REGISTER.read_bytes())
    (folder / "new" / "transfers.csv").write_bytes(EXCERPT.read_bytes())
    (folder / "new" / "again.csv").write_bytes(EXCERPT.read_bytes())
    result = runner.invoke(app, ["import", "all", str(folder), "--into", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Found in {_shown(folder)}: sipri ({_shown(folder / 'new' / 'again.csv')})"
    assert lines[1:3] == [
        f"Skipped {_shown(folder / 'new' / 'transfers.csv')}: another sipri file: again.csv is imported (one file per "
        "dataset; import this one by hand with --into)",
        f"Skipped {_shown(folder / 'old' / 'register.csv')}: SIPRI trade register (older layout) of the database whose "
        "current per-delivery export again.csv is imported: both would count each deal twice (import this one "
        "by hand with --into to use it instead)"]
    assert "Imported 1 of 1 datasets: sipri" in lines
    ties = (tmp_path / "out" / "sipri" / "ties" / "sipri.jsonl").read_text().splitlines()
    assert len(ties) == 20 and all(re.fullmatch(r"sipri-\d+", json.loads(t)["id"]) for t in ties)


def test_the_two_layouts_cannot_be_loaded_together(runner, tmp_path: Path) -> None:
    """Both are dataset ``sipri``: their coverage records differ, so loading both is refused (no double count)."""
    new, old = tmp_path / "new", tmp_path / "old"
    assert import_cli(runner, EXCERPT, new).exit_code == 0
    assert import_cli(runner, REGISTER, old).exit_code == 0
    result = runner.invoke(app, ["overlaps", str(new), str(old)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {old}/coverage.yaml:1: coverage 'sipri': field 'dataset': declared differently at "
           f"{new}/coverage.yaml:1\n")


def test_system_matches_another_datasets_tie(runner, tmp_path: Path) -> None:
    """A seed tie naming ``system`` overlaps the SIPRI deal of that system, not an earlier one of the dyad."""
    into = tmp_path / "sipri"
    assert import_cli(runner, EXCERPT, into).exit_code == 0
    seeds = tmp_path / "seeds"
    (seeds / "ties").mkdir(parents=True)
    (seeds / "ties" / "t.yaml").write_text(
        "- id: tur-kgz-aksungur\n  type: arms_transfer\n  from: TUR\n  to: KGZ\n  start: '2022'\n"
        "  status: delivered\n  attributes:\n    system: Aksungur\n"
        "  sources:\n    - document: doc.txt\n      locator: p. 1\n")
    dataset = load_dataset([into, seeds])
    pairs = [(p["kept"], p["duplicate"]) for p in find_overlaps(dataset)]
    assert pairs == [("tur-kgz-aksungur", "sipri-66263")]  # not the 2021 TB2 sale (sipri-64964), read first


# --------------------------------------------------------------------------- the full subset


@full
def test_full_transfers_subset(tmp_path: Path) -> None:
    result = read_sipri(EXTERNAL / "sipri-transfers-2026" / "derived" /  # type: ignore[operator]
                        "transfers_turkic-supplier-or-recipient.csv")
    assert (result.records_read, len(result.ties), result.repairs, result.warnings) == (1509, 772, [], [])
    assert result.layout.endswith(": 1509 rows, 776 deals")
    assert reasons(result) == {"supplier unknown ('unknown supplier(s)' in SIPRI)": 4}
    turkic = [t for t in result.ties if t["from"] in TURKIC_SIX and t["to"] in TURKIC_SIX]
    rows = sum(len(t["attributes"]["delivery_years"].split(";")) for t in turkic)
    assert (len(turkic), rows) == (31, 51)  # PROVENANCE.md: 31 deal ids, 51 delivery rows
    assert sorted({(t["from"], t["to"]) for t in turkic if t["from"] != "TUR"}) == [("KAZ", "KGZ")]
    assert (result.coverage.first_year, result.coverage.last_year) == (1995, 2024)
    loads(result, tmp_path)
