"""The HTML report's tables: cells formatted like the terminal's, long tables folded, one filters block.

Split from ``exports.html`` (the page) so each stays small.  A table sits in
its own horizontal scroll box (a wide table scrolls inside the page instead of
being cut at the page's edge) and a table of more than ``FOLD_ROWS`` rows is
folded in ``<details>`` whose summary says how many rows it holds: a reader
opens the 35-year series when they want it, and the page stays a few screens.
"""

from __future__ import annotations

import html
from typing import Any

from tiegraph.analysis.trend import format_p

#: readable names for keys and column headers (others: underscores become spaces)
LABELS = {
    "s": "Mann–Kendall S", "tau": "Kendall tau", "p": "Mann–Kendall p", "mk_p": "MK p",
    "hamed_rao_p": "Hamed–Rao p", "yue_wang_p": "Yue–Wang p", "sen_slope": "Sen slope / year",
    "intercept": "Sen intercept", "perm_p_s": "permutation p (S)", "perm_p_slope": "permutation p (Sen slope)",
    "perm_p_difference": "permutation p (after − before)", "perm_p": "perm. p", "permutations": "draws", "moved_ties": "ties moved by the null",
    "uniform_p_s": "uniform-timing null p (S)", "shuffle_p_s": "volume-kept shuffle null p (S)", "null": "null model",
    "mann_whitney_u": "Mann–Whitney U", "mann_whitney_p": "Mann–Whitney p (one-sided)", "mw_p": "MW p",
    "mean_before": "mean before", "mean_after": "mean from break", "difference": "after − before",
    "n": "years (n)", "first": "first year value", "last": "last year value", "hub_share": "hub share",
    "density_without_hub": "density without hub", "corrected_p": "corrected p", "sen_low": "Sen low",
    "sen_high": "Sen high", "change_year": "change year", "change_p": "change p",
}
_INTEGRAL = ("s", "weight", "weighted_degree", "mann_whitney_u")

#: a table longer than this is folded in ``<details>``
FOLD_ROWS = 15
#: a table of more columns than this says that it scrolls sideways (at 1,400 px it does)
WIDE_COLUMNS = 14
#: a cell this short never wraps (a year span or "1.375 [1.147, 1.648]" broken over two lines reads badly)
SHORT = 24

_P_KEYS = ("p", "mk_p", "hamed_rao_p", "corrected_p", "perm_p", "change_p", "mw_p", "mann_whitney_p")


def esc(value: Any) -> str:
    """``value`` as HTML text, quotes included (every value on the page goes through here)."""
    return html.escape(str(value), quote=True)


def _fmt(key: str, value: Any) -> tuple[str, bool]:
    """(cell text, numeric?) for one value."""
    if value is None:
        return "–", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, float):
        if key in _P_KEYS:
            text = format_p(value)
            return ("&lt;0.0001" if text.startswith("<") else text), True
        if key in _INTEGRAL and value.is_integer():
            return str(int(value)), True
        return f"{value:.3f}", True
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, (list, tuple)):
        return esc(", ".join(map(str, value))), False
    return esc(value), False


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def folded(content: str, rows: int, what: str = "rows") -> str:
    """``content`` folded in a ``<details>`` whose summary says how many rows it holds."""
    return f'<details class="fold" data-rows="{rows}"><summary>Show all {rows} {esc(what)}</summary>{content}</details>'


def _cell(key: str, value: Any) -> str:
    text, numeric = _fmt(key, value)
    if numeric:
        return f'<td class="num">{text}</td>'
    return f'<td class="nw">{text}</td>' if len(text) <= SHORT else f"<td>{text}</td>"


def table(rows: list[dict[str, Any]], *, main_key: str | None = None, fold: int | None = FOLD_ROWS,
          what: str = "rows") -> str:
    """An HTML table of a list of dicts (header from the first row) in its own horizontal scroll box, folded
    in ``<details>`` past ``fold`` rows; ``main_key`` rows are highlighted; short cells never wrap."""
    if not rows:
        return '<p class="muted">(none)</p>'
    header = list(rows[0])
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f"<th>{esc(_label(h))}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        css = ' class="main"' if main_key and row.get(main_key) else ""
        out.append(f"<tr{css}>" + "".join(_cell(key, row.get(key)) for key in header) + "</tr>")
    out.append("</tbody></table></div>")
    hint = (f'<p class="muted hint">{len(header)} columns: the table scrolls sideways in its box.</p>'
            if len(header) > WIDE_COLUMNS else "")
    body = hint + "".join(out)
    return folded(body, len(rows), what) if fold is not None and len(rows) > fold else body


def kv_table(values: dict[str, Any]) -> str:
    """A two-column key/value table (a dict's items), in its own scroll box."""
    rows = []
    for key, value in values.items():
        text, _ = _fmt(key, value)
        rows.append(f"<tr><th>{esc(_label(key))}</th><td>{text}</td></tr>")
    return f'<div class="scroll"><table class="kv"><tbody>{"".join(rows)}</tbody></table></div>'


def _same(value: Any) -> str:
    """A filter value as comparable text: lists and comma lists alike ("TUR,AZE" == ["TUR", "AZE"])."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    parts = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value).split(",")
    return ", ".join(p.strip() for p in parts)


#: the two sides of the filters block, as labelled when a value differs
SIDES = ("verdict, rates and figures", "network report tables")


def filters_block(thesis: dict[str, Any] | None, report: dict[str, Any] | None) -> str:
    """ONE filters table for the whole page: a value both parts use once, a value that differs twice, labelled
    with the part that uses it (``SIDES``), so the page never shows two blocks that disagree."""
    thesis, report = thesis or {}, report or {}
    rows = []
    for key in dict.fromkeys([*thesis, *report]):
        values = [side[key] for side in (thesis, report) if key in side]
        if len(values) == 2 and _same(values[0]) != _same(values[1]):
            cell = "".join(f'<div><span class="side">{esc(side)}:</span>{esc(_same(v))}</div>'
                           for side, v in zip(SIDES, values))
            rows.append(f'<tr class="differs"><th>{esc(_label(key))}</th><td>{cell}</td></tr>')
        else:
            value = values[0]
            text = _fmt(key, value)[0] if isinstance(value, (int, float)) else esc(_same(value))
            rows.append(f"<tr><th>{esc(_label(key))}</th><td>{text}</td></tr>")
    note = ('<p class="muted">One set of filters for the whole page. Where the network report\'s tables use '
            "another value than the verdict, the rates and the figures, the row shows both, labelled.</p>"
            if thesis and report else "")
    half = (len(rows) + 1) // 2
    columns = "".join(f'<div class="scroll"><table class="kv"><tbody>{"".join(part)}</tbody></table></div>'
                      for part in (rows[:half], rows[half:]) if part)
    return f'{note}<div class="cols filters">{columns}</div>'
