"""Command-line misuse: one ``Error:`` line, a non-zero exit, nothing written.

Output paths (checked by exports/files.py before any work), usage errors
(rendered by cli.py), unknown datasets, absurd numbers, temp files of a killed
export, and a hypothesis test over random option values and paths.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tiegraph.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"
ROOT = os.geteuid() == 0


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def one_error(result, code: int = 1) -> str:
    """The single Error: line of a failed run (and nothing on stdout)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def read_only_dir(tmp_path: Path) -> Path:
    """A directory this process cannot write in: chmod 555 for a user; /sys for root (chmod binds no root)."""
    if ROOT:
        return Path("/sys")
    directory = tmp_path / "read-only"
    directory.mkdir()
    directory.chmod(0o555)
    return directory


@pytest.fixture
def place(tmp_path):
    (tmp_path / "a-dir").mkdir()
    (tmp_path / "a-file").write_text("keep me\n")
    return tmp_path


def test_output_paths_are_checked_before_the_work(runner, place):
    d, f = place / "a-dir", place / "a-file"
    long = place / ("a" * 5000 + ".gexf")
    ro = read_only_dir(place)
    cases = [
        (["export", "gexf", str(d)], f"Error: output file '{d}': is a directory; give a file name"),
        (["export", "graphml", str(d)], f"Error: output file '{d}': is a directory; give a file name"),
        (["export", "gexf", str(ro / "x.gexf")],
         f"Error: output file '{ro / 'x.gexf'}': cannot write in '{ro}': Permission denied"),
        (["export", "gexf", str(place / "nope" / "x.gexf")],
         f"Error: output file '{place / 'nope' / 'x.gexf'}': directory '{place / 'nope'}' does not exist"),
        (["export", "gexf", str(f / "x.gexf")],
         f"Error: output file '{f / 'x.gexf'}': '{f}' is not a directory"),
        (["export", "csv", str(f)], f"Error: output directory '{f}': is a file, not a directory"),
        (["export", "csv", str(f / "sub")], f"Error: output directory '{f / 'sub'}': '{f}' is not a directory"),
        (["report", "--html", str(d)], f"Error: --html '{d}': is a directory; give a file name"),
        (["report", "--plots", str(f)], f"Error: --plots '{f}': is a file, not a directory"),
        (["thesis", "--out", str(f)], f"Error: --out '{f}': is a file, not a directory"),
    ]
    before = listing(place)
    for args, expected in cases:
        result = runner.invoke(app, [*args, "-d", str(FIXTURE)])
        assert one_error(result) == expected, args
    line = one_error(runner.invoke(app, ["export", "gexf", str(long), "-d", str(FIXTURE)]))
    assert line.endswith("': name too long (5005 bytes, the file system allows 255)") and len(line) < 200
    assert listing(place) == before and (place / "a-file").read_text() == "keep me\n"


def test_csv_refuses_a_directory_where_a_table_goes(runner, tmp_path):
    (tmp_path / "out" / "edges.csv").mkdir(parents=True)
    line = one_error(runner.invoke(app, ["export", "csv", str(tmp_path / "out"), "-d", str(FIXTURE)]))
    assert line == f"Error: output directory '{tmp_path / 'out'}': 'edges.csv' in it is a directory"
    assert listing(tmp_path) == ["out", "out/edges.csv"]


def test_a_missing_output_directory_is_created(runner, tmp_path):
    result = runner.invoke(app, ["export", "csv", str(tmp_path / "new" / "tables"), "-d", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert listing(tmp_path) == ["new", "new/tables", "new/tables/edges.csv", "new/tables/nodes.csv"]


@pytest.mark.parametrize("args, expected", [
    (["export", "gexf", "x.gexf", "--bogus"],
     "Error: tiegraph export gexf: No such option: --bogus (see 'tiegraph export gexf --help')"),
    (["export", "gexf"], "Error: tiegraph export gexf: Missing argument 'path'. (see 'tiegraph export gexf --help')"),
    (["export", "graphml", "x.graphml", "--level", "nope"],
     "Error: tiegraph export graphml: Invalid value for '--level': Value error, 'nope' is not one of "
     "'actor', 'state'. (see 'tiegraph export graphml --help')"),
    (["export", "csv", "out", "--from", "-5"],
     "Error: tiegraph export csv: Invalid value for '--from': Input should be greater than or equal to 1 "
     "(see 'tiegraph export csv --help')"),
    (["report", "--top", "0"],
     "Error: tiegraph report: Invalid value for '--top': Input should be greater than or equal to 1 "
     "(see 'tiegraph report --help')"),
    (["thesis", "--seed", "-5"],
     "Error: tiegraph thesis: Invalid value for '--seed': Input should be greater than or equal to 0 "
     "(see 'tiegraph thesis --help')"),
    (["neo4j", "start", "--bolt-port", "99999"],
     "Error: tiegraph neo4j start: Invalid value for '--bolt-port': Input should be less than or equal to 65535 "
     "(see 'tiegraph neo4j start --help')"),
    (["nope"], "Error: tiegraph: No such command 'nope'. (see 'tiegraph --help')"),
])
def test_usage_errors_are_one_line_exit_2(runner, tmp_path, args, expected):
    os.chdir(tmp_path)
    assert one_error(runner.invoke(app, args), code=2) == expected
    assert listing(tmp_path) == []


def test_unknown_dataset_is_an_error_like_an_unknown_type(runner, tmp_path):
    out = tmp_path / "x.gexf"
    line = one_error(runner.invoke(app, ["export", "gexf", str(out), "-d", str(FIXTURE), "--dataset", "nope"]))
    assert line == "Error: --dataset: unknown dataset 'nope' (datasets in this data: seeds)"
    line = one_error(runner.invoke(app, ["report", "-d", str(FIXTURE), "--dataset", "seeds", "--dataset", "dcad"]))
    assert line == "Error: --dataset: unknown dataset 'dcad' (datasets in this data: seeds)"
    assert one_error(runner.invoke(app, ["thesis", "--permutations", "-1"]), code=2) == \
        "Error: --permutations -1 must be 0 or more"  # an out-of-range value is misuse: exit 2
    assert not out.exists()


KILLED_WRITER = """
import sys, time
from tiegraph.exports.files import write_atomically

def write(tmp):
    with open(tmp, "w") as handle:
        handle.write("x" * 1_000_000)
    print("writing", flush=True)
    time.sleep(120)

write_atomically(sys.argv[1], write)
"""


def test_temp_file_of_a_killed_export_is_swept_by_the_next_run(runner, tmp_path):
    target = tmp_path / "ties.gexf"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        os.kill(writer.pid, signal.SIGKILL)  # no finally, no cleanup: the temp file stays
    finally:
        writer.wait(timeout=30)
    (temp,) = tmp_path.iterdir()
    assert temp.name == f".ties.gexf.tiegraph-tmp-{writer.pid}" and temp.stat().st_size == 1_000_000
    result = runner.invoke(app, ["export", "gexf", str(target), "-d", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert listing(tmp_path) == ["ties.gexf"]


NAMES = st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=0, max_size=300)
OPTIONS = st.lists(st.one_of(
    st.tuples(st.just("--level"), st.sampled_from(["actor", "state", "State", "", "nope"])),
    st.tuples(st.just("--projection"), st.sampled_from(["clique", "star", "ring"])),
    st.tuples(st.sampled_from(["--from", "--to"]), st.integers(-10**12, 10**12).map(str) | st.text(max_size=5)),
    st.tuples(st.just("--timeformat"), st.sampled_from(["date", "double", "decade"])),
    st.tuples(st.sampled_from(["--dataset", "--type"]), st.sampled_from(["seeds", "dcad", "arms_transfer", "x"])),
    st.tuples(st.sampled_from(["--undated", "--no-undated", "--full", "--no-tentative", "--bogus"])),
), max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(command="gexf", name="\r", options=[], where="missing-dir")  # found by hypothesis: a line break
@example(command="csv", name="x\n" * 200, options=[("--full",)], where="here")
@given(command=st.sampled_from(["gexf", "graphml", "csv"]), name=NAMES, options=OPTIONS,
       where=st.sampled_from(["here", "missing-dir", "a-file", "a-dir"]))
def test_random_options_and_paths_never_give_a_traceback(runner, place, command, name, options, where):
    base = {"here": place, "missing-dir": place / "missing", "a-file": place / "a-file",
            "a-dir": place / "a-dir"}[where]
    args = ["export", command, str(base / name) if name else str(base), "-d", str(FIXTURE)]
    args += [part for option in options for part in option]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    if result.exit_code == 0:
        assert result.stderr == ""
    else:
        assert result.exit_code in (1, 2)
        one_error(result, result.exit_code)
    assert not [p for p in place.rglob("*") if "tiegraph-tmp" in p.name]


REPORT_OPTIONS = st.lists(st.one_of(
    st.tuples(st.just("--top"), st.integers(-5, 10**9).map(str) | st.text(max_size=4)),
    st.tuples(st.sampled_from(["--from", "--to"]), st.integers(-3000, 12000).map(str)),
    st.tuples(st.just("--scope"), st.text(st.sampled_from("TURAZEKGZ, x"), max_size=12)),
    st.tuples(st.just("--format"), st.sampled_from(["table", "json", "csv", "markdown", "xml"])),
    st.tuples(st.sampled_from(["--level", "--projection"]), st.sampled_from(["actor", "state", "star", "?"])),
    st.tuples(st.sampled_from(["--dataset", "--type"]), st.sampled_from(["seeds", "sipri", "joint_exercise", ""])),
    st.tuples(st.just("--source"), st.sampled_from(["files", "ftp"])),
), max_size=4)


@settings(max_examples=15, deadline=None)
@given(options=REPORT_OPTIONS)
def test_random_report_options_never_give_a_traceback(options):
    from typer.testing import CliRunner

    args = ["report", "-d", str(FIXTURE), *[part for option in options for part in option]]
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    if result.exit_code != 0:
        one_error(result, result.exit_code)
