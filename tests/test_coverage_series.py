"""Coverage-aware yearly series (analysis.coverage_series): missing is not zero, censored is not ended.

Hand-made fixture, scope A, B, C (3 dyads), years 2005-2014:

    sys   systematic, covers 2005-2010, types alliance_treaty and joint_exercise
      s1  alliance_treaty  A-B  2006, end 2010   standing; end = coverage edge -> censored
      s2  alliance_treaty  B-C  2007, end 2008   standing; ended in 2008 (observed)
      s3  alliance_treaty  A-C  2008, no end     standing; systematic, no exit -> censored, in force to 2010
      s4  joint_exercise   A-B  2009             event
    doc   documentary, covers 2012-2014, types joint_exercise and defense_meeting
      d1  joint_exercise   A-C  2012             event
      d2  defense_meeting  A-B-C 2013            event (3 dyads)
      d3  alliance_treaty  B-C  2013             a type doc does not code: never counts

Stock (duration 2 for standing ties with no known end, events in their year):

    year  sys: dyads in force            doc             union (datasets covering)
    2005  0/3                            missing         0/3 (sys)
    2006  AB           1/3               missing         1/3
    2007  AB BC        2/3               missing         2/3
    2008  AB BC AC     3/3               missing         3/3
    2009  AB AC (+s4)  2/3               missing         2/3
    2010  AB AC        2/3               missing         2/3
    2011  missing                        missing         missing (nobody covers)
    2012  missing                        AC 1/3          1/3 (doc)
    2013  missing                        AB AC BC 3/3    3/3
    2014  missing                        0/3             0/3

Without censoring s3 would lapse after two years (2008-2009) and 2010 would be 1/3.
"""

from __future__ import annotations

import math

import pytest

from tiegraph.analysis.coverage_series import (
    UNION,
    all_series,
    censor,
    coverage_series,
    dataset_coverage,
    series_mask,
)
from tiegraph.analysis.temporal import Activity, density_series, tie_table
from tiegraph.graph.build import build_graph
from tiegraph.model.coverage import Coverage
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Source, Tie

SCOPE = ("A", "B", "C")
YEARS = list(range(2005, 2015))
STOCK = Activity("stock", duration=2)
SYS = Coverage("sys", 2005, 2010, "systematic", ("alliance_treaty", "joint_exercise"), "fixture")
DOC = Coverage("doc", 2012, 2014, "documentary", ("joint_exercise", "defense_meeting"))


def tie(tie_id: str, type_: str, parties: tuple[str, ...], start: int, dataset: str,
        end: int | None = None) -> Tie:
    return Tie(tie_id, type_, parties, PartialDate(start), "signed" if type_ == "alliance_treaty" else "held",
               (Source("fixture", tie_id),), end=PartialDate(end) if end else None, dataset=dataset)


@pytest.fixture(scope="module")
def table():
    actors = {a: Actor(a, "state", a) for a in SCOPE}
    ties = [tie("s1", "alliance_treaty", ("A", "B"), 2006, "sys", 2010),
            tie("s2", "alliance_treaty", ("B", "C"), 2007, "sys", 2008),
            tie("s3", "alliance_treaty", ("A", "C"), 2008, "sys"),
            tie("s4", "joint_exercise", ("A", "B"), 2009, "sys"),
            tie("d1", "joint_exercise", ("A", "C"), 2012, "doc"),
            tie("d2", "defense_meeting", ("A", "B", "C"), 2013, "doc"),
            tie("d3", "alliance_treaty", ("B", "C"), 2013, "doc")]
    dataset = Dataset(actors, ties, coverage={"sys": SYS, "doc": DOC})
    return tie_table(build_graph(dataset, attributes="analysis"))


@pytest.fixture(scope="module")
def coverage(table):
    return dataset_coverage(table, {"sys": SYS, "doc": DOC})


def series(table, coverage, datasets, **kw):
    return coverage_series(table, years=YEARS, scope=SCOPE, coverage=coverage, datasets=datasets,
                           activity=kw.pop("activity", STOCK), **kw)


def test_years_outside_coverage_are_missing_not_zero(table, coverage):
    sys_series = series(table, coverage, ["sys"])
    assert sys_series.density[:6] == pytest.approx((0.0, 1 / 3, 2 / 3, 1.0, 2 / 3, 2 / 3))
    assert sys_series.density[6:] == (None, None, None, None)
    assert all(math.isnan(v) for v in sys_series.values()[6:])
    assert sys_series.observed() == (YEARS[:6], pytest.approx([0.0, 1 / 3, 2 / 3, 1.0, 2 / 3, 2 / 3]))
    doc = series(table, coverage, ["doc"])
    assert doc.density[:7] == (None,) * 7 and doc.density[7:] == pytest.approx((1 / 3, 1.0, 0.0))
    assert (sys_series.kind, doc.kind) == ("systematic", "documentary")


def test_censored_tie_stays_in_force_to_the_coverage_end_and_is_not_ended(table, coverage):
    sys_series = series(table, coverage, ["sys"])
    # 2010: s1 (end 2010 = edge) and s3 (no exit in a systematic dataset) both still in force
    assert sys_series.as_dict()[2010] == pytest.approx(2 / 3)
    assert sys_series.ties_active[5] == 2
    # only s2 ended (2008); s1's 2010 end and s3's open end are the edge of the data
    assert sys_series.ties_ended == (0, 0, 0, 1, 0, 0, None, None, None, None)
    assert sys_series.censored == 2
    _, censored = censor(table, coverage)
    assert sorted(table.ids[i] for i in censored.nonzero()[0]) == ["s1", "s3"]
    # the plain engine, without coverage, lets s3 lapse after duration=2 years (2008-2009)
    plain = density_series(table, years=[2010], scope=SCOPE, activity=STOCK)
    assert plain == pytest.approx({2010: 1 / 3})


def test_union_is_defined_where_one_dataset_covers(table, coverage):
    union = series(table, coverage, ["sys", "doc"])
    assert union.dataset == UNION and union.kind == "mixed"
    assert union.density[:6] == pytest.approx((0.0, 1 / 3, 2 / 3, 1.0, 2 / 3, 2 / 3))
    assert union.density[6] is None  # 2011: nobody covers it
    assert union.density[7:] == pytest.approx((1 / 3, 1.0, 0.0))
    assert union.covered_by[0] == ("sys",) and union.covered_by[6] == () and union.covered_by[8] == ("doc",)
    # censored ties of sys do not count after sys's coverage ends (2013: only doc's ties)
    assert union.ties_active[8] == 1


def test_type_a_dataset_does_not_code_never_counts(table, coverage):
    may_count, defined = series_mask(table, YEARS, coverage, datasets=["doc"])
    d3 = table.ids.index("d3")
    assert not may_count[d3].any()
    assert defined.tolist() == [False] * 7 + [True] * 3


def test_layers(table, coverage):
    # institutional: standing ties only; doc codes no standing type, so its layer is missing throughout
    institutional = series(table, coverage, ["sys", "doc"], layer="institutional")
    assert institutional.density[:6] == pytest.approx((0.0, 1 / 3, 2 / 3, 1.0, 2 / 3, 2 / 3))
    assert institutional.density[6:] == (None,) * 4
    # activity: events in their year; 2009 s4 (A-B), 2012 d1 (A-C), 2013 d2 (all three)
    activity = series(table, coverage, ["sys", "doc"], layer="activity")
    assert activity.density == (0.0, 0.0, 0.0, 0.0, pytest.approx(1 / 3), 0.0, None,
                                pytest.approx(1 / 3), 1.0, 0.0)
    every = all_series(table, years=YEARS, scope=SCOPE, coverage=coverage, activity=STOCK)
    assert set(every) == {"sys", "doc", UNION}
    assert every["doc"]["institutional"].density == (None,) * 10


def test_flow_and_ties_formed_respect_coverage(table, coverage):
    flow = series(table, coverage, ["sys", "doc"], activity=Activity("flow"))
    # formed: 2006 s1, 2007 s2, 2008 s3, 2009 s4, 2012 d1, 2013 d2 (d3: type not coded)
    assert flow.ties_formed == (0, 1, 1, 1, 1, 0, None, 1, 1, 0)
    assert flow.density[7:] == pytest.approx((1 / 3, 1.0, 0.0))


def test_undeclared_coverage_is_derived_and_documentary(table):
    derived = dataset_coverage(table, {"sys": SYS})
    assert derived["doc"].kind == "documentary"
    assert (derived["doc"].first_year, derived["doc"].last_year) == (2012, 2013)
    assert derived["doc"].tie_types == ("alliance_treaty", "defense_meeting", "joint_exercise")
    assert "no coverage declared" in derived["doc"].note
    doc = coverage_series(table, years=YEARS, scope=SCOPE, coverage=derived, datasets=["doc"], activity=STOCK)
    # derived: documentary, so d3 (alliance, no end) lasts duration=2 years: 2013-2014, but 2014 is
    # outside the derived coverage (its own tie years) -> missing
    assert doc.density[7:] == (pytest.approx(1 / 3), 1.0, None)
    assert any("no coverage declared" in n for n in doc.notes)


def test_report_notes_where_the_union_changes_its_sources(table):
    from tiegraph.analysis.report import density_notes

    coverage = dataset_coverage(table, {"sys": SYS, "doc": Coverage("doc", 2009, 2014, "documentary",
                                                                   DOC.tie_types)})
    stock = series(table, coverage, ["sys", "doc"])
    assert stock.density[6] == 0.0  # 2011: doc covers it and codes no tie then
    notes = density_notes({"stock": stock}, table, SCOPE, coverage)
    assert notes == [
        {"column": "coverage", "years": "2009",
         "note": "the datasets covering the year change (+doc): from 2009 the series counts the ties of sys, doc"},
        {"column": "coverage", "years": "2011",
         "note": "the datasets covering the year change (-sys): from 2011 the series counts the ties of doc"},
    ]


def test_cumulative_keeps_what_a_dataset_saw_formed_after_its_coverage_ends(table, coverage):
    cumulative = Activity("cumulative")
    union = series(table, coverage, ["sys", "doc"], activity=cumulative)
    # sys saw AB (2006), BC (2007), AC (2008) formed: every pair is tied by 2008, and stays so in
    # 2012-2014 although sys no longer covers those years; 2011 is still missing (nobody covers it)
    assert union.density[:4] == pytest.approx((0.0, 1 / 3, 2 / 3, 1.0))
    assert union.density[6] is None and union.density[7:] == pytest.approx((1.0, 1.0, 1.0))
    doc = series(table, coverage, ["doc"], activity=cumulative)
    assert doc.density[7:] == pytest.approx((1 / 3, 1.0, 1.0))
