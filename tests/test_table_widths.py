"""Terminal tables never cut a value, at 60, 80 and 200 columns (rich reads COLUMNS).

Each command runs through the real CLI at each width; every value of the same
command's JSON output (numbers as the tables print them, ids, each word of a
text) must appear whole among the table output's tokens, nothing is cut with
"…", no line is wider than the terminal, and every table has a header.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tiegraph.cli import app
from tiegraph.exports.layout import fit, header_pieces, parts, print_table, table_width, wrap_header
from tiegraph.exports.tables import sections_of

WIDTHS = (60, 80, 200)
#: box-drawing characters of rich's tables: cell borders, not part of a value
_BOX = re.compile("[\u2500-\u257f]")


def tokens(text: str) -> set[str]:
    return set(_BOX.sub(" ", text).split())


def value_tokens(value: Any) -> set[str]:
    """The tokens a table must show for a JSON value: numbers as printed (4 decimals), missing as '–'."""
    if value is None:
        return {"–"}
    if isinstance(value, bool):
        return {str(value)}
    if isinstance(value, float):
        return {f"{value:.4f}"}
    if isinstance(value, int):
        return {str(value)}
    if isinstance(value, list):
        return set(", ".join(map(str, value)).split())
    return set(str(value).split())


def invoke(runner, args: list[str], width: int):
    result = runner.invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def check_lines(text: str, width: int) -> None:
    assert "…" not in text
    wide = [line for line in text.splitlines() if len(line) > width]
    assert wide == [], wide[:3]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("options", [[], ["--by-year"]], ids=["report", "by-year"])
def test_report_tables_show_every_value_whole(runner, width, options):
    report = json.loads(invoke(runner, ["report", *options, "--format", "json"], width))
    text = invoke(runner, ["report", *options], width)
    check_lines(text, width)
    shown = tokens(text)
    expected = {t for _, rows in sections_of(report) for row in rows for v in row.values() for t in value_tokens(v)}
    assert expected - shown == set()
    assert sum(1 for rows in report.values() if isinstance(rows, list) and rows) > 5  # the check saw tables
    if options:
        # the wide yearly table: its numbers in full (e.g. 1.0000, 0.0667), in parts at 60 and 80 columns
        assert ("structure (part 1 of" in text) == (width < 200)


@pytest.mark.parametrize("width", WIDTHS)
def test_types_has_headers_and_every_word_whole(runner, width):
    from tiegraph.model.vocabulary import STATUSES, TIE_TYPES

    text = invoke(runner, ["types"], width)
    check_lines(text, width)
    shown = tokens(text)
    assert {"type", "relationship", "direction", "temporal", "description", "status", "tentative"} <= shown
    for t in TIE_TYPES.values():
        assert {t.name, t.relationship, t.temporal, *t.description.split()} <= shown, t.name
    assert set(STATUSES) <= shown


@pytest.mark.parametrize("width", WIDTHS)
def test_overlaps_list_has_a_header_line(runner, width):
    text = invoke(runner, ["overlaps", "--list"], width)
    lines = text.splitlines()
    assert "kept\tduplicate\tfamily\tparticipants\tyears" in lines
    assert lines[0].startswith("ties: ")


def test_thesis_tables_fit_and_keep_every_value_whole(runner):
    args = ["thesis", "--permutations", "20"]
    texts = {width: invoke(runner, args, width) for width in WIDTHS}
    for width, text in texts.items():
        lines = text.splitlines()
        check_lines("\n".join(lines[1:-1]), width)  # every table line; the title and the verdict are prose
        # the same values at every width (nothing cut or split), the narrow ones in parts
        assert tokens(texts[200]) <= tokens(text) and tokens(text) - tokens(texts[200]) <= {"(continued)"}
    assert "(continued)" in texts[60]


QUERY_COLUMNS = ["type", "relationship", "ties", "first_year", "weighted_degree", "note"]
QUERY_ROWS = [
    ["alliance_treaty", "ALLIANCE_TREATY", "12", "1992", "15.0000", "long free text that may wrap at spaces"],
    ["defense_industrial_cooperation", "DEFENSE_INDUSTRIAL_COOPERATION", "3", "2009", "123456.7890", "–"],
]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_query_table_keeps_ids_and_numbers_whole(capsys, monkeypatch, width):
    from tiegraph.commands.store import _print_rows

    monkeypatch.setenv("COLUMNS", str(width))
    rows = [{**dict(zip(QUERY_COLUMNS, r, strict=True)), "ties": int(r[2])} for r in QUERY_ROWS]
    _print_rows(QUERY_COLUMNS, rows, "table", "partners")
    text = capsys.readouterr().out
    check_lines(text, width)
    shown = tokens(text)
    assert {t for r in QUERY_ROWS for cell in r for t in cell.split()} <= shown  # ALLIANCE_TREATY, 123456.7890
    assert "weighted_" in shown or "weighted_degree" in shown  # a header wraps only after "_"


def test_a_table_too_narrow_for_two_columns_prints_one_block_per_row(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    print_table("types", ["type", "relationship"], [["defense_industrial_cooperation", "DEFENSE_INDUSTRIAL_X"]])
    assert capsys.readouterr().out == ("types (one block per row)\n\n"
                                       "  type          defense_industrial_cooperation\n"
                                       "  relationship  DEFENSE_INDUSTRIAL_X\n")


def test_an_empty_table_prints_one_line(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    print_table("notes", ["column", "years", "note"], [])
    assert capsys.readouterr().out == "notes: (none)\n"


def test_layout_by_hand():
    assert header_pieces("weighted_degree") == ["weighted_", "degree"]
    assert wrap_header("weighted_degree", 9) == "weighted_\ndegree"
    assert wrap_header("weighted_degree", 15) == "weighted_degree"
    assert wrap_header("all density columns", 11) == "all density\ncolumns"
    assert table_width([4, 6]) == 4 + 6 + 3 * 2 + 1  # borders and one space of padding either side
    # natural widths fit in 30: kept; in 20 only the minimum + the room left, closest-to-natural first
    assert fit([4, 6], [5, 10], 30) == [5, 10]
    assert fit([4, 6], [5, 10], 20) == [5, 8]
    # three columns of minimum 10 need 40 columns; at 39 the key column is repeated in two parts
    assert parts([10, 10, 10], keys=1, width=39) == [[0, 1], [0, 2]]
    assert parts([10, 10, 10], keys=1, width=40) == [[0, 1, 2]]


def test_csv_is_one_file_per_table_with_every_digit(runner, tmp_path):
    import pandas as pd

    report = json.loads(runner.invoke(app, ["report", "--by-year", "--format", "json"]).stdout)
    out = tmp_path / "tables"
    result = runner.invoke(app, ["report", "--by-year", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    tables = {name: rows for name, rows in sections_of(report) if rows}
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in tables)
    assert result.stdout == "" and result.stderr.startswith(f"Wrote {len(tables)} CSV files to {out}")
    for name, rows in tables.items():
        frame = pd.read_csv(out / f"{name}.csv", keep_default_na=False, dtype=str)
        assert list(frame.columns) == list(rows[0]), name
        for row, written in zip(rows, frame.to_dict("records"), strict=True):
            for key, value in row.items():
                if isinstance(value, float):
                    assert float(written[key]) == value, (name, key)  # every digit, not 4 decimals
                elif value is None:
                    assert written[key] == "", (name, key)


@pytest.mark.parametrize("args, message", [
    (["report", "--format", "csv"], "Error: --format csv writes one CSV file per table: give --out DIR\n"),
    (["report", "--out", "tables"], "Error: --out DIR holds the CSV tables: use it with --format csv (not table)\n"),
    (["thesis", "--format", "csv"], "Error: --format csv writes one CSV file per table: give --out DIR\n"),
])
def test_csv_misuse_is_one_error_line(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert list(tmp_path.iterdir()) == []  # nothing written
