"""The COW state system as actor ids: hand-checked facts from states2016.csv, the existence rule, errors."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, SHARED

from tiegraph.loaders.cow import cow_state_rows, main
from tiegraph.model.errors import ExternalFormatError, TiegraphError
from tiegraph.model.statesystem import BUNDLED_STATES, COLUMNS, StateSystem, read_spells, state_system

RAW = SHARED / "external" / "cow-states-2016" / "states2016.csv"
POST_SOVIET = ("AZE", "KAZ", "KGZ", "TKM", "UZB")
TURKIC_SIX = ("TUR", *POST_SOVIET)
needs_shared = pytest.mark.skipif(not RAW.is_file(), reason="../shared/external/cow-states-2016 not present")


@pytest.fixture(scope="module")
def system() -> StateSystem:
    return state_system()


@pytest.mark.parametrize("actor", POST_SOVIET)
def test_post_soviet_states_exist_from_1992_not_1991(system: StateSystem, actor: str):
    # entry 1991-12-26: 6 days of 1991 is less than half the year
    assert system.exists(actor, 1991) is False
    assert system.exists(actor, 1992) is True
    assert min(system.years(actor) or ()) == 1992


def test_turkiye_exists_since_1816_and_stays_open(system: StateSystem):
    assert system.exists("TUR", 1900) is True
    assert system.exists("TUR", 1815) is False
    assert min(system.years("TUR") or ()) == 1816
    assert system.exists("TUR", 2024) is True  # 2016-12-31 is censored: still a member


def test_cow_codes_are_not_iso(system: StateSystem):
    assert system.ccode("TUR") == 640
    assert system.ccode("KAZ") == 705
    assert system.ccode("KGZ") == 703
    assert system.actor_id(705) == "KAZ"
    assert system.actor_id(365) == "RUS"
    assert system.actor_id(315) == "CSK"
    assert system.actor_id(999) is None


def test_several_codes_for_one_actor_id(system: StateSystem):
    # the FRG (260) and Germany (255) are both DEU: 1990 counts both spells, a whole year
    assert system.ccode("DEU", 1970) == 260
    assert system.ccode("DEU") == 255
    assert system.exists("DEU", 1990) is True
    assert system.exists("DEU", 1950) is False  # no German state in the system 1945-05-08 .. 1955-05-05
    # 345 is cut on 1992-04-27: Yugoslavia to 1991, Serbia (FR Yugoslavia) from 1992
    assert system.actor_id(345, 1980) == "YUG"
    assert system.actor_id(345) == "SRB"
    assert system.exists("YUG", 1991) and not system.exists("YUG", 1992)
    assert system.exists("SRB", 1992) and not system.exists("SRB", 1991)


def test_two_spells_cuba(system: StateSystem):
    # states2016.csv: CUB 1902-05-20..1906-09-25, then 1909-01-23..2016-12-31
    cuba = [s for s in system.spells if s.iso3 == "CUB"]
    assert [(s.start.isoformat(), s.end.isoformat(), s.end_censored) for s in cuba] == [
        ("1902-05-20", "1906-09-25", False), ("1909-01-23", "2016-12-31", True)]
    # 1902: 226 days, 1906: 268 days, 1909: 343 days; 1907 and 1908: none
    assert [system.exists("CUB", y) for y in range(1901, 1911)] == [
        False, True, True, True, True, True, False, False, True, True]


def test_first_common_year(system: StateSystem):
    assert system.first_common_year(TURKIC_SIX) == 1992
    assert system.first_common_year(["TUR", "aselsan", "XNC"]) == 1816
    assert system.first_common_year(["aselsan", "nato"]) is None
    assert system.first_common_year(["XHA", "KAZ"]) is None  # Hanover ended 1866: never together


@pytest.mark.parametrize("actor", ["aselsan", "nato", "XNC"])
def test_non_cow_ids(system: StateSystem, actor: str):
    assert system.exists(actor, 2000) is None
    assert system.years(actor) is None
    assert system.ccode(actor) is None
    assert system.known(actor) is False
    assert system.known("TUR") is True


def test_existence_matrix_with_first_seen(system: StateSystem):
    actors = ["TUR", "KAZ", "aselsan", "nato"]
    matrix = system.existence_matrix(actors, [1990, 1991, 1992, 1993], first_seen={"aselsan": 1991})
    assert matrix.dtype == bool
    assert matrix.tolist() == [
        [True, True, True, True],     # TUR: always
        [False, False, True, True],   # KAZ: from 1992
        [False, True, True, True],    # aselsan: from its first tie's year
        [True, True, True, True],     # nato: no first_seen entry, every year
    ]
    assert system.existence_matrix([], [2000]).shape == (0, 1)
    assert np.array_equal(system.existence_matrix(["KAZ"], []), np.zeros((1, 0), dtype=bool))


def test_citation(system: StateSystem):
    assert system.citation.startswith('Correlates of War Project. 2017. "State System Membership List, v2016."')


def test_state_system_is_cached():
    assert state_system() is state_system()


def test_bundled_csv_ships_in_the_wheel():
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    relative = BUNDLED_STATES.relative_to(REPO / "data").as_posix()
    assert any(fnmatch.fnmatch(relative, p) for p in patterns["tiegraph.data"])


@needs_shared
def test_shipped_csv_equals_a_regeneration(tmp_path: Path):
    out = tmp_path / "cow_states.csv"
    assert main([str(RAW), "--out", str(out)]) == 0
    assert out.read_bytes() == BUNDLED_STATES.read_bytes()
    assert len(cow_state_rows(RAW)) == 244  # 243 spells in COW's file, 345's last one cut in two


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "states.csv"
    path.write_text("\n".join([",".join(COLUMNS), *lines]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("line", "message"), [
    ("KAZ,705,KZK,Kazakhstan,1991-13-26,2016-12-31,true", "field 'start': '1991-13-26' is not a valid date"),
    ("KAZ,705,KZK,Kazakhstan,26/12/1991,2016-12-31,true", "field 'start': '26/12/1991' is not a date YYYY-MM-DD"),
    ("KAZ,KZK,KZK,Kazakhstan,1991-12-26,2016-12-31,true", "field 'ccode': 'KZK' is not a whole number"),
    ("KAZ,705,KZK,Kazakhstan,1991-12-26,2016-12-31,yes", "field 'end_censored': 'yes' is not true or false"),
    ("KAZ,705,KZK,Kazakhstan,1991-12-26,1990-12-31,false", "field 'end': 1990-12-31 is before the start 1991-12-26"),
    ("kz,705,KZK,Kazakhstan,1991-12-26,2016-12-31,true", "field 'iso3': 'kz' is not a three-letter actor id"),
    ("KAZ,705,KZK,1991-12-26,2016-12-31,true", "6 fields, the header has 7"),
])
def test_malformed_line_gives_one_exact_error(tmp_path: Path, line: str, message: str):
    path = _write(tmp_path, "TUR,640,TUR,Turkey,1816-01-01,2016-12-31,true", line)
    with pytest.raises(ExternalFormatError) as info:
        read_spells(path)
    assert str(info.value) == f"{path}:3: {message}"
    assert isinstance(info.value, TiegraphError)


def test_wrong_header_and_missing_file(tmp_path: Path):
    path = tmp_path / "states.csv"
    path.write_text("stateabb,ccode\nTUR,640\n", encoding="utf-8")
    with pytest.raises(ExternalFormatError) as info:
        state_system(path)
    assert str(info.value) == f"{path}:1: the header must be {','.join(COLUMNS)}"
    with pytest.raises(ExternalFormatError) as info:
        read_spells(tmp_path / "none.csv")
    assert str(info.value) == f"{tmp_path / 'none.csv'}: cannot read the state list: No such file or directory"


def test_regeneration_script_reports_a_bad_raw_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    raw = tmp_path / "states2016.csv"
    raw.write_text("stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
                   "TUR,640,Turkey,1816,1,1,2016,12,31,2016\n"
                   "KZK,705,Kazakhstan,1991,2,30,2016,12,31,2016\n", encoding="utf-8")
    assert main([str(raw), "--out", str(tmp_path / "out.csv")]) == 1
    assert capsys.readouterr().err == "Error: states2016.csv:3: field 'styear': 1991-2-30 is not a date\n"
    assert not (tmp_path / "out.csv").exists()
