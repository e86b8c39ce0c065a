"""A candidate accepted with tiegraph review loads into a real Neo4j like any other tie."""

from __future__ import annotations

import shutil
from pathlib import Path

from neo4j_fixtures import run
from typer.testing import CliRunner

from tiegraph.cli import app

REPO = Path(__file__).resolve().parent.parent
TIE = "h12-thenews-three-brothers-ends-01-joint-exercise"


def test_a_reviewed_candidate_loads_into_neo4j(empty_db, tmp_path):
    conn, driver = empty_db
    cand, data = tmp_path / "cand", tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    doc = REPO / "tests" / "fixtures" / "extract" / "heldout" / "h12_thenews_three_brothers_ends.txt"
    runner = CliRunner()
    assert runner.invoke(app, ["extract", str(doc), "--into", str(cand)]).exit_code == 0
    accepted = runner.invoke(app, ["review", str(cand), "--accept", TIE, "--into", str(data), "--by", "A. Coder"])
    assert accepted.exit_code == 0, accepted.output
    env = {"NEO4J_URI": conn.uri, "NEO4J_USER": conn.user, "NEO4J_PASSWORD": conn.password, "NEO4J_DATABASE": None}
    loaded = runner.invoke(app, ["load", "--data", str(data)], env=env)
    assert loaded.exit_code == 0, (loaded.stdout, loaded.stderr)
    assert "Loaded 30 actors and 76 ties" in loaded.stdout
    rows = run(driver, "MATCH (a:Actor)-[:PARTICIPATED_IN]->(t:Tie:JointExercise {tieId: $id}) "
                       "RETURN t.date AS date, t.status AS status, t.sourceQuotes AS quotes, "
                       "t.attr_accepted_by AS by, collect(a.id) AS actors", id=TIE)
    assert len(rows) == 1
    row = rows[0]
    assert (row["date"], row["status"], row["by"], sorted(row["actors"])) == \
        ("2021", "held", "A. Coder", ["AZE", "PAK", "TUR"])
    assert row["quotes"] == ["RAWALPINDI: The two weeks long Trilateral Exercise Three Brothers -2021 culminated at "
                             "Baku, Azerbaijan.",
                             "Special forces of Pakistan, Turkey and Azerbaijan participated in the exercise which was "
                             "focused on the capability to counter regional terrorism threats in a hybrid scenario, "
                             "fostering combined force interoperability, joint force integration and enhance "
                             "capabilities in amphibious operations."]
