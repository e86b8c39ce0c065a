"""Cypher injection: hostile text is data, never Cypher, on the way in and on the way out.

Values reach Neo4j only as parameters, and the two names that cannot be
parameters (relationship type, kind label) come only from the vocabulary
tables.  These tests load text built to break out of a string literal, a map,
a backquoted name or a ``{{TOKEN}}`` template into a real Neo4j, through the
files and through a hand-built ``Dataset`` (whose ids skip the loaders' id
rules), and check it comes back verbatim, the graph intact.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from neo4j_fixtures import run
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Source, Tie
from tiegraph.model.errors import StoreError
from tiegraph.store.connection import Connection
from tiegraph.store.readback import read_dataset
from tiegraph.store.rows import expected_counts
from tiegraph.store.writer import database_counts, load_into

HOSTILE = [
    "'}) MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n //',
    "x`]->() MATCH (n) DETACH DELETE n //",
    "`",
    "$x",
    "${actor} {{REL_TYPE}} {{LABEL}}",
    "first line\nMATCH (n) DETACH DELETE n\r\nlast line",
    "\\'; MATCH (n) DELETE n; //",
    "/* */ RETURN 1 UNION MATCH (n) DETACH DELETE n",
    "Türkiye — «Şuşa» 東京 Ελλάδα \u202eevil\u202c 🛡️",
]


@pytest.fixture
def store(empty_db):  # noqa: F811
    """(conn, driver) on the session server: emptied, plus one node that is not the project's."""
    conn, driver = empty_db
    run(driver, "CREATE (:Sentinel {text: 'must survive'})")
    return conn, driver


def intact(driver: Any) -> bool:
    return run(driver, "MATCH (s:Sentinel) RETURN s.text AS t") == [{"t": "must survive"}]


def env_for(conn: Connection) -> dict[str, Any]:
    return {"NEO4J_URI": conn.uri, "NEO4J_USER": conn.user, "NEO4J_PASSWORD": conn.password,
            "NEO4J_DATABASE": None}


def query(conn: Connection, name: str, *params: str, write: bool = False) -> list[dict[str, Any]]:
    args = ["query", name, "--format", "json", *(["--write"] if write else [])]
    for param in params:
        args += ["--param", param]
    result = CliRunner().invoke(app, args, env=env_for(conn))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def write_hostile_files(root: Path) -> Path:
    """A JSONL data directory whose every free-text field is hostile (ids must follow the id rules)."""
    (root / "ties").mkdir(parents=True)
    actors = [
        {"id": "TUR", "kind": "state", "name": HOSTILE[0], "aliases": HOSTILE[1:4], "note": HOSTILE[6]},
        {"id": "AZE", "kind": "state", "name": HOSTILE[9]},
        {"id": "KAZ", "kind": "state", "name": HOSTILE[2]},
        {"id": "evil-co", "kind": "company", "name": HOSTILE[4], "country": "TUR", "note": HOSTILE[7]},
    ]
    ties = [
        {"id": "tur-aze-1", "type": "arms_transfer", "from": "evil-co", "to": "AZE", "start": "2021-06",
         "status": "delivered", "title": HOSTILE[0], "note": HOSTILE[6], "dataset": HOSTILE[5],
         "attributes": {"system": HOSTILE[1], HOSTILE[2]: HOSTILE[3], "quantity": 3},
         "sources": [{"document": HOSTILE[8], "locator": HOSTILE[4], "quote": HOSTILE[6],
                      "url": "https://example.org/?q=' OR 1=1 //"}]},
        {"id": "tur-aze-kaz-2", "type": "joint_exercise", "participants": ["TUR", "AZE", "KAZ"], "start": "2022",
         "status": "held", "title": HOSTILE[9], "sources": [{"document": "doc.txt", "quote": HOSTILE[1]}]},
    ]
    for name, records in (("actors.jsonl", actors), ("ties/hostile.jsonl", ties)):
        with (root / name).open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return root


def test_hostile_text_in_files_is_stored_and_returned_verbatim(store, tmp_path):
    conn, driver = store
    data = write_hostile_files(tmp_path / "data")
    dataset = load_dataset([data])
    for _ in range(2):  # the second load replaces what the first wrote
        result = CliRunner().invoke(app, ["load", "--data", str(data)], env=env_for(conn))
        assert result.exit_code == 0, result.stderr
    expected = expected_counts(dataset)
    stored = database_counts(driver, "neo4j")
    assert (stored.labels, stored.relationships, stored.ties) == (expected.labels, expected.relationships, expected.ties)
    assert intact(driver)

    back = read_dataset(driver, "neo4j", "neo4j")
    assert back.actors == dataset.actors and back.ties == dataset.ties
    assert [t.attributes for t in back.ties] == [t.attributes for t in dataset.ties]
    assert back.tie("tur-aze-1").attributes[HOSTILE[2]] == HOSTILE[3]  # a hostile property *name*

    rows = run(driver, "MATCH ()-[r:ARMS_TRANSFER]->() RETURN r.title AS title, r.sourceQuotes AS quotes, "
                       "r.note AS note, r.dataset AS dataset, r.sourceDocuments AS docs")
    assert rows == [{"title": HOSTILE[0], "quotes": [HOSTILE[6]], "note": HOSTILE[6], "dataset": HOSTILE[5],
                     "docs": [HOSTILE[8]]}]
    names = {r["id"]: r["name"] for r in run(driver, "MATCH (a:Actor) RETURN a.id AS id, a.name AS name")}
    assert names == {"TUR": HOSTILE[0], "AZE": HOSTILE[9], "KAZ": HOSTILE[2], "evil-co": HOSTILE[4]}

    # and out again through a saved query
    tie = query(conn, "tie", "tieId=tur-aze-1")
    assert [(r["title"], r["participants"]) for r in tie] == [(HOSTILE[0], ["evil-co", "AZE"])]
    assert intact(driver)


def hostile_dataset() -> Dataset:
    """Actor and tie ids the loaders would refuse: only the writer stands between them and Cypher."""
    ids = [HOSTILE[0], HOSTILE[2], HOSTILE[6], HOSTILE[9]]
    actors = {i: Actor(i, "state", f"name of {i}") for i in ids}
    actors[HOSTILE[4]] = Actor(HOSTILE[4], "organization", HOSTILE[5])
    source = (Source(HOSTILE[1], locator=HOSTILE[3]),)
    ties = [
        Tie(HOSTILE[7], "arms_transfer", (ids[0], ids[1]), PartialDate.parse("2020"), "delivered", source,
            title=HOSTILE[8]),
        Tie(HOSTILE[3], "joint_exercise", tuple(ids), PartialDate.parse("2021-05"), "held", source, title=HOSTILE[0]),
        Tie(HOSTILE[5], "membership", (ids[2], HOSTILE[4]), None, "active", source,
            attributes={"role": "member"}),
    ]
    return Dataset(actors, ties)


def test_hostile_ids_are_parameters_too(store):
    conn, driver = store
    dataset = hostile_dataset()
    load_into(driver, "neo4j", dataset)
    load_into(driver, "neo4j", dataset)  # idempotent through the delete-and-create path as well
    expected = expected_counts(dataset)
    stored = database_counts(driver, "neo4j")
    assert (stored.labels, stored.relationships, stored.ties) == (expected.labels, expected.relationships, expected.ties)
    assert sum(stored.relationships.values()) == 1 + 4 + 1  # the 4-party exercise: a node, 4 participants
    assert intact(driver)
    assert sorted(r["id"] for r in run(driver, "MATCH (a:Actor) RETURN a.id AS id")) == sorted(dataset.actors)
    stored_ties = run(driver, "MATCH (a:Actor)-[r]->(b) RETURN type(r) AS t, coalesce(r.tieId, b.tieId) AS id")
    assert {r["id"] for r in stored_ties} == {t.id for t in dataset.ties}
    assert {r["t"] for r in stored_ties} == {"ARMS_TRANSFER", "PARTICIPATED_IN", "MEMBERSHIP"}

    # a hostile value given as --param is compared, not run
    ties = query(conn, "actor_ties", f"actor={HOSTILE[0]}")
    assert {r["type"]: sorted(r["partners"]) for r in ties} == {
        "ARMS_TRANSFER": [HOSTILE[2]], "JOINT_EXERCISE": sorted([HOSTILE[2], HOSTILE[6], HOSTILE[9]])}
    assert [r["title"] for r in query(conn, "tie", f"tieId={HOSTILE[7]}")] == [HOSTILE[8]]
    assert intact(driver)


class NoNeo4j:
    """A driver that fails the test if anything reaches it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the writer reached Neo4j ({name}) with a tie type outside the vocabulary")


@pytest.mark.parametrize("bad_type", ["friendship", "ARMS_TRANSFER", "arms_transfer]->() DETACH DELETE (n",
                                      "JOINT_EXERCISE`]->(b) MATCH (n) DETACH DELETE n //"])
def test_a_tie_type_outside_the_vocabulary_never_reaches_cypher(bad_type):
    dataset = hostile_dataset()
    bad = replace(dataset, ties=[*dataset.ties, replace(dataset.ties[0], id="other", type=bad_type)])
    with pytest.raises(StoreError, match="is not a tie type of the vocabulary"):
        load_into(NoNeo4j(), "neo4j", bad)


CRAFTED = [
    "TUR'}) MATCH (n) DETACH DELETE n //",
    'TUR"}) MATCH (n) DETACH DELETE n //',
    "TUR` DETACH DELETE n //",
    "$actor",
    '["TUR"]}) MATCH (n) DETACH DELETE n //',
    '{"id": "TUR"}',
    "TUR\nMATCH (n) DETACH DELETE n",
]


@pytest.mark.parametrize("value", CRAFTED)
def test_query_params_crafted_as_cypher_are_not_executed(store, value):
    conn, driver = store
    CliRunner().invoke(app, ["load", "--data", str(Path(__file__).parent / "fixtures" / "store")], env=env_for(conn))
    before = database_counts(driver, "neo4j")
    assert query(conn, "actor_ties", f"actor={value}") == []
    assert query(conn, "tie", f"tieId={value}", write=True) == []  # even a write transaction only compares
    assert database_counts(driver, "neo4j") == before
    assert intact(driver)


def test_a_param_name_crafted_as_cypher_is_refused(store):
    conn, _ = store
    result = CliRunner().invoke(app, ["query", "tie", "--param", "x}) DETACH DELETE (n=1"], env=env_for(conn))
    assert result.exit_code == 1
    assert result.stderr == ("Error: --param 'x}) DETACH DELETE (n=1' must look like name=value "
                             "(e.g. --param actor=TUR)\n")
