"""tiegraph extract and review: what is coded, what is not, and the files they write.

The extraction tests run the real extractor on short texts written for each case,
each with a control sentence that *is* coded (so a test cannot pass by coding
nothing); the CLI tests run the real commands through typer's runner and check
the exact messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tiegraph.cli import app
from tiegraph.extract.candidates import build_candidates
from tiegraph.extract.gazetteer import build_gazetteer
from tiegraph.extract.text import parse_document, read_document, split_sentences
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import PartialDate

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = REPO / "tests" / "fixtures" / "extract"
#: the texts of the four sets (bench/extract.py scores them)
HELDOUT = [p for name in ("heldout", "heldout_b", "heldout_c", "heldout_d") for p in sorted((FIXTURES / name).iterdir())]


@pytest.fixture(scope="module")
def gaz():
    return build_gazetteer(load_dataset())


def candidates(text: str, gaz, published: str | None = "2025-10-14", suffix: str = ".txt") -> list[dict]:
    doc = parse_document(text, f"doc{suffix}", suffix=suffix,
                         published=PartialDate.parse(published) if published else None)
    return build_candidates(doc, gaz).ties


def summary(record: dict) -> tuple:
    who = (record["from"], record["to"]) if "from" in record else tuple(record["participants"])
    return record["type"], who, record.get("start"), record["status"]


# ------------------------------------------------------------------ what is not coded


def test_a_negated_signing_is_not_coded(gaz):
    assert candidates("Kazakhstan and Türkiye did not sign the military cooperation agreement in 2021.", gaz) == []
    assert [summary(c) for c in candidates("Kazakhstan and Türkiye signed the military cooperation agreement "
                                           "in 2021.", gaz)] == \
        [("defense_cooperation_agreement", ("KAZ", "TUR"), "2021", "signed")]


def test_a_hypothetical_exercise_is_not_coded(gaz):
    assert candidates("Azerbaijan and Türkiye could hold joint drills in 2026.", gaz) == []
    assert [summary(c) for c in candidates("Azerbaijan and Türkiye held joint drills in 2025.", gaz)] == \
        [("joint_exercise", ("AZE", "TUR"), "2025", "held")]


def test_a_question_is_not_coded(gaz):
    assert candidates("Will Azerbaijan and Türkiye hold joint drills in 2026?", gaz) == []


def test_a_planned_exercise_is_planned_and_a_proposal_proposed(gaz):
    found = candidates("Azerbaijan and Türkiye will hold joint drills in Baku in 2026. Aliyev proposed holding "
                       "joint military exercises of Kazakhstan and Kyrgyzstan in 2027.", gaz)
    assert [summary(c) for c in found] == [("joint_exercise", ("AZE", "TUR"), "2026", "planned"),
                                           ("joint_exercise", ("KAZ", "KGZ"), "2027", "proposed")]


# ------------------------------------------------------------------ dates


def test_a_history_sentence_in_a_recent_article_keeps_its_own_year(gaz):
    found = candidates("Kazakhstan's defence minister held talks with his Turkish counterpart last week. "
                       "In September 2018, the two countries signed a military cooperation agreement in Ankara.",
                       gaz, published="2025-10-14")
    assert [summary(c) for c in found] == [
        ("defense_meeting", ("KAZ", "TUR"), "2025-10", "held"),
        ("defense_cooperation_agreement", ("KAZ", "TUR"), "2018-09", "signed")]
    assert [c["attributes"]["date_from"] for c in found] == ["relative", "text"]


def test_relative_dates_resolve_against_the_document_date_or_are_left_out(gaz):
    text = "Azerbaijan and Türkiye held joint drills in Nakhchivan on Monday."
    assert candidates(text, gaz, published="2021-09-21")[0]["start"] == "2021-09-20"
    undated = candidates(text, gaz, published=None)[0]
    assert "start" not in undated and undated["attributes"]["date_from"] == "undated"
    # a year stays a year: never padded to a day
    assert candidates("Azerbaijan and Türkiye held joint drills in 2019.", gaz)[0]["start"] == "2019"


# ------------------------------------------------------------------ one event, several sentences


def test_an_exercise_reported_over_several_sentences_is_one_candidate(gaz):
    found = candidates("The trilateral exercise Three Brothers-2021 started in Baku on 12 September 2021. "
                       "Special forces of Pakistan, Turkey and Azerbaijan participated in the exercise.", gaz)
    assert len(found) == 1
    (one,) = found
    assert summary(one) == ("joint_exercise", ("AZE", "PAK", "TUR"), "2021-09-12", "held")
    assert one["title"] == "Three Brothers-2021"
    assert [s["locator"] for s in one["sources"]] == ["para. 1, sentence 1", "para. 1, sentence 2"]


def test_the_two_countries_stand_for_the_states_of_the_previous_sentence(gaz):
    found = candidates("In March 2022, Kyrgyzstan's defence minister visited Türkiye. During the visit, the two "
                       "countries signed a Road Map for Military Technical Cooperation.", gaz)
    assert [summary(c) for c in found] == [("defense_meeting", ("KGZ", "TUR"), "2022-03", "held"),
                                           ("defense_cooperation_agreement", ("KGZ", "TUR"), "2022-03", "signed")]


# ------------------------------------------------------------------ actors


def test_names_that_resolve_to_no_actor_are_listed_never_invented(gaz, tmp_path):
    doc = tmp_path / "belarus.txt"
    doc.write_text("Belarus and Türkiye signed a military cooperation agreement in 2022.\n\n"
                   "Qazaqstan Engineering and Kazakhstan's defence ministry agreed on drone assembly in 2023.\n",
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(doc), "--into", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"belarus.txt: 0 candidates -> {tmp_path / 'out' / 'ties' / 'belarus.yaml'}",
        "  unresolved: Belarus (para. 1, sentence 1), Qazaqstan Engineering (para. 2, sentence 1)"]
    written = (tmp_path / "out" / "ties" / "belarus.yaml").read_text(encoding="utf-8")
    assert "#   - Belarus (para. 1, sentence 1)" in written
    assert yaml.safe_load((tmp_path / "out" / "actors.yaml").read_text(encoding="utf-8")) == []


def test_demonyms_capitals_and_weapon_makers_resolve(gaz):
    found = candidates("In 2021, Bishkek purchased Bayraktar TB2 drones from Ankara. In 2023, the Uzbek defence "
                       "minister visited Ashgabat.", gaz)
    assert [summary(c) for c in found] == [("arms_transfer", ("TUR", "KGZ"), "2021", "delivered"),
                                           ("defense_meeting", ("TKM", "UZB"), "2023", "held")]
    assert found[0]["attributes"]["system"] == "Bayraktar TB2" and found[0]["attributes"]["maker"] == "baykar"


# ------------------------------------------------------------------ reading


def test_sentences_split_after_abbreviations_and_initials_only():
    assert split_sentences("On Jan. 27, 2025, R. Outzen met Gen. Akar in the U.S. capital. Then he left.") == [
        "On Jan. 27, 2025, R. Outzen met Gen. Akar in the U.S. capital.", "Then he left."]


def test_html_and_markdown_are_read_as_paragraphs_with_the_header_date(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!-- Source: https://example.org/a -->\n<!-- Published: 2021-09-21 -->\n<html><body>"
                    "<h1>Title</h1><script>var x = 1;</script><p>First &amp; one. Second one.</p><p>Third.</p>"
                    "</body></html>", encoding="utf-8")
    doc = read_document(page)
    assert [[s.text for s in p] for p in doc.paragraphs] == [["Title"], ["First & one.", "Second one."], ["Third."]]
    assert (doc.published, doc.url) == (PartialDate.parse("2021-09-21"), "https://example.org/a")
    note = tmp_path / "note.md"
    note.write_text("# Heading\n\nSome **bold** [link](http://x) text.\n", encoding="utf-8")
    assert [s.text for s in read_document(note).sentences()] == ["Heading", "Some bold link text."]


# ------------------------------------------------------------------ the command line


def test_candidates_of_every_seed_and_held_out_text_pass_validate(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    if len(seeds) != 5:
        pytest.skip(f"the five seed articles are not in {SEEDS}")
    files = [str(p) for p in seeds + HELDOUT]
    out = tmp_path / "candidates"
    result = CliRunner().invoke(app, ["extract", *files, "--into", str(out), "--against", str(REPO / "data")])
    assert result.exit_code == 0, result.output
    assert len(list((out / "ties").glob("*.yaml"))) == len(files)
    checked = CliRunner().invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("OK: ")
    data = load_dataset(out)
    assert len(data.ties) > 50
    assert all(t.sources[0].quote and t.attributes["rule"] and t.attributes["against"] for t in data.ties)
    # next to the data they were resolved against, too (the actor records are copied as written)
    assert CliRunner().invoke(app, ["validate", str(REPO / "data"), str(out)]).exit_code == 0


def test_against_marks_what_the_data_already_has(tmp_path):
    doc = tmp_path / "caspian.txt"
    doc.write_text("In June 2025, Azerbaijan and Kazakhstan conducted the Caspian Breeze-2025 naval drills near "
                   "Aktau. In 2025, Azerbaijan and Kyrgyzstan held joint drills.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(doc), "--into", str(tmp_path / "out"),
                                      "--against", str(REPO / "data")])
    assert result.exit_code == 0, result.output
    assert "caspian.txt: 2 candidates (1 new, 1 already coded)" in result.stdout
    records = yaml.safe_load((tmp_path / "out" / "ties" / "caspian.yaml").read_text(encoding="utf-8"))
    assert [r["attributes"]["against"] for r in records] == ["already coded as tie caspian-breeze-2025", "new"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "Error: {path}: file not found"),
    (b"Azerbaijan and T\xfcrkiye held drills.\nline two\n\xff\n", "Error: {path}:1: not valid UTF-8 (save the "
                                                                    "document as UTF-8)"),
    (b"  \n\n \t\n", "Error: {path}: empty document (no text to extract ties from)"),
])
def test_bad_documents_are_one_error_line_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "doc.txt"
    if content is not None:
        path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Azerbaijan and Türkiye held joint drills in 2025.", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(good), str(path), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr == message.format(path=path) + "\n"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.yaml"))


def test_a_bad_published_date_is_misuse(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Azerbaijan and Türkiye held joint drills in 2025.", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(good), "--into", str(tmp_path / "out"), "--published", "2021-13"])
    assert result.exit_code == 2  # a value out of range: misuse, like typer's own checks
    assert result.stderr == "Error: --published: impossible month in '2021-13'\n"
