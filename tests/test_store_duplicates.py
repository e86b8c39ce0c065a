"""Cross-dataset duplicates survive a trip through Neo4j's properties (pure row builders, no server)."""

from __future__ import annotations

from pathlib import Path

from tiegraph.commands.common import load
from tiegraph.store.readback import duplicates_of
from tiegraph.store.rows import duplicate_rows

FIXTURES = Path(__file__).parent / "fixtures" / "external"


def test_each_duplicate_reads_back_as_the_same_tie(tmp_path) -> None:
    from typer.testing import CliRunner

    from tiegraph.cli import app

    out = tmp_path / "imported"
    result = CliRunner().invoke(app, ["import", "all", str(FIXTURES), "--into", str(out)])
    assert result.exit_code == 0, result.output
    data = load([Path(__file__).parents[1] / "data", *sorted(p for p in out.iterdir() if p.is_dir())])
    assert data.duplicates, "the fixtures hold ties two datasets share"
    rows = duplicate_rows(data)
    assert [r["props"]["duplicateOf"] for r in rows] == [
        next(p["kept"] for p in data.overlaps if p["duplicate"] == t.id) for t in data.duplicates]
    problems: list = []
    back = duplicates_of([(r["props"]["type"], r["props"]["participants"], r["props"]["record"]) for r in rows],
                         "neo4j", problems, lambda a: data.actors[a].kind if a in data.actors else None)
    assert problems == []
    assert [(t.id, t.type, t.participants, t.start, t.end, t.status, t.dataset, t.sources, t.attributes)
            for t in back] == [(t.id, t.type, t.participants, t.start, t.end, t.status, t.dataset, t.sources,
                                t.attributes) for t in data.duplicates]


def test_a_damaged_duplicate_record_is_one_problem() -> None:
    problems: list = []
    assert duplicates_of([("joint_exercise", ["TUR", "AZE"], "{not json")], "neo4j", problems, lambda a: "state") == []
    assert [str(p) for p in problems] == ["neo4j: a :Duplicate node: field 'record': is not valid JSON"]
