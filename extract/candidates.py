"""Hits to candidate ties in the project's own format, one file per document.

Why the data format itself: a candidates directory is an ordinary data directory
(``actors.yaml`` + ``ties/<document>.yaml``), so ``tiegraph validate`` checks it,
``report`` and ``export`` can look at it, and accepting a candidate is moving a
record, not converting one.

One event is often reported over several sentences ("Azerbaijan, Turkey and
Pakistan held Three Brothers-2021 … Special forces of the three countries
participated in the exercise"); hits are merged into one candidate when

* a sentence continues an event of the same or the previous paragraph with a
  definite reference ("the exercise", "during the visit"): participants are
  joined, the quote of each sentence kept as a source;
* two hits of one document have the same type, participants and year: one
  candidate with both quotes.

Each candidate carries ``attributes.rule`` (the lexicon entry), ``confidence``,
``date_from`` (text, name, relative, previous sentence, publication, undated), any
``unresolved`` names of its sentences and, with ``--against``, whether the data
already has it (``against``: "already coded as tie X" or "new", by the project's
overlap matcher, ``loaders/overlap.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tiegraph.extract.gazetteer import Gazetteer
from tiegraph.extract.rules import Hit, Rules, extract_hits
from tiegraph.extract.text import Document
from tiegraph.loaders.overlap import find_overlaps
from tiegraph.loaders.records import RawRecord
from tiegraph.loaders.validate import build_tie
from tiegraph.model.entities import Dataset, Tie
from tiegraph.model.errors import Problem
from tiegraph.model.vocabulary import TENTATIVE_STATUSES, TIE_TYPES

#: the dataset of every candidate (so the overlap matcher compares it with the data)
DATASET = "extracted"
_PRECISION = {"day": 3, "month": 2, "year": 1, "decade": 0}
_HOW_RANK = {"text": 0, "name": 1, "relative": 2, "previous sentence": 3, "publication": 4, "undated": 5}
_NAME = re.compile(r"[“\"]([^”\"]{3,60})[”\"]|\b((?:[A-Z][\w’']+ ){0,3}[A-Z][\w’']+ ?[-–] ?20\d\d)\b")


@dataclass
class Candidates:
    """The candidates of one document and the names it could not resolve."""

    document: Document
    ties: list[dict[str, Any]]
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug(Path(self.document.name).stem)


def slug(text: str) -> str:
    """``000_aaf3 Report.txt`` -> ``000-aaf3-report``: an id part and a file name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def _merge(into: Hit, other: Hit) -> None:
    """Fold ``other`` into ``into``: participants joined, the better date kept, every sentence a source."""
    if not TIE_TYPES[into.type].directed:  # a directed pair is the merge key: never widened
        into.participants = tuple(dict.fromkeys((*into.participants, *other.participants)))
    if other.date is not None and (into.date is None or _HOW_RANK[other.date_how] < _HOW_RANK[into.date_how]
                                   or (other.date.year == into.date.year and other.date_how == into.date_how
                                       and _PRECISION[other.date.precision] > _PRECISION[into.date.precision])):
        into.date, into.date_how = other.date, other.date_how
    if into.status in TENTATIVE_STATUSES and other.status not in TENTATIVE_STATUSES:
        into.status = other.status
    into.confidence = max(into.confidence, other.confidence)
    for key, value in other.attributes.items():
        into.attributes.setdefault(key, value)
    into.unresolved = list(dict.fromkeys((*into.unresolved, *other.unresolved)))
    sources = into.attributes.setdefault("_sentences", [into.sentence])
    for sentence in other.attributes.get("_sentences", [other.sentence]):
        if sentence not in sources:
            sources.append(sentence)


def merge_hits(hits: list[Hit]) -> list[Hit]:
    """One hit per event: continuations joined to their event, then equal (type, participants, year) joined."""
    events: list[Hit] = []
    last: dict[str, Hit] = {}
    for hit in hits:
        previous = last.get(hit.type)
        if (hit.continues and previous is not None
                and hit.sentence.paragraph - previous.sentence.paragraph <= 1
                and (hit.date is None or previous.date is None or hit.date.year == previous.date.year)):
            _merge(previous, hit)
            continue
        events.append(hit)
        last[hit.type] = hit
    merged: dict[tuple[Any, ...], Hit] = {}
    for hit in events:
        directed = TIE_TYPES[hit.type].directed
        if directed and (len(hit.participants) != 2 or hit.participants[0] == hit.participants[1]):
            continue
        if not directed and len(hit.participants) < 2:
            continue
        who = hit.participants if directed else frozenset(hit.participants)
        key = (hit.type, who, hit.date.year if hit.date else None, hit.attributes.get("role"))
        if key in merged:
            _merge(merged[key], hit)
        else:
            merged[key] = hit
    return _undated_into_dated(list(merged.values()))


#: types whose undated mention in a document is the dated one of the same parties ("ratified an
#: agreement on military cooperation with Uzbekistan … The agreement … was signed on July 26, 2017")
_ONE_AGREEMENT = frozenset({"alliance_treaty", "defense_cooperation_agreement", "intelligence_protocol",
                            "strategic_partnership"})


def _undated_into_dated(hits: list[Hit]) -> list[Hit]:
    dated = {(h.type, frozenset(h.participants)): h for h in hits if h.date is not None and h.type in _ONE_AGREEMENT}
    out = []
    for hit in hits:
        target = dated.get((hit.type, frozenset(hit.participants))) if hit.date is None else None
        if target is not None:
            _merge(target, hit)
        else:
            out.append(hit)
    return out


def _title(hit: Hit) -> str | None:
    if hit.type != "joint_exercise":
        return None
    for sentence in hit.attributes.get("_sentences", [hit.sentence]):
        match = _NAME.search(sentence.text)
        if match:
            return (match.group(1) or match.group(2)).strip()
    return None


def to_record(hit: Hit, tie_id: str, doc: Document) -> dict[str, Any]:
    """The tie record (data/FORMAT.md) of a merged hit."""
    record: dict[str, Any] = {"id": tie_id, "type": hit.type}
    if TIE_TYPES[hit.type].directed:
        record["from"], record["to"] = hit.participants
    else:
        record["participants"] = sorted(hit.participants)
    if hit.date is not None:
        record["start"] = hit.date.iso
    record["status"] = hit.status
    title = _title(hit)
    if title:
        record["title"] = title
    attributes = {k: v for k, v in hit.attributes.items() if not k.startswith("_")}
    attributes.update(rule=hit.rule, confidence=hit.confidence, date_from=hit.date_how)
    if hit.unresolved:
        attributes["unresolved"] = "; ".join(hit.unresolved)
    record["attributes"] = attributes
    sources = []
    for sentence in hit.attributes.get("_sentences", [hit.sentence]):
        source = {"document": doc.name, "locator": sentence.locator, "quote": sentence.text}
        if doc.url:
            source["url"] = doc.url
        sources.append(source)
    record["sources"] = sources
    record["dataset"] = DATASET
    return record


def build_candidates(doc: Document, gaz: Gazetteer, rules: Rules | None = None,
                     against: Dataset | None = None) -> Candidates:
    """The candidates of ``doc``: hits merged, records checked by the project's validator."""
    hits = merge_hits(extract_hits(doc, gaz, rules))
    hits.sort(key=lambda h: (h.sentence.paragraph, h.sentence.number))
    base = slug(Path(doc.name).stem)
    records: list[dict[str, Any]] = []
    skipped: list[str] = []
    for number, hit in enumerate(hits, start=1):
        record = to_record(hit, f"{base}-{number:02d}-{hit.type.replace('_', '-')}", doc)
        problems: list[Problem] = []
        if build_tie(RawRecord(doc.name, 0, record, {}), problems, gaz.kinds.get) is None:
            skipped.append(f"{hit.sentence.locator}: {'; '.join(p.message for p in problems)}")
            continue
        records.append(record)
    unresolved: dict[str, str] = {}
    for paragraph in doc.paragraphs:
        for sentence in paragraph:
            for name in gaz.unresolved(sentence.text, gaz.mentions(sentence.text)):
                unresolved.setdefault(name, sentence.locator)
    found = Candidates(doc, records, list(unresolved.items()), skipped)
    if against is not None:
        mark_against(found.ties, against, gaz)
    return found


def mark_against(records: list[dict[str, Any]], against: Dataset, gaz: Gazetteer) -> None:
    """Set ``attributes.against`` of each record: "already coded as tie X" or "new" (overlap matcher)."""
    ties: list[Tie] = []
    for number, record in enumerate(records):
        # one dataset per candidate: each is matched on its own, never absorbed by a sibling
        tie = build_tie(RawRecord("candidates", 0, {**record, "dataset": f"{DATASET}-{number}"}, {}), [],
                        lambda i: gaz.kinds.get(i) or (against.actors[i].kind if i in against.actors else None))
        if tie is not None:
            ties.append(tie)
    matched = {p["duplicate"]: p["kept"] for p in find_overlaps([*against.ties, *ties])
               if p["duplicate_dataset"].startswith(DATASET) and not p["kept_dataset"].startswith(DATASET)}
    for record in records:
        kept = matched.get(record["id"])
        record["attributes"]["against"] = f"already coded as tie {kept}" if kept else (
            "new" if "start" in record else "new (undated: not compared)")


def render(found: Candidates) -> str:
    """The candidates file: a header naming the document and the unresolved names, then the records."""
    doc = found.document
    lines = [f"# Candidate ties extracted by `tiegraph extract` from {doc.name}",
             f"# document date: {doc.published.iso if doc.published else 'unknown (relative dates left out)'}"
             + (f"; {doc.url}" if doc.url else ""),
             "# Review: tiegraph review DIR --accept ID --reject ID --into DATA --by NAME"]
    if found.unresolved:
        lines.append("# Unresolved names (no actor of the data; nothing was coded for them):")
        lines += [f"#   - {name} ({where})" for name, where in found.unresolved]
    body = yaml.safe_dump(found.ties, sort_keys=False, allow_unicode=True, width=100000) if found.ties else "[]\n"
    return "\n".join(lines) + "\n\n" + body
