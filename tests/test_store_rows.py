"""The Neo4j store without a server: row builders, Cypher files, read-back from rows, parameters.

The same mapping the server tests load (tests/test_store.py), checked here in milliseconds.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from store_cases import (
    BROWSER_TIE,
    FIXTURE,
    FIXTURE_LABELS,
    FIXTURE_RELATIONSHIPS,
    FIXTURE_TIES,
    _bundled_or_skip,
    _close,
    _neo4j_rows,
)
from typer.testing import CliRunner

from tiegraph.analysis.report import ReportOptions, build_report
from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import PartialDate
from tiegraph.model.errors import DataValidationError, UsageError
from tiegraph.model.vocabulary import TIE_TYPES, TURKIC_SIX
from tiegraph.store.cypher import (
    CYPHER_DIR,
    RELATIONSHIP_TYPES,
    SCHEMA_FILE,
    TIE_LABELS,
    library_queries,
    query_parts,
    read_query_file,
    split_statements,
    with_relationship_type,
    with_tie_types,
)
from tiegraph.store.query import parse_params, parse_value
from tiegraph.store.readback import dataset_from_records, tie_rows_of
from tiegraph.store.rows import (
    CENTRALITY_PROPERTIES,
    TIE_PROPERTIES,
    batches,
    centrality_rows,
    centrality_year,
    edge_row,
    expected_counts,
    n_relationships,
    node_props,
    node_row,
    tie_batches,
    tie_props,
    tie_row,
    write_plan,
)
from tiegraph.store.writer import typed_query


@pytest.fixture(scope="module")
def fixture_data():
    return load_dataset(FIXTURE)


# ---------------------------------------------------------------- pure: no server


def test_schema_file_covers_every_relationship_type():
    statements = split_statements(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert all("IF NOT EXISTS" in s or "IF EXISTS" in s for s in statements)
    creates = [s for s in statements if "CREATE" in s]
    assert any("FOR (a:Actor) REQUIRE a.id IS UNIQUE" in s for s in creates)
    assert any("FOR (t:Tie) REQUIRE t.tieId IS UNIQUE" in s for s in creates)
    for tie_type in TIE_TYPES.values():
        assert any(f"[r:{tie_type.relationship}]" in s and "REQUIRE r.tieId IS UNIQUE" in s for s in creates)
    assert any("FOR (d:Duplicate) REQUIRE d.tieId IS UNIQUE" in s for s in creates)
    assert len(creates) == 5 + len(TIE_TYPES)  # and nothing else: see test_store_profile.py


def test_split_statements_keeps_quotes_and_line_numbers():
    text = "// header; with a semicolon\nMATCH (n {name: 'a;b // c'})\nRETURN n;\n\nRETURN 2;"
    statements = split_statements(text)
    assert len(statements) == 2
    assert "'a;b // c'" in statements[0]
    assert statements[0].startswith("\nMATCH")  # the header's line is kept: error lines match the file
    assert statements[1].strip() == "RETURN 2"


def test_param_lines_are_defaults_and_keep_line_numbers():
    text = "// Q\n:param actor => 'TUR';\n:param year => 2020;\n:param on => true;\n\nRETURN $actor"
    statement, params = query_parts(text, "q.cypher")
    assert params == {"actor": "TUR", "year": 2020, "on": True}
    assert statement.splitlines()[5] == "RETURN $actor"  # line 6, as in the file
    with pytest.raises(UsageError, match=r"q.cypher: ':param year = 2' must look like ':param name => value;'"):
        query_parts(":param year = 2;\nRETURN 1", "q.cypher")


def test_relationship_type_comes_only_from_the_vocabulary():
    template = "MATCH ()-[r:{{REL_TYPE}}]->()"
    assert with_relationship_type(template, "ARMS_TRANSFER") == "MATCH ()-[r:ARMS_TRANSFER]->()"
    for bad in ("arms_transfer", "ARMS_TRANSFER]->() DETACH DELETE (x", "KNOWS", ""):
        with pytest.raises(ValueError):
            with_relationship_type(template, bad)
    assert with_tie_types("[r:{{TIE_TYPES}}]").count("|") == len(TIE_TYPES) - 1
    find = typed_query("find_ties", "ARMS_TRANSFER")  # per-row ids: a seek is forced, never a scan
    assert "USING INDEX SEEK r:ARMS_TRANSFER(tieId)" in find and "{{" not in find.split("UNWIND")[1]
    plan = write_plan(load_dataset(FIXTURE))  # the dynamic $(row.type) / $(row.label) come from here
    assert {edge_row(t)["type"] for ties in plan.edges.values() for t in ties} <= set(RELATIONSHIP_TYPES)
    assert {node_row(t)["label"] for ties in plan.nodes.values() for t in ties} <= set(TIE_LABELS.values())


def test_fixture_rows_match_hand_counts(fixture_data):
    counts = expected_counts(fixture_data)
    assert counts.labels == FIXTURE_LABELS
    assert counts.relationships == FIXTURE_RELATIONSHIPS
    assert counts.ties == FIXTURE_TIES


def test_a_multilateral_tie_is_one_node_and_a_bilateral_one_one_relationship(fixture_data):
    exercise = fixture_data.tie("turkic-exercise-2023")
    row = node_row(exercise)
    assert (row["tieId"], row["label"], row["participants"]) == \
        ("turkic-exercise-2023", "JointExercise", ["TUR", "AZE", "KAZ", "KGZ"])
    assert row["props"]["type"] == "JOINT_EXERCISE" and n_relationships(exercise) == 4
    transfer = edge_row(fixture_data.tie("baykar-kgz-tb2-2021"))
    assert (transfer["type"], transfer["from"], transfer["to"]) == ("ARMS_TRANSFER", "baykar", "KGZ")
    # dates travel as ISO text (create_ties.cypher makes them Dates): the driver packs date objects slowly
    assert (transfer["dateFrom"], transfer["dateTo"]) == ("2021-01-01", "2021-12-31")
    assert not {"dateFrom", "dateTo"} & (transfer["props"].keys() | row["props"].keys())
    assert (row["props"]["date"], row["dateFrom"], row["dateTo"]) == ("2023-09", "2023-09-01", "2023-09-30")
    assert tie_row(fixture_data.tie("aze-tur-exercises-2025"))["type"] == "JOINT_EXERCISE"  # two parties


def test_tie_properties(fixture_data):
    import datetime as dt

    training = tie_props(fixture_data.tie("tur-kgz-training-1990s"))
    assert (training["date"], training["precision"], training["dateFrom"], training["dateTo"], training["year"]) == \
        ("1990s", "decade", dt.date(1990, 1, 1), dt.date(1999, 12, 31), 1990)
    assert (training["endDate"], training["endYear"], training["lastYear"]) == ("2010", 2010, 2010)
    transfer = tie_props(fixture_data.tie("baykar-kgz-tb2-2021"))
    assert (transfer["dateFrom"], transfer["dateTo"], transfer["lastYear"]) == \
        (dt.date(2021, 1, 1), dt.date(2021, 12, 31), 2021)  # an event is in force in its year only
    assert transfer["attr_system"] == "Bayraktar TB2" and transfer["attr_quantity"] == 3
    assert transfer["sourceUrls"] == ["https://example.org/tb2"] and "sourceQuotes" not in transfer  # all ""
    assert transfer["tentative"] is False and "count" not in transfer
    shusha = tie_props(fixture_data.tie("aze-tur-shusha-2021"))
    assert shusha["conflict"] is True and "strategic_partnership (doc-b.txt)" in shusha["conflictNote"]
    assert "lastYear" not in shusha  # a standing tie without an end: in force from then on
    assert len({len(shusha[k]) for k in ("sourceDocuments", "sourceLocators", "sourceQuotes") if k in shusha}) == 1
    assert tie_props(fixture_data.tie("aze-tur-exercises-2025"))["count"] == 25
    meeting = node_props(fixture_data.tie("kaz-kgz-tur-meeting"))
    assert not {"date", "dateFrom", "precision", "year"} & meeting.keys()  # undated: absent, not null
    for tie in fixture_data.ties:
        props = node_props(tie)
        assert None not in props.values()
        assert all(k in TIE_PROPERTIES or k.startswith("attr_") for k in props)


def test_batches_split_rows():
    assert [len(b) for b in batches(list(range(7)), 3)] == [3, 3, 1]
    with pytest.raises(ValueError):
        list(batches([1], 0))


def test_tie_batches_keep_ties_whole_and_counts_need_no_rows(fixture_data):
    plan = write_plan(fixture_data)
    assert plan.relationships == sum(FIXTURE_RELATIONSHIPS.values()) and plan.total == 8 + 2 + 18  # actors, tie nodes, relationships
    ties = [fixture_data.tie("turkic-exercise-2023"), fixture_data.tie("aze-tur-exercises-2025")]
    assert [(len(rows), n) for rows, n in tie_batches(ties, 2)] == [(1, 4), (1, 1)]
    assert [(len(rows), n) for rows, n in tie_batches(ties, 10)] == [(2, 5)]


def test_centrality_rows_cover_every_actor(fixture_data):
    rows = centrality_rows(fixture_data)
    assert [r["id"] for r in rows] == list(fixture_data.actors)
    assert all(set(r["props"]) == set(CENTRALITY_PROPERTIES) for r in rows)
    by_id = {r["id"]: r["props"] for r in rows}
    assert by_id["UZB"]["degree"] == 0.0 and by_id["TUR"]["centralityYear"] == 2025
    assert by_id["TUR"]["degreeLatest"] > 0 and by_id["KAZ"]["degreeLatest"] == 0.0


def test_the_latest_centrality_year_is_not_a_year_of_plans_only(fixture_data):
    plans = replace(fixture_data.tie("aze-tur-exercises-2025"), id="plan-2030", status="planned",
                    start=PartialDate.parse("2030"))
    dataset = replace(fixture_data, ties=[*fixture_data.ties, plans])
    assert centrality_year(dataset) == 2025
    assert {r["props"]["centralityYear"] for r in centrality_rows(dataset)} == {2025}


@pytest.mark.parametrize("source", ["fixture", "bundled"])
def test_readback_rebuilds_the_dataset_from_rows_in_any_order(source, fixture_data):
    dataset = fixture_data if source == "fixture" else _bundled_or_skip()
    actors, ties, coverage = _neo4j_rows(dataset)
    random.Random(3).shuffle(actors)
    random.Random(4).shuffle(ties)
    back = dataset_from_records(actors, ties, "neo4j", coverage)
    assert list(back.actors) == list(dataset.actors) and back.actors == dataset.actors
    assert back.coverage == dataset.coverage
    assert back.ties == dataset.ties
    assert [t.attributes for t in back.ties] == [t.attributes for t in dataset.ties]
    assert _close(build_report(back, ReportOptions(TURKIC_SIX)), build_report(dataset, ReportOptions(TURKIC_SIX)))


def _edit(ties, tie_id, **changes):
    return [(kind, parts, {**props, **changes}, what) if props["tieId"] == tie_id else (kind, parts, props, what)
            for kind, parts, props, what in ties]


def test_readback_uses_consistent_browser_edits(fixture_data):
    actors, ties, _ = _neo4j_rows(fixture_data)
    ties = _edit(ties, "turkic-exercise-2023", status="planned", tentative=True, title="Birlik")
    back = dataset_from_records(actors, ties, "neo4j")
    tie = back.tie("turkic-exercise-2023")
    assert (tie.status, tie.title, tie.tentative) == ("planned", "Birlik", True)




def test_readback_accepts_a_minimal_tie_made_in_browser(fixture_data):
    actors, ties, _ = _neo4j_rows(fixture_data)
    extra = tie_rows_of([("ARMS_TRANSFER", "TUR", "KAZ", BROWSER_TIE)], [])
    back = dataset_from_records(actors, ties + extra, "neo4j")
    tie = back.ties[-1]
    assert (tie.id, tie.participants, tie.year, tie.start.precision, tie.count, tie.dataset) == \
        ("tur-kaz-new-2024", ("TUR", "KAZ"), 2024, "year", 1, "seeds")
    assert tie.sources[0].cite() == "doc-x.txt, p. 2" and tie.attributes == {"system": "Akıncı"}


def test_readback_reports_inconsistent_edits(fixture_data):
    actors, ties, _ = _neo4j_rows(fixture_data)
    edited = _edit(ties, "kgz-tur-dca-2021", year=1999)
    with pytest.raises(DataValidationError) as err:
        dataset_from_records(actors, edited, "neo4j")
    assert str(err.value).startswith("neo4j: tie 'kgz-tur-dca-2021': field 'year': has 1999 but the tie's "
                                     "other properties give 2021")
    with pytest.raises(DataValidationError, match="field 'tentative': has False but"):
        dataset_from_records(actors, _edit(ties, "turkic-exercise-2023", status="planned"), "neo4j")
    # a node without its type label, two ties with one id, a status outside the vocabulary
    unlabelled = tie_rows_of([], [(["Tie"], {"tieId": "x-1", "status": "held"}, [["TUR", 0]])])
    with pytest.raises(DataValidationError, match=r"tie 'x-1': field 'type': the tie node has labels Tie"):
        dataset_from_records(actors, ties + unlabelled, "neo4j")
    twice = [t for t in ties if t[2]["tieId"] == "tur-ots-2009"]
    with pytest.raises(DataValidationError, match="field 'tieId': two ties have this id"):
        dataset_from_records(actors, ties + twice, "neo4j")
    with pytest.raises(DataValidationError, match="field 'status': unknown status 'rumoured'"):
        dataset_from_records(actors, _edit(ties, "tur-ots-2009", status="rumoured"), "neo4j")


def test_parse_params_types_values():
    assert parse_params(["actor=TUR", "year=2020", "share=0.5", "tentative=false", 'ids=["TUR","AZE"]',
                         "code=\"007\"", "title=a=b"]) == {
        "actor": "TUR", "year": 2020, "share": 0.5, "tentative": False, "ids": ["TUR", "AZE"],
        "code": "007", "title": "a=b"}
    assert parse_value("[not json") == "[not json"
    with pytest.raises(Exception, match="must look like name=value"):
        parse_params(["year"])


def _header_params(path: Path) -> dict[str, Any]:
    """The ``:param name => value;`` lines of a saved query, as query parameters."""
    return query_parts(path.read_text(encoding="utf-8"), path.name)[1]


def test_library_queries_are_documented_and_typed():
    queries = library_queries()
    assert len(queries) >= 8
    every_type = "|".join(RELATIONSHIP_TYPES)
    for path in queries:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("// Question: "), path.name
        assert f"Example: tiegraph query cypher/{path.name}" in text, path.name
        statement, params = query_parts(text, path.name)
        used = set(re.findall(r"\$(\w+)", statement))
        assert used == set(params), path.name  # every parameter has a :param line, Browser runs as is
        for name in used:
            assert f"--param {name}=" in text or isinstance(params[name], bool), (path.name, name)
        # every relationship pattern is typed; a list of all tie types is the vocabulary's, in order
        assert not re.search(r"-\[\w*\]-|-\[\w* \{|-\[\*|\(\w*\)-\[\w*\]", statement), path.name
        for types in re.findall(r"\[\w*:([A-Z_|]+)", statement):
            if types.count("|") >= 5:
                assert types.removesuffix("|PARTICIPATED_IN") == every_type, path.name


def test_missing_query_file_is_one_error_line():
    result = CliRunner().invoke(app, ["query", "cypher/no_such_query.cypher"])
    assert result.exit_code == 1
    assert result.stderr == "Error: Cypher file not found: cypher/no_such_query.cypher\n"
    assert read_query_file("ties_per_year") == (CYPHER_DIR / "ties_per_year.cypher").read_text()


