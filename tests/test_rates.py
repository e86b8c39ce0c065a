"""The rate rows: weights, exposure, continuation, testability, the verdict rules (tiny hand-computed cases)."""

from __future__ import annotations

import numpy as np
import pytest

from tiegraph.analysis.rate_evidence import RateContext, decide, first_seen, rate_rows
from tiegraph.analysis.rates import RateSpec, exposure, in_delivery_years, new_ties, permutation_p, rate_row
from tiegraph.model.coverage import Coverage
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Source, Tie
from tiegraph.model.statesystem import state_system

SIX = ("TUR", "AZE", "KAZ", "KGZ", "UZB", "TKM")
SRC = (Source("doc", "p. 1"),)


def tie(tie_id: str, parties: tuple[str, ...], year: int, *, kind: str = "joint_exercise", status: str = "held",
        dataset: str = "d", **attributes: object) -> Tie:
    return Tie(tie_id, kind, parties, PartialDate.parse(str(year)), status, SRC, dataset=dataset,
               attributes=dict(attributes))


def data(ties: list[Tie]) -> Dataset:
    ids = {p for t in ties for p in t.participants} | set(SIX)
    return Dataset({a: Actor(a, "state", a) for a in ids}, ties,
                   coverage={"d": Coverage("d", 1980, 2010, "systematic", ("joint_exercise",))})


def exists(years: range = range(1980, 2011)) -> dict[str, set[int]]:
    return {a: set(years) if a == "TUR" else {y for y in years if y >= 1992} for a in SIX}


def test_weighted_projection_gives_each_pair_one_over_k_minus_one() -> None:
    ties = [tie("a", ("TUR", "AZE"), 2000), tie("b", ("TUR", "AZE", "KAZ", "RUS", "CHN"), 2001)]
    found = {t.tie_id: t for t in new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011),
                                           spec=RateSpec("weighted"), exists=exists())}
    assert found["a"].weight == pytest.approx(1.0)
    assert found["b"].weight == pytest.approx(3 / 4)  # three scope pairs, five parties: 3 x 1/4
    clique = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec("clique"), exists=exists())
    assert [t.weight for t in clique] == [1.0, 3.0]
    bilateral = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec("bilateral"),
                         exists=exists())
    assert [t.tie_id for t in bilateral] == ["a"]
    capped = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec("capped", cap=4),
                      exists=exists())
    assert [t.tie_id for t in capped] == ["a"]


def test_a_pair_counts_only_in_years_both_states_exist() -> None:
    years = list(range(1988, 1995))
    assert list(exposure(SIX, years, exists())) == [0, 0, 0, 0, 15, 15, 15]
    assert list(exposure(SIX, years, exists(), without="TUR")) == [0, 0, 0, 0, 10, 10, 10]
    cow = state_system()
    assert cow.exists("KAZ", 1991) is False and cow.exists("KAZ", 1992) is True


def test_a_continuation_counts_only_the_pairs_it_adds_and_tentative_ties_stay_out() -> None:
    ties = [tie("spell1", ("TUR", "AZE"), 1995, kind="alliance_treaty", status="signed"),
            tie("spell2", ("TUR", "AZE", "KAZ"), 1999, kind="alliance_treaty", status="signed", continues="spell1"),
            tie("plan", ("TUR", "UZB"), 2000, status="planned")]
    found = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec("clique"), exists=exists())
    assert [(t.tie_id, t.weight) for t in found] == [("spell1", 1.0), ("spell2", 2.0)]
    with_plans = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011),
                          spec=RateSpec("clique", tentative=True), exists=exists())
    assert [t.tie_id for t in with_plans][-1] == "plan"


def test_doubtful_and_assumed_codings_leave_their_sensitivity_rows() -> None:
    ties = [tie("x", ("TUR", "AZE"), 2000, coding_doubt="004 never says licence"),
            tie("y", SIX, 2001, participants_assumed=True)]
    spec = RateSpec("clique", drop=frozenset({"doubtful"}))
    assert [t.tie_id for t in new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=spec,
                                       exists=exists())] == ["y"]
    spec = RateSpec("clique", drop=frozenset({"assumed"}))
    assert [t.tie_id for t in new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=spec,
                                       exists=exists())] == ["x"]


def test_arms_transfers_count_in_their_first_delivery_year_unless_asked_for_the_order() -> None:
    ties = [tie("sale", ("TUR", "AZE"), 2005, kind="arms_transfer", status="delivered",
                delivery_years="2008;2009")]
    by_delivery = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec(), exists=exists())
    by_order = new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec(arms="order"),
                        exists=exists())
    assert [t.year for t in by_delivery] == [2008] and [t.year for t in by_order] == [2005]
    # the density series date it the same way; the tie itself keeps its order date
    assert [t.start.iso for t in in_delivery_years(ties)] == ["2008"] and ties[0].start.iso == "2005"
    assert in_delivery_years(ties, "order") == ties


def test_permutation_moves_a_tie_only_within_the_years_its_states_exist() -> None:
    events = new_ties([tie("k", ("KAZ", "AZE"), 1992)], data([]), scope=SIX, years=range(1988, 1993),
                      spec=RateSpec(), exists=exists())
    up, down = permutation_p(events, list(range(1988, 1993)), exists(), 99, seed=1)
    assert up == 1.0 and down == 1.0  # 1992 is the only year it could be in: never unusual


def _row(ties: list[Tie], hub: str | None = "TUR"):
    years = list(range(1992, 2011))
    events = new_ties(ties, data(ties), scope=SIX, years=years, spec=RateSpec(), exists=exists())
    return rate_row(events, source="d", members=("d",), kind="systematic", layer="activity", spec=RateSpec(),
                    years=years, exposure_=exposure(SIX, years, exists()), exists=exists(), hub=hub, alpha=0.05,
                    permutations=200, seed=1)


def test_one_fifty_nine_member_tie_is_no_rise() -> None:
    members = tuple(SIX) + tuple(f"X{i:02d}" for i in range(53))
    ties = [tie("osce", members, 2009, kind="joint_exercise"), tie("a", ("AZE", "KAZ"), 1995),
            tie("b", ("KGZ", "UZB"), 1998), tie("c", ("TKM", "KAZ"), 2002), tie("e", ("AZE", "UZB"), 2003)]
    row = _row(ties)
    assert row.ties == 5
    assert row.reason is None or "osce" not in row.reason  # weighted: 15 pairs x 1/58 = 0.26 of a tie
    assert row.status != "rise"
    clique = rate_row(new_ties(ties, data(ties), scope=SIX, years=range(1992, 2011), spec=RateSpec("clique"),
                               exists=exists()), source="d", members=("d",), kind="systematic", layer="activity",
                      spec=RateSpec("clique"), years=list(range(1992, 2011)),
                      exposure_=exposure(SIX, range(1992, 2011), exists()), exists=exists(), hub="TUR", alpha=0.05,
                      permutations=200, seed=1)
    assert clique.status == "cannot tell"
    assert clique.reason == "one tie (osce) carries 79% of the new-tie weight"


def test_rows_that_cannot_rise_say_why() -> None:
    assert _row([tie("a", ("TUR", "AZE"), 2000)]).reason == "1 new scope ties in 19 years (needs 5)"
    hub_only = [tie(f"t{i}", ("TUR", partner), 1995 + 3 * i) for i, partner in enumerate(SIX[1:])]
    assert _row(hub_only).reason == "all 5 new ties involve TUR: a hub-and-spoke; 0 without TUR (needs 5)"
    assert _row(hub_only, hub=None).reason is None


def test_a_late_burst_of_bilateral_ties_rises_and_the_verdict_needs_it_without_the_hub() -> None:
    pairs = [(a, b) for i, a in enumerate(SIX) for b in SIX[i + 1:]]
    rng = np.random.default_rng(4)
    years = [y for y in range(1992, 2011) for _ in range(1 + (y - 1992) // 3)]  # 1 a year rising to 7 a year
    ties = [tie(f"t{i}", pairs[int(rng.integers(len(pairs)))], y) for i, y in enumerate(years)]
    dataset = data(ties)
    ctx = RateContext(dataset=dataset, ties=ties, coverage=dataset.coverage, span=list(range(1992, 2011)),
                      scope=SIX, hub="TUR", states=state_system(), permutations=300)
    head = RateSpec()
    rows = rate_rows(ctx, [head], own={"d": ties})
    sens = rate_rows(ctx, [RateSpec(without="TUR"), RateSpec("clique")], own={"d": ties})
    assert [r.status for r in rows] == ["rise"]
    verdict = decide(rows, sens, headline=head, hub="TUR", span=ctx.span)
    assert verdict.label in {"supported", "mixed"}
    assert verdict.reason.startswith("new ties rise in")
    # the same rise made only of the hub's ties: hub-and-spoke
    hub_ties = [tie(f"h{i}", ("TUR", SIX[1 + i % 5]), t.year or 0) for i, t in enumerate(ties)]
    hub_data = data(hub_ties)
    ctx = RateContext(dataset=hub_data, ties=hub_ties, coverage=hub_data.coverage, span=list(range(1992, 2011)),
                      scope=SIX, hub=None, states=state_system(), permutations=300)
    rows = rate_rows(ctx, [head], own={"d": hub_ties})
    sens = rate_rows(ctx, [RateSpec(without="TUR")], own={"d": hub_ties})
    assert rows[0].status == "rise"
    verdict = decide(rows, sens, headline=head, hub="TUR", span=ctx.span)
    assert verdict.label == "hub-and-spoke"


def test_no_systematic_row_means_cannot_tell_with_the_reasons() -> None:
    ties = [tie("a", ("TUR", "AZE"), 2000)]
    dataset = data(ties)
    ctx = RateContext(dataset=dataset, ties=ties, coverage=dataset.coverage, span=list(range(1992, 2011)),
                      scope=SIX, hub="TUR", states=state_system(), permutations=100)
    rows = rate_rows(ctx, [RateSpec()], own={"d": ties})
    verdict = decide(rows, [], headline=RateSpec(), hub="TUR", span=ctx.span)
    assert verdict.label == "cannot tell"
    assert verdict.reason == ("no systematic row of 1992-2010 could show a rise (d activity: 1 new scope ties in 19 "
                              "years (needs 5)).")
    assert first_seen(dataset)["AZE"] == 2000


def test_the_quasi_poisson_fit_matches_statsmodels() -> None:
    """The GLM fitted here (no statsmodels import at run time: it costs a second) equals statsmodels' on
    many series: coefficients, standard errors scaled by the Pearson dispersion, and the decision's p."""
    import statsmodels.api as sm
    from scipy.special import ndtr

    from tiegraph.analysis.rates import quasi_poisson

    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(60):
        n = int(rng.integers(5, 35))
        years = list(range(1990, 1990 + n))
        exposure_ = rng.choice([0.0, 3.0, 10.0, 15.0], size=n, p=[0.1, 0.2, 0.3, 0.4])
        rate = 0.05 * np.exp(rng.normal(0, 0.05) * np.arange(n))
        counts = rng.poisson(rate * exposure_ * rng.choice([1, 3], size=n)) * rng.choice([1.0, 0.25, 0.5])
        ours = quasi_poisson(counts, exposure_, years)
        keep = exposure_ > 0
        if ours[0] is None or counts[keep].sum() == 0:
            continue
        x = np.asarray(years, dtype=float)[keep]
        fit = sm.GLM(counts[keep], sm.add_constant(x - x.mean()), family=sm.families.Poisson(),
                     offset=np.log(exposure_[keep])).fit(tol=1e-12, maxiter=200)
        dispersion = max(1.0, fit.pearson_chi2 / (keep.sum() - 2))
        se = fit.bse[1] * np.sqrt(dispersion)
        assert ours[0] == pytest.approx(np.exp(fit.params[1]), rel=1e-6)
        assert ours[1] == pytest.approx(np.exp(fit.params[1] - 1.959964 * se), rel=1e-6)
        assert ours[3] == pytest.approx(1 - ndtr(fit.params[1] / se), abs=1e-7)
        assert ours[5] == pytest.approx(dispersion, rel=1e-6)
        checked += 1
    assert checked >= 40
