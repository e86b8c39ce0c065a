"""tiegraph review: accepted candidates become ordinary ties with their provenance; nothing else changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset

REPO = Path(__file__).resolve().parent.parent
TEXT = ("Source: https://example.org/report\nPublished: 2023-11-07\n\n"
        "Kazakhstan and Türkiye have signed a military cooperation plan for 2024.\n\n"
        "In 2021, Azerbaijan and Türkiye held joint drills in Nakhchivan.\n")
PLAN = "report-01-defense-cooperation-agreement"
DRILLS = "report-02-joint-exercise"


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """(candidates, data): candidates of one report and a copy of the bundled data."""
    doc = tmp_path / "report.txt"
    doc.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(doc), "--into", str(tmp_path / "cand")])
    assert result.exit_code == 0, result.output
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path / "cand", tmp_path / "data"


def review(*args: str) -> object:
    return CliRunner().invoke(app, ["review", *args])


def test_accept_edit_and_reject_move_candidates_with_their_provenance(dirs):
    cand, data = dirs
    result = review(str(cand), "--accept", DRILLS, "--set", f"{DRILLS}.status=held",
                    "--set", f"{DRILLS}.attributes.location=Nakhchivan", "--reject", PLAN,
                    "--into", str(data), "--by", "A. Coder")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"accepted {DRILLS} -> {data / 'ties' / 'extracted.yaml'}",
                                          f"rejected {PLAN}"]
    tie = {t.id: t for t in load_dataset(data).ties}[DRILLS]  # an ordinary tie of the data now
    assert (tie.type, tie.participants, str(tie.start), tie.status, tie.dataset) == \
        ("joint_exercise", ("AZE", "TUR"), "2021", "held", "seeds")
    assert tie.sources[0].quote == "In 2021, Azerbaijan and Türkiye held joint drills in Nakhchivan."
    assert (tie.sources[0].document, tie.sources[0].locator, tie.sources[0].url) == \
        ("report.txt", "para. 2, sentence 1", "https://example.org/report")
    assert tie.attributes["accepted_by"] == "A. Coder" and tie.attributes["accepted_at"].endswith("Z")
    assert tie.attributes["rule"] == "exercise-noun" and tie.attributes["location"] == "Nakhchivan"
    assert tie.attributes["edited"] == "status: held -> held; attributes.location: (none) -> Nakhchivan"
    # both left the candidates file; the decisions are logged
    assert yaml.safe_load((cand / "ties" / "report.yaml").read_text(encoding="utf-8")) == []
    log = (cand / "review.log").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[1:4] for line in log] == [["accepted", DRILLS, "by A. Coder"],
                                                       ["rejected", PLAN, "by A. Coder"]]
    assert CliRunner().invoke(app, ["validate", str(data)]).exit_code == 0
    assert CliRunner().invoke(app, ["validate", str(cand)]).exit_code == 0


def test_a_second_review_appends_to_the_accepted_file(dirs):
    cand, data = dirs
    assert review(str(cand), "--accept", DRILLS, "--into", str(data), "--by", "AC").exit_code == 0
    assert review(str(cand), "--accept", PLAN, "--into", str(data), "--by", "BD").exit_code == 0
    accepted = yaml.safe_load((data / "ties" / "extracted.yaml").read_text(encoding="utf-8"))
    assert [(r["id"], r["attributes"]["accepted_by"]) for r in accepted] == [(DRILLS, "AC"), (PLAN, "BD")]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--accept", "nope"], 1, "Error: --accept: no candidate 'nope' in {cand}/ties"),
    (["--accept", DRILLS, "--reject", DRILLS], 2, f"Error: candidate '{DRILLS}' is both accepted and rejected"),
    (["--set", f"{DRILLS}.status=held", "--reject", PLAN], 2,
     f"Error: --set '{DRILLS}.status=held': candidate '{DRILLS}' is not accepted in this review (--accept it)"),
    (["--accept", DRILLS, "--set", f"{DRILLS}.colour=red"], 2,
     f"Error: --set {DRILLS}.colour: unknown field (editable: type, from, to, participants, start, end, status, "
     "title, count, note, attributes.KEY)"),
    (["--accept", DRILLS, "--set", f"{DRILLS}.participants=AZE,USA"], 1,
     f"Error: {{cand}}/ties/report.yaml:24: tie '{DRILLS}': field 'participants': unknown actor id 'USA' "
     "(not in any actors file)"),
    (["--reject", PLAN, "--by", " "], 2, "Error: --by: say who reviewed the candidates (a name or initials)"),
    (["--by", "AC"], 2, "Error: nothing to do: give --accept ID or --reject ID (ids are in CANDIDATES/ties/*.yaml)"),
])
def test_bad_reviews_change_nothing(dirs, args, code, message):
    """Misuse of an option exits 2, an id or a tie the data refuses exits 1; nothing is written."""
    cand, data = dirs
    before = (cand / "ties" / "report.yaml").read_text(encoding="utf-8")
    by = [] if "--by" in args else ["--by", "AC"]
    result = review(str(cand), *args, "--into", str(data), *by)
    assert result.exit_code == code
    assert result.stderr == message.format(cand=cand) + "\n"
    assert (cand / "ties" / "report.yaml").read_text(encoding="utf-8") == before
    assert not (data / "ties" / "extracted.yaml").exists() and not (cand / "review.log").exists()


def test_a_candidate_already_in_the_data_is_refused(dirs):
    cand, data = dirs
    assert review(str(cand), "--accept", DRILLS, "--into", str(data), "--by", "AC").exit_code == 0
    # the same candidate extracted again and accepted again
    doc = cand.parent / "report.txt"
    assert CliRunner().invoke(app, ["extract", str(doc), "--into", str(cand)]).exit_code == 0
    result = review(str(cand), "--accept", DRILLS, "--into", str(data), "--by", "AC")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {cand}/ties/report.yaml:")
    assert f"tie '{DRILLS}': field 'id': already in {data} (at " in result.stderr
