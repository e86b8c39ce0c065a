"""One self-contained HTML file for a paper's appendix: verdict, tables, figures, ties and sources.

Self-contained means: CSS inline, figures embedded as base64 PNG, no script,
no font or stylesheet fetched from anywhere.  The only URLs in the file are
the ties' own source URLs, as links (http/https only; anything else is shown
as text).  Every value is escaped.  The numbers come from the same tables the
CLI prints (``analysis.thesis_tables``), so the appendix and the terminal
always agree; a year a dataset does not cover is a gap, never a zero.

Read in minutes, not scrolled through: the verdict, the window it covers and
the rate table that decides it come first, then a table of contents linking
every section; long tables are folded (``exports.html_tables``), wide ones
scroll inside their own box, and the filters are one block (a value the
network report's tables use differently is shown twice, labelled).  The
bundled-data page is about 8 screens at 1,400 px (tests/test_html_screenshot.py
measures it in a real Chromium).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiegraph.exports.files import write_atomically
from tiegraph.exports.html_tables import FOLD_ROWS, esc, filters_block, folded, kv_table, table
from tiegraph.model.entities import Dataset, Tie

if TYPE_CHECKING:
    from tiegraph.analysis.thesis import ThesisResult

CSS = """
:root { --ink:#1d1d1f; --muted:#6b6b70; --rule:#d9d9de; --soft:#f5f5f7; --accent:#1f4e79; }
* { box-sizing: border-box; }
body { margin:0; background:#fff; color:var(--ink);
  font: 14px/1.5 -apple-system, "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 14px 0 6px; color: var(--accent); }
p.sub, .muted { color: var(--muted); }
.verdict { margin: 16px 0 8px; padding: 14px 18px; background: var(--soft); border-left: 5px solid #8e8e93;
  font-size: 15px; }
.verdict strong { display:block; font-size: 13px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); margin-bottom: 4px; }
.verdict .window { display:block; margin-top: 6px; font-size: 13px; color: var(--muted); }
.verdict.supported { border-color: #2e7d32; } .verdict.mixed { border-color: #c88a00; }
.verdict.not-supported { border-color: #b00020; } .verdict.hub-and-spoke { border-color: #c88a00; }
.verdict.cannot-tell { border-color: #8e8e93; }
nav.toc { margin: 22px 0 8px; padding: 10px 18px; border: 1px solid var(--rule); }
nav.toc strong { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
nav.toc ol { columns: 3; margin: 6px 0 0; padding-left: 20px; } nav.toc li { break-inside: avoid; }
nav.toc .parts { font-size: 12px; }
.scroll { overflow-x: auto; margin: 6px 0 10px; max-width: 100%;
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 40px 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 40px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.3), transparent) left / 16px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.3), transparent) right / 16px 100% no-repeat scroll; }
table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 9px; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
th { background: var(--soft); font-weight: 600; vertical-align: bottom; }
td.num { text-align: right; white-space: nowrap; } td.nw { white-space: nowrap; }
tr.main td { font-weight: 600; background: #eef4fa; }
table.kv th { text-align: left; min-width: 11em; background: none; color: var(--muted); font-weight: 500;
  vertical-align: top; }
table.kv .side { color: var(--muted); font-size: 11.5px; margin-right: 6px; } tr.differs td { background: #fff8e6; }
.cols { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 0 32px; }
.cards { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0 40px; }
.cards > div { max-width: 100%; } .cards > .wide { flex-basis: 100%; }
figure { margin: 14px 0 22px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
p.hint { font-size: 12px; margin: 4px 0 0; } details { margin: 8px 0; } summary { cursor: pointer; color: var(--accent); }
ol.sources { margin: 0; padding-left: 18px; } ol.sources li { margin-bottom: 3px; }
.quote { font-style: italic; } .tentative { color: #c88a00; font-weight: 600; }
.conflict { color: #b00020; }
td.tie { min-width: 220px; } td.tie code { font-size: 11.5px; color: var(--muted); }
dl.defs { columns: 2; column-gap: 36px; } dl.defs div { break-inside: avoid; }
dl.defs dt { font-weight: 600; margin-top: 6px; } dl.defs dd { margin: 0 0 4px 0; color: #333; }
@media print { main { max-width: none; padding: 0; } figure, tr { break-inside: avoid; } nav.toc { display: none; }
  details { display: block; } details > summary { display: none; } }
"""

DEFINITIONS = (
    ("Rate of new ties", "New ties among the scope per dyad-year whose two states exist (a k-party tie weighted "
                         "1/(k-1) per pair in the headline). Its yearly rate ratio (quasi-Poisson GLM, 95% "
                         "interval) and the uniform-timing permutation p decide: a rise needs both."),
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

def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return f' — <a href="{esc(url)}" rel="noreferrer">{esc(url)}</a>'
    return f" — {esc(url)}"


def tie_rows(dataset: Dataset, tie_ids: Iterable[str] | None) -> list[Tie]:
    """The ties to list, by start date (undated last), then id."""
    wanted = None if tie_ids is None else set(tie_ids)
    ties = [t for t in dataset.ties if wanted is None or t.id in wanted]
    return sorted(ties, key=lambda t: (t.start is None, t.start.earliest() if t.start else (0, 0, 0), t.id))


def ties_section(dataset: Dataset, tie_ids: Iterable[str] | None) -> str:
    """Every tie used, with its sources (document, locator, quote, URL) and conflicts; folded when long."""
    ties = tie_rows(dataset, tie_ids)
    out = ['<div class="scroll"><table><thead><tr><th>tie</th><th>date</th><th>participants</th>'
           "<th>status</th><th>sources</th></tr></thead><tbody>"]
    for tie in ties:
        names = [dataset.actors[p].name if p in dataset.actors else p for p in tie.participants]
        who = " → ".join(names) if tie.directed else ", ".join(names)
        when = (tie.start.iso if tie.start else "undated") + (f" – {tie.end.iso}" if tie.end else "")
        status = f'<span class="tentative">{esc(tie.status)}</span>' if tie.tentative else esc(tie.status)
        sources = "".join(
            f"<li>{esc(s.document)}{', ' + esc(s.locator) if s.locator else ''}"
            f"{' — <span class=quote>“' + esc(s.quote) + '”</span>' if s.quote else ''}{_link(s.url)}</li>"
            for s in tie.sources)
        conflicts = "".join(f'<div class="conflict">Conflict — {esc(c.describe())}</div>' for c in tie.conflicts)
        count = f" ×{tie.count}" if tie.count > 1 else ""
        out.append(f'<tr id="{esc(tie.id)}"><td class="tie"><strong>{esc(tie.title or tie.id)}</strong>{count}<br>'
                   f"<code>{esc(tie.id)}</code><br>{esc(tie.type.replace('_', ' '))}</td>"
                   f'<td class="nw">{esc(when)}</td><td>{esc(who)}</td><td>{status}</td>'
                   f'<td><ol class="sources">{sources}</ol>{conflicts}</td></tr>')
    out.append("</tbody></table></div>")
    body = "".join(out)
    intro = (f'<p class="muted">{len(ties)} ties{" joining two or more actors of the scope" if tie_ids is not None else ""}'
             ", undated ones included. Tentative ties are marked; conflicts between sources are listed with "
             "every reading.</p>")
    return intro + (folded(body, len(ties), "ties with their sources") if len(ties) > FOLD_ROWS else body)


FIGURE_CAPTIONS = {
    "density": "Density of the scope per year over the analysis window, per layer and dataset, under the headline "
               "specification; a gap is a year the dataset does not cover (missing, not zero), dotted lines "
               "mark where a dataset's coverage starts or ends, shaded years are covered by none of the drawn "
               "datasets; documentary sources dashed. A description: the rates decide.",
    "evidence": "Sen's slope of each density row with its confidence interval (green: rise, red: fall, "
                "grey: flat): a description of the stock, not the rate test.",
    "network": "The web in selected years (ties of the datasets that cover each year, named under each panel); "
               "positions computed once on the union of all years (hub in red, actors without a tie that "
               "year in grey; edge width: summed tie counts).",
}


def _years(years: list[int]) -> str:
    return ", ".join(map(str, years[:-1])) + f" and {years[-1]}" if len(years) > 1 else str(years[0])


def network_note(result: ThesisResult) -> str:
    """In words: the datasets covering each drawn panel's year, and the snapshot years that get no panel
    because no tie edge joins two scope actors in them."""
    from tiegraph.exports.plots import covering, network_panels

    drawn, empty = network_panels(result)

    def who(year: int) -> str:
        return f"{year}: {', '.join(covering(result, year)) or 'no dataset'}"

    out = f"Covering datasets: {'; '.join(who(s.year) for s in drawn)}." if drawn else ""
    if empty:
        lead = "No network panel" if not drawn else f"No panel for {_years(empty)}"
        out += (f"{' ' if out else ''}{lead}: no tie joins two actors of the scope in "
                f"{'that year' if len(empty) == 1 else 'those years'} in the datasets covering "
                f"{'it' if len(empty) == 1 else 'them'} ({'; '.join(who(y) for y in empty)}).")
    return out


def figures_section(result: ThesisResult) -> str:
    from tiegraph.exports.plots import figures, png_bytes

    out = []
    drawn = figures(result)
    for number, (name, figure) in enumerate(drawn.items(), start=1):
        data = base64.b64encode(png_bytes(figure)).decode("ascii")
        extra = f" {network_note(result)}" if name == "network" else ""
        out.append(f'<figure id="figure-{name}"><img alt="{esc(FIGURE_CAPTIONS[name])}" '
                   f'src="data:image/png;base64,{data}"><figcaption>Figure {number}. '
                   f"{esc(FIGURE_CAPTIONS[name] + extra)}</figcaption></figure>")
    if "network" not in drawn and result.snapshots:
        out.append(f'<p class="muted" id="figure-network">{esc(network_note(result))}</p>')
    return "".join(out)


@dataclass(frozen=True)
class Section:
    """One ``<section>`` of the page: its anchor and heading (listed in the contents) and its HTML."""

    anchor: str
    title: str
    body: str
    #: (anchor, title) of its ``<h3>`` parts, listed under it in the contents
    parts: tuple[tuple[str, str], ...] = ()

    #: False: the body carries its own heading (the verdict box)
    heading: bool = True

    def html(self) -> str:
        heading = f"<h2>{esc(self.title)}</h2>" if self.heading else ""
        return f'<section id="{esc(self.anchor)}">{heading}{self.body}</section>'


def _verdict(result: ThesisResult) -> Section:
    """The verdict box: what it says, why, the window it covers and what decides it."""
    from tiegraph.analysis.thesis import filters

    verdict = result.verdict
    css = verdict.label.replace(" ", "-")
    window = result.window_note or f"{result.span[0]}-{result.span[-1]}"
    body = (f'<div class="verdict {css}" id="verdict"><strong>Verdict — {esc(verdict.title)}</strong>'
            f'{esc(verdict.reason)}<span class="window">Window {esc(window)}. Decided by the rates of '
            f"new ties below ({esc(filters(result)['rates'])}).</span></div>")
    return Section("verdict-section", "Verdict", body, heading=False)


def _thesis_sections(result: ThesisResult, report: dict[str, Any] | None) -> tuple[list[Section], list[Section]]:
    """(the verdict and the rates that decide it, which come before the contents; the thesis sections after)."""
    from tiegraph.analysis.thesis_tables import rate_cells, thesis_tables

    tables = thesis_tables(result)
    draws = result.options.permutations
    thesis_filters = {**tables["filters"], "projection": result.options.projection,
                      "include_tentative": result.options.include_tentative}
    first = [_verdict(result), Section("rates", "Rates of new ties (the test that decides)", (
        '<p class="muted">Per dataset and layer: new scope ties per dyad-year whose two states exist, the '
        "yearly rate ratio with its 95% interval (quasi-Poisson), the uniform-timing permutation p, and the "
        "smallest yearly rate ratio the row would detect 80% of the time. A row that cannot show a rise says "
        "why; only systematic rows decide.</p>" + table([rate_cells(r, draws) for r in result.rates])))]
    rest = [
        Section("rate-sensitivity", "Rate sensitivity", (
            '<p class="muted">The same rows under every other specification: a "supported" must survive '
            "them.</p>" + table([{"spec": r.spec.short(), **rate_cells(r, draws)} for r in result.rate_sensitivity],
                                what="sensitivity rows"))),
        Section("density", "Density (description)", (
            '<p class="muted">Density of the scope per dataset, layer and projection over the years the dataset '
            "covers, with Sen's slope and Mann-Kendall p: a description of the web, not the test (a stock of "
            "long-lived ties rises under a constant rate).</p>" + table(tables["evidence"], what="density rows"))),
        Section("density-sensitivity", "Density sensitivity", (
            '<p class="muted">The density rows under every other specification, without the permutation '
            "null.</p>" + table(tables["sensitivity"], what="sensitivity rows"))),
        Section("figures", "Figures", figures_section(result)),
        Section("filters", "Filters", filters_block(thesis_filters, (report or {}).get("filters"))),
        Section("coverage", "What each dataset covers", table(tables["coverage"])),
        Section("series", "Density by year", '<p class="muted">Headline density per year; –: not covered.</p>'
                + table(tables["series"], what="years")),
    ]
    return first, rest


#: report keys the thesis sections already show (the filters are merged into one block)
SHOWN_BY_THESIS = frozenset({"filters", "verdict", "rates", "coverage"})


def _report_sections(report: dict[str, Any], *, with_thesis: bool) -> list[Section]:
    """The tables of ``tiegraph report``: small ones side by side, wide or long ones across the page."""
    cards, parts = [], []
    for name, value in report.items():
        if (with_thesis and name in SHOWN_BY_THESIS) or not value or not isinstance(value, (dict, list)):
            continue
        anchor, title = f"report-{name.replace('_', '-')}", name.replace("_", " ")
        if isinstance(value, dict):
            body = filters_block(None, value) if name == "filters" else kv_table(value)
        else:
            body = table(value)
        wide = isinstance(value, list) and (len(value[0]) > 3
                                            or any(len(str(v)) > 60 for row in value for v in row.values()))
        cards.append(f'<div id="{esc(anchor)}"{" class=wide" if wide else ""}><h3>{esc(title)}</h3>{body}</div>')
        parts.append((anchor, title))
    intro = ('<p class="muted">The tables of <code>tiegraph report</code>. Its cumulative density counts every tie '
             "from its year on (nothing expires), unlike the stock series of the density table.</p>")
    return [Section("network-report", "Network report", intro + f'<div class="cards">{"".join(cards)}</div>',
                    tuple(parts))]


def contents(sections: list[Section]) -> str:
    """The table of contents: a link to every section and to the parts listed under it."""
    items = []
    for section in sections:
        sub = " · ".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in section.parts)
        items.append(f'<li><a href="#{esc(section.anchor)}">{esc(section.title)}</a>'
                     f'{f"<div class=parts>{sub}</div>" if sub else ""}</li>')
    return f'<nav class="toc" id="contents"><strong>Contents</strong><ol>{"".join(items)}</ol></nav>'


def render_html(dataset: Dataset, report: dict[str, Any] | None, thesis: ThesisResult | None) -> str:
    """The whole page as a string (see ``write_html_report``): the verdict and the rates that decide it
    first, then the contents, then everything else."""
    title = thesis.title if thesis else "tiegraph report"
    n_files = len(dataset.files)
    header = (f"<header><h1>{esc(title)}</h1><p class=\"sub\">tiegraph — {len(dataset.ties)} ties and "
              f"{len(dataset.actors)} actors read from {n_files} data file{'s' if n_files != 1 else ''}.</p></header>")
    first, rest = _thesis_sections(thesis, report) if thesis else ([], [])
    if report:
        rest += _report_sections(report, with_thesis=thesis is not None)
    rest += [Section("ties", "Ties and sources", ties_section(dataset, thesis.tie_ids if thesis else None)),
             Section("definitions", "Definitions", '<dl class="defs">' + "".join(
                 f"<div><dt>{esc(t)}</dt><dd>{esc(d)}</dd></div>" for t, d in DEFINITIONS) + "</dl>")]
    body = [header, *(s.html() for s in first), contents([*first, *rest]), *(s.html() for s in rest)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>\n"
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
