"""Render report sections (lists of dicts) as rich tables, JSON, CSV or Markdown.

All outputs are generated from the same plain data, so they always agree.
A missing value (``None``: e.g. a year no dataset covers) prints as "–" in
tables and Markdown, as an empty cell in CSV and as ``null`` in JSON -- never
as 0.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


#: how a missing value (None) prints in tables and Markdown
MISSING = "–"


def _cell(value: Any, missing: str = MISSING, precise: bool = False) -> str:
    """A value as a table shows it (floats to 4 decimals), or every digit (``precise``: CSV)."""
    if isinstance(value, float):
        return repr(value) if precise else f"{value:.4f}"
    if value is None:
        return missing
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def sections_of(report: dict[str, Any]) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    """Each report section as (title, rows); dict sections become key/value rows."""
    for name, value in report.items():
        if isinstance(value, list):
            yield name, value
        elif isinstance(value, dict) and value:
            yield name, [{"key": k, "value": v} for k, v in value.items()]


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, default=str)


def csv_text(rows: list[dict[str, Any]]) -> str:
    """One table as CSV text: a header line, then one line per row (missing values empty)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v, "", precise=True) for k, v in r.items()} for r in rows)
    return out.getvalue()


def csv_files(report: dict[str, Any]) -> dict[str, str]:
    """``{"<section>.csv": text}``: one CSV file per table with rows (a CSV reader takes one table per file)."""
    return {f"{name}.csv": csv_text(rows) for name, rows in sections_of(report) if rows}


def check_csv_out(fmt: str, out: Path | None) -> None:
    """``--format csv`` and ``--out DIR`` go together (misuse otherwise, exit 2), checked before any work.

    Several tables joined in one stream (the old ``# section`` lines) are no CSV
    file any reader takes; so a command with several tables writes one file per
    table into ``--out``, and ``--out`` means nothing for the other formats.
    """
    from tiegraph.model.errors import OptionValueError

    if fmt == "csv" and out is None:
        raise OptionValueError("--format csv writes one CSV file per table: give --out DIR")
    if fmt != "csv" and out is not None:
        raise OptionValueError(f"--out DIR holds the CSV tables: use it with --format csv (not {fmt})")


def write_csv_tables(report: dict[str, Any], directory: Path) -> tuple[list[Path], list[str]]:
    """Write ``<section>.csv`` for every table with rows into ``directory``, all or none
    (``exports.files``); return the files written and the names of the empty tables (no file)."""
    from tiegraph.exports.files import write_all_atomically

    files = {directory / name: text for name, text in csv_files(report).items()}
    write_all_atomically({path: partial(_write_text, text) for path, text in files.items()})
    return list(files), [name for name, rows in sections_of(report) if not rows]


def _write_text(text: str, tmp: str) -> None:
    Path(tmp).write_text(text, encoding="utf-8")


def markdown_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "_(none)_\n"
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(r.get(h)).replace("|", "\\|") for h in header) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def to_markdown(report: dict[str, Any], title: str = "tiegraph report") -> str:
    parts = [f"# {title}\n"]
    for name, rows in sections_of(report):
        parts.append(f"\n## {name.replace('_', ' ')}\n\n{markdown_table(rows)}")
    return "".join(parts)


def print_tables(report: dict[str, Any], title: str = "tiegraph report") -> None:
    """Every section as a table fitted to the terminal (``exports.layout``: values never cut)."""
    from tiegraph.exports.layout import console, print_table

    out = console()
    out.print(title, style="bold")
    for name, rows in sections_of(report):
        columns = list(rows[0]) if rows else []
        # a missing first cell is None: a column is numeric when any of its values is a number
        numeric = [any(isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool) for r in rows)
                   for c in columns]
        print_table(name.replace("_", " "), columns, [[_cell(r.get(c)) for c in columns] for r in rows],
                    numeric=numeric, console=out)


def render(report: dict[str, Any], fmt: str, title: str = "tiegraph report") -> str | None:
    """Text for json/markdown; prints tables (and returns None) for ``table``.

    CSV is one file per table (``csv_files``): a command with several tables writes
    them into a directory; ``csv`` here is only for a report of exactly one table.
    """
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        tables = [rows for _, rows in sections_of(report)]
        if len(tables) != 1:
            raise ValueError(f"CSV holds one table; this report has {len(tables)}: use csv_files")
        return csv_text(tables[0])
    if fmt == "markdown":
        return to_markdown(report, title)
    print_tables(report, title)
    return None
