"""Ties from different datasets that describe the same agreement or event: flag, don't double count.

Once DCAD, ATOP, SIPRI or MME sit next to the curated seeds, one treaty can
appear twice (the 2020 Kazakhstan-Türkiye agreement in the seeds and in DCAD,
a TB2 sale in the seeds and in SIPRI).  Two ties *overlap* when

* they come from different datasets (two ties of one dataset are two records
  the coders meant as distinct: two DCAD agreements of one dyad in one year
  are two agreements);
* their types are in the same family (``FAMILIES``): an alliance and a
  strategic partnership can be the same declaration (the seeds' Shusha
  Declaration is coded alliance, read by one source as partnership), while a
  DCA is by definition *not* an alliance (Kinne's DCAD excludes defence pacts);
* they have the same participants (the same ordered pair for directed types);
* their start years are at most one year apart (signature vs. entry into force,
  order vs. first delivery); undated ties never match;
* for arms transfers, when both name the system, one name contains the other
  (so a 2021 TB2 sale is not matched with a 2021 Akinci sale of the same dyad).

Matching is one-to-one, nearest year first, so two DCAD agreements never both
collapse onto one seed tie.  **Which one is kept**: the tie of the dataset
earliest in ``PRIORITY`` — the hand-coded ``seeds`` (primary documents, quoted)
first, then dcad, atop, sipri, mme, then any other dataset alphabetically.  The
kept tie gets ``attributes.overlaps_with`` (the ids it absorbed); a dropped
one, when kept for inspection, ``attributes.duplicate_of``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any, Iterable

from model.entities import Dataset, Tie

PRIORITY: tuple[str, ...] = ("seeds", "dcad", "atop", "sipri", "mme")
FAMILIES: dict[str, str] = {
    "alliance_treaty": "alliance", "strategic_partnership": "alliance",
    "defense_cooperation_agreement": "agreement", "intelligence_protocol": "agreement",
    "defense_industrial_cooperation": "agreement", "licensed_production": "agreement",
    "training": "agreement",
    "arms_transfer": "arms_transfer", "joint_exercise": "exercise", "defense_meeting": "meeting",
    "military_assistance": "assistance", "membership": "membership",
}
SYSTEM_KEYS = ("system", "weapon_designation")
YEAR_WINDOW = 1


def _rank(dataset: str) -> tuple[int, str]:
    return (PRIORITY.index(dataset) if dataset in PRIORITY else len(PRIORITY), dataset)


def _key(tie: Tie) -> tuple[str, Any]:
    family = FAMILIES.get(tie.type, tie.type)
    who = tie.participants if tie.directed else frozenset(tie.participants)
    return family, who


def _system(tie: Tie) -> str | None:
    for key in SYSTEM_KEYS:
        value = tie.attributes.get(key)
        if value:
            return re.sub(r"[^a-z0-9]", "", str(value).lower())
    return None


def _compatible(kept: Tie, other: Tie) -> bool:
    if FAMILIES.get(kept.type) != "arms_transfer":
        return True
    a, b = _system(kept), _system(other)
    return a is None or b is None or a in b or b in a


def find_overlaps(ties: Dataset | Iterable[Tie]) -> list[dict[str, Any]]:
    """Every matched pair: which tie is kept, which duplicates it, and on what grounds."""
    items = ties.ties if isinstance(ties, Dataset) else list(ties)
    order = sorted((t for t in items if t.year is not None), key=lambda t: _rank(t.dataset))
    kept_by_key: dict[tuple[str, Any], list[Tie]] = {}
    absorbed: dict[str, set[str]] = {}  # kept id -> datasets already matched to it
    pairs: list[dict[str, Any]] = []
    for tie in order:
        key = _key(tie)
        candidates = [k for k in kept_by_key.get(key, [])
                      if k.dataset != tie.dataset and tie.dataset not in absorbed[k.id]
                      and abs(k.year - tie.year) <= YEAR_WINDOW and _compatible(k, tie)]  # type: ignore[operator]
        if not candidates:
            kept_by_key.setdefault(key, []).append(tie)
            absorbed[tie.id] = set()
            continue
        match = min(candidates, key=lambda k: (abs(k.year - tie.year), k.id))  # type: ignore[operator]
        absorbed[match.id].add(tie.dataset)
        pairs.append({
            "kept": match.id, "kept_dataset": match.dataset,
            "duplicate": tie.id, "duplicate_dataset": tie.dataset,
            "family": key[0], "participants": ";".join(tie.participants),
            "years": f"{match.year}/{tie.year}",
        })
    return pairs


def merge_overlaps(ties: Dataset | Iterable[Tie], *, drop_duplicates: bool = True) -> list[Tie]:
    """The ties with cross-dataset duplicates dropped (default) or marked, in the original order.

    Kept ties carry ``attributes.overlaps_with`` ("id;id"); with
    ``drop_duplicates=False`` the duplicates stay, marked ``duplicate_of``.
    """
    items = ties.ties if isinstance(ties, Dataset) else list(ties)
    pairs = find_overlaps(items)
    absorbed: dict[str, list[str]] = {}
    duplicate_of: dict[str, str] = {}
    for pair in pairs:
        absorbed.setdefault(pair["kept"], []).append(pair["duplicate"])
        duplicate_of[pair["duplicate"]] = pair["kept"]
    out: list[Tie] = []
    for tie in items:
        if tie.id in duplicate_of:
            if not drop_duplicates:
                out.append(replace(tie, attributes={**tie.attributes, "duplicate_of": duplicate_of[tie.id]}))
            continue
        if tie.id in absorbed:
            tie = replace(tie, attributes={**tie.attributes, "overlaps_with": ";".join(absorbed[tie.id])})
        out.append(tie)
    return out


def datasets_used(ties: Iterable[Tie | dict[str, Any]]) -> dict[str, int]:
    """``{dataset: number of ties}``, largest first: which datasets a number rests on."""
    counts = Counter(t.get("dataset") or "seeds" if isinstance(t, dict) else t.dataset for t in ties)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
