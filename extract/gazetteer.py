"""Names in a sentence resolved to actor ids, from the data's own actors plus a lexicon.

Why built from the actors files: an id the extractor proposes must be an actor the
data already has, so the candidates validate and a coder never meets an invented
actor.  Every actor's name and aliases are names; ``lexicons/gazetteer.yaml`` adds
demonyms ("Uzbek"), capitals as metonyms ("Ankara"), spellings and ministries,
companies' other names, the words for an organisation's member states ("OTS
countries", expanded to the members the data records), and weapon systems with
their makers (TB2 -> Baykar, whose country is TUR).  A lexicon entry naming an id
the data lacks is skipped, so the lexicon works with any data directory.

Names that look like actors but resolve to nothing — a state outside the data
("China"), a company-like name ("Kazakhstan Engineering") — are reported as
*unresolved* beside the candidate, never turned into an actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tiegraph.model.entities import Dataset

LEXICONS = Path(__file__).resolve().parent / "lexicons"


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor named in a sentence: where, which id, and how it was named."""

    start: int
    end: int
    actor: str
    kind: str
    #: name | demonym | capital | group | weapon
    form: str
    surface: str


@dataclass
class Gazetteer:
    """Surface names -> actor ids, compiled into one longest-first regular expression."""

    names: dict[str, tuple[str, str]]
    kinds: dict[str, str]
    countries: dict[str, str]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regions: dict[str, frozenset[str]] = field(default_factory=dict)
    weapons: dict[str, str | None] = field(default_factory=dict)
    unresolved_names: tuple[str, ...] = ()
    company_suffixes: tuple[str, ...] = ()
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: group word -> the organisation it names ("OTS countries" -> ots)
    group_orgs: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._names = _alternation(self.names)
        self._weapons = _alternation(self.weapons)
        self._groups = _alternation(self.groups)
        self._unresolved = _alternation(dict.fromkeys(self.unresolved_names))
        suffixes = "|".join(map(re.escape, self.company_suffixes)) or "(?!)"
        self._companies = re.compile(rf"\b(?:[A-Z][\w’'-]+\s+){{1,3}}(?:{suffixes})\b")

    # ------------------------------------------------------------------ look-ups

    def mentions(self, sentence: str) -> list[Mention]:
        """The actors named in ``sentence``, in order; group words expand to their members."""
        found: list[Mention] = []
        spans: list[tuple[int, int]] = []
        org_of = self.group_orgs
        for match in self._groups.finditer(sentence):
            members = _narrow(self.regions, sentence[max(0, match.start() - 25):match.start()],
                              self.groups[match.group(0)])
            if match.group(0) in org_of:
                found.append(Mention(match.start(), match.end(), org_of[match.group(0)], "organization", "group",
                                     match.group(0)))
            for member in members:
                found.append(Mention(match.start(), match.end(), member, self.kinds[member], "group", match.group(0)))
            spans.append(match.span())
        for match in self._names.finditer(sentence):
            if any(match.start() < e and s < match.end() for s, e in spans):
                continue
            actor, form = self.names[match.group(0)]
            found.append(Mention(match.start(), match.end(), actor, self.kinds[actor], form, match.group(0)))
        found.sort(key=lambda m: m.start)
        return found

    def weapon_mentions(self, sentence: str) -> list[tuple[int, str, str | None]]:
        """``(position, system, maker id or None)`` of every weapon system named."""
        return [(m.start(), m.group(0), self.weapons[m.group(0)]) for m in self._weapons.finditer(sentence)]

    def groups_of(self, org: str) -> tuple[str, ...]:
        """The member states of ``org`` the data records (empty when it records none)."""
        return self.members.get(org, ())

    def maker_country(self, maker: str | None) -> str | None:
        """The state that supplies a maker's system: the company's country, or the maker itself."""
        if maker is None:
            return None
        return self.countries.get(maker, maker if self.kinds.get(maker) == "state" else None)

    def unresolved(self, sentence: str, mentions: list[Mention]) -> list[str]:
        """Actor-like names in ``sentence`` that resolve to no id of the data."""
        taken = [(m.start, m.end) for m in mentions]
        out: list[str] = []
        for pattern in (self._unresolved, self._companies):
            for match in pattern.finditer(sentence):
                if any(match.start() < e and s < match.end() for s, e in taken):
                    # "Kazakhstan Engineering": the state's name inside a company's is not the company
                    if pattern is self._unresolved or _inside_only(match, taken):
                        continue
                name = match.group(0)
                if pattern is self._companies and (name in self.names or _generic(name, taken, match.start())):
                    continue
                if name not in out:
                    out.append(name)
                taken.append(match.span())
        return out


#: words that make a ministry or a department, not a company ("the Kazakh Defense Ministry")
GENERIC = frozenset({"National", "Defense", "Defence", "Industry", "Industries", "Military", "State", "Ministry",
                     "The", "Working", "Group", "Armed", "Forces", "Joint", "General", "Staff", "Main"})


def _generic(name: str, taken: list[tuple[int, int]], start: int) -> bool:
    """True when ``name``, without a leading known name ("Kazakh", "Turkey’s"), is made of generic words only."""
    words = name.split()
    position = start
    kept: list[str] = []
    for word in words:
        known = any(s <= position < e for s, e in taken)
        if not (known and not kept):
            kept.append(word)
        position += len(word) + 1
    return all(w.rstrip("’'s") in GENERIC or w in GENERIC for w in kept)


def _inside_only(match: re.Match[str], taken: list[tuple[int, int]]) -> bool:
    """True when a known name covers the whole company-like match (it is a known actor)."""
    return any(s <= match.start() and match.end() <= e for s, e in taken)


def _narrow(regions: dict[str, frozenset[str]], before: str, members: tuple[str, ...]) -> tuple[str, ...]:
    for region, states in regions.items():
        if before.rstrip().endswith(region):
            return tuple(m for m in members if m in states)
    return members


def _alternation(table: dict[str, Any]) -> re.Pattern[str]:
    names = sorted(table, key=lambda n: (-len(n), n))
    if not names:
        return re.compile(r"(?!)")
    body = "|".join(re.escape(n) for n in names)
    # a hyphen may join names ("the Türkiye-Azerbaijan-Georgia meeting"), a letter may not
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


@cache
def lexicon(name: str) -> dict[str, Any]:
    """A lexicon file of ``lexicons/`` (read once)."""
    with open(LEXICONS / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def build_gazetteer(dataset: Dataset) -> Gazetteer:
    """The gazetteer of ``dataset``'s actors plus ``lexicons/gazetteer.yaml`` (entries for absent ids skipped)."""
    lex = lexicon("gazetteer")
    kinds = {a.id: a.kind for a in dataset.actors.values()}
    countries = {a.id: a.country for a in dataset.actors.values() if a.country}
    names: dict[str, tuple[str, str]] = {}

    def add(surface: str, actor: str, form: str) -> None:
        if actor in kinds and surface:
            names.setdefault(str(surface), (actor, form))

    for actor in dataset.actors.values():
        add(actor.name, actor.id, "name")
        for alias in actor.aliases:
            add(alias, actor.id, "name")
    for section, form in (("aliases", "name"), ("demonyms", "demonym"), ("capitals", "capital")):
        for actor, surfaces in (lex.get(section) or {}).items():
            for surface in surfaces or []:
                add(surface, actor, form)
    members = _members(dataset)
    groups = {str(word): members[org] for org, words in (lex.get("groups") or {}).items()
              if members.get(org) for word in words}
    group_orgs = {str(word): org for org, words in (lex.get("groups") or {}).items()
                  if members.get(org) for word in words}
    for word, ids in (lex.get("fixed_groups") or {}).items():
        if all(i in kinds for i in ids):
            groups[str(word)] = tuple(ids)
    regions = {name: frozenset(ids) for name, ids in (lex.get("regions") or {}).items()}
    weapons = {str(k): (v if v in kinds else None) for k, v in (lex.get("weapons") or {}).items()}
    unresolved = tuple(str(n) for n in lex.get("unresolved_states") or [] if str(n) not in names)
    return Gazetteer(names, kinds, countries, groups, regions, weapons, unresolved,
                     tuple(lex.get("company_suffixes") or ()), members, group_orgs)


def _members(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """Organisation -> its full members in the data (membership ties with role member, not ended)."""
    found: dict[str, list[str]] = {}
    for tie in dataset.ties:
        if tie.type == "membership" and tie.status != "ended" and tie.attributes.get("role", "member") == "member":
            member, org = tie.participants
            if dataset.actors.get(member) is not None and dataset.actors[member].kind == "state":
                found.setdefault(org, []).append(member)
    return {org: tuple(sorted(set(ids))) for org, ids in found.items()}
