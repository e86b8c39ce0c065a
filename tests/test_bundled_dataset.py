"""Invariants of the bundled curated dataset, checked against the seed documents when present."""

from __future__ import annotations

import re
from collections import Counter

import networkx as nx
import pytest
from helpers import SHARED

from tiegraph.cli import app
from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.vocabulary import TIE_TYPES, TURKIC_SIX

SEEDS = SHARED / "seeds"
SEED_FILES = ("000_aaf3a176c6627d9d.txt", "001_71c9f0d4bc10540e.txt", "002_0265e72da460c71f.txt",
              "003_4442ba1154c5a3b5.txt", "004_df3b60e92512bfed.txt")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\\_", "_")).strip()


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_every_tie_cites_a_seed_document_with_a_locator_or_quote(dataset):
    for tie in dataset.ties:
        assert tie.sources, tie.id
        for source in tie.sources:
            assert source.document in SEED_FILES, (tie.id, source.document)
            assert source.locator or source.quote


def test_every_seed_document_is_used(dataset):
    cited = Counter(s.document for t in dataset.ties for s in t.sources)
    assert set(cited) == set(SEED_FILES)


def test_every_turkic_state_is_tied_to_turkiye(dataset):
    partners = {p for t in dataset.ties if "TUR" in t.participants for p in t.participants}
    assert set(TURKIC_SIX) <= partners


def test_companies_have_a_home_state_and_states_use_iso3(dataset):
    for actor in dataset.actors.values():
        if actor.kind == "company":
            assert dataset.actors[actor.country].kind == "state"
        if actor.kind == "state":
            assert re.fullmatch(r"[A-Z]{3}", actor.id)


def test_conflicts_keep_every_reading(dataset):
    conflicted = [t for t in dataset.ties if t.conflicts]
    assert len(conflicted) >= 5
    for tie in conflicted:
        documents = {s.document for s in tie.sources}
        for conflict in tie.conflicts:
            assert len(conflict.readings) >= 2
            assert {r.source for r in conflict.readings} <= documents


def test_tentative_ties_keep_their_status(dataset):
    tentative = {t.id: t.status for t in dataset.ties if t.tentative}
    assert tentative, "the seeds document proposals (e.g. OTS exercises in 2026)"
    assert all(status in ("announced", "planned", "proposed") for status in tentative.values())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_quotes_are_verbatim_and_urls_come_from_the_document(dataset):
    texts = {name: norm((SEEDS / name).read_text(encoding="utf-8")) for name in SEED_FILES}
    problems = []
    for tie in dataset.ties:
        for source in tie.sources:
            if source.quote and norm(source.quote) not in texts[source.document]:
                problems.append(f"{tie.id}: quote not in {source.document}: {source.quote[:60]}")
            if source.url and source.url not in texts[source.document]:
                problems.append(f"{tie.id}: url not in {source.document}: {source.url}")
    assert problems == []


def test_graphml_contains_every_tie_with_participants_type_year_and_source(dataset, runner, tmp_path):
    out = tmp_path / "bundled.graphml"
    result = runner.invoke(app, ["export", "graphml", str(out), "--per-tie", "--tentative", "--level", "actor"])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out, force_multigraph=True)
    found: dict[str, set[str]] = {}
    for a, b, data in graph.edges(data=True):
        found.setdefault(data["tie_id"], set()).update((a, b))
        tie = dataset.tie(data["tie_id"])
        assert data["type"] == tie.type and data["year"] == (tie.year if tie.year is not None else -1)
        assert all(s.document in data["source"] for s in tie.sources)
    assert set(found) == {t.id for t in dataset.ties}
    for tie in dataset.ties:
        assert found[tie.id] == set(tie.participants), tie.id
    assert {t.type for t in dataset.ties} <= set(TIE_TYPES)


# --- the second coder's review (data/CODING_NOTES.md, "Second coder's review") -------------------


def test_coverage_ends_with_the_last_year_something_happened_in(dataset):
    """A year the sources do not observe (the latest article is of January 2026) must not count as
    an observed zero: the last covered year has a tie that happened, later ties are only plans."""
    last = dataset.coverage["seeds"].last_year
    assert any(t.year == last and not t.tentative for t in dataset.ties)
    later = {t.id: t.status for t in dataset.ties if t.year is not None and t.year > last}
    assert later and all(t_status in ("planned", "proposed", "announced") for t_status in later.values()), later


def test_the_flags_the_sensitivity_rows_read_are_well_formed(dataset):
    """``coding_doubt`` is a one-line reason, ``participants_assumed`` is true: the analysis reads
    exactly these two names and values."""
    doubtful = {t.id: t.attributes["coding_doubt"] for t in dataset.ties if "coding_doubt" in t.attributes}
    assumed = {t.id: t.attributes["participants_assumed"] for t in dataset.ties
               if "participants_assumed" in t.attributes}
    assert "ots-summit-10-2023" in doubtful and "turkic-intelligence-chiefs-meetings" in assumed
    assert all(isinstance(v, str) and v.strip() and "\n" not in v for v in doubtful.values()), doubtful
    assert all(v is True for v in assumed.values()), assumed
    for tie_id in assumed:
        assert "assum" in (dataset.tie(tie_id).note or ""), f"{tie_id}: the note must say whom the coder assumed"


def test_a_disputed_type_keeps_every_reading(dataset):
    """A conflict on ``type`` reads tie types, or ``none`` where a source says it is no defence tie."""
    on_type = {t.id: c for t in dataset.ties for c in t.conflicts if c.field == "type"}
    assert {"aze-tur-shusha-declaration-2021", "ots-summit-10-2023"} <= set(on_type)
    for tie_id, conflict in on_type.items():
        values = {r.value for r in conflict.readings}
        assert values <= set(TIE_TYPES) | {"none"}, (tie_id, values)
        assert dataset.tie(tie_id).type in values, tie_id
    summit = on_type["ots-summit-10-2023"]
    assert {(r.value, r.source[:3]) for r in summit.readings} == {
        ("defense_meeting", "004"), ("none", "002"), ("none", "000")}


def test_licensed_production_only_where_a_source_says_licence(dataset):
    """Production the text does not call licensed (004's "They are produced in ...") is not coded as
    licensed production; a proposal (nothing produced yet) is exempt."""
    for tie in dataset.ties:
        if tie.type == "licensed_production" and not tie.tentative:
            assert any("licen" in (s.quote or "").lower() for s in tie.sources), tie.id
