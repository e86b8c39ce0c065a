"""Who is who in a sentence: the roles of directed ties and what a sentence may refer back to.

Why words around the names: a directed tie needs its ends the right way round
(seller -> buyer, trainer -> trainee, member -> organisation), and a sentence
names them in many ways.  The rules here, each kept small so a coder can follow
them:

* arms transfers and licensed production: the supplier is a name after "from",
  a nationality word before the equipment ("Turkish drones", "Russian-made"), a
  company of that country named in the sentence, or the maker's country of a
  named system (TB2 -> Baykar -> TUR); the recipients are the states before a
  verb of buying ("Kazakhstan, Uzbekistan and Kyrgyzstan continued to rely"), else
  the other states named, never one after "against" or "from";
* training: the trainer is the name before the institutions ("Turkish military
  institutions", "NATO academies"), the trainee the state before its cadets,
  officers or servicemen;
* military assistance: the provider is the name before the cue ("Turkey's military
  support"), the recipient the first name after it;
* membership: each list of states with what is said of it ("X and Y are members of
  the OTS while Z is an observer", "Uzbekistan has withdrawn from CSTO").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tiegraph.extract.gazetteer import Gazetteer, Mention
from tiegraph.model.dates import PartialDate

JOINING = re.compile(r"\b(?:joined|admitted|established|founded|became|accession|acceded|began|started|launched|"
                      r"signed|agreed|concluded|since|agreements?|memorandum|deal|contract)\b", re.I)
_EQUIPMENT = re.compile(r"(?:-made|\s+(?:(?!purchas|bought|acquir|order|import|receiv|procur|introduc|rel[yi])[\w-]+\s+){0,2}?(?:drones?|UAVs?|UCAVs?|unmanned|aircraft|helicopters?|weapons?|"
                        r"military equipment|equipment|armou?red|missiles?|defen[cs]e (?:and aerospace )?products|"
                        r"arms|artillery|platform))", re.I)
_INSTITUTION = re.compile(r"\s+(?:\w+\s+){0,2}?(?:institutions|academ(?:y|ies)|model|schools?|universit(?:y|ies))", re.I)
_TRAINEES = re.compile(r"\s+(?:\w+\s+){0,1}?(?:cadets|trainees|officers|servicemen|personnel|soldiers|"
                       r"defenders|students)", re.I)
_SELL = re.compile(r"\s+(?:\w+\s+)?(?:sold|sells|exported|exports|supplied|supplies|delivered|handed over|hands over|"
                   r"donated|transferred|gave|gifted)\b|"
                   # "Pakistan has inked its largest defence equipment export deal with Azerbaijan"
                   r"\s+(?:has\s+|have\s+)?(?:inked|signed|concluded|won)\s+(?:[\w-]+\s+){0,5}?export\s+"
                   r"(?:deal|contract|agreement)", re.I)
_BUY = re.compile(r"\b(?:purchas|bought|buy|acquir|order|import|receiv|procur|introduced|getting|gets\b|rel(?:y|ied|ies)\b|"
                  r"entered service)", re.I)


@dataclass
class Context:
    """What a sentence may refer back to: the previous states, organisation, supplier and date."""

    group: tuple[str, ...] = ()
    org: str | None = None
    supplier: str | None = None
    last_state: str | None = None
    date: tuple[PartialDate, str] | None = None
    #: a news item (dated to the day, short): an undated event it reports happened about then
    news: bool = False


# --------------------------------------------------------------------------- roles of directed types


#: words before a name that make it an opponent, not a party
OPPONENT = ("against", "war with", "war on", "fight against", "challenge to", "threat to")


def unique(items: Any) -> tuple[str, ...]:
    """``items`` once each, in order."""
    return tuple(dict.fromkeys(items))


_OPPOSED_AFTER = re.compile(r"\s*(?:occupation|aggression|forces attacked|attacks?\b|invasion)")


_OPPOSED_BEFORE = re.compile(rf"\b(?:{'|'.join(OPPONENT)})\s+(?:the\s+)?(?:[a-z-]+\s+)?$")


def opponent(text: str, mention: Mention) -> bool:
    """A name of an opponent, not a party: "against (neighbouring) Tajikistan", "from Armenian occupation"."""
    return bool(_OPPOSED_BEFORE.search(text[max(0, mention.start - 40):mention.start])
                or _OPPOSED_AFTER.match(text, mention.end))


def after(text: str, mention: Mention, words: tuple[str, ...]) -> bool:
    before = text[max(0, mention.start - 14):mention.start].lower()
    return any(before.endswith(w + " ") or before.endswith(w + " the ") for w in words)


def directed_pairs(tie_type: str, text: str, match: re.Match[str], mentions: list[Mention], gaz: Gazetteer,
                   ctx: Context, negation: re.Pattern[str], not_defence: frozenset[str]) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    if tie_type == "membership":
        return _membership(text, mentions, ctx, negation, not_defence)
    if tie_type == "training":
        return _training(text, mentions, ctx)
    if tie_type == "military_assistance":
        return _assistance(text, match, mentions)
    return transfer_pairs(tie_type, text, mentions, gaz, ctx)


def transfer_pairs(tie_type: str, text: str, mentions: list[Mention], gaz: Gazetteer, ctx: Context
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
        if m.kind in ("state", "company") and after(text, m, ("from",)):
            supplier = m.actor
            break
    if supplier is None and tie_type == "licensed_production":
        supplier = next((m.actor for m in mentions if m.kind == "company"), None)
    if supplier is None:
        supplier = next((m.actor for m in mentions if m.form in ("demonym", "capital", "name") and m.kind == "state"
                         and _EQUIPMENT.match(text, m.end)), None)
    if supplier is None:  # "Turkey handed over military equipment to Kyrgyzstan": the subject of a verb of giving
        supplier = next((m.actor for m in mentions if m.kind in ("state", "company") and _SELL.match(text, m.end)), None)
    if supplier is None and weapons:
        supplier = gaz.maker_country(weapons[0][2])
    if supplier is None:
        supplier = ctx.supplier
    if supplier is None:
        return []
    ctx.supplier = supplier
    # a company of the supplier's country named in the sentence is the party ("TAI sold …"); for licensed
    # production, the maker of the named system is the licensor
    company = next((m.actor for m in mentions if m.kind == "company" and gaz.countries.get(m.actor) == supplier
                    and not text.startswith("-made", m.end)  # "Baykar-made", "Baykar Akinci": the maker, not the seller
                    and not any(0 <= at - m.end <= 2 for at, _, _ in weapons)), None)
    if company is None and tie_type == "licensed_production" and weapons and weapons[0][2] in gaz.countries:
        company = weapons[0][2] if gaz.countries[weapons[0][2]] == supplier else None
    supplier = company or supplier
    if tie_type == "licensed_production":
        targets = [m.actor for m in mentions if m.kind == "state" and m.actor != supplier
                   and (after(text, m, ("in", "and", ",")) or m.form == "name")]
    else:
        targets = [m.actor for m in mentions if m.kind == "state" and m.actor != supplier and m.form != "group"
                   and not after(text, m, ("from",)) and not opponent(text, m)
                   and not _EQUIPMENT.match(text, m.end)]
        buyers = [m.actor for group in lists(text, mentions) for m in group
                  if m.kind == "state" and m.actor != supplier and _buys(text, group[-1].end)]
        targets = buyers or targets
    country = gaz.countries.get(supplier)
    return [((supplier, t), dict(attributes)) for t in unique(targets) if t != country]


_LIST_GAP = re.compile(r"^(?:,\s*|,?\s+and\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}|\s*&\s*)$")


def lists(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions grouped into lists ("Kazakhstan, Uzbekistan and Kyrgyzstan"): one group per list."""
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups and _LIST_GAP.match(text[groups[-1][-1].end:m.start]):
            groups[-1].append(m)
        elif groups and m.start < groups[-1][-1].end:
            groups[-1].append(m)  # the members of one group word share its span
        else:
            groups.append([m])
    return groups


def _buys(text: str, end: int) -> bool:
    """A verb of buying within 40 characters after ``end`` ("Kyrgyzstan also purchased")."""
    found = _BUY.search(text, end)
    return found is not None and found.start() - end < 40


#: "Pakistan will provide training to …": the subject gives the training
_GIVES_TRAINING = re.compile(r"\s+(?:\w+\s+){0,2}?(?:provid\w*|offer\w*|giv\w*) training\b", re.I)


def _training(text: str, mentions: list[Mention], ctx: Context) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    if re.search(r"\beach other[’']s\b", text):  # "Kazakh and Uzbek service members study at each other's …"
        pair = unique(m.actor for m in mentions if m.kind == "state")[:2]
        return [((pair[0], pair[1]), {}), ((pair[1], pair[0]), {})] if len(pair) == 2 else []
    trainer = next((m.actor for m in mentions if _INSTITUTION.match(text, m.end) or _GIVES_TRAINING.match(text, m.end)
                    or after(text, m, ("academies of", "institutions of", "universities of", "schools of"))
                    or (m.kind == "state" and after(text, m, ("held in", "in")) and "seminar" in text.lower())), None)
    if trainer is None:
        return []
    mentions = [m for m in mentions if not opponent(text, m)]
    trainee = next((m.actor for m in mentions if m.actor != trainer and m.kind == "state"
                    and (_TRAINEES.match(text, m.end) or after(text, m, ("from",)))), None)
    trainee = trainee or next((m.actor for m in mentions if m.actor != trainer and m.kind == "state"
                               and after(text, m, ("training to", "train", "trains"))), None)
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


def _membership(text: str, mentions: list[Mention], ctx: Context, negation: re.Pattern[str],
                not_defence: frozenset[str]) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """Each list of states with what is said of it: "X and Y are members of the OTS while Z is an
    observer", "Uzbekistan has withdrawn from CSTO" (role and status read from each list's predicate)."""
    orgs = [m for m in mentions if m.kind == "organization"]
    fallback = ctx.org if re.search(r"\b[Tt]he (?:organi[sz]ation|alliance|bloc)\b", text) else None
    out: list[tuple[tuple[str, str], dict[str, Any]]] = []
    groups = [g for g in lists(text, mentions) if any(m.kind == "state" and m.form not in ("demonym", "group")
                                                         for m in g)]
    for number, group in enumerate(groups):
        following = groups[number + 1][0].start if number + 1 < len(groups) else len(text)
        predicate = text[group[-1].end:following]
        lead = text[groups[number - 1][-1].end if number else 0:group[0].start]  # "The summit admitted X"
        org = next((m.actor for m in orgs if group[-1].end <= m.start < following), None)
        org = org or next((m.actor for m in orgs), None) or fallback or ctx.org
        if org is None or org in not_defence or negation.search(predicate):
            continue
        role = "observer" if re.search(r"\bobservers?\b", predicate) else "member"
        status = "ended" if re.search(r"\bwithdr[ae]w|\bleft\b|\bquit\b", predicate) else None
        for m in group:
            if m.kind == "state" and m.form not in ("demonym", "group"):
                attributes: dict[str, Any] = {"role": role, "_dated": bool(JOINING.search(lead + predicate))}
                if status:
                    attributes["_status"] = status
                out.append(((m.actor, org), attributes))
    return out
