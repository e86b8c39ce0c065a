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
from tiegraph.analysis.thesis import ThesisOptions, run_thesis
from tiegraph.cli import app
from tiegraph.exports.html import render_html, write_html_report
from tiegraph.exports.plots import PLOTS, figures, stable_layout, write_plots
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
    assert verdict == f"Verdict — {thesis.verdict.title}{thesis.verdict.reason}"
    assert verdict.startswith("Verdict — Cannot tell from these data")
    # figures are embedded PNGs; nothing is fetched: no script, stylesheet link, or other URL
    images = page.findall(".//img")
    assert len(images) == len(PLOTS)
    for image in images:
        src = image.get("src")
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
    assert page.findall(".//script") == [] and page.findall(".//link") == []
    assert {a.get("href") for a in page.iter("a")} == SOURCE_URLS
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
    assert "What each dataset covers" in text and "Evidence" in text and "Network report" in text
    first = thesis.evidence[0]
    cells = [td.text_content() for td in page.xpath("//h2[.='Evidence']/following::table[1]//tbody/tr[1]/td")]
    assert cells[:5] == ["clique", "seeds", "documentary", "institutional", first.span]
    assert f"{first.trend.sen_slope:.3f}" in cells


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
    assert all(a.get("href", "").startswith("https://") for a in page.iter("a"))


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
