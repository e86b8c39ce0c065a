"""Every class of bad input gives one exact line naming file, line, record, field and problem."""

from __future__ import annotations

import pytest

from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.errors import DataValidationError

GOOD = """\
- id: tur-aze-2021
  type: alliance_treaty
  participants: [TUR, AZE]
  start: 2021-06-15
  status: signed
  sources:
    - {document: seed.txt, quote: "allied relations"}
"""


def problems_of(make_data, ties: str, **kw) -> list[str]:
    root = make_data(ties, **kw)
    with pytest.raises(DataValidationError) as info:
        load_dataset(root)
    return [str(p).replace(str(root), "D") for p in info.value.problems]


def test_good_file_loads(make_data):
    dataset = load_dataset(make_data(GOOD))
    tie = dataset.ties[0]
    assert (tie.id, tie.participants, tie.start.iso, tie.start.precision) == (
        "tur-aze-2021", ("TUR", "AZE"), "2021-06-15", "day")


@pytest.mark.parametrize("edit, expected", [
    (("[TUR, AZE]", "[TUR, XXX]"),
     "ties/ties.yaml:3: tie 'tur-aze-2021': field 'participants': unknown actor id 'XXX' (not in any actors file)"),
    (("alliance_treaty", "alliance"),
     "ties/ties.yaml:2: tie 'tur-aze-2021': field 'type': unknown tie type 'alliance' (see 'tiegraph types')"),
    (("2021-06-15", "2021-02-30"),
     "ties/ties.yaml:4: tie 'tur-aze-2021': field 'start': impossible day in '2021-02-30'"),
    (("2021-06-15", "June 2021"),
     "ties/ties.yaml:4: tie 'tur-aze-2021': field 'start': 'June 2021' is not a date "
     "(use YYYY, YYYY-MM, YYYY-MM-DD or a decade like 1990s)"),
    (("2021-06-15", "2021-13"),
     "ties/ties.yaml:4: tie 'tur-aze-2021': field 'start': impossible month in '2021-13'"),
    (("start: 2021-06-15", "start: 2021-06-15\n  end: 2020"),
     "ties/ties.yaml:5: tie 'tur-aze-2021': field 'end': end 2020 is before start 2021-06-15"),
    (("[TUR, AZE]", "[TUR, TUR]"),
     "ties/ties.yaml:3: tie 'tur-aze-2021': field 'participants': self-tie: 'TUR' is listed twice"),
    (("[TUR, AZE]", "[TUR]"),
     "ties/ties.yaml:3: tie 'tur-aze-2021': field 'participants': a tie needs at least two participants"),
    (("status: signed", "status: rumoured"),
     "ties/ties.yaml:5: tie 'tur-aze-2021': field 'status': unknown status 'rumoured' "
     "(use one of: signed, delivered, held, active, ended, announced, planned, proposed)"),
    (("  sources:\n    - {document: seed.txt, quote: \"allied relations\"}\n", ""),
     "ties/ties.yaml:1: tie 'tur-aze-2021': field 'sources': at least one source is required "
     "(document + locator or quote)"),
    (("quote: \"allied relations\"", "url: \"\""),
     "ties/ties.yaml:6: tie 'tur-aze-2021': field 'sources': source 1 (seed.txt) needs a locator or a quote"),
    (("status: signed", "status: signed\n  count: 0"),
     "ties/ties.yaml:6: tie 'tur-aze-2021': field 'count': '0' must be a whole number from 1 to 100000"),
    (("status: signed", "status: signed\n  colour: red"),
     "ties/ties.yaml:6: tie 'tur-aze-2021': field 'colour': unknown field (allowed: attributes, conflicts, "
     "count, dataset, end, from, id, note, participants, sources, start, status, title, to, type)"),
    (("id: tur-aze-2021", "id: TUR AZE"),
     "ties/ties.yaml:1: tie 'TUR AZE': field 'id': 'TUR AZE' is not a lowercase slug like 'tur-aze-shusha-2021'"),
])
def test_each_problem_class_has_an_exact_message(make_data, edit, expected):
    old, new = edit
    assert old in GOOD
    assert problems_of(make_data, GOOD.replace(old, new)) == [f"D/{expected}"]


def test_duplicate_tie_id_names_the_first_definition(make_data):
    problems = problems_of(make_data, GOOD + GOOD)
    assert problems == ["D/ties/ties.yaml:8: tie 'tur-aze-2021': field 'id': duplicate tie id "
                        "(first defined at D/ties/ties.yaml:1)"]


DIRECTED = """\
- id: sale
  type: arms_transfer
  from: {src}
  to: {dst}
  start: 2021
  status: delivered
  sources: [{{document: seed.txt, locator: p1}}]
"""


@pytest.mark.parametrize("src, dst, expected", [
    ("ots", "KAZ", "ties/ties.yaml:3: tie 'sale': field 'from': wrong direction: arms_transfer supplier "
                   "'ots' is an organization (must be company or state)"),
    ("KAZ", "KAZ", "ties/ties.yaml:4: tie 'sale': field 'to': self-tie: 'KAZ' cannot be tied to itself"),
])
def test_directed_type_checks(make_data, src, dst, expected):
    assert problems_of(make_data, DIRECTED.format(src=src, dst=dst)) == [f"D/{expected}"]


def test_membership_must_point_at_an_organisation(make_data):
    ties = """\
    - id: m
      type: membership
      from: ots
      to: TUR
      start: 2009
      status: active
      attributes: {role: member}
      sources: [{document: seed.txt, locator: p1}]
    """
    assert problems_of(make_data, ties) == [
        "D/ties/ties.yaml:4: tie 'm': field 'to': wrong direction: membership organization 'TUR' "
        "is a state (must be organization)"]


def test_undirected_type_rejects_from_to(make_data):
    ties = GOOD.replace("participants: [TUR, AZE]", "from: TUR\n  to: AZE")
    assert problems_of(make_data, ties)[0] == (
        "D/ties/ties.yaml:3: tie 'tur-aze-2021': field 'from': 'alliance_treaty' is undirected: "
        "list the actors in 'participants'")


def test_conflict_reading_must_cite_a_listed_source(make_data):
    ties = GOOD + """\
  conflicts:
    - field: start
      readings: [{value: "2021", source: seed.txt}, {value: "2022", source: other.txt}]
"""
    assert problems_of(make_data, ties) == [
        "D/ties/ties.yaml:8: tie 'tur-aze-2021': field 'conflicts': conflict 1: reading source "
        "'other.txt' is not among the tie's sources"]


@pytest.mark.parametrize("content, expected", [
    ("", "D/ties/ties.yaml: file is empty (expected a list of records)"),
    ("- id: x\n  type: [unclosed\n", "D/ties/ties.yaml:3: invalid YAML: did not find expected ',' or ']'"),
    ("id: x\n", "D/ties/ties.yaml:1: top level must be a list of records ('- id: ...')"),
    ("- just text\n", "D/ties/ties.yaml:1: record is not a mapping"),
    ("- id: x\n  id: y\n", "D/ties/ties.yaml:2: field 'id': key given twice in one record"),
])
def test_unreadable_files(make_data, content, expected):
    assert problems_of(make_data, content) == [expected]


def test_wrong_encoding_names_the_line(make_data, tmp_path):
    root = make_data(GOOD)
    (root / "ties" / "ties.yaml").write_bytes(GOOD.encode("utf-8") + "- id: é\n".encode("latin-1"))
    with pytest.raises(DataValidationError) as info:
        load_dataset(root)
    assert [str(p).replace(str(root), "D") for p in info.value.problems] == [
        "D/ties/ties.yaml:8: not valid UTF-8 (save the file as UTF-8)"]


def test_every_problem_is_reported_not_just_the_first(make_data):
    ties = GOOD.replace("2021-06-15", "2021-02-30").replace("[TUR, AZE]", "[TUR, XXX]")
    assert len(problems_of(make_data, ties)) == 2


def test_actor_problems(make_data):
    actors = """\
    - {id: TUR, kind: state, name: Türkiye}
    - {id: AZE, kind: state, name: Azerbaijan}
    - {id: turkey, kind: state, name: Turkey}
    - {id: Baykar, kind: company, name: Baykar, country: TUR}
    - {id: aselsan, kind: company, name: ASELSAN}
    - {id: tai, kind: company, name: TAI, country: XYZ}
    - {id: TUR, kind: state, name: Turkey}
    - {id: nato, kind: alliance, name: NATO}
    """
    assert problems_of(make_data, GOOD, actors=actors) == [
        "D/actors.yaml:3: actor 'turkey': field 'id': state id 'turkey' must be an ISO 3166-1 alpha-3 code such as TUR",
        "D/actors.yaml:4: actor 'Baykar': field 'id': company id 'Baykar' must be a lowercase slug such as 'baykar'",
        "D/actors.yaml:5: actor 'aselsan': field 'country': is required for a company (its home state's ISO3 id)",
        "D/actors.yaml:6: actor 'tai': field 'country': unknown state id 'XYZ'",
        "D/actors.yaml:7: actor 'TUR': field 'id': duplicate actor id (first defined at D/actors.yaml:1)",
        "D/actors.yaml:8: actor 'nato': field 'kind': unknown kind 'alliance' (use one of: state, company, organization)",
    ]


def test_validate_cli_prints_error_lines_and_exits_1(make_data, runner):
    root = make_data(GOOD.replace("[TUR, AZE]", "[TUR, XXX]"))
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [f"Error: {root}/ties/ties.yaml:3: tie 'tur-aze-2021': field 'participants': "
                     "unknown actor id 'XXX' (not in any actors file)"]
    assert "Traceback" not in result.output


def test_validate_cli_ok(make_data, runner):
    result = runner.invoke(app, ["validate", str(make_data(GOOD))])
    assert result.exit_code == 0
    assert result.stdout == "OK: 6 actors, 1 ties in 2 files\n"


def test_missing_directory(runner, tmp_path):
    result = runner.invoke(app, ["report", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope'}: data directory not found\n"


def test_report_with_bad_data_writes_nothing(make_data, runner, tmp_path):
    root = make_data(GOOD.replace("2021-06-15", "2021-02-30"))
    out = tmp_path / "out.graphml"
    result = runner.invoke(app, ["export", "graphml", str(out), "--data", str(root)])
    assert result.exit_code == 1
    assert not out.exists()
