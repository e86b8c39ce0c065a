"""``tiegraph export dyadyears``: a tiny data directory with every count computed by hand, the
COW existence rule, NA where no dataset covers, and a merge with a peacesciencer-style table."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO, SHARED

from tiegraph.cli import app
from tiegraph.commands.dyadyears import dyadyears
from tiegraph.exports.dyadyears import STATE_COLUMNS, columns
from tiegraph.loaders.crosswalk import cow_to_iso3

COW_RAW = SHARED / "external" / "cow-states-2016" / "states2016.csv"

ACTORS = """\
- {id: TUR, kind: state, name: Türkiye}
- {id: AZE, kind: state, name: Azerbaijan}
- {id: KAZ, kind: state, name: Kazakhstan}
- {id: RUS, kind: state, name: Russia}
- {id: XNC, kind: state, name: Northern Cyprus, note: "user-assigned code"}
- {id: aselsan, kind: company, name: Aselsan, country: TUR}
- {id: nato, kind: organization, name: NATO}
"""
# sys: systematic 1990-1994 (agreements, exercises); seeds: documentary 1993-1996 (agreements, arms,
# alliances, meetings). 1989 and 1997: nobody covers anything.
COVERAGE = """\
- {dataset: sys, first_year: 1990, last_year: 1994, kind: systematic,
   tie_types: [defense_cooperation_agreement, joint_exercise]}
- {dataset: seeds, first_year: 1993, last_year: 1996, kind: documentary,
   tie_types: [defense_cooperation_agreement, arms_transfer, alliance_treaty, defense_meeting]}
"""
SRC = "sources: [{document: fixture.txt, locator: para 1}]"
TIES = f"""\
- {{id: d1, type: defense_cooperation_agreement, participants: [TUR, RUS], start: 1990, status: signed,
   dataset: sys, {SRC}}}
- {{id: d2, type: defense_cooperation_agreement, participants: [TUR, KAZ, AZE], start: 1991-06, end: 1993,
   status: ended, dataset: sys, {SRC}}}
- {{id: d3, type: defense_cooperation_agreement, participants: [TUR, KAZ, AZE, RUS], start: 1993, end: 1994,
   status: ended, dataset: sys, attributes: {{continues: d2}}, {SRC}}}
- {{id: e1, type: joint_exercise, participants: [TUR, AZE, nato], start: 1993-05, status: held, count: 3,
   dataset: sys, {SRC}}}
- {{id: a1, type: arms_transfer, from: aselsan, to: KAZ, start: 1994, status: delivered, {SRC}}}
- {{id: t1, type: alliance_treaty, participants: [TUR, AZE], start: 1995, status: proposed, {SRC}}}
- {{id: s1, type: defense_cooperation_agreement, participants: [AZE, TUR], start: 1995-03, status: signed,
   {SRC}}}
- {{id: u1, type: defense_meeting, participants: [TUR, KAZ], status: held, {SRC}}}
- {{id: x1, type: defense_cooperation_agreement, participants: [TUR, XNC], start: 1994, status: signed, {SRC}}}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    (root / "ties").mkdir()
    (root / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    (root / "coverage.yaml").write_text(COVERAGE, encoding="utf-8")
    (root / "ties" / "ties.yaml").write_text(TIES, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def exported(tiny, tmp_path_factory):
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(app, ["export", "dyadyears", str(out / "dy.csv"), "-d", str(tiny),
                                      "--from", "1989", "--to", "1997", "--state-years", str(out / "sy.csv")])
    assert result.exit_code == 0, result.output
    return result, out


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def column(table: list[dict[str, str]], pair: str, name: str) -> dict[int, str]:
    """``{year: cell}`` of one pair ("AZE-TUR", any order) and column; an empty cell is NA."""
    a, b = pair.split("-")
    return {int(r["year"]): r[name] for r in table if {r["iso3_1"], r["iso3_2"]} == {a, b}}


def test_messages_and_rows(exported):
    result, out = exported
    assert result.stdout == (f"Wrote {out / 'dy.csv'}: 39 dyad-years (6 pairs of 4 states, 1989-1997)\n"
                             f"Wrote {out / 'sy.csv'}: 30 state-years\n")
    assert result.stderr == "1 undated tie left out\nNot in the COW state system, so no rows: XNC\n"
    table = rows(out / "dy.csv")
    # RUS-TUR in all 9 years; every pair with AZE or KAZ only from 1992 (entry 1991-12-26): 5 pairs x 6 years
    assert len(table) == 39
    assert not [r for r in table if "KAZ" in (r["iso3_1"], r["iso3_2"]) and int(r["year"]) < 1992]
    keys = [(int(r["ccode1"]), int(r["ccode2"]), int(r["year"])) for r in table]
    assert keys == sorted(keys) and all(c1 < c2 for c1, c2, _ in keys)
    assert {(r["iso3_1"], r["ccode1"]) for r in table} >= {("RUS", "365"), ("AZE", "373"), ("TUR", "640")}


def test_standing_ties_in_force_censored_continued_and_na(exported):
    table = rows(exported[1] / "dy.csv")
    dca = "defense_cooperation_agreement_in_force"
    # d1 (systematic, no end): in force to the coverage end 1994; 1995-96 seeds cover but it is not theirs;
    # d3 adds 1993-94; 1989 and 1997 no dataset codes agreements: NA
    assert column(table, "RUS-TUR", dca) == {1989: "", 1990: "1", 1991: "1", 1992: "1", 1993: "2", 1994: "2",
                                             1995: "0", 1996: "0", 1997: ""}
    # d2 1992-93, then d3 continues it: in force from 1994, not twice in 1993; s1 (documentary, no end) open
    assert column(table, "AZE-TUR", dca) == {1992: "1", 1993: "1", 1994: "1", 1995: "1", 1996: "1", 1997: ""}
    assert column(table, "KAZ-TUR", dca) == {1992: "1", 1993: "1", 1994: "1", 1995: "0", 1996: "0", 1997: ""}
    assert column(table, "AZE-RUS", dca) == {1992: "0", 1993: "1", 1994: "1", 1995: "0", 1996: "0", 1997: ""}
    assert column(table, "AZE-TUR", "institutional_in_force") == column(table, "AZE-TUR", dca)
    # no dataset codes training in any year
    assert set(column(table, "RUS-TUR", "training_in_force").values()) == {""}


def test_new_ties_events_tentative_documentary(exported):
    table = rows(exported[1] / "dy.csv")
    new = "defense_cooperation_agreement_new"
    # d2 formed in 1991, before AZE and KAZ exist: no row; d3 is new only for the pairs it adds (with RUS)
    assert column(table, "RUS-TUR", new) == {1989: "", 1990: "1", 1991: "0", 1992: "0", 1993: "1", 1994: "0",
                                             1995: "0", 1996: "0", 1997: ""}
    assert column(table, "KAZ-TUR", new)[1993] == "0"
    assert column(table, "AZE-TUR", new)[1995] == "1"
    # exercise e1 (count 3) with nato: the state pair only; exercises coded 1990-94 only
    assert column(table, "AZE-TUR", "joint_exercise_new") == {1992: "0", 1993: "1", 1994: "0", 1995: "",
                                                             1996: "", 1997: ""}
    assert column(table, "AZE-TUR", "activity_events") == {1992: "0", 1993: "3", 1994: "0", 1995: "0",
                                                          1996: "0", 1997: ""}
    # aselsan folds into TUR; arms coded by the seeds 1993-96
    assert column(table, "KAZ-TUR", "arms_transfer_new") == {1992: "", 1993: "0", 1994: "1", 1995: "0",
                                                            1996: "0", 1997: ""}
    assert column(table, "KAZ-TUR", "activity_events")[1994] == "1"
    # the proposed alliance: only tentative_new
    assert column(table, "AZE-TUR", "tentative_new") == {1992: "0", 1993: "0", 1994: "0", 1995: "1",
                                                        1996: "0", 1997: ""}
    assert column(table, "AZE-TUR", "alliance_treaty_new")[1995] == "0"
    assert column(table, "AZE-TUR", "institutional_new")[1995] == "1"
    # documentary datasets' new ties (the seeds, 1993-96): a1 and s1, not the tentative t1
    assert column(table, "KAZ-TUR", "documentary_new") == {1992: "", 1993: "0", 1994: "1", 1995: "0",
                                                          1996: "0", 1997: ""}
    assert column(table, "AZE-TUR", "documentary_new")[1995] == "1"
    assert column(table, "RUS-TUR", "datasets_covering") == {
        1989: "", 1990: "sys", 1991: "sys", 1992: "sys", 1993: "seeds;sys", 1994: "seeds;sys", 1995: "seeds",
        1996: "seeds", 1997: ""}


def test_state_years(exported):
    table = rows(exported[1] / "sy.csv")
    assert list(table[0]) == ["ccode", "iso3", "year", "ties_new", "partners_in_force", "institutional_in_force",
                              "institutional_new", "activity_events", "tentative_new", "documentary_new",
                              "datasets_covering"]
    by = {(r["iso3"], int(r["year"])): r for r in table}
    assert len(table) == 30 and ("KAZ", 1991) not in by and ("TUR", 1989) in by
    pick = ("ties_new", "partners_in_force", "institutional_in_force", "activity_events")
    # TUR 1993: e1 and d3 (new pair TUR-RUS) formed; d1, d2, d3 in force with RUS, AZE, KAZ; 3 exercises
    assert [by["TUR", 1993][c] for c in pick] == ["2", "3", "3", "3"]
    assert [by["RUS", 1993][c] for c in pick] == ["1", "3", "2", "0"]
    assert [by["KAZ", 1994][c] for c in pick] == ["1", "3", "1", "1"]
    assert [by["AZE", 1995][c] for c in ("ties_new", "partners_in_force", "tentative_new")] == ["1", "1", "1"]
    assert [by["TUR", 1997][c] for c in pick] == ["", "", "", ""]


def test_bad_scope_is_one_error_line(runner, tiny, tmp_path):
    cases = [("TUR,XYZ", "unknown actor id 'XYZ' (give COW states' ids, e.g. TUR,AZE, or all-cow)"),
             ("TUR,XNC", "'XNC' is not a state of the COW state system (give COW states' ids, e.g. TUR,AZE, "
                         "or all-cow)"),
             ("TUR,aselsan", "'aselsan' is not a state of the COW state system (give COW states' ids, e.g. "
                             "TUR,AZE, or all-cow)"),
             ("TUR", "'TUR' needs at least two state ids")]
    for scope, message in cases:
        result = runner.invoke(app, ["export", "dyadyears", str(tmp_path / "dy.csv"), "-d", str(tiny),
                                     "--scope", scope])
        assert result.exit_code == 2, result.output
        assert (result.stdout, result.stderr) == ("", f"Error: tiegraph export dyadyears: Invalid value for "
                                                      f"'--scope': {message} (see 'tiegraph export dyadyears "
                                                      "--help')\n")
    result = runner.invoke(app, ["export", "dyadyears", str(tmp_path / "dy.csv"), "-d", str(tiny),
                                 "--from", "1995", "--to", "1990"])
    assert (result.exit_code, result.stderr) == (2, "Error: tiegraph export dyadyears: Invalid value for '--from': "
                                                    "year range 1995-1990 is empty (see 'tiegraph export "
                                                    "dyadyears --help')\n")
    assert list(tmp_path.iterdir()) == []


def test_scope_list_and_all_cow(runner, tiny, tmp_path):
    out = tmp_path / "dy.csv"
    result = runner.invoke(app, ["export", "dyadyears", str(out), "-d", str(tiny), "--scope", "KAZ,TUR,ARM",
                                 "--from", "1990", "--to", "1993"])
    assert result.exit_code == 0, result.output
    # ARM has no tie but is a COW state: its pairs are at risk and counted as zeros/NA
    assert {(r["iso3_1"], r["iso3_2"]) for r in rows(out)} == {("ARM", "TUR"), ("ARM", "KAZ"), ("TUR", "KAZ")}
    assert len(rows(out)) == 3 * 2  # 1992-93 only: ARM and KAZ enter in December 1991
    result = runner.invoke(app, ["export", "dyadyears", str(out), "-d", str(tiny), "--scope", "all-cow",
                                 "--from", "1816", "--to", "1816"])
    assert result.exit_code == 0, result.output
    # 1816: 23 states in COW's list (any day) and all 23 members the whole year: 253 pairs
    assert result.stdout == f"Wrote {out}: 253 dyad-years (253 pairs of 216 states, 1816-1816)\n"


def test_output_problems_before_any_work(runner, tiny, tmp_path):
    result = runner.invoke(app, ["export", "dyadyears", str(tmp_path / "dy.parquet"), "-d", str(tiny)])
    assert (result.exit_code, result.stderr) == (1, f"Error: FILE '{tmp_path / 'dy.parquet'}': writing Parquet "
                                                    "needs pyarrow, which is not installed (pip install pyarrow), "
                                                    "or give a .csv name\n")
    same = tmp_path / "dy.csv"
    result = runner.invoke(app, ["export", "dyadyears", str(same), "-d", str(tiny), "--state-years", str(same)])
    assert (result.exit_code, result.stderr) == (1, f"Error: --state-years '{same}' and FILE '{same}' are the "
                                                    "same path; give each its own\n")
    # the output is refused before the (here: missing) data is read
    result = runner.invoke(app, ["export", "dyadyears", str(tmp_path / "no" / "dy.csv"), "-d",
                                 str(tmp_path / "missing")])
    assert (result.exit_code, result.stderr) == (1, f"Error: FILE '{tmp_path / 'no' / 'dy.csv'}': directory "
                                                    f"'{tmp_path / 'no'}' does not exist\n")
    assert list(tmp_path.iterdir()) == []


def _any_day_dyad_years(scope: set[str], first: int, last: int) -> pd.DataFrame:
    """peacesciencer's create_dyadyears on COW's raw list: a state is in every year it is a member any day;
    a membership to the list's date 2016-12-31 continues to the most recent year (its ``mry = TRUE``)."""
    raw = pd.read_csv(COW_RAW)
    raw.loc[(raw.endyear == 2016) & (raw.endmonth == 12) & (raw.endday == 31), "endyear"] = last
    raw = raw[[cow_to_iso3(int(c), int(y)) in scope or cow_to_iso3(int(c), int(e)) in scope
               for c, y, e in zip(raw.ccode, raw.styear, raw.endyear)]]
    members: dict[int, set[int]] = {}
    for spell in raw.itertuples():
        for year in range(max(first, spell.styear), min(last, spell.endyear) + 1):
            members.setdefault(year, set()).add(int(spell.ccode))
    return pd.DataFrame([(a, b, year) for year, codes in members.items() for a in codes for b in codes if a < b],
                        columns=["ccode1", "ccode2", "year"])


@pytest.mark.skipif(not COW_RAW.is_file(), reason="../shared/external/cow-states-2016 not present")
def test_bundled_export_merges_with_a_peacesciencer_table(runner, tmp_path):
    out = tmp_path / "dyadyears.csv"
    result = runner.invoke(app, ["export", "dyadyears", str(out)])
    assert result.exit_code == 0, result.output
    ours = pd.read_csv(out, keep_default_na=False, dtype={"datasets_covering": str})
    first, last = int(ours.year.min()), int(ours.year.max())
    theirs = _any_day_dyad_years(set(ours.iso3_1) | set(ours.iso3_2), first, last)
    merged = ours.merge(theirs, on=["ccode1", "ccode2", "year"], how="left", indicator=True)
    assert len(merged) == len(ours) and (merged["_merge"] == "both").all()
    # theirs has more: the any-day rule counts 1991 for the states that entered on 1991-12-26
    extra = theirs.merge(ours, on=["ccode1", "ccode2", "year"], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert len(extra) > 0 and set(extra.year) == {1991}


def test_codebook_lists_every_column():
    codebook = (REPO / "docs" / "DYADYEARS.md").read_text(encoding="utf-8")
    assert [c for c in [*columns(), *STATE_COLUMNS] if f"`{c}`" not in codebook] == []


def test_help_example_runs_as_written(runner, tmp_path, monkeypatch):
    example = next(line.split("Example: ", 1)[1] for line in (dyadyears.__doc__ or "").splitlines()
                   if "Example: " in line)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, example.split()[1:])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dyadyears.csv", "stateyears.csv"]
    assert rows(tmp_path / "dyadyears.csv")[0].keys() == set(columns())
