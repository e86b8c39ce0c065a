"""Plots and the self-contained HTML report (verdict, tables, figures, ties with their sources)."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

import lxml.html
import matplotlib.image
import numpy as np
import pytest

from tiegraph.analysis.report import ReportOptions, build_report
from tiegraph.analysis.thesis import Snapshot, ThesisOptions, run_thesis
from tiegraph.cli import app
from tiegraph.exports.html import render_html, write_html_report
from tiegraph.exports.html_tables import SIDES, filters_block, table
from tiegraph.exports.plots import (
    PLOTS,
    coverage_edges,
    figures,
    network_panels,
    stable_layout,
    uncovered_runs,
    write_plots,
)
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.vocabulary import TURKIC_SIX

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"
PNG = b"\x89PNG\r\n\x1a\n"
SOURCE_URLS = {"https://example.org/a", "https://example.org/d"}


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


@pytest.fixture(scope="module")
def thesis(data):
    # the fixture's ties run 2014-2019 (no coverage.yaml: documentary over those years); 2020 is not covered
    return run_thesis(data, ThesisOptions(scope=TURKIC_SIX, hub="TUR", first_year=2012, last_year=2020,
                                          permutations=100))


def test_plots_are_written_and_not_empty(thesis, tmp_path):
    paths = write_plots(thesis, tmp_path)
    assert [p.name for p in paths] == [f"thesis_{name}.png" for name in PLOTS]
    for path in paths:
        assert path.read_bytes().startswith(PNG)
        height, width, _ = matplotlib.image.imread(path).shape
        assert height > 300 and width > 600


def test_density_plot_shows_uncovered_years_as_gaps(thesis):
    axes = figures(thesis)["density"].axes
    assert [ax.get_title(loc="left") for ax in axes] == ["institutional: share of the scope's dyads tied",
                                               "activity: share of the scope's dyads tied"]
    line = axes[0].get_lines()[0]
    years, values = list(line.get_xdata()), list(line.get_ydata())
    assert years == list(range(2012, 2021))
    gaps = [y for y, v in zip(years, values) if np.isnan(v)]
    assert gaps == [2012, 2013, 2020]  # outside the fixture's 2014-2019: missing, not zero
    assert line.get_linestyle() == "--"  # documentary
    assert line.get_label().startswith("seeds (documentary), Sen ")


def test_density_plot_spans_the_window_and_marks_where_coverage_changes(thesis):
    # the fixture's seeds cover 2014-2019 inside the 2012-2020 window: it starts and ends inside it
    assert coverage_edges(thesis, ["seeds"]) == [(2013.5, "coverage starts: seeds"), (2019.5, "coverage ends: seeds")]
    assert uncovered_runs(thesis, ["seeds"]) == [(2012, 2013), (2020, 2020)]
    assert coverage_edges(thesis, []) == []  # only the drawn datasets are marked
    for ax in figures(thesis)["density"].axes:
        assert ax.get_xlim() == (2011.5, 2020.5)  # the analysis window, not the datasets' whole years
        marks = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"]
        assert marks == [2013.5, 2019.5]
        labels = [t.get_text() for t in ax.texts]
        assert labels == ["not covered", "not covered", "coverage starts: seeds", "coverage ends: seeds"]
        shaded = sorted((patch.get_x(), patch.get_width()) for patch in ax.patches)  # years no drawn dataset covers
        assert shaded == [(2011.5, 2.0), (2019.5, 1.0)]


def test_network_panels_only_for_years_with_a_tie_and_name_the_covering_datasets(thesis):
    axes = figures(thesis)["network"].axes
    assert [ax.get_title() for ax in axes] == ["2014: 1 tied dyad, density 0.07", "2015: 2 tied dyads, density 0.13",
                                               "2017: 4 tied dyads, density 0.27", "2019: 3 tied dyads, density 0.20"]
    assert [[t.get_text() for t in ax.texts if t.get_text().startswith("covered")] for ax in axes] == \
        [["covered by: seeds"]] * 4
    # a snapshot year without a tie edge gets no panel; the HTML says why in words
    empty = Snapshot(2013, thesis.snapshots[0].nodes, ())
    with_empty = dataclasses.replace(thesis, snapshots=(empty, *thesis.snapshots))
    drawn, missing = network_panels(with_empty)
    assert [s.year for s in drawn] == [2014, 2015, 2017, 2019] and missing == [2013]
    assert len(figures(with_empty)["network"].axes) == 4
    caption = lxml.html.fromstring(render_html(load_dataset(FIXTURE), None, with_empty)).get_element_by_id(
        "figure-network").text_content()
    assert caption.endswith("Covering datasets: 2014: seeds; 2015: seeds; 2017: seeds; 2019: seeds. No panel for "
                            "2013: no tie joins two actors of the scope in that year in the datasets covering it "
                            "(2013: no dataset).")
    only_empty = dataclasses.replace(thesis, snapshots=(empty,))
    assert "network" not in figures(only_empty)
    page = lxml.html.fromstring(render_html(load_dataset(FIXTURE), None, only_empty))
    assert page.get_element_by_id("figure-network").text_content().startswith("No network panel: no tie joins")
    assert len(page.findall(".//img")) == len(PLOTS) - 1


def test_network_layout_is_computed_once_and_stable(thesis):
    positions = stable_layout(thesis)
    assert positions == stable_layout(thesis)
    assert positions["TUR"] == (0.0, 0.0)  # the hub in the centre
    drawn = {n for snap in thesis.snapshots for n in snap.nodes}
    assert drawn <= set(positions)
    assert [s.year for s in thesis.snapshots] == [2014, 2015, 2017, 2019]  # first, last and thirds between


def test_html_is_one_self_contained_file_with_verdict_and_sources(data, thesis, tmp_path):
    path = write_html_report(data, build_report(data, ReportOptions(TURKIC_SIX)), thesis, tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    page = lxml.html.fromstring(text)
    assert page.findtext(".//title") == "Defence ties among the six Turkic states: is the web thickening?"
    verdict = page.get_element_by_id("verdict").text_content()
    assert verdict == (f"Verdict — {thesis.verdict.title}{thesis.verdict.reason}Window 2012-2020, as asked. "
                       "Decided by the rates of new ties below (weighted, without tentative; arms transfers in "
                       "their first delivery year).")
    assert verdict.startswith("Verdict — Cannot tell from these data")
    # figures are embedded PNGs; nothing is fetched: no script, stylesheet link, or other URL
    images = page.findall(".//img")
    assert len(images) == len(PLOTS)
    for image in images:
        src = image.get("src")
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
    assert page.findall(".//script") == [] and page.findall(".//link") == []
    # the only URLs are the sources'; every other link is an anchor of the page itself (the contents)
    assert {a.get("href") for a in page.iter("a") if not a.get("href").startswith("#")} == SOURCE_URLS
    assert all(page.get_element_by_id(a.get("href")[1:]) is not None
               for a in page.iter("a") if a.get("href").startswith("#"))
    assert "url(" not in text and "@import" not in text
    # the ties of the scope with their sources (document, locator, quote, URL) and conflicts
    ties = page.get_element_by_id("t1-aze-tur-alliance-2015").text_content()
    assert "fixture-a.txt, para 1" in ties and "“an alliance was signed”" in ties and "https://example.org/a" in ties
    conflict = page.get_element_by_id("t2-kaz-tur-dca-2016").text_content()
    assert ("Conflict — start: 2016-05 (fixture-b.txt); 2016-06 (fixture-c.txt) — b dates the signature, "
            "c the ratification") in conflict
    assert "undated" in page.get_element_by_id("t10-tur-kgz-meeting-undated").text_content()
    assert "proposed" in page.get_element_by_id("t5-kgz-uzb-intel-2019").text_content()
    listed = {tr.get("id") for tr in page.iter("tr") if tr.get("id")}
    assert "t8-rus-kaz-exercise-2018" not in listed  # not a tie among the six
    # the tables are there, with the numbers of the thesis result
    assert "What each dataset covers" in text and "Network report" in text
    first = thesis.evidence[0]
    cells = [td.text_content() for td in page.xpath("//section[@id='density']//table[1]//tbody/tr[1]/td")]
    assert cells[:5] == ["clique", "seeds", "documentary", "institutional", first.span]
    assert f"{first.trend.sen_slope:.3f}" in cells
    rates = [[td.text_content() for td in tr] for tr in page.xpath("//section[@id='rates']//tbody/tr")]
    assert [r[:4] for r in rates] == [[r.source, r.layer, r.span, str(r.ties)] for r in thesis.rates]


def test_verdict_and_rates_first_then_contents_linking_every_section(data, thesis):
    page = lxml.html.fromstring(render_html(data, build_report(data, ReportOptions(TURKIC_SIX)), thesis))
    main = page.find(".//main")
    order = [child.get("id") or child.tag for child in main]
    assert order == ["header", "verdict-section", "rates", "contents", "rate-sensitivity", "density",
                     "density-sensitivity", "figures", "filters", "coverage", "series", "network-report", "ties",
                     "definitions"]
    links = [a.get("href") for a in page.get_element_by_id("contents").iter("a")]
    sections = [s.get("id") for s in main.findall("section")]
    assert [h for h in links if h[1:] in sections] == [f"#{s}" for s in sections]
    assert all(page.get_element_by_id(h[1:]) is not None for h in links)  # parts too (report-summary ...)
    assert "#report-top-actors" in links and "#report-filters" not in links  # one filters block


def test_one_filters_block_shows_a_differing_value_twice_labelled(data, thesis):
    report = build_report(data, ReportOptions(TURKIC_SIX))  # the report's own default: tentative ties in
    page = lxml.html.fromstring(render_html(data, report, thesis))
    blocks = page.find_class("filters")
    assert len(blocks) == 1
    rows = {tr[0].text_content(): tr for tr in blocks[0].iter("tr")}
    assert rows["scope"][1].text_content() == "TUR, AZE, KAZ, KGZ, UZB, TKM"  # the same in both: once
    assert rows["years"].get("class") == "differs"
    assert rows["years"][1].text_content() == f"{SIDES[0]}:2012-2020{SIDES[1]}:2014-2019"
    assert rows["include tentative"][1].text_content() == f"{SIDES[0]}:no{SIDES[1]}:yes"
    assert [k for k, tr in rows.items() if tr.get("class") == "differs"] == ["years", "include tentative"]
    alone = lxml.html.fromstring(render_html(data, report, None))  # no thesis: the report's filters, once
    assert [b.getparent().get("id") for b in alone.find_class("filters")] == ["report-filters"]
    assert "years2014-2019" in [tr.text_content() for tr in alone.find_class("filters")[0].iter("tr")]
    only = lxml.html.fromstring(filters_block({"years": "2012-2020", "alpha": 0.05}, None))
    assert [tr.text_content() for tr in only.iter("tr")] == ["years2012-2020", "alpha0.050"]


def test_long_tables_fold_with_their_row_count_and_every_table_has_a_scroll_box():
    rows = [{"year": 2000 + i, "density": i / 100} for i in range(16)]
    folded = lxml.html.fromstring(table(rows, what="years"))
    assert folded.tag == "details" and folded.find("summary").text_content() == "Show all 16 years"
    assert len(folded.findall(".//tbody/tr")) == 16
    shown = lxml.html.fromstring(table(rows[:15]))
    assert shown.tag == "div" and shown.get("class") == "scroll" and len(shown.findall(".//tbody/tr")) == 15
    wide = lxml.html.fromstring(f"<div>{table([{f'c{i}': i for i in range(15)}])}</div>")
    assert wide.find_class("hint")[0].text_content() == "15 columns: the table scrolls sideways in its box."


def test_html_escapes_text_and_links_only_web_urls(data, thesis):
    tie = data.tie("t1-aze-tur-alliance-2015")
    source = dataclasses.replace(tie.sources[0], url="javascript:alert(1)")
    hostile = dataclasses.replace(tie, title="<script>alert(1)</script>", sources=(source,))
    tampered = dataclasses.replace(data, ties=[hostile if t.id == tie.id else t for t in data.ties])
    text = render_html(tampered, None, thesis)
    page = lxml.html.fromstring(text)
    assert page.findall(".//script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "javascript:alert(1)" in page.get_element_by_id(tie.id).text_content()
    assert all(a.get("href", "").startswith(("https://", "#")) for a in page.iter("a"))


def test_report_command_writes_html_and_plots(runner, tmp_path):
    html_path, plots_dir = tmp_path / "report.html", tmp_path / "plots"
    result = runner.invoke(app, ["report", "-d", str(FIXTURE), "--format", "json",
                                 "--html", str(html_path), "--plots", str(plots_dir)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"Wrote {html_path}", f"Wrote {len(PLOTS)} plots to {plots_dir}"]
    assert result.stdout.lstrip().startswith("{")  # the report itself is still clean JSON on stdout
    page = lxml.html.fromstring(html_path.read_text(encoding="utf-8"))
    assert page.get_element_by_id("verdict").text_content().startswith("Verdict — ")
    assert sorted(p.name for p in plots_dir.iterdir()) == sorted(f"thesis_{n}.png" for n in PLOTS)
