"""Importers on damaged or unusual copies of the real files, made in tmp from the committed excerpts.

Each case is what a real export can look like (re-saved as UTF-8 with a BOM, cut short, another
dataset version, one half of a file pair, a second import running) and gets either a correct
import or one exact ``Error:`` line with nothing written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_loaders_external import _shown

from tiegraph.cli import app
from tiegraph.loaders.atop import read_atop
from tiegraph.loaders.datadir import BUNDLED_DATA, load_dataset
from tiegraph.loaders.sipri import read_sipri
from tiegraph.model.errors import ExternalFormatError

FIXTURES = Path(__file__).parent / "fixtures" / "external"
HANDMADE = FIXTURES / "sipri" / "handmade-split-records.csv"
EXCERPT = FIXTURES / "sipri" / "trade-register-excerpt.csv"


def sipri_copy(tmp_path: Path, records: list[str], name: str = "register.csv") -> Path:
    """SIPRI's real preamble and header (from the excerpt) followed by ``records``."""
    head = EXCERPT.read_bytes().split(b"\n")[:12]
    path = tmp_path / name
    path.write_bytes(b"\n".join(head) + b"\n" + "".join(r + "\n" for r in records).encode("latin-1"))
    return path


def test_sipri_utf8_with_bom_reads_like_the_latin1_export(tmp_path):
    utf8 = tmp_path / "register-utf8.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + HANDMADE.read_bytes().decode("latin-1").encode("utf-8"))
    latin, bom = read_sipri(HANDMADE), read_sipri(utf8)
    assert [t["id"] for t in bom.ties] == [t["id"] for t in latin.ties]
    assert [t["attributes"]["comments"] for t in bom.ties] == [t["attributes"]["comments"] for t in latin.ties]
    assert "Hand-made; produced in Türkiye under licence" in [t["attributes"]["comments"] for t in bom.ties]
    assert (latin.encodings, bom.encodings) == ({HANDMADE.name: "latin-1 (not valid UTF-8)"},
                                                {utf8.name: "UTF-8 with BOM"})
    assert bom.summary().splitlines()[0] == "sipri: register-utf8.csv: 11 records read (encoding: UTF-8 with BOM)"


def test_truncated_sipri_is_an_error_and_writes_nothing(runner, tmp_path):
    data = EXCERPT.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b",Turkiye,") + 20])  # inside the last record
    lines = cut.read_bytes().count(b"\n") + 1
    result = runner.invoke(app, ["import", "sipri", str(cut), "--into", str(tmp_path / "out")])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"Error: cut.csv:{lines}: the file ends inside a record (7 of 16 fields): truncated? Export the "
               "trade register again\n")
    assert not (tmp_path / "out").exists()


def test_sipri_names_northern_cyprus_unknown_recipients_and_organisations(tmp_path):
    path = sipri_copy(tmp_path, [
        "Northern Cyprus,Turkiye,2021,,3,,Bayraktar TB2,armed UAV,3,,2022,New,,2.4,7.2,7.2",
        "unknown recipient(s),Turkiye,2019,,5,,Kirpi,APC,5,,2020,New,,0.3,1.5,1.5",
        "Somalia,United Nations**,2015,,2,,Kirpi,APC,2,,2016,New,,0.3,0.6,0.6",
        "Mali,European Union**,2018,,4,,Kirpi,APC,4,,2019,New,,0.3,1.2,1.2",
        "Azerbaijan,PKK (Turkiye)*,2018,,4,,Kirpi,APC,4,,2019,New,,0.3,1.2,1.2",
    ])
    result = read_sipri(path)
    assert [(t["from"], t["to"]) for t in result.ties] == [("TUR", "XNC")]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("register.csv:14 (from Turkiye)", "recipient unknown ('unknown recipient(s)' in SIPRI)"),
        ("register.csv:15 ('United Nations**')", "supplier is an international organisation, not a state or "
                                                 "company (the supplier of an arms_transfer must be one)"),
        ("register.csv:16 ('European Union**')", "supplier is an international organisation, not a state or "
                                                 "company (the supplier of an arms_transfer must be one)"),
        ("register.csv:17 ('PKK (Turkiye)*')", "supplier is an armed group, not a state or company (the "
                                               "supplier of an arms_transfer must be one)"),
    ]
    assert (result.coverage.first_year, result.coverage.last_year) == (2015, 2022)


def test_sipri_xnc_aligns_with_the_bundled_actor(runner, tmp_path):
    path = sipri_copy(tmp_path, ["Northern Cyprus,Turkiye,2021,,3,,Bayraktar TB2,armed UAV,3,,2022,New,,2.4,7.2,7.2"])
    into = tmp_path / "sipri"
    assert runner.invoke(app, ["import", "sipri", str(path), "--into", str(into)]).exit_code == 0
    dataset = load_dataset([BUNDLED_DATA, into])
    assert dataset.actors["XNC"].name == "Turkish Republic of Northern Cyprus"


def _atop_pair(tmp_path: Path, member_version: str = "5.1") -> Path:
    folder = tmp_path / "atop"
    folder.mkdir()
    (folder / "atop5_1a.csv").write_bytes((FIXTURES / "atop" / "atop5_1a.csv").read_bytes())
    member = (FIXTURES / "atop" / "atop5_1m.csv").read_bytes().replace(b",5.1\r\n", f",{member_version}\r\n".encode())
    (folder / "atop5_1m.csv").write_bytes(member)
    return folder


def test_atop_of_another_version_is_refused(runner, tmp_path):
    folder = _atop_pair(tmp_path, "4.01")
    result = runner.invoke(app, ["import", "atop", str(folder), "--into", str(tmp_path / "out")])
    assert (result.exit_code, result.stderr) == (
        1, "Error: atop5_1m.csv:2: field 'version': ATOP version '4.01': this loader reads ATOP 5.1 only (its "
           "codes and its 'exit 0 = in force on 31 Dec 2018' rule are 5.1's)\n")
    assert not (tmp_path / "out").exists()


def test_atop_member_file_alone_is_not_read_as_both_files(tmp_path):
    folder = _atop_pair(tmp_path)
    alone = tmp_path / "members.csv"
    alone.write_bytes((folder / "atop5_1m.csv").read_bytes())
    with pytest.raises(ExternalFormatError) as info:
        read_atop(alone)
    assert str(info.value) == (f"{alone}: cannot tell which ATOP file this is: give the folder, or the "
                               "alliance-level *a.csv with the member-level *m.csv beside it")
    with pytest.raises(ExternalFormatError) as info:
        read_atop(folder / "atop5_1m.csv", folder / "atop5_1a.csv")  # the pair swapped
    assert str(info.value) == ("atop5_1m.csv:1: field 'member': is an ATOP member-level file, given where the "
                               "alliance-level file belongs")
    assert read_atop(folder).coverage.last_year == 2018


def test_a_second_import_into_a_locked_directory_is_refused(runner, tmp_path):
    into = tmp_path / "dcad"
    into.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX); "
        "print('locked', flush=True); sys.stdin.read()"), str(into)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        result = runner.invoke(app, ["import", "dcad", str(FIXTURES / "dcad" / "DCAD-v1.0-main.csv"),
                                     "--into", str(into)])
        assert (result.exit_code, result.stderr) == (
            1, f"Error: {into}: another tiegraph import is writing into this directory; run this one when it "
               "has finished\n")
        assert list(into.iterdir()) == []
    finally:
        holder.communicate("")
    assert runner.invoke(app, ["import", "dcad", str(FIXTURES / "dcad" / "DCAD-v1.0-main.csv"),
                               "--into", str(into)]).exit_code == 0  # the lock went with its process


def test_dataset_filter_does_not_depend_on_the_other_directories(runner, tmp_path):
    """The seeds absorb 3 SIPRI ties of the excerpt; a SIPRI-only view must still count them."""
    into = tmp_path / "sipri"
    assert runner.invoke(app, ["import", "sipri", str(EXCERPT), "--into", str(into)]).exit_code == 0

    def ties(*data: Path) -> int:
        args = [a for d in data for a in ("--data", str(d))]
        done = runner.invoke(app, ["report", *args, "--dataset", "sipri", "--format", "json"])
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)["summary"]["ties"]

    assert ties(BUNDLED_DATA, into) == ties(into) == 43


def test_import_all_finds_imports_and_explains(runner, tmp_path):
    out = tmp_path / "imports"
    result = runner.invoke(app, ["import", "all", str(FIXTURES), "--into", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Found in {_shown(FIXTURES)}: dcad (") and "jme (" in lines[0]
    assert f"Skipped {_shown(FIXTURES / 'PROVENANCE.md')}: documentation, not data" in lines
    assert (f"Skipped {_shown(EXCERPT)}: another sipri file: handmade-split-records.csv is imported (one file per "
            "dataset; import this one by hand with --into)") in lines
    assert "Imported 5 of 5 datasets: dcad, atop, sipri, mme, jme" in lines
    dirs = [out / s for s in ("dcad", "atop", "sipri", "mme", "jme")]
    assert lines[-1] == "Run the thesis test on them: tiegraph thesis " + " ".join(
        f"--data {_shown(d)}" for d in [BUNDLED_DATA, *dirs])
    dataset = load_dataset([BUNDLED_DATA, *dirs])
    assert {k: (c.first_year, c.last_year, c.kind) for k, c in dataset.coverage.items()} == {
        "seeds": (1990, 2025, "documentary"), "dcad": (1980, 2010, "systematic"),
        "atop": (1815, 2018, "systematic"), "sipri": (2010, 2023, "systematic"),
        "mme": (1980, 2010, "systematic"), "jme": (1970, 2010, "systematic")}


def test_import_all_reports_a_dataset_it_cannot_import(runner, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    data = EXCERPT.read_bytes()
    (folder / "sipri.csv").write_bytes(data[: data.rindex(b",Turkiye,") + 20])
    (folder / "DCAD-v1.0-main.csv").write_bytes((FIXTURES / "dcad" / "DCAD-v1.0-main.csv").read_bytes())
    result = runner.invoke(app, ["import", "all", str(folder), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert ("Imported 0 of 2 datasets: nothing written (1 could not be imported; fix or move them and run "
            "'import all' again)") in result.stdout.splitlines()
    assert result.stderr.startswith("Error: sipri: not imported: sipri.csv:") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()  # all or nothing: dcad, which did import, is not written either


def test_import_all_undoes_the_datasets_in_place_when_a_later_one_cannot_be_written(runner, tmp_path):
    """dcad is put in place first; sipri's ties/ is a file, so its rename fails: dcad goes back as it was."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "DCAD-v1.0-main.csv").write_bytes((FIXTURES / "dcad" / "DCAD-v1.0-main.csv").read_bytes())
    (folder / "sipri.csv").write_bytes(EXCERPT.read_bytes())
    out = tmp_path / "out"
    (out / "dcad" / "ties").mkdir(parents=True)
    (out / "dcad" / "ties" / "dcad.jsonl").write_text("earlier import\n")
    (out / "sipri").mkdir()
    (out / "sipri" / "ties").write_text("a file where a directory goes\n")
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = runner.invoke(app, ["import", "all", str(folder), "--into", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out / 'sipri' / 'ties' / 'sipri.jsonl'}: cannot write: Not a directory\n"
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "dcad", "dcad/ties", "dcad/ties/dcad.jsonl", "sipri", "sipri/ties"]
