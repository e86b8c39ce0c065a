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
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")


#: how a missing value (None) prints in tables and Markdown
MISSING = "–"


def _cell(value: Any, missing: str = MISSING) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
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


def to_csv(report: dict[str, Any]) -> str:
    """One CSV block per section, separated by a ``# section`` line and a blank line."""
    out = io.StringIO()
    for name, rows in sections_of(report):
        out.write(f"# {name}\n")
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: _cell(v, "") for k, v in r.items()} for r in rows)
        out.write("\n")
    return out.getvalue()


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
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{title}[/bold]")
    for name, rows in sections_of(report):
        table = Table(title=name.replace("_", " "), title_justify="left")
        for column in (rows[0] if rows else {"": ""}):
            numeric = any(isinstance(r.get(column), (int, float)) for r in rows)  # a missing first cell is None
            table.add_column(str(column), justify="right" if numeric else "left")
        for row in rows:
            table.add_row(*(_cell(v) for v in row.values()))
        console.print(table)


def render(report: dict[str, Any], fmt: str, title: str = "tiegraph report") -> str | None:
    """Text for json/csv/markdown; prints rich tables (and returns None) for ``table``."""
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "markdown":
        return to_markdown(report, title)
    print_tables(report, title)
    return None
