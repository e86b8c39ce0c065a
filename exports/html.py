"""One self-contained HTML file for a paper's appendix: verdict, tables, figures, ties and sources.

Self-contained means: CSS inline, figures embedded as base64 PNG, no script,
no font or stylesheet fetched from anywhere.  The only URLs in the file are
the ties' own source URLs, as links (http/https only; anything else is shown
as text).  Every value is escaped.  The numbers come from the same tables the
CLI prints (``analysis.thesis_tables``), so the appendix and the terminal
always agree; a year a dataset does not cover is a gap, never a zero.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiegraph.analysis.trend import format_p
from tiegraph.exports.graphml import write_atomically
from tiegraph.model.entities import Dataset, Tie

if TYPE_CHECKING:
    from tiegraph.analysis.thesis import ThesisResult

CSS = """
:root { --ink:#1d1d1f; --muted:#6b6b70; --rule:#d9d9de; --soft:#f5f5f7; --accent:#1f4e79; }
* { box-sizing: border-box; }
body { margin:0; background:#fff; color:var(--ink);
  font: 14px/1.5 -apple-system, "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 22px 0 6px; color: var(--accent); }
p.sub, .muted { color: var(--muted); }
.verdict { margin: 20px 0 8px; padding: 14px 18px; background: var(--soft); border-left: 5px solid #8e8e93;
  font-size: 15px; }
.verdict strong { display:block; font-size: 13px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); margin-bottom: 4px; }
.verdict.supported { border-color: #2e7d32; } .verdict.mixed { border-color: #c88a00; }
.verdict.not-supported { border-color: #b00020; } .verdict.hub-and-spoke { border-color: #c88a00; } .verdict.cannot-tell { border-color: #8e8e93; }
.scroll { overflow-x: auto; margin: 6px 0 10px; }
table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 9px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
th { background: var(--soft); font-weight: 600; vertical-align: bottom; }
td.num { text-align: right; white-space: nowrap; }
tr.main td { font-weight: 600; background: #eef4fa; }
table.kv th { text-align: left; width: 15em; background: none; color: var(--muted); font-weight: 500;
  vertical-align: top; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 36px; }
figure { margin: 18px 0 26px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
details { margin: 8px 0; } summary { cursor: pointer; color: var(--accent); }
ol.sources { margin: 0; padding-left: 18px; } ol.sources li { margin-bottom: 3px; }
.quote { font-style: italic; } .tentative { color: #c88a00; font-weight: 600; }
.conflict { color: #b00020; }
td.tie { min-width: 220px; } td.tie code { font-size: 11.5px; color: var(--muted); }
dl.defs dt { font-weight: 600; margin-top: 6px; } dl.defs dd { margin: 0 0 4px 0; color: #333; }
@media print { main { max-width: none; padding: 0; } figure, tr { break-inside: avoid; }
  details { display: block; } details > summary { display: none; } }
"""

DEFINITIONS = (
    ("Scope", "The actors whose dyads make the denominator of density; actors without ties still count, "
              "so only ties raise density."),
    ("Coverage", "The years and tie types a dataset observes. Systematic datasets (DCAD, ATOP, MME, JME, SIPRI) "
                 "code every case within their criteria; documentary ones (the seed articles) code what some "
                 "documents mention. A year outside a dataset's coverage is missing for it, never zero."),
    ("Layers", "Institutional: standing ties in force (treaties, agreements, memberships). Activity: events in "
               "their year (exercises, meetings, deliveries)."),
    ("Stock", "Standing ties count from their start year to their end year, or for the stated duration when "
              "no end is known (a systematic dataset's open ties: to its coverage end); events count in their "
              "year."),
    ("Clique / star", "A multilateral tie joins every pair of its participants (clique) or only an event "
                      "node (star: multilateral ties then add no dyad)."),
    ("Sen slope and interval", "The median of the pairwise slopes, with Sen's (1968) confidence interval. "
                               "A rise needs the whole interval above zero."),
    ("Corrected p", "The Mann–Kendall p with the Hamed–Rao (1998) correction for autocorrelation, never "
                    "smaller than the plain p."),
    ("Permutation p", "Share of null draws whose Mann–Kendall S is at least the observed one (≤1/(B+1) at its "
                      "floor). Each null keeps who is tied to whom and each tie's kind and length and moves "
                      "only the years of ties formed within the series years: uniformly over the years, or "
                      "shuffled among the ties (each year keeps its number of new ties)."),
    ("Change year", "Pettitt's test: the first year of the level the series shifts to, with its p."),
    ("Tentative", "Ties with status announced, planned or proposed: out of the headline unless asked for, "
                  "always in the sensitivity table."),
)

#: readable names for keys and column headers (others: underscores become spaces)
LABELS = {
    "s": "Mann–Kendall S", "tau": "Kendall tau", "p": "Mann–Kendall p", "mk_p": "MK p",
    "hamed_rao_p": "Hamed–Rao p", "yue_wang_p": "Yue–Wang p", "sen_slope": "Sen slope / year",
    "intercept": "Sen intercept", "perm_p_s": "permutation p (S)", "perm_p_slope": "permutation p (Sen slope)",
    "perm_p_difference": "permutation p (after − before)", "perm_p": "perm. p", "moved_ties": "ties moved by the null",
    "uniform_p_s": "uniform-timing null p (S)", "shuffle_p_s": "volume-kept shuffle null p (S)", "null": "null model",
    "mann_whitney_u": "Mann–Whitney U", "mann_whitney_p": "Mann–Whitney p (one-sided)", "mw_p": "MW p",
    "mean_before": "mean before", "mean_after": "mean from break", "difference": "after − before",
    "n": "years (n)", "first": "first year value", "last": "last year value", "hub_share": "hub share",
    "density_without_hub": "density without hub", "corrected_p": "corrected p", "sen_low": "Sen low",
    "sen_high": "Sen high", "change_year": "change year", "change_p": "change p",
}
_INTEGRAL = ("s", "weight", "weighted_degree", "mann_whitney_u")

_P_KEYS = ("p", "mk_p", "hamed_rao_p", "corrected_p", "perm_p", "change_p", "mw_p", "mann_whitney_p")


def _e(value: Any) -> str:
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
        return _e(", ".join(map(str, value))), False
    return _e(value), False


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def table(rows: list[dict[str, Any]], *, main_key: str | None = None) -> str:
    """An HTML table of a list of dicts (header from the first row); ``main_key`` rows are highlighted."""
    if not rows:
        return '<p class="muted">(none)</p>'
    header = list(rows[0])
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f"<th>{_e(_label(h))}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in rows:
        css = ' class="main"' if main_key and row.get(main_key) else ""
        out.append(f"<tr{css}>")
        for key in header:
            text, numeric = _fmt(key, row.get(key))
            out.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def kv_table(values: dict[str, Any]) -> str:
    rows = []
    for key, value in values.items():
        text, _ = _fmt(key, value)
        rows.append(f"<tr><th>{_e(_label(key))}</th><td>{text}</td></tr>")
    return f'<table class="kv"><tbody>{"".join(rows)}</tbody></table>'


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return f' — <a href="{_e(url)}" rel="noreferrer">{_e(url)}</a>'
    return f" — {_e(url)}"


def tie_rows(dataset: Dataset, tie_ids: Iterable[str] | None) -> list[Tie]:
    """The ties to list, by start date (undated last), then id."""
    wanted = None if tie_ids is None else set(tie_ids)
    ties = [t for t in dataset.ties if wanted is None or t.id in wanted]
    return sorted(ties, key=lambda t: (t.start is None, t.start.earliest() if t.start else (0, 0, 0), t.id))


def ties_section(dataset: Dataset, tie_ids: Iterable[str] | None) -> str:
    """Every tie used, with its sources (document, locator, quote, URL) and conflicts."""
    ties = tie_rows(dataset, tie_ids)
    out = [f'<p class="muted">{len(ties)} ties{" joining two or more actors of the scope" if tie_ids is not None else ""}'
           ", undated ones included. Tentative ties are marked; conflicts between sources are listed with "
           "every reading.</p>",
           '<div class="scroll"><table><thead><tr><th>tie</th><th>date</th><th>participants</th>'
           "<th>status</th><th>sources</th></tr></thead><tbody>"]
    for tie in ties:
        names = [dataset.actors[p].name if p in dataset.actors else p for p in tie.participants]
        who = " → ".join(names) if tie.directed else ", ".join(names)
        when = (tie.start.iso if tie.start else "undated") + (f" – {tie.end.iso}" if tie.end else "")
        status = f'<span class="tentative">{_e(tie.status)}</span>' if tie.tentative else _e(tie.status)
        sources = "".join(
            f"<li>{_e(s.document)}{', ' + _e(s.locator) if s.locator else ''}"
            f"{' — <span class=quote>“' + _e(s.quote) + '”</span>' if s.quote else ''}{_link(s.url)}</li>"
            for s in tie.sources)
        conflicts = "".join(f'<div class="conflict">Conflict — {_e(c.describe())}</div>' for c in tie.conflicts)
        count = f" ×{tie.count}" if tie.count > 1 else ""
        out.append(f'<tr id="{_e(tie.id)}"><td class="tie"><strong>{_e(tie.title or tie.id)}</strong>{count}<br>'
                   f"<code>{_e(tie.id)}</code><br>{_e(tie.type.replace('_', ' '))}</td>"
                   f"<td>{_e(when)}</td><td>{_e(who)}</td><td>{status}</td>"
                   f'<td><ol class="sources">{sources}</ol>{conflicts}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


FIGURE_CAPTIONS = {
    "density": "Density of the scope per year, per layer and dataset, under the headline specification; a gap "
               "is a year the dataset does not cover (missing, not zero); documentary sources dashed.",
    "evidence": "Sen's slope of each evidence row with its confidence interval (green: rise, red: fall, "
                "grey: flat).",
    "network": "The web in selected years (ties of the datasets that cover each year); positions computed once "
               "on the union of all years (hub in red, actors without a tie that year in grey; edge width: "
               "summed tie counts).",
}


def figures_section(result: ThesisResult) -> str:
    from tiegraph.exports.plots import figures, png_bytes

    out = []
    for number, (name, figure) in enumerate(figures(result).items(), start=1):
        data = base64.b64encode(png_bytes(figure)).decode("ascii")
        out.append(f'<figure id="figure-{name}"><img alt="{_e(FIGURE_CAPTIONS[name])}" '
                   f'src="data:image/png;base64,{data}"><figcaption>Figure {number}. '
                   f"{_e(FIGURE_CAPTIONS[name])}</figcaption></figure>")
    return "".join(out)


def _thesis_body(result: ThesisResult) -> list[str]:
    from tiegraph.analysis.thesis_tables import rate_cells, thesis_tables

    tables = thesis_tables(result)
    verdict = result.verdict
    css = verdict.label.replace(" ", "-")
    return [
        f'<section class="verdict {css}" id="verdict"><strong>Verdict — {_e(verdict.title)}</strong>'
        f"{_e(verdict.reason)}</section>",
        "<h2>Filters</h2>", kv_table(tables["filters"]),
        "<h2>What each dataset covers</h2>", table(tables["coverage"]),
        "<h2>Rates of new ties (the test that decides)</h2>",
        '<p class="muted">Per dataset and layer: new scope ties per dyad-year whose two states exist, the '
        "yearly rate ratio with its 95% interval (quasi-Poisson), the uniform-timing permutation p, and the "
        "smallest yearly rate ratio the row would detect 80% of the time. A row that cannot show a rise says "
        "why; only systematic rows decide.</p>",
        table([rate_cells(r, result.options.permutations) for r in result.rates]),
        "<h2>Rate sensitivity</h2>",
        '<p class="muted">The same rows under every other specification: a "supported" must survive them.</p>',
        table([{"spec": r.spec.short(), **rate_cells(r, result.options.permutations)}
               for r in result.rate_sensitivity]),
        "<h2>Density (description)</h2>",
        '<p class="muted">Density of the scope per dataset, layer and projection over the years the dataset '
        "covers, with Sen's slope and Mann-Kendall p: a description of the web, not the test (a stock of "
        "long-lived ties rises under a constant rate).</p>",
        table(tables["evidence"]),
        "<h2>Density sensitivity</h2>",
        '<p class="muted">The density rows under every other specification, without the permutation null.</p>',
        table(tables["sensitivity"]),
        "<h2>Figures</h2>", figures_section(result),
        "<h2>Series</h2>", '<p class="muted">Headline density per year; empty: not covered.</p>',
        table(tables["series"]),
    ]


def _report_body(report: dict[str, Any]) -> list[str]:
    out = ["<h2>Network report</h2>",
           '<p class="muted">The tables of <code>tiegraph report</code>, over its own filters. Its cumulative '
           "density counts every tie from its year on (nothing expires), unlike the stock series of the "
           "evidence table.</p>"]
    for name, value in report.items():
        if isinstance(value, dict) and value:
            out += [f"<h3>{_e(name.replace('_', ' '))}</h3>", kv_table(value)]
        elif isinstance(value, list):
            out += [f"<h3>{_e(name.replace('_', ' '))}</h3>", table(value)]
    return out


def render_html(dataset: Dataset, report: dict[str, Any] | None, thesis: ThesisResult | None) -> str:
    """The whole page as a string (see ``write_html_report``)."""
    title = thesis.title if thesis else "tiegraph report"
    n_files = len(dataset.files)
    body = [f"<header><h1>{_e(title)}</h1><p class=\"sub\">tiegraph — {len(dataset.ties)} ties and "
            f"{len(dataset.actors)} actors read from {n_files} data file{'s' if n_files != 1 else ''}.</p></header>"]
    if thesis:
        body += _thesis_body(thesis)
    if report:
        body += _report_body(report)
    tie_ids = thesis.tie_ids if thesis else None
    body += ["<h2>Ties and sources</h2>", ties_section(dataset, tie_ids), "<h2>Definitions</h2>",
             '<dl class="defs">' + "".join(f"<dt>{_e(t)}</dt><dd>{_e(d)}</dd>" for t, d in DEFINITIONS) + "</dl>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>\n"
            + "\n".join(body) + "\n</main></body></html>\n")


def write_html_report(dataset: Dataset, report_dict: dict[str, Any] | None,
                      thesis: ThesisResult | None, path: Path | str) -> Path:
    """Write the self-contained HTML report (atomically) and return its path.

    ``report_dict`` is ``analysis.report.build_report``'s result, ``thesis``
    ``analysis.thesis.run_thesis``'s; either may be None.
    """
    page = render_html(dataset, report_dict, thesis)
    path = Path(path)
    write_atomically(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    return path
