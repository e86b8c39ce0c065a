"""Sentences to raw hits: cue -> type, verb -> status, roles -> participants, text -> date.

Why rules read from ``lexicons/cues.yaml``: a coder must be able to see why a
candidate was proposed (``rule`` names the lexicon entry) and fix the lexicon,
not the code.  Per sentence:

1. the cues of every type are tried; a cue fires when its pattern and every
   ``requires`` pattern match and no ``excludes`` pattern does;
2. the clause around the cue is dropped when it is negated ("did not sign"),
   hypothetical ("could hold drills") or a question;
3. the status comes from the first matching verb group (``statuses``), else the
   type's default;
4. participants come from the gazetteer; directed types assign roles by the
   words around the names ("from Türkiye", "Turkish-made", "produced in X");
   "the two countries" stands for the states of the previous sentence;
5. the date is the one written nearest the cue, else the previous sentence's in
   the same paragraph, else — for a report in the present perfect or progressive
   ("have signed", "is holding") — the document's date; otherwise it is left out
   and the candidate says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tiegraph.extract.gazetteer import Gazetteer, Mention, lexicon
from tiegraph.extract.text import Document, Sentence
from tiegraph.extract.when import find_dates, pick
from tiegraph.model.dates import PartialDate
from tiegraph.model.vocabulary import TENTATIVE_STATUSES, TIE_TYPES

#: a recent report: present perfect or progressive, dated by the document when it gives no date
_RECENT = re.compile(r"\b(?:has|have) (?:\w+ly )?(?:been )?\w+(?:ed|en|un|ld|ne)\b|\b(?:is|are) \w+ing\b|"
                     r"\b(?:on|On) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_CLAUSE = re.compile(r";|:|,\s+(?:but|while|whereas|although|though)\b|\s+but\s+|\s+while\s+")
_EQUIPMENT = re.compile(r"(?:-made|\s+(?:\w+\s+){0,3}?(?:drones?|UAVs?|UCAVs?|unmanned|aircraft|helicopters?|weapons?|"
                        r"military equipment|equipment|armou?red|missiles?|defen[cs]e (?:and aerospace )?products|"
                        r"arms|artillery|platform))", re.I)
_INSTITUTION = re.compile(r"\s+(?:\w+\s+){0,2}?(?:institutions|academ(?:y|ies)|model|schools?|universit(?:y|ies))", re.I)
_TRAINEES = re.compile(r"\s+(?:\w+\s+){0,1}?(?:cadets|trainees|officers|servicemen|personnel|soldiers|"
                       r"defenders)", re.I)
_BUY = re.compile(r"\b(?:purchas|bought|buy|acquir|order|import|receiv|procur|introduced|rel(?:y|ied|ies) on|"
                  r"entered service)", re.I)


@dataclass
class Hit:
    """One tie proposed by one sentence (before merging)."""

    type: str
    participants: tuple[str, ...]
    status: str
    date: PartialDate | None
    date_how: str
    sentence: Sentence
    rule: str
    confidence: float
    attributes: dict[str, Any] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    continues: bool = False


@dataclass(frozen=True)
class Cue:
    type: str
    rule: str
    pattern: re.Pattern[str]
    requires: tuple[re.Pattern[str], ...]
    excludes: tuple[re.Pattern[str], ...]
    confidence: float


@dataclass
class Rules:
    """The compiled cue lexicon."""

    cues: list[Cue]
    statuses: list[tuple[str, frozenset[str] | None, re.Pattern[str]]]
    defaults: dict[str, str]
    negation: re.Pattern[str]
    hypothetical: re.Pattern[str]
    continuations: dict[str, re.Pattern[str]]
    anaphora: re.Pattern[str]
    not_defence: frozenset[str]


def _re(pattern: str, case: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case else re.I)


@cache
def load_rules() -> Rules:
    """``lexicons/cues.yaml`` compiled (once); unknown tie types in it are an error of the lexicon."""
    lex = lexicon("cues")
    named = {"signing": _re(lex["signing"])}
    cues: list[Cue] = []
    for tie_type, entries in lex["cues"].items():
        if tie_type not in TIE_TYPES:
            raise ValueError(f"lexicons/cues.yaml: unknown tie type '{tie_type}'")
        for entry in entries:
            requires = tuple(named.get(r) or _re(r) for r in entry.get("requires", []))
            excludes = tuple(_re(x) for x in entry.get("excludes", []))
            cues.append(Cue(tie_type, entry["rule"], _re(entry["pattern"], entry.get("case", False)),
                            requires, excludes, float(entry.get("confidence", 0.5))))
    statuses = [(e["status"], frozenset(e["types"]) if e.get("types") else None, _re(e["pattern"]))
                for e in lex["statuses"]]
    filters = lex["filters"]
    return Rules(cues, statuses, dict(lex["default_status"]), _re(filters["negation"]),
                 re.compile(filters["hypothetical"]),  # case-sensitive: "May 2022" is a month
                 {t: _re(p) for t, p in lex["continuations"].items()}, _re(lex["anaphora"]),
                 frozenset(lex.get("not_defence_organisations", [])))


# --------------------------------------------------------------------------- per sentence


@dataclass
class _Context:
    """What a sentence may refer back to: the previous states, organisation, supplier and date."""

    group: tuple[str, ...] = ()
    org: str | None = None
    supplier: str | None = None
    last_state: str | None = None
    date: tuple[PartialDate, str] | None = None


def extract_hits(doc: Document, gaz: Gazetteer, rules: Rules | None = None) -> list[Hit]:
    """Every hit of every sentence of ``doc``, in reading order."""
    rules = rules or load_rules()
    hits: list[Hit] = []
    ctx = _Context()
    for paragraph in doc.paragraphs:
        ctx.date = None
        for sentence in paragraph:
            hits += _sentence_hits(sentence, doc.published, gaz, rules, ctx)
    return hits


def _clause(text: str, at: int) -> str:
    start, end = 0, len(text)
    for match in _CLAUSE.finditer(text):
        if match.end() <= at:
            start = match.end()
        elif match.start() > at:
            end = match.start()
            break
    return text[start:end]


def _status(rules: Rules, tie_type: str, text: str) -> str:
    for status, types, pattern in rules.statuses:
        if types is not None and tie_type not in types:
            continue
        if status not in TENTATIVE_STATUSES and status != "ended" and types is None:
            continue
        if status == "ended" and tie_type != "membership":
            continue
        if pattern.search(text):
            return status
    return rules.defaults.get(tie_type, "signed")


def _sentence_hits(sentence: Sentence, published: PartialDate | None, gaz: Gazetteer, rules: Rules,
                   ctx: _Context) -> list[Hit]:
    text = sentence.text
    mentions = gaz.mentions(text)
    states = _unique(m.actor if m.kind == "state" else gaz.countries.get(m.actor, "") for m in mentions
                     if m.kind in ("state", "company"))
    states = tuple(s for s in states if s)
    orgs = _unique(m.actor for m in mentions if m.kind == "organization")
    found = find_dates(text, published)
    fired: dict[str, tuple[Cue, re.Match[str]]] = {}
    for cue in rules.cues:
        if cue.type in fired:
            continue
        match = cue.pattern.search(text)
        if match is None or not all(r.search(text) for r in cue.requires) or any(x.search(text) for x in cue.excludes):
            continue
        fired[cue.type] = (cue, match)
    hits: list[Hit] = []
    anaphoric = bool(rules.anaphora.search(text))
    own_date = pick(found)
    unresolved = gaz.unresolved(text, mentions) if fired else []
    for tie_type, (cue, match) in fired.items():
        clause = _clause(text, match.start())
        if text.rstrip().endswith("?") or rules.negation.search(clause) or rules.hypothetical.search(clause):
            continue
        confidence = cue.confidence
        chosen = pick(found, match.start())
        if chosen is not None:
            date, how = chosen.value, chosen.how
        elif ctx.date is not None:
            (date, how), confidence = ctx.date, confidence - 0.1
        elif published is not None and _RECENT.search(text) and TIE_TYPES[tie_type].temporal == "event":
            date = PartialDate.parse(published.iso[:7]) if published.month else published
            how, confidence = "publication", confidence - 0.1
        else:
            date, how = None, "undated"
        group = states
        if anaphoric and len(states) < 2 and ctx.group:
            group, confidence = _unique((*ctx.group, *states)), confidence - 0.1
        if len(group) < 2 and tie_type in ("defense_meeting", "joint_exercise"):
            expanded = [m for o in orgs for m in gaz.groups_of(o)]
            if expanded:
                group = _unique((*group, *expanded))
        status = _status(rules, tie_type, clause if tie_type != "membership" else text)
        base = dict(type=tie_type, status=status, date=date, date_how=how, sentence=sentence, rule=cue.rule,
                    confidence=round(max(confidence, 0.1), 2), unresolved=unresolved)
        if TIE_TYPES[tie_type].directed:
            for pair, attributes in _directed(tie_type, text, match, mentions, gaz, ctx, rules):
                hits.append(Hit(participants=pair, attributes=attributes, **base))  # type: ignore[arg-type]
        else:
            continuing = tie_type in rules.continuations and bool(rules.continuations[tie_type].search(text))
            hits.append(Hit(participants=group, continues=continuing, **base))  # type: ignore[arg-type]
    if len(states) >= 2:
        ctx.group = states
    elif anaphoric and not states:
        pass
    if states:
        ctx.last_state = states[0]
    if orgs:
        ctx.org = orgs[-1]
    if own_date is not None:
        ctx.date = (own_date.value, "previous sentence")
    return hits


def _unique(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --------------------------------------------------------------------------- roles of directed types


def _after(text: str, mention: Mention, words: tuple[str, ...]) -> bool:
    before = text[max(0, mention.start - 14):mention.start].lower()
    return any(before.endswith(w + " ") or before.endswith(w + " the ") for w in words)


def _directed(tie_type: str, text: str, match: re.Match[str], mentions: list[Mention], gaz: Gazetteer,
              ctx: _Context, rules: Rules) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    if tie_type == "membership":
        return _membership(text, mentions, ctx, rules)
    if tie_type == "training":
        return _training(text, mentions, ctx)
    if tie_type == "military_assistance":
        return _assistance(text, match, mentions)
    return _transfer(tie_type, text, mentions, gaz, ctx)


def _transfer(tie_type: str, text: str, mentions: list[Mention], gaz: Gazetteer, ctx: _Context
              ) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """Arms transfers and licensed production: supplier/licensor and each recipient/licensee."""
    attributes: dict[str, Any] = {}
    weapons = gaz.weapon_mentions(text)
    if weapons:
        attributes["system"] = weapons[0][1]
        if weapons[0][2]:
            attributes["maker"] = weapons[0][2]
    supplier = None
    for m in mentions:
        if m.kind in ("state", "company") and _after(text, m, ("from",)):
            supplier = m.actor
            break
    if supplier is None and tie_type == "licensed_production":
        supplier = next((m.actor for m in mentions if m.kind == "company"), None)
    if supplier is None:
        supplier = next((m.actor for m in mentions if m.form in ("demonym", "capital", "name") and m.kind == "state"
                         and _EQUIPMENT.match(text, m.end)), None)
    if supplier is None and weapons:
        supplier = gaz.maker_country(weapons[0][2])
    if supplier is None:
        supplier = ctx.supplier
    if supplier is None:
        return []
    ctx.supplier = supplier
    if tie_type == "licensed_production":
        targets = [m.actor for m in mentions if m.kind == "state" and m.actor != supplier
                   and (_after(text, m, ("in", "and", ",")) or m.form == "name")]
    else:
        targets = [m.actor for m in mentions if m.kind == "state" and m.actor != supplier
                   and not _after(text, m, ("from",)) and not _EQUIPMENT.match(text, m.end)]
        buyers = [m.actor for m in mentions if m.kind == "state" and m.actor != supplier and _BUY.search(text, m.end)
                  and _BUY.search(text, m.end).start() - m.end < 40]  # type: ignore[union-attr]
        targets = buyers or targets
    country = gaz.countries.get(supplier)
    return [((supplier, t), dict(attributes)) for t in _unique(targets) if t != country]


def _training(text: str, mentions: list[Mention], ctx: _Context) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    trainer = next((m.actor for m in mentions if _INSTITUTION.match(text, m.end) or
                    (m.kind == "state" and _after(text, m, ("held in", "in")) and "seminar" in text.lower())), None)
    if trainer is None:
        return []
    trainee = next((m.actor for m in mentions if m.actor != trainer and m.kind == "state"
                    and (_TRAINEES.match(text, m.end) or _after(text, m, ("from",)))), None)
    trainee = trainee or next((m.actor for m in mentions if m.actor != trainer and m.kind == "state"), None)
    trainee = trainee or (ctx.last_state if ctx.last_state != trainer else None)
    return [((trainer, trainee), {})] if trainee else []


def _assistance(text: str, match: re.Match[str], mentions: list[Mention]) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    before = [m for m in mentions if m.start < match.start()]
    after = [m for m in mentions if m.start >= match.end()]
    if not before:
        return []
    provider = before[-1].actor
    recipient = next((m.actor for m in after if m.actor != provider and m.kind != "organization"), None)
    return [((provider, recipient), {})] if recipient else []


def _membership(text: str, mentions: list[Mention], ctx: _Context, rules: Rules
                ) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    orgs = [m.actor for m in mentions if m.kind == "organization"]
    org = orgs[0] if orgs else (ctx.org if re.search(r"\b[Tt]he (?:organi[sz]ation|alliance|bloc)\b", text) else None)
    if org is None or org in rules.not_defence:
        return []
    out: list[tuple[tuple[str, str], dict[str, Any]]] = []
    start = 0
    for part in [*_CLAUSE.split(text)]:
        at = text.find(part, start)
        start = at + len(part)
        role = "observer" if re.search(r"\bobservers?\b", part) else "member"
        for m in mentions:
            if m.kind == "state" and at <= m.start < at + len(part) and m.form != "demonym":
                out.append(((m.actor, org), {"role": role}))
    return out
