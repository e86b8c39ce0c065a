"""The thesis test: trend statistics on known series, the seeded permutation null, the verdict, the CLI."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pymannkendall as mk
import pytest

from tiegraph.cli import app
from tiegraph.graph.build import TieFilter, build_graph
from tiegraph.graph.report import ReportOptions
from tiegraph.graph.temporal import Activity, DensityKernel, tie_table
from tiegraph.graph.thesis import ThesisOptions, permutation_null, thesis_section, trend_test
from tiegraph.graph.trend import before_after, mann_kendall_tests, mk_s, sen_slope, upper_p
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Source, Tie
from tiegraph.model.vocabulary import TURKIC_SIX

FIXTURE = Path(__file__).parent / "fixtures" / "thesis"
DYADS = list(combinations(TURKIC_SIX, 2))  # 15
NO_TREND = [5, 1, 9, 3, 12, 0, 7, 14, 2, 10, 6, 13, 4, 11, 8]  # a shuffle of 0..14: S = 23, p = 0.28


def synthetic(per_year: dict[int, list[tuple[str, ...]]], status: str = "held") -> Dataset:
    """The six states and one joint exercise per listed participant group and year."""
    actors = {a: Actor(a, "state", a) for a in TURKIC_SIX}
    ties = [Tie(id=f"x{year}-{i}", type="joint_exercise", participants=group, start=PartialDate(year),
                status=status, sources=(Source("synthetic.txt", f"{year}/{i}"),))
            for year, groups in per_year.items() for i, group in enumerate(groups)]
    return Dataset(actors, ties)


def rising() -> Dataset:
    """Year 2010 + i has exercises on the first i dyads: flow/stock density i/15, strictly rising."""
    return synthetic({2010 + i: DYADS[:i] for i in range(15)})


def flat() -> Dataset:
    """Three exercises a year on rotating dyads: density 3/15 every year."""
    return synthetic({2010 + i: [DYADS[(3 * i + k) % 15] for k in range(3)] for i in range(15)})


def options(**overrides) -> ThesisOptions:
    values = dict(first_year=2010, last_year=2024, permutations=200, seed=7)
    values.update(overrides)
    return ThesisOptions(**values)


# --- trend statistics on known series -------------------------------------------------------


def test_monotone_series_is_a_significant_increase():
    result = mann_kendall_tests(list(range(15)))
    assert result["trend"] == "increasing" and result["p"] < 0.001 and result["tau"] == pytest.approx(1.0)
    assert result["sen_slope"] == pytest.approx(1.0)
    # rising with small reversals: still significant after Hamed–Rao's autocorrelation correction
    noisy = mann_kendall_tests([0, 2, 1, 3, 5, 4, 6, 8, 7, 9, 11, 10, 12, 14, 13])
    assert noisy["s"] == 95 and noisy["p"] < 0.0001 and noisy["hamed_rao_p"] < 0.001


def test_shuffled_and_flat_series_are_not_significant():
    shuffled = mann_kendall_tests(NO_TREND)
    assert shuffled["s"] == 23 and shuffled["p"] > 0.2 and shuffled["trend"] == "no trend"
    assert shuffled["hamed_rao_p"] is None  # its corrected variance is negative here
    flat_result = mann_kendall_tests([0.2] * 10)
    assert (flat_result["p"], flat_result["sen_slope"], flat_result["trend"]) == (1.0, 0.0, "no trend")


def test_vectorised_s_and_sen_slope_match_pymannkendall():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 6, size=(20, 12)) / 15  # ties in values, like densities
    for row in rows:
        reference = mk.original_test(row)
        assert mk_s(row) == reference.s
        assert sen_slope(row) == pytest.approx(reference.slope)
    assert np.array_equal(mk_s(rows), [mk.original_test(r).s for r in rows])


def test_permutation_p_and_before_after_by_hand():
    assert upper_p(5.0, np.array([1.0, 5.0, 7.0, 2.0])) == pytest.approx(3 / 5)  # (1 + 2) / (1 + 4)
    assert upper_p(9.0, np.zeros(999)) == pytest.approx(1 / 1000)
    split = before_after({2018: 0.1, 2019: 0.2, 2020: 0.5, 2021: 0.7}, 2020)
    assert (split["mean_before"], split["mean_after"]) == (pytest.approx(0.15), pytest.approx(0.6))
    # every after value beats every before value: U = 2 * 2 = 4, exact one-sided p = 1 / C(4, 2)
    assert (split["mann_whitney_u"], split["mann_whitney_p"]) == (4.0, pytest.approx(1 / 6))
    assert before_after({2021: 0.1, 2022: 0.2}, 2020)["mean_before"] is None


# --- the permutation null -------------------------------------------------------------------


def test_nulls_move_years_and_keep_who_is_tied_to_whom():
    # two ties in 2010, one in 2011, two in 2013, each on its own dyad; flow density x 15 = 2, 1, 0, 2, 0
    data = synthetic({2010: DYADS[0:2], 2011: DYADS[2:3], 2013: DYADS[3:5]})
    table = tie_table(build_graph(data))
    years = list(range(2010, 2015))
    kernel, pool, flow = DensityKernel(table), np.arange(5), Activity("flow")
    # shuffle keeps the number of new ties per year: on distinct dyads the flow series cannot change
    shuffled = permutation_null(table, kernel, years, flow, pool, permutations=50, seed=3, null="shuffle")
    assert np.allclose(shuffled * 15, [2, 1, 0, 2, 0])
    # uniform timing moves the years: the series varies, but every draw still has the five ties
    uniform = permutation_null(table, kernel, years, flow, pool, permutations=50, seed=3, null="uniform")
    assert np.allclose(uniform.sum(axis=1) * 15, 5)
    assert len({tuple(row) for row in uniform}) > 1


def test_null_is_reproducible_with_a_seed():
    table = tie_table(build_graph(flat()))
    years = list(range(2010, 2025))
    kernel, pool = DensityKernel(table), np.arange(len(table.ids))
    a = permutation_null(table, kernel, years, Activity(), pool, permutations=30, seed=42)
    b = permutation_null(table, kernel, years, Activity(), pool, permutations=30, seed=42)
    c = permutation_null(table, kernel, years, Activity(), pool, permutations=30, seed=43)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    def run(seed):
        return trend_test(table, years=years, scope=TURKIC_SIX, activity=Activity(), break_year=2020,
                                      permutations=100, seed=seed)["perm_p_s"]
    assert run(42) == run(42)


# --- the verdict ----------------------------------------------------------------------------


def test_rising_web_supports_the_thesis():
    result = thesis_section(rising(), options())
    assert result["label"] == "supported"
    # density 0/15 in 2010, 14/15 in 2024; S = C(15, 2) = 105 is the maximum -> no shuffle reaches it
    assert result["test"]["s"] == 105
    assert result["test"]["perm_p_s"] == pytest.approx(1 / 201)
    assert result["verdict"] == (
        "Thickening supported: stock density of the six Turkic states rose from 0.00 (2010) to 0.93 (2024); "
        "Mann–Kendall tau=1.00, p<0.0001 (Hamed–Rao p<0.0001); Sen slope +0.067/year; "
        "permutation p=0.0050 (200 draws of tie years, uniform over 2010-2024, seed 7; volume-kept shuffle "
        "p=0.0050); mean density 0.30 before 2020 vs 0.80 from 2020 (Mann–Whitney p=0.0003); TUR's share of "
        "tie-links went from 1.00 (2011) to 0.36 (2024) and density among the other five from 0.00 to 0.90 "
        "(Mann–Kendall p<0.0001); same verdict in 8 of 8 sensitivity specifications.")
    assert [r["main"] for r in result["sensitivity"]].count("*") == 1


def test_flat_web_does_not_support_it_and_falling_web_is_thinning():
    flat_result = thesis_section(flat(), options())
    assert flat_result["label"] == "not"
    assert flat_result["verdict"].startswith("Thickening not supported: stock density of the six Turkic "
                                             "states stayed at 0.20 from 2010 to 2024;")
    falling = synthetic({2024 - i: DYADS[:i] for i in range(15)})
    assert thesis_section(falling, options())["verdict"].startswith("Thinning, not thickening: stock density")


def test_sensitivity_names_the_specifications_that_differ():
    # one multilateral exercise a year among more and more states: dense as cliques, empty as stars
    data = synthetic({2010 + i: [TURKIC_SIX[: 1 + i // 3]] for i in range(3, 18) if 1 + i // 3 >= 2})
    result = thesis_section(data, options(last_year=2027))
    assert result["label"] == "supported"
    star_rows = [r for r in result["sensitivity"] if r["projection"] == "star"]
    assert {r["verdict"] for r in star_rows} == {"not supported"}
    assert "same verdict in" in result["verdict"] and "(differs: star, with tentative, stock: not supported;" \
        in result["verdict"]


def test_same_inputs_and_seed_give_identical_output():
    first = json.dumps(thesis_section(rising(), options()), sort_keys=True, default=str)
    second = json.dumps(thesis_section(rising(), options()), sort_keys=True, default=str)
    assert first == second


def test_report_options_convert_to_thesis_options():
    report = ReportOptions(scope=("TUR", "AZE"), tie_filter=TieFilter(start_year=2015, end_year=2020,
                                                                       include_tentative=False))
    converted = ThesisOptions.from_report(report, seed=9)
    assert (converted.first_year, converted.last_year, converted.seed) == (2015, 2020, 9)
    assert converted.tie_filter.start_year is None and not converted.tie_filter.include_tentative
    assert converted.scope == ("TUR", "AZE")


# --- the command ----------------------------------------------------------------------------

FIXTURE_VERDICT = (
    "Verdict: Thickening not supported: stock density of the six Turkic states rose from 0.07 (2014) to "
    "0.20 (2020); Mann–Kendall tau=0.52, p=0.1123 (Hamed–Rao p=0.1123); Sen slope +0.033/year; "
    "permutation p=0.6119 (200 draws of tie years, uniform over 2014-2020, seed 42; volume-kept shuffle "
    "p=0.8905); mean density 0.20 before 2020 vs 0.20 "
    "from 2020 (Mann–Whitney p=0.6998); Türkiye's share of tie-links went from 1.00 (2014) to 0.67 (2020) and density "
    "among the other five from 0.00 to 0.10 (Mann–Kendall p=0.1264); same verdict in 8 of 8 sensitivity "
    "specifications.")
ARGS = ["thesis", "-d", str(FIXTURE), "--from", "2014", "--to", "2020", "--permutations", "200"]


def test_cli_prints_tables_and_the_verdict(runner):
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Defence ties among the six Turkic states: is the web thickening?"
    assert lines[-1] == FIXTURE_VERDICT
    for section in ("filters", "density", "structure", "test", "before after", "sensitivity"):
        assert section in lines


def test_cli_json_and_out_directory(runner, tmp_path):
    result = runner.invoke(app, [*ARGS, "--format", "json", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "Verdict: " + data["verdict"]["verdict"] == FIXTURE_VERDICT
    assert [r["density_stock"] for r in data["measures"]][:3] == pytest.approx([1 / 15, 2 / 15, 3 / 15])
    assert len(data["sensitivity"]) == 8
    assert "Wrote 26 files to" in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"measures.csv", "measures.json", "sensitivity.csv", "verdict.txt", "thesis_density.png"} <= set(written)
    assert (tmp_path / "out" / "verdict.txt").read_text(encoding="utf-8") == FIXTURE_VERDICT[len("Verdict: "):] + "\n"


def test_cli_markdown_and_scope_all(runner):
    result = runner.invoke(app, [*ARGS, "--format", "markdown", "--scope", "all", "--mode", "flow"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Defence ties among all actors present each year: is the web thickening?")
    assert "## sensitivity" in result.stdout and "| flow |" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--mode", "decay"], "Error: --mode 'decay' is not one of: stock, flow, window"),
    (["--null", "poisson"], "Error: --null 'poisson' is not one of: uniform, shuffle"),
    (["--duration", "-1"], "Error: --duration -1 must be 0 (forever) or a number of years"),
    (["--scope", "TUR"], "Error: --scope 'TUR' needs at least two actor ids"),
    (["--from", "2019"], "Error: years 2019-2020: a trend test needs at least three years"),
])
def test_cli_refuses_bad_options(runner, args, message):
    result = runner.invoke(app, [*ARGS, *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
