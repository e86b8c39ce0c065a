"""The thesis test on hand-made data directories (with coverage.yaml): evidence rows, verdict, the CLI."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from tiegraph.analysis.temporal import Activity
from tiegraph.analysis.thesis import ThesisOptions, run_thesis
from tiegraph.cli import app
from tiegraph.graph.build import TieFilter
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.vocabulary import TURKIC_SIX

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"
DYADS = list(combinations(TURKIC_SIX, 2))  # 15
ACTORS = [{"id": a, "kind": "state", "name": a} for a in TURKIC_SIX]


def exercise(dataset: str, year: int, pair: tuple[str, str], i: int, status: str = "held") -> dict:
    return {"id": f"{dataset}-{year}-{i}", "type": "joint_exercise", "participants": list(pair), "start": year,
            "status": status, "dataset": dataset, "sources": [{"document": f"{dataset}.csv", "locator": f"row {i}"}]}


def coverage(dataset: str, first: int, last: int, kind: str, types: list[str]) -> dict:
    return {"dataset": dataset, "first_year": first, "last_year": last, "kind": kind, "tie_types": types,
            "note": f"{dataset}: a hand-made fixture"}


def write(root: Path, ties: list[dict], covers: list[dict]) -> Path:
    (root / "ties").mkdir(parents=True)
    (root / "actors.yaml").write_text(yaml.safe_dump(ACTORS), encoding="utf-8")
    (root / "ties" / "ties.yaml").write_text(yaml.safe_dump(ties, sort_keys=False), encoding="utf-8")
    (root / "coverage.yaml").write_text(yaml.safe_dump(covers, sort_keys=False), encoding="utf-8")
    return root


def rising(dataset: str, first: int, years: int, offset: int = 0) -> list[dict]:
    """Year first + k has exercises on k dyads (rotated by ``offset``): flow density k/15, strictly rising."""
    return [exercise(dataset, first + k, DYADS[(offset + j) % 15], j) for k in range(years) for j in range(k)]


def options(**overrides) -> ThesisOptions:
    values = dict(scope=TURKIC_SIX, hub="TUR", first_year=2000, last_year=2014, permutations=200, seed=7)
    values.update(overrides)
    return ThesisOptions(**values)


@pytest.fixture
def two_systematic(tmp_path) -> Path:
    """A real rise in two systematic sources (exercises in one, defence ministers' meetings in the other)."""
    meetings = [{**t, "type": "defense_meeting"} for t in rising("beta", 2000, 15, offset=7)]
    return write(tmp_path / "data", rising("alpha", 2000, 15) + meetings,
                 [coverage("alpha", 1995, 2014, "systematic", ["joint_exercise"]),
                  coverage("beta", 1990, 2014, "systematic", ["defense_meeting"])])


@pytest.fixture
def documentary_only(tmp_path) -> Path:
    """A rise after 2016 in the articles only; the systematic dataset stops in 2010 and is flat."""
    flat = [exercise("alpha", y, DYADS[y % 15], 0) for y in range(1995, 2011)]
    late = rising("seeds", 2012, 15)
    return write(tmp_path / "data", flat + late,
                 [coverage("alpha", 1995, 2010, "systematic", ["joint_exercise"]),
                  coverage("seeds", 1995, 2026, "documentary", ["joint_exercise"])])


# --- the verdict on hand-made data ----------------------------------------------------------------


def test_a_rise_in_two_systematic_sources_is_supported(two_systematic):
    result = run_thesis(load_dataset(two_systematic), options())
    assert result.verdict.label == "supported"
    assert result.verdict.reason.startswith("new ties rise in every testable systematic row (alpha activity "
                                            "(2000-2014): rate ratio ")
    assert result.verdict.reason.endswith("testable sensitivity rows.")
    rates = {r.source: r for r in result.rates}
    assert rates["alpha"].ties == 105 and rates["alpha"].status == "rise" and rates["beta"].status == "rise"
    assert rates["union"].members == ("alpha", "beta")
    # the density rows stay as description
    rows = {(r.source, r.spec.projection): r for r in result.evidence}
    alpha = rows[("alpha", "clique")]
    assert alpha.values == pytest.approx([k / 15 for k in range(15)])
    assert alpha.trend.s == 105 and alpha.perm_p == pytest.approx(1 / 201)  # the maximum S: no draw reaches it


def test_a_rise_in_documentary_sources_only_cannot_be_told(documentary_only):
    result = run_thesis(load_dataset(documentary_only), options(first_year=2012, last_year=2026))
    assert result.verdict.label == "cannot tell"
    assert result.verdict.reason == ("no systematic row of 2012-2026 could show a rise (alpha activity: 0 covered "
                                     "years with two existing scope states (needs 5)).")
    seeds = next(r for r in result.rates if r.source == "seeds")
    assert seeds.status == "rise"  # shown, but a documentary row never decides
    alpha = next(r for r in result.evidence if r.source == "alpha")
    assert alpha.years == () and alpha.status == "not covered"


def test_years_outside_coverage_are_left_out_not_zero(documentary_only):
    result = run_thesis(load_dataset(documentary_only), options(first_year=2005, last_year=2020))
    alpha = next(r for r in result.evidence if r.source == "alpha" and r.spec.projection == "clique")
    assert alpha.years == tuple(range(2005, 2011))  # coverage ends in 2010: 2011-2020 are missing
    assert alpha.values == pytest.approx([1 / 15] * 6)
    seeds = next(r for r in result.evidence if r.source == "seeds" and r.spec.projection == "clique")
    assert seeds.years == tuple(range(2005, 2021)) and seeds.values[:7] == (0.0,) * 7


def test_flat_and_falling_systematic_series(tmp_path):
    falling = [exercise("alpha", 2014 - k, DYADS[j], j) for k in range(15) for j in range(k)]
    flat = [exercise("beta", y, DYADS[(3 * y + j) % 15], j) for y in range(2000, 2015) for j in range(3)]
    root = write(tmp_path / "d", falling + flat, [coverage("alpha", 2000, 2014, "systematic", ["joint_exercise"]),
                                                  coverage("beta", 2000, 2014, "systematic", ["joint_exercise"])])
    result = run_thesis(load_dataset(root), options())
    assert result.verdict.label == "not supported"
    assert result.verdict.reason.startswith("the rate of new ties falls in alpha activity (2000-2014): rate ratio ")
    assert "would have detected 80% of the time: alpha activity: 1.0" in result.verdict.reason


def test_one_rising_and_one_flat_source_is_mixed(tmp_path):
    flat = [exercise("beta", y, DYADS[(3 * y + j) % 15], j) for y in range(2000, 2015) for j in range(3)]
    root = write(tmp_path / "d", rising("alpha", 2000, 15) + flat,
                 [coverage("alpha", 2000, 2014, "systematic", ["joint_exercise"]),
                  coverage("beta", 2000, 2014, "systematic", ["joint_exercise"])])
    result = run_thesis(load_dataset(root), options())
    assert result.verdict.label == "mixed"
    assert "but not in beta activity (2000-2014): rate ratio 1.000/year" in result.verdict.reason


def test_a_rise_made_only_of_the_hubs_ties_is_hub_and_spoke(tmp_path):
    # 2000-2014: more and more exercises, every one with TUR (hub-and-spoke); the other five never meet
    ties = [exercise("alpha", 2000 + k, DYADS[j % 5], j) for k in range(15) for j in range(k)]
    assert all("TUR" in t["participants"] for t in ties)
    root = write(tmp_path / "d", ties, [coverage("alpha", 2000, 2014, "systematic", ["joint_exercise"])])
    result = run_thesis(load_dataset(root), options())
    (row,) = result.rates
    assert row.status == "cannot tell" and row.reason == "all 105 new ties involve TUR: a hub-and-spoke; 0 without TUR (needs 5)"
    assert result.verdict.label == "cannot tell"
    hub_off = run_thesis(load_dataset(root), options(hub=None))
    assert hub_off.rates[0].status == "rise"  # the same row, read as a web when no hub is named


def test_tentative_ties_are_out_of_the_headline_and_in_the_sensitivity_table(tmp_path):
    # the rise exists only through planned exercises: without them there is nothing to test
    ties = [exercise("alpha", t["start"], tuple(t["participants"]), i, status="planned")
            for i, t in enumerate(rising("alpha", 2000, 15))]
    root = write(tmp_path / "d", ties, [coverage("alpha", 2000, 2014, "systematic", ["joint_exercise"])])
    data = load_dataset(root)
    headline = run_thesis(data, options())
    assert headline.verdict.label == "cannot tell"
    with_tentative = [r for r in headline.rate_sensitivity if r.spec.tentative]
    assert {r.status for r in with_tentative} == {"rise"}
    assert run_thesis(data, options(include_tentative=True)).verdict.label == "supported"


def test_censored_open_ties_stay_in_force_to_the_coverage_end(tmp_path):
    # an alliance with no end in a systematic dataset (ATOP: still in force at its last year) is censored,
    # not expired after the stock rule's 10 years; a documentary one expires
    ties = [{"id": f"{d}-a", "type": "alliance_treaty", "participants": ["TUR", "AZE"], "start": 1992,
             "status": "signed", "dataset": d, "sources": [{"document": d, "locator": "row 1"}]} for d in ("atop", "seeds")]
    root = write(tmp_path / "d", ties, [coverage("atop", 1990, 2018, "systematic", ["alliance_treaty"]),
                                        coverage("seeds", 1990, 2018, "documentary", ["alliance_treaty"])])
    result = run_thesis(load_dataset(root), options(first_year=1990, last_year=2018, permutations=0))
    rows = {r.source: r for r in result.evidence if r.spec.projection == "clique" and r.layer == "institutional"}
    # 1990-1991: five of the six states do not exist yet (COW): missing years, not zeros
    assert rows["atop"].years == tuple(range(1992, 2019))
    assert rows["atop"].values == pytest.approx([1 / 15] * 27)
    assert rows["seeds"].values == pytest.approx([1 / 15] * 10 + [0] * 17)


def test_a_tie_in_two_datasets_counts_in_both_series_and_once_in_the_union(tmp_path):
    # the same exercise (same pair, same day) coded by alpha and beta: the overlap pass keeps one
    shared = [exercise(d, 2005, ("TUR", "AZE"), 0) | {"start": "2005-06-01"} for d in ("alpha", "beta")]
    own = [exercise("alpha", 2008, ("KAZ", "KGZ"), 1), exercise("beta", 2009, ("UZB", "TKM"), 1)]
    root = write(tmp_path / "d", shared + own, [coverage(d, 2000, 2014, "systematic", ["joint_exercise"])
                                                for d in ("alpha", "beta")])
    from tiegraph.commands.common import load

    data = load([root])
    assert len(data.ties) == 3 and len(data.overlaps) == 1
    result = run_thesis(data, options(permutations=0))
    rows = {r.source: r for r in result.evidence if r.spec.projection == "clique"}
    year = {r: dict(zip(rows[r].years, rows[r].values)) for r in rows}
    assert year["alpha"][2005] == year["beta"][2005] == year["union"][2005] == pytest.approx(1 / 15)
    assert (rows["alpha"].ties, rows["beta"].ties, rows["union"].ties) == (2, 2, 3)


def test_type_and_dataset_filters_narrow_what_each_dataset_covers(two_systematic):
    # beta codes only meetings: with --type joint_exercise it has no row (missing), not a row of zeros
    data = load_dataset(two_systematic)
    result = run_thesis(data, options(permutations=0, tie_filter=TieFilter(types=frozenset({"joint_exercise"}))))
    assert {r.source for r in result.evidence} == {"alpha"}
    assert result.verdict.label == "supported"
    only_beta = run_thesis(data, options(permutations=0, tie_filter=TieFilter(datasets=frozenset({"beta"}))))
    assert {r.source for r in only_beta.evidence} == {"beta"}


def test_report_options_convert_to_thesis_options():
    from tiegraph.analysis.report import ReportOptions

    report = ReportOptions(scope=("TUR", "AZE", "KAZ"), tie_filter=TieFilter(start_year=2015, end_year=2020))
    converted = ThesisOptions.from_report(report, hub="TUR", seed=9)
    assert (converted.first_year, converted.last_year, converted.seed) == (2015, 2020, 9)
    assert converted.scope == ("TUR", "AZE", "KAZ") and converted.hub == "TUR"
    # the span is not a tie filter (earlier treaties stay in force); tentative ties: out of the headline,
    # in the tables (for the sensitivity rows), whatever the report's --tentative
    assert converted.tie_filter.start_year is None and converted.tie_filter.include_tentative
    assert not converted.include_tentative


def test_same_inputs_and_seed_give_identical_output(two_systematic, runner):
    args = ["thesis", "-d", str(two_systematic), "--from", "2000", "--to", "2014", "--permutations", "100",
            "--format", "json"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout


# --- the command ------------------------------------------------------------------------------------

ARGS = ["thesis", "-d", str(FIXTURE), "--from", "2014", "--to", "2020", "--permutations", "200"]


def test_cli_prints_coverage_evidence_and_the_verdict(runner):
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Defence ties among the six Turkic states: is the web thickening?"
    for section in ("filters", "coverage", "rates (decide)", "rate sensitivity", "density (description)"):
        assert section in lines
    # the fixture declares no coverage: taken as documentary over its own tie years, so nothing can be told
    assert "  seeds    documentary  2014-2019  8 types" in lines  # 2019: the fixture's last dated tie
    assert lines[-1] == ("Verdict: Cannot tell from these data: no systematic dataset covers 2014-2020; only "
                         "documentary sources (seeds), whose silence is not evidence of absence.")


def test_cli_break_year_adds_a_before_after_column(runner):
    result = runner.invoke(app, [*ARGS, "--break-year", "2017"], env={"COLUMNS": "300"})  # tables in one part
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("proj"))
    assert "<2017 -> 2017+" in header and "MW p" in header
    # seeds activity: density 0 in 2014-2016, then 3/15, 1/15, 1/15: mean 0 before 2017, 5/45 = 0.11 from it
    density = lines[lines.index("density (description)"):]
    row = next(line for line in density if line.split()[:3] == ["clique", "seeds", "activity"])
    assert "0.00 -> 0.11" in row


def test_cli_json_and_out_directory(runner, tmp_path, two_systematic):
    args = ["thesis", "-d", str(two_systematic), "--from", "2000", "--to", "2014", "--permutations", "50",
            "--break-year", "2008", "--format", "json", "--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"]["label"] == "supported"
    row = next(r for r in data["evidence"] if r["source"] == "alpha" and r["projection"] == "clique")
    assert (row["years"], row["n"], row["status"]) == ("2000-2014", 15, "rise")
    assert row["mean_before"] == pytest.approx(sum(range(8)) / 8 / 15)  # 2000-2007 before the break
    assert data["series"][0] == {"year": 2000, "alpha:activity": 0.0, "beta:activity": 0.0, "union:activity": 0.0}
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"evidence.csv", "evidence.json", "sensitivity.csv", "verdict.txt", "thesis_density.png"} <= set(written)
    text = (tmp_path / "out" / "verdict.txt").read_text(encoding="utf-8")
    assert text.startswith("Thickening supported: new ties rise in every testable systematic row")
    assert {"rates.csv", "rate_sensitivity.csv"} <= set(written)
    assert f"Wrote {len(written)} files to" in result.stderr


def test_cli_markdown_and_scope_all(runner):
    result = runner.invoke(app, [*ARGS, "--format", "markdown", "--scope", "all", "--mode", "flow"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Defence ties among all actors present each year: is the web thickening?")
    assert "## evidence" in result.stdout and "## sensitivity" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--mode", "decay"], "Error: tiegraph thesis: Invalid value for '--mode': Value error, 'decay' is not one of "
                          "'stock', 'flow', 'window'. (see 'tiegraph thesis --help')"),
    (["--null", "poisson"], "Error: tiegraph thesis: Invalid value for '--null': Value error, 'poisson' is not one "
                            "of 'uniform', 'shuffle'. (see 'tiegraph thesis --help')"),
    (["--duration", "-1"], "Error: --duration -1 must be 0 (forever) or a number of years"),
    (["--alpha", "1.5"], "Error: --alpha 1.5 must be between 0 and 1"),
    (["--scope", "TUR"], "Error: --scope 'TUR' needs at least two actor ids (e.g. --scope TUR,AZE; leave the "
                         "option out for the default scope)"),
    (["--from", "2019"], "Error: --from/--to: years 2019-2020: a trend test needs at least three years"),
    (["--from", "2021"], "Error: year range 2021-2020 is empty"),
])
def test_cli_refuses_bad_options(runner, args, message):
    result = runner.invoke(app, [*ARGS, *args])
    assert result.exit_code == 2  # misuse of an option: 2, as an unknown option
    assert result.stderr.strip() == message


def test_analysis_needs_an_explicit_scope_and_hub():
    with pytest.raises(TypeError):
        ThesisOptions(activity=Activity())  # type: ignore[call-arg]


def test_a_datasets_row_uses_its_own_ties_and_report_dataset_agrees(runner, tmp_path):
    """JME's row counts JME's version of an exercise MME also has (merged data keeps one version); the
    report's verdict table for --dataset X equals the thesis's row X."""
    shared = [exercise(d, 2005, ("TUR", "AZE"), 0) | {"start": "2005-06-01"} for d in ("alpha", "beta")]
    own = [exercise("beta", 2000 + k, DYADS[(k + 3) % 15], 1 + k) for k in range(15) if k != 5]
    root = write(tmp_path / "d", shared + own, [coverage(d, 2000, 2014, "systematic", ["joint_exercise"])
                                                for d in ("alpha", "beta")])
    from tiegraph.commands.common import load

    data = load([root])
    assert len(data.overlaps) == 1 and [t.dataset for t in data.duplicates] == ["beta"]
    assert [t.id for t in data.own_ties("beta")][0] == "beta-2000-1" and len(data.own_ties("beta")) == 15
    result = run_thesis(data, options())
    beta = next(r for r in result.rates if r.source == "beta")
    assert beta.ties == 15  # its own version of the shared exercise included
    report = json.loads(runner.invoke(app, ["report", "-d", str(root), "--dataset", "beta", "--format", "json"]).stdout)
    (row,) = report["rates"]
    assert (row["source"], row["ties"], row["status"]) == ("beta", "15", beta.status)
    assert row["RR/yr [95% CI]"].startswith(f"{beta.rate_ratio:.3f}")
    # one answer: the report's verdict is the thesis's on the same data and window
    whole = json.loads(runner.invoke(app, ["report", "-d", str(root), "--format", "json"]).stdout)
    thesis = json.loads(runner.invoke(app, ["thesis", "-d", str(root), "--format", "json"]).stdout)
    assert whole["verdict"]["reason"] == thesis["verdict"]["reason"]
    assert whole["verdict"]["window"] == thesis["filters"]["window"] == "2000-2014: from 2000, the first year with a dated tie"


def test_a_datasets_rows_do_not_move_when_an_unrelated_dataset_is_loaded(runner, tmp_path):
    """DCAD's rows (rates and density, permutation p's included) are the same with and without MME beside it."""
    from tiegraph.commands.common import load

    fixtures = Path(__file__).parent / "fixtures" / "external"
    for source, path in (("dcad", fixtures / "dcad"), ("mme", fixtures / "mme")):
        done = runner.invoke(app, ["import", source, str(next(p for p in path.iterdir() if p.suffix == ".csv")),
                                   "--into", str(tmp_path / source)])
        assert done.exit_code == 0, done.output
    repo_data = Path(__file__).parents[1] / "data"
    chosen = options(first_year=1992, last_year=2010, permutations=300)
    alone = run_thesis(load([repo_data, tmp_path / "dcad"]), chosen)
    beside = run_thesis(load([repo_data, tmp_path / "dcad", tmp_path / "mme"]), chosen)

    def dcad(result):
        return ([r for r in result.rates if r.source == "dcad"], [r for r in result.evidence if r.source == "dcad"])

    assert dcad(alone)[0] and dcad(alone) == dcad(beside)
