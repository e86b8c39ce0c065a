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
from tiegraph.extract.roles import JOINING, Context, directed_pairs, lists, opponent, transfer_pairs, unique
from tiegraph.extract.text import Document, Sentence
from tiegraph.extract.when import find_dates, pick
from tiegraph.model.dates import PartialDate
from tiegraph.model.vocabulary import TENTATIVE_STATUSES, TIE_TYPES

#: a document dated to the day with at most this many words is a news item or a release: the events
#: it reports without a date of their own are dated by it (longer texts discuss the past)
NEWS_WORDS = 600
#: a sentence about what is to come: its "September 2" is the next one
_FUTURE = re.compile(r"\bwill\b|\b(?:is|are) (?:set|scheduled|due|to)\b|\b(?:start|begin)s? on\b|\bupcoming\b")
#: a ratification reported today is of an agreement signed before: not dated by the report
_RATIFIED = re.compile(r"\bratif(?:y|ied|ies|ication)\b", re.I)
#: a recent report: present perfect or progressive, dated by the document when it gives no date
_RECENT = re.compile(r"\b(?:has|have) (?:\w+ly )?(?:been )?\w+(?:ed|en|un|ld|ne)\b|\b(?:is|are) \w+ing\b|"
                     r"\b(?:on|On) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
#: standing types dated by their signing, whatever the verb
_AGREEMENTS = frozenset({"alliance_treaty", "defense_cooperation_agreement", "intelligence_protocol",
                         "strategic_partnership"})
#: clause boundaries for the scope of a negation, a hypothesis and a date
_SCOPE = re.compile(r";|:|,\s+(?:but|while|whereas|although|though|which|as|and(?=\s+[a-z]))\b|\s+but\s+|"
                    r"\s+while\s+")
#: "In July of that year": a month of the year the text was just talking about
_DEFINITE = re.compile(r"(?:The|This|During the|At the) (?:summit|meeting|visit|exercises?|drills?|talks|agreement)\b")
_THAT_YEAR = re.compile(r"\b(?:of|in) that year\b|\b(?:that|the) same year\b")


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


def extract_hits(doc: Document, gaz: Gazetteer, rules: Rules | None = None) -> list[Hit]:
    """Every hit of every sentence of ``doc``, in reading order."""
    rules = rules or load_rules()
    hits: list[Hit] = []
    ctx = Context(news=doc.published is not None and doc.published.day is not None and doc.words <= NEWS_WORDS)
    for paragraph in doc.paragraphs:
        if ctx.date is not None and not _DEFINITE.match(paragraph[0].text):
            ctx.date = None  # a paragraph starts afresh, unless it opens with "The summit …"
        for sentence in paragraph:
            hits += _sentence_hits(sentence, doc.published, gaz, rules, ctx)
    return hits


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


def _segments(text: str) -> list[tuple[int, int]]:
    """The clauses of a sentence, as (start, end): the scope of a negation and of a date."""
    cuts = [0, *(m.end() for m in _SCOPE.finditer(text)), len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _events(cue: Cue, text: str, segments: list[tuple[int, int]], published: PartialDate | None
            ) -> list[tuple[re.Match[str], tuple[int, int] | None]]:
    """The cue's matches to code: one per clause when two or more clauses each have the cue and a
    date of their own ("held X in June 2017, and similar exercises were held in 2019"), else the first."""
    per_clause: dict[tuple[int, int], re.Match[str]] = {}
    for match in cue.pattern.finditer(text):
        clause = next(seg for seg in segments if seg[0] <= match.start() < seg[1])
        if clause not in per_clause and find_dates(text[clause[0]:clause[1]], published):
            per_clause[clause] = match
    if len(per_clause) >= 2:
        return [(m, seg) for seg, m in per_clause.items()]
    first = cue.pattern.search(text)
    return [(first, None)] if first else []


def _sentence_hits(sentence: Sentence, published: PartialDate | None, gaz: Gazetteer, rules: Rules,
                   ctx: Context) -> list[Hit]:
    text = sentence.text
    mentions = gaz.mentions(text)
    states = _states(mentions, gaz)
    orgs = unique(m.actor for m in mentions if m.kind == "organization")
    found = find_dates(text, published)
    segments = _segments(text)
    hits: list[Hit] = []
    fired: set[str] = set()
    unresolved: list[str] | None = None
    for cue in rules.cues:
        if cue.type in fired or not cue.pattern.search(text):
            continue
        if not all(r.search(text) for r in cue.requires) or any(x.search(text) for x in cue.excludes):
            continue
        fired.add(cue.type)
        if unresolved is None:
            unresolved = gaz.unresolved(text, mentions)
        for match, clause_span in _events(cue, text, segments, published):
            scope = next(text[a:b] for a, b in segments if a <= match.start() < b)
            if text.rstrip().endswith("?") or rules.hypothetical.search(scope) or (
                    cue.type != "membership" and rules.negation.search(scope)):
                continue  # a membership's negation is read per list of states (_membership)
            part = text if clause_span is None else text[clause_span[0]:clause_span[1]]
            offset = 0 if clause_span is None else clause_span[0]
            part_mentions = mentions if clause_span is None else [
                m for m in mentions if clause_span[0] <= m.start < clause_span[1]]
            new = _hits_of(cue, match, part, offset, part_mentions, sentence, published, gaz, rules, ctx,
                           orgs, unresolved)
            for hit in new:
                if not TIE_TYPES[hit.type].directed and len(hit.participants) >= 2:
                    ctx.group = hit.participants  # "… and similar exercises were held in 2019"
            hits += new
    if len(states) >= 2:
        ctx.group = states
    if states:
        ctx.last_state = states[0]
    if orgs:
        ctx.org = orgs[-1]
    own_date = pick(found)
    if own_date is not None:
        ctx.date = (own_date.value, "previous sentence")
    return hits


_VISITED = re.compile(r"\bvisit(?:ed|s|ing)?\b")


def _visits(part: str, offset: int, mentions: list[Mention], group: tuple[str, ...]) -> list[tuple[str, str]]:
    """"The Turkish minister visited Turkmenistan and Uzbekistan": one meeting per state visited."""
    verb = _VISITED.search(part)
    if verb is None:
        return []
    text = " " * offset + part  # mention positions are the sentence's
    visited = next(([m.actor for m in g if m.kind == "state"] for g in lists(text, mentions)
                    if g[0].start >= offset + verb.end() and g[0].start - offset - verb.end() < 60), [])
    visitors = [s for s in group if s not in visited]
    if len(visited) < 2 or len(visitors) != 1:
        return []
    return [(visitors[0], v) for v in visited]


def _states(mentions: list[Mention], gaz: Gazetteer) -> tuple[str, ...]:
    """States named (a company stands for its country), in order, once each."""
    ids = (m.actor if m.kind == "state" else gaz.countries.get(m.actor, "") for m in mentions
           if m.kind in ("state", "company"))
    return tuple(s for s in unique(ids) if s)


_WITH_LIST = re.compile(r"\bjoint (?:\w+ )?projects with\b|\bcooperation with\b")
_MEMBER_STATES = re.compile(r"\b(?:all |the )?member (?:states|countries)\b")
_NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _hits_of(cue: Cue, match: re.Match[str], part: str, offset: int, mentions: list[Mention], sentence: Sentence,
             published: PartialDate | None, gaz: Gazetteer, rules: Rules, ctx: Context, orgs: tuple[str, ...],
             unresolved: list[str]) -> list[Hit]:
    """The hits of one cue match in ``part`` (the sentence, or one clause of it)."""
    tie_type = cue.type
    confidence = cue.confidence
    ref = ctx.date[0] if ctx.date is not None and _THAT_YEAR.search(part) else published
    status = _status(rules, tie_type, part if tie_type != "membership" else sentence.text)
    future = status in TENTATIVE_STATUSES or bool(_FUTURE.search(part))
    chosen = pick(find_dates(part, ref, future), match.start() - offset)
    if TIE_TYPES[tie_type].temporal == "standing" and tie_type not in _AGREEMENTS and not JOINING.search(part):
        date, how = None, "undated"  # a standing relation is dated only by a sentence that says when it began
    elif chosen is not None:
        date, how = chosen.value, chosen.how
    elif ctx.date is not None:
        (date, how), confidence = ctx.date, confidence - 0.1
    elif published is not None and (ctx.news or _RECENT.search(sentence.text)) and not _RATIFIED.search(part) and (
            TIE_TYPES[tie_type].temporal == "event" or tie_type in _AGREEMENTS):
        date = PartialDate.parse(published.iso[:7]) if published.month else published
        how, confidence = "publication", confidence - 0.1
    else:
        date, how = None, "undated"
    group = _states([m for m in mentions if not opponent(sentence.text, m)], gaz)
    anaphor = rules.anaphora.search(part)
    if anaphor and ctx.group:
        wanted = next((n for w, n in _NUMBERS.items() if w in anaphor.group(0).lower()), 2)
        if len(group) < wanted:
            group, confidence = unique((*ctx.group, *group)), confidence - 0.1
    if len(group) < 2:
        # "the OTS summit", "all member states": the organisation's members (as the data records them)
        frame = orgs or ((ctx.org,) if ctx.org and _MEMBER_STATES.search(part) else ())
        expanded = [m for o in frame for m in gaz.groups_of(o)]
        if expanded:
            group = unique((*group, *expanded))
    base: dict[str, Any] = dict(type=tie_type, status=status, date=date, date_how=how, sentence=sentence,
                                rule=cue.rule, confidence=round(max(confidence, 0.1), 2), unresolved=unresolved)
    if TIE_TYPES[tie_type].directed:
        out = []
        for pair, attributes in directed_pairs(tie_type, sentence.text, match, mentions, gaz, ctx, rules.negation, rules.not_defence):
            undated = {"date": None, "date_how": "undated"} if attributes.pop("_dated", True) is False else {}
            out.append(Hit(participants=pair, attributes=attributes,
                           **{**base, "status": attributes.pop("_status", status), **undated}))
        return out
    visits = _visits(part, offset, mentions, group) if tie_type == "defense_meeting" and len(group) > 2 else []
    if visits:
        return [Hit(participants=pair, **base) for pair in visits]
    partners = _WITH_LIST.search(part)
    if tie_type == "defense_industrial_cooperation" and partners and len(group) > 2:
        # "X is developing joint projects with Y and Z": X with each partner, not one three-party tie
        later = {m.actor for m in mentions if m.start >= offset + partners.end()}
        subject = next((g for g in group if g not in later), None)
        if subject is not None:
            return [Hit(participants=(subject, p), **base) for p in group if p in later and p != subject]
    if tie_type == "defense_industrial_cooperation" and "produced in" in part:
        # "Turkish drones are produced in X and Y": the maker's state and each place, no licence said
        return [Hit(participants=(gaz.countries.get(a, a), b), attributes=attributes, **base)
                for (a, b), attributes in transfer_pairs("licensed_production", sentence.text, mentions, gaz, ctx)]
    continuing = tie_type in rules.continuations and bool(rules.continuations[tie_type].search(part))
    return [Hit(participants=group, continues=continuing, **base)]

