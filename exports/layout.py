"""Terminal tables that never cut a value, at any width.

Why not rich's own layout: when a table is wider than the terminal, rich
shrinks every column and cuts cells with "…" (``0.0…``, ``weighted_…``) or
folds them inside a word (``ALLIANCE_T`` / ``REATY``), so a reader sees numbers
that are not the data.  Here the widths are decided before rich draws:

* A cell wraps only at spaces, so a number, an id or a date is never split; a
  column is at least as wide as its longest such word (numbers: the longest
  number).  A header may wrap at ``_`` and spaces (``weighted_`` / ``degree``).
* A table that fits is drawn at its natural width.  One that fits only when its
  text columns wrap gets the room left over, the columns closest to their
  natural width first.
* A table that does not fit even then is printed in **parts**: each part repeats
  the key columns (the first column, and the second too when the first does not
  identify a row, e.g. year + actor) and takes as many further columns as fit,
  in order; the titles say "part 1 of 2".
* When not even the key columns and one more fit (two 30-character ids at 60
  columns), the table is printed **vertically**: one block per row, one
  "column  value" line per cell, values wrapped at spaces.
* An empty table prints one line, ``title: (none)``.

A single word wider than the whole terminal (a 90-character id at 60 columns)
is still printed whole: that line is then wider than the terminal, never cut.
Rich reads the width from the terminal or ``COLUMNS`` (80 when neither).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

#: where a header may break: after "_" or at a space
_HEADER_PIECES = re.compile(r"[^_\s]*_|[^_\s]+")


def console() -> Console:
    """A console on stdout with rich's width (the terminal's, ``COLUMNS``, or 80)."""
    from rich.console import Console

    return Console(highlight=False, markup=False)  # a cell "[b]" is data, not markup


def _len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def header_pieces(header: str) -> list[str]:
    """The parts a header may wrap between: 'weighted_degree' -> ['weighted_', 'degree']."""
    return _HEADER_PIECES.findall(header) or [header]


def wrap_header(header: str, width: int) -> str:
    """``header`` broken into lines of at most ``width`` cells, only after '_' or at spaces."""
    lines: list[str] = []
    for piece in header_pieces(header):
        if lines and _len(lines[-1]) + (0 if lines[-1].endswith("_") else 1) + _len(piece) <= width:
            lines[-1] += piece if lines[-1].endswith("_") else " " + piece
        else:
            lines.append(piece)
    return "\n".join(lines)


#: a word of numbers: "1.375", "[1.147,", "≤1/21", "-0.5)", "12,345"
_NUMBER_WORD = re.compile(r"^[\[(]?[-+<>≤≥]?[\d.,/%]+[\]),;]*$")


def unbreakable(cell: str) -> bool:
    """A cell made only of numbers ("1.375 [1.147, 1.648]") is kept on one line: an interval is one value."""
    return bool(cell.strip()) and all(_NUMBER_WORD.match(w) for w in cell.split())


def min_width(header: str, cells: Sequence[str]) -> int:
    """The narrowest a column can be without splitting a word of a cell (or a cell of numbers, see
    ``unbreakable``) or a piece of its header."""
    words = [_len(c) if unbreakable(c) else max((_len(w) for w in c.split()), default=0) for c in cells]
    return max([*words, *(_len(p) for p in header_pieces(header))], default=1) or 1


def natural_width(header: str, cells: Sequence[str]) -> int:
    """The width at which nothing in the column wraps."""
    return max([_len(header), *(max((_len(line) for line in c.splitlines()), default=0) for c in cells)]) or 1


def table_width(widths: Sequence[int]) -> int:
    """Width of a rich table with the default box: a border, one space of padding either side per column."""
    return sum(widths) + 3 * len(widths) + 1


def fit(minimum: Sequence[int], natural: Sequence[int], width: int,
        measure: Callable[[Sequence[int]], int] | None = None) -> list[int]:
    """Column widths for a table of at most ``width`` cells: natural if it fits, else the minimum
    plus the room left, given to the columns closest to their natural width first."""
    measure = measure or table_width
    if measure(natural) <= width:
        return list(natural)
    widths = list(minimum)
    room = width - measure(widths)
    for i in sorted(range(len(widths)), key=lambda i: natural[i] - minimum[i]):
        extra = max(0, min(room, natural[i] - widths[i]))
        widths[i] += extra
        room -= extra
    return widths


def key_columns(cells: Sequence[Sequence[str]], n_columns: int) -> int:
    """How many leading columns identify a row: 1, or 2 when the first repeats (year + actor)."""
    if n_columns < 3:
        return min(1, n_columns)
    first = [row[0] for row in cells]
    return 1 if len(set(first)) == len(first) else 2


def plain_width(widths: Sequence[int]) -> int:
    """Width of a borderless table (``plain_columns``): indented two spaces, columns two spaces apart."""
    return sum(widths) + 2 * len(widths)


def parts(minimum: Sequence[int], keys: int, width: int,
          measure: Callable[[Sequence[int]], int] = table_width) -> list[list[int]]:
    """The column indices of each part: the key columns, then as many more as fit (at least one)."""
    if measure(minimum) <= width or len(minimum) <= keys:
        return [list(range(len(minimum)))]
    groups: list[list[int]] = []
    current = list(range(keys))
    for i in range(keys, len(minimum)):
        if len(current) > keys and measure([minimum[j] for j in [*current, i]]) > width:
            groups.append(current)
            current = list(range(keys))
        current.append(i)
    groups.append(current)
    return groups


def print_table(title: str, columns: Sequence[str], cells: Sequence[Sequence[str]], *,
                numeric: Sequence[bool] | None = None, console: Console | None = None) -> None:
    """Print one table (cells already as text) fitted to the console width; see the module docstring."""
    from rich import box
    from rich.table import Table

    out = console if console is not None else globals()["console"]()
    if not cells or not columns:
        out.print(f"{title}: (none)")
        return
    numeric = list(numeric) if numeric is not None else [False] * len(columns)
    width = out.width
    minimum = [min_width(h, [row[i] for row in cells]) for i, h in enumerate(columns)]
    natural = [max(minimum[i], natural_width(h, [row[i] for row in cells])) for i, h in enumerate(columns)]
    groups = parts(minimum, key_columns(cells, len(columns)), width)
    if any(table_width([minimum[i] for i in group]) > width for group in groups):
        out.print(vertical(title, columns, cells, width), end="", soft_wrap=True)
        return
    for n, group in enumerate(groups, 1):
        widths = fit([minimum[i] for i in group], [natural[i] for i in group], width)
        caption = title if len(groups) == 1 else f"{title} (part {n} of {len(groups)})"
        table = Table(title=caption, title_justify="left", box=box.HEAVY_HEAD)
        for i, w in zip(group, widths, strict=True):
            # fold is only a safety net: no word is wider than w, so nothing is folded or cut
            table.add_column(wrap_header(columns[i], w), width=w, justify="right" if numeric[i] else "left",
                             no_wrap=all(" " not in row[i] or unbreakable(row[i]) for row in cells),
                             overflow="fold")
        for row in cells:
            table.add_row(*(row[i] for i in group))
        out.print(table)


def vertical(title: str, columns: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str:
    """The table as one block per row ("column  value" lines, values wrapped at spaces only)."""
    lines = [f"{title} (one block per row)"]
    for row in cells:
        lines += ["", *plain_pairs(list(zip(columns, row, strict=True)), width)]
    return "\n".join(lines) + "\n"


def plain_columns(title: str, columns: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[bool],
                  width: int) -> list[str]:
    """A borderless table as lines: aligned columns (numbers right, text left), by the rules of
    ``print_table``: text wraps at spaces, headers after '_', a table still too wide is printed in
    parts repeating the key columns, the later ones under "title (continued)" (``title`` itself is
    the caller's line above the first part)."""
    minimum = [min_width(h, [row[i] for row in cells]) for i, h in enumerate(columns)]
    natural = [max(minimum[i], natural_width(h, [row[i] for row in cells])) for i, h in enumerate(columns)]
    lines: list[str] = []
    for n, group in enumerate(parts(minimum, key_columns(cells, len(columns)), width, plain_width)):
        widths = dict(zip(group, fit([minimum[i] for i in group], [natural[i] for i in group], width,
                                     plain_width), strict=True))
        if n:
            lines += ["", f"{title} (continued)"]
        header = {i: wrap_header(columns[i], widths[i]).split("\n") for i in group}
        lines += _plain_rows(header, widths, {i: False for i in group})
        for row in cells:
            lines += _plain_rows({i: _wrap(row[i], widths[i]) for i in group}, widths,
                                 {i: numeric[i] for i in group})
    return lines


def plain_pairs(pairs: Sequence[tuple[str, str]], width: int) -> list[str]:
    """Key/value lines ("  key  value"), each value wrapped at spaces under itself."""
    label = max((_len(k) for k, _ in pairs), default=0)
    lines: list[str] = []
    for key, value in pairs:
        wrapped = _wrap(value, max(width - label - 4, 1))
        lines.append(f"  {key.ljust(label)}  {wrapped[0]}".rstrip())
        lines += [f"  {'':{label}}  {more}" for more in wrapped[1:]]
    return lines


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces only (a longer word stays whole;
    a cell of numbers stays one line)."""
    import textwrap

    if unbreakable(text):
        return [text]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _plain_rows(cells: dict[int, list[str]], widths: dict[int, int], right: dict[int, bool]) -> list[str]:
    height = max(len(c) for c in cells.values())
    return ["  " + "  ".join(_pad(c[k] if k < len(c) else "", widths[i], right[i]) for i, c in cells.items()).rstrip()
            for k in range(height)]


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _len(text))
    return gap + text if right else text + gap
