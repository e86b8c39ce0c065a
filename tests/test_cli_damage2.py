"""A second round of damage tried on the CLI: each case is one exact ``Error:`` line, exit 1 for bad
data and 2 for misuse, no traceback, nothing written.

Outputs clashing with each other, SIGTERM mid-run, NUL bytes and other encodings in the imported
files, dates in non-ASCII digits, bidi and zero-width characters quoted in messages, a cut-short
workbook, a big file of white space (streamed, measured with tracemalloc).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from tiegraph.cli import app
from tiegraph.model.errors import Problem, one_line

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"
EXTERNAL = Path(__file__).parent / "fixtures" / "external"
CORPUS = Path(__file__).parent / "bad_inputs"
JME_XLS = Path(__file__).parents[2] / "shared" / "external" / "jme-v3" / "jme_v3.xls"
REPO = Path(__file__).parents[1]


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def one_error(result, code: int) -> str:
    """The single Error: line of a failed run (nothing on stdout, no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# --------------------------------------------------------------------------- misuse: exit 2


def test_outputs_of_one_command_are_checked_together(runner, tmp_path):
    os.chdir(tmp_path)
    line = one_error(runner.invoke(app, ["report", "-d", str(FIXTURE), "--html", "X", "--plots", "X"]), 2)
    assert line == "Error: --html 'X' and --plots 'X' are the same path; give each its own"
    line = one_error(runner.invoke(app, ["report", "-d", str(FIXTURE), "--html", "X", "--plots", "X/png"]), 2)
    assert line == "Error: --plots 'X/png' lies inside --html 'X', which is a file"
    assert listing(tmp_path) == []  # before: the HTML was written, then the plots failed


@pytest.mark.parametrize("args, expected", [
    (["report", "--scope", ""], "--scope '' needs at least two actor ids (e.g. --scope TUR,AZE; leave the "
                                "option out for the default scope)"),
    (["thesis", "--scope", ""], "--scope '' needs at least two actor ids (e.g. --scope TUR,AZE; leave the "
                                "option out for the default scope)"),
    (["thesis", "--scope", "TUR"], "--scope 'TUR' needs at least two actor ids (e.g. --scope TUR,AZE; leave the "
                                   "option out for the default scope)"),
    (["thesis", "--from", "2012", "--break-year", "2090"],
     "--break-year 2090 must lie inside the series' years 2012-2019 (from 2013 to 2019: both sides need years)"),
    (["thesis", "--from", "2012", "--break-year", "2012"],
     "--break-year 2012 must lie inside the series' years 2012-2019 (from 2013 to 2019: both sides need years)"),
    (["thesis", "--alpha", "0"], "--alpha 0.0 must be between 0 and 1"),
    (["thesis", "--permutations", "-5"], "--permutations -5 must be 0 or more"),
    (["thesis", "--window", "0", "--mode", "window"], "--window 0 must be at least 1 year"),
    (["thesis", "--from", "2025", "--to", "2015"], "year range 2025-2015 is empty"),
    (["report", "--from", "2025", "--to", "2015"], "year range 2025-2015 is empty"),
    (["thesis", "--from", "3000"], "--from/--to: years 3000-2019: a trend test needs at least three years"),
    (["thesis", "--from", "0"], "tiegraph thesis: Invalid value for '--from': Input should be greater than or "
                                "equal to 1 (see 'tiegraph thesis --help')"),
    (["thesis", "--to", "10000"], "tiegraph thesis: Invalid value for '--to': Input should be less than or equal "
                                  "to 9999 (see 'tiegraph thesis --help')"),
])
def test_out_of_range_values_are_misuse_exit_2(runner, tmp_path, args, expected):
    out = tmp_path / "out"
    extra = ["--out", str(out)] if args[0] == "thesis" else ["--html", str(tmp_path / "r.html")]
    result = runner.invoke(app, [*args, "-d", str(FIXTURE), "--permutations", "0", *extra]
                           if args[0] == "thesis" and "--permutations" not in args
                           else [*args, "-d", str(FIXTURE), *extra])
    assert one_error(result, 2) == f"Error: {expected}"
    assert listing(tmp_path) == []


def test_a_break_year_inside_the_window_still_runs(runner):
    result = runner.invoke(app, ["thesis", "-d", str(FIXTURE), "--permutations", "0", "--break-year", "2015"])
    assert result.exit_code == 0, result.output
    assert "<2015 -> 2015+" in result.stdout


# --------------------------------------------------------------------------- SIGTERM

SLOW_WRITER = """
import sys, time
from pathlib import Path
from tiegraph.exports.files import write_all_atomically

def slow(tmp):
    Path(tmp).write_text("x" * 1000)
    print("writing", flush=True)
    time.sleep(120)

def fast(tmp):
    Path(tmp).write_text("done")

target = Path(sys.argv[1])
write_all_atomically({target / "a.csv": fast, target / "b.csv": fast, target / "c.csv": slow})
"""


def test_sigterm_mid_write_removes_the_temp_files(tmp_path):
    out = tmp_path / "out" / "tables"
    writer = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(out)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        assert len(listing(tmp_path)) == 5  # out, out/tables and the three temp files
        writer.send_signal(signal.SIGTERM)
        writer.wait(timeout=60)
    finally:
        writer.kill()
    assert writer.returncode != 0
    assert listing(tmp_path) == []  # no temp file, and the directories made for the outputs are gone


def _handles_sigterm(pid: int) -> bool:
    """Whether the process has a handler for SIGTERM (its caught-signals mask in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signal mask from /proc")
def test_thesis_out_terminated_mid_run_writes_nothing(tmp_path):
    """A real ``tiegraph thesis --out`` (slow: many permutations) gets SIGTERM while it works."""
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "tiegraph.cli", "thesis", "-d", str(FIXTURE),
                            "--permutations", "2000000", "--out", str(out)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not _handles_sigterm(run.pid):  # the command has started (imports done)
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.05)
        time.sleep(0.5)
        run.send_signal(signal.SIGTERM)
        stdout, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
    assert (run.returncode, stdout, stderr) == (143, "", "Error: terminated (SIGTERM)\n")
    assert listing(tmp_path) == []


# --------------------------------------------------------------------------- imported files


def _with_nul(source: Path, target: Path) -> Path:
    """``source`` with a NUL byte at the start of the second field of its first data row (line 2)."""
    lines = source.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b",", b",\x00", 1)
    target.write_bytes(b"\n".join(lines))
    return target


@pytest.mark.parametrize("source, relative, column", [
    ("dcad", "dcad/DCAD-v1.0-main.csv", "cowName1"),
    ("mme", "mme/mme_v7.csv", "Ex_Name"),
    ("jme", "jme/jme_v3_sheet1_2.csv", "Timestamp"),
    ("atop", "atop/atop5_1a.csv", "cowid"),
])
def test_a_nul_byte_in_an_imported_csv_is_an_error(runner, tmp_path, source, relative, column):
    folder = tmp_path / "in"
    folder.mkdir()
    damaged = _with_nul(EXTERNAL / relative, folder / Path(relative).name)
    if source == "atop":
        (folder / "atop5_1m.csv").write_bytes((EXTERNAL / "atop" / "atop5_1m.csv").read_bytes())
    line = one_error(runner.invoke(app, ["import", source, str(damaged), "--into", str(tmp_path / "out")]), 1)
    assert line == f"Error: {damaged.name}:2: field '{column}': control character U+0000 (NUL) is not allowed in text"
    assert not (tmp_path / "out").exists()


def test_a_nul_byte_in_a_sipri_export_names_the_export_not_the_staging_file(runner, tmp_path):
    """SIPRI's reader parses its preamble and split records itself: the check on the produced ties catches it."""
    lines = (EXTERNAL / "sipri" / "trade-register-excerpt.csv").read_bytes().split(b"\n")
    lines[14] = lines[14].replace(b",", b",\x00", 1)  # line 15: the supplier's name
    path = tmp_path / "register.csv"
    path.write_bytes(b"\n".join(lines))
    line = one_error(runner.invoke(app, ["import", "sipri", str(path), "--into", str(tmp_path / "out")]), 1)
    assert line == ("Error: register.csv:15: field 'attributes.sipri_supplier': control character U+0000 (NUL) "
                    "is not allowed in text")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_sipri_export_in_utf16_without_bom_is_read_and_named(tmp_path, codec):
    """SIPRI's reader guesses the encoding (it has no BOM to go by): UTF-16 is recognised by its NUL bytes."""
    from tiegraph.loaders.sipri import read_sipri

    text = (EXTERNAL / "sipri" / "trade-register-excerpt.csv").read_bytes().decode("latin-1")
    path = tmp_path / "register.csv"
    path.write_bytes(text.encode(codec))
    latin, wide = read_sipri(EXTERNAL / "sipri" / "trade-register-excerpt.csv"), read_sipri(path)
    assert [t["id"] for t in wide.ties] == [t["id"] for t in latin.ties] and len(wide.ties) == 43
    assert wide.encodings == {"register.csv": f"UTF-16 {codec[-2:].upper()} (no BOM)"}


@pytest.mark.parametrize("codec, expected", [
    ("utf-16", "file is UTF-16 (BOM): save it as UTF-8"),
    ("utf-16-be", "file is UTF-16 (no BOM: every other byte is NUL): save it as UTF-8"),
    ("utf-32", "file is UTF-32 (BOM): save it as UTF-8"),
])
def test_other_unicode_encodings_are_named(runner, tmp_path, codec, expected):
    text = (EXTERNAL / "dcad" / "DCAD-v1.0-main.csv").read_text(encoding="utf-8")
    path = tmp_path / "dcad.csv"
    path.write_bytes(text.encode(codec))
    line = one_error(runner.invoke(app, ["import", "dcad", str(path), "--into", str(tmp_path / "out")]), 1)
    assert line == f"Error: dcad.csv: {expected}"
    data = tmp_path / "data"
    (data / "ties").mkdir(parents=True)
    (data / "actors.yaml").write_bytes((CORPUS / "actors.yaml").read_text(encoding="utf-8").encode(codec))
    (data / "ties" / "t.jsonl").write_text('{"id": "x"}\n', encoding=codec)
    result = runner.invoke(app, ["validate", str(data)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: {data / 'actors.yaml'}: {expected}",
                                          f"Error: {data / 'ties' / 't.jsonl'}: {expected}"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "ties").mkdir(parents=True)
    (root / "actors.yaml").write_text((CORPUS / "actors.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return root


TIE = """\
- id: {id}
  type: alliance_treaty
  participants: [TUR, {other}]
  start: "{start}"
  status: signed
  sources: [{{document: seed.txt, locator: p1}}]
"""


@pytest.mark.parametrize("start", ["２０２１", "٢٠٢١", "۲۰۲۱", "२०२१", "2021-０６"])
def test_dates_in_other_digits_are_not_dates(runner, data, start):
    (data / "ties" / "t.yaml").write_text(TIE.format(id="t", other="AZE", start=start), encoding="utf-8")
    line = one_error(runner.invoke(app, ["validate", str(data)]), 1)
    assert line == (f"Error: {data / 'ties' / 't.yaml'}:4: tie 't': field 'start': '{start}' is not a date "
                    "(use YYYY, YYYY-MM, YYYY-MM-DD or a decade like 1990s)")


def test_non_ascii_digits_in_imported_numbers_are_errors(runner, tmp_path):
    lines = (EXTERNAL / "dcad" / "DCAD-v1.0-main.csv").read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",1984,", ",１９８４,", 1)  # signYear of the first row
    path = tmp_path / "dcad.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    line = one_error(runner.invoke(app, ["import", "dcad", str(path), "--into", str(tmp_path / "out")]), 1)
    assert line == "Error: dcad.csv:2: field 'signYear': '１９８４' is not a number (ASCII digits only)"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("hidden, shown", [
    ("\u202e", "\\u202e"), ("\u200b", "\\u200b"), ("\u2066", "\\u2066"), ("\ufeff", "\\ufeff"),
    ("\u2028", "\\u2028"), ("\U000e0041", "\\U000e0041"),
])
def test_bidi_and_zero_width_characters_are_escaped_in_error_lines(runner, data, hidden, shown):
    (data / "ties" / "t.yaml").write_text(TIE.format(id="t", other=f'"AZ{hidden}E"', start="2021"),
                                          encoding="utf-8")
    line = one_error(runner.invoke(app, ["validate", str(data)]), 1)
    assert line == (f"Error: {data / 'ties' / 't.yaml'}:3: tie 't': field 'participants': unknown actor id "
                    f"'AZ{shown}E' (not in any actors file)")
    assert line.isascii()


def test_escaping_happens_in_every_error_line(runner):
    line = one_error(runner.invoke(app, ["report", "-d", str(FIXTURE), "--scope", "TUR,\u202eAZE\u200d"]), 1)
    assert line == "Error: --scope: unknown actor id '\\u202eAZE\\u200d'"
    line = one_error(runner.invoke(app, ["report", "--x\u202ey"]), 2)  # a usage error of click's
    assert line == "Error: tiegraph report: No such option: --x\\u202ey (see 'tiegraph report --help')"
    # kept as they are: letters of any script, emoji, and the plain space
    assert one_line("Türkiye 🙂 قازاقستان") == "Türkiye 🙂 قازاقستان"
    assert str(Problem("f.yaml", 2, None, "title", "a\tb\nc\x00d\x1b\x85")) == \
        "f.yaml:2: field 'title': a\\tb\\nc\\x00d\\x1b\\x85"


@pytest.mark.skipif(not JME_XLS.exists(), reason="the JME workbook is in shared/external")
@pytest.mark.parametrize("size, why", [
    (20_000, "the file is cut short (20,000 bytes, not a whole number of 512-byte sectors): download or save "
             "it again"),
    (409_600, "damaged or cut short (its sectors do not add up): download or save it again"),
])
def test_a_truncated_xls_is_named_not_an_index_error(runner, tmp_path, size, why):
    path = tmp_path / "jme_v3.xls"
    path.write_bytes(JME_XLS.read_bytes()[:size])
    line = one_error(runner.invoke(app, ["import", "jme", str(path), "--into", str(tmp_path / "out")]), 1)
    assert line == f"Error: jme_v3.xls: the workbook is unreadable: {why}"
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- big empty files

BIG = 8 * 2**20  # 8 MiB of white space: reading it whole would hold it twice (bytes, then text)


def _peak(runner, args: list[str]):
    """Run the CLI in-process and return (result, peak traced memory in bytes)."""
    runner.invoke(app, ["types"])  # warm up: first-time imports are not the file's cost
    tracemalloc.start()
    try:
        result = runner.invoke(app, args)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name, expected", [
    ("ties/blank.yaml", "file is empty (expected a list of records)"),
    ("ties/blank.jsonl", "file is empty (expected one JSON object per line)"),
])
def test_a_big_whitespace_data_file_is_called_empty_without_reading_it_whole(runner, data, name, expected):
    with (data / name).open("wb") as handle:  # no line break: one 8 MiB line
        for _ in range(BIG // 2**20):
            handle.write(b" \t" * 2**19)
    result, peak = _peak(runner, ["validate", str(data)])
    assert one_error(result, 1) == f"Error: {data / name}: {expected}"
    assert peak < BIG / 2, peak  # reading it whole: at least 2 x BIG


@pytest.mark.parametrize("source, name, content, expected", [
    ("dcad", "DCAD.csv", b"\n   \r\n", "file is empty"),
    ("jme", "jme.xls", b"\n   \r\n", "file is empty"),
    ("jme", "jme.xls", b"x" * 6, "not an Excel 97-2003 .xls workbook (no OLE2 signature; a CSV export of the "
                                 "sheet must be named *.csv)"),
])
def test_a_big_file_is_refused_without_reading_it_whole(runner, tmp_path, source, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content * (BIG // 6))
    result, peak = _peak(runner, ["import", source, str(path), "--into", str(tmp_path / "out")])
    assert one_error(result, 1) == f"Error: {name}: {expected}"
    assert peak < BIG / 2, peak  # reading it whole: at least 2 x BIG (bytes, then text) or BIG for a workbook
    assert not (tmp_path / "out").exists()
