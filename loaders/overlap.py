"""Ties from different datasets that describe the same agreement or event: flag, don't double count.

Once DCAD, ATOP, SIPRI, MME or JME sit next to the curated seeds, one treaty can
appear twice (the 2020 Kazakhstan-Türkiye agreement in the seeds and in DCAD,
a TB2 sale in the seeds and in SIPRI, an exercise in both MME and JME).  Two
ties *overlap* when

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

**Exercises** are events with days, and a dyad such as USA-KOR holds several a
year, so the family ``exercise`` matches on the day and the name instead:

* the two starts are at most ``EXERCISE_DAYS`` days apart (the gap between the
  periods the two starts stand for: ``1980-05`` is 1-31 May, so it is 0 days
  from ``1980-05-12``; ``2017`` is the whole year);
* names, when both ties have one (``attributes.exercise_name``, else the
  title), agree: compared by their letters only (``RIMPAC '80`` = ``Rimpac
  1980``, ``Cobra Gold 00`` = ``Cobra Gold 2000``), one contains the other;
* the participants are the same — or, when both are named and the names
  agree, share at least two members: MME and JME code one exercise's
  participant list differently in about one case in nine (a ``-9`` in one, a
  participant more in the other), and the name and day already identify it.

Matching is one-to-one, nearest first (start year, then start day; for
exercises the start day), so two DCAD agreements never both collapse onto one
seed tie.  **Which one is kept**: the tie of the dataset earliest in
``PRIORITY`` — the hand-coded ``seeds`` (primary documents, quoted) first,
then dcad, atop, sipri, mme, jme (MME v7 is the published successor of D'Orazio's
JME working file), then any other dataset alphabetically.  The kept tie gets
``attributes.overlaps_with`` (the ids it absorbed); a dropped one, when kept for
inspection, ``attributes.duplicate_of``.

``tiegraph overlaps DIR …`` prints the pairs found among the data directories
given (counts by dataset pair; ``--list`` every pair).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from tiegraph.model.entities import Dataset, Tie

PRIORITY: tuple[str, ...] = ("seeds", "dcad", "atop", "sipri", "mme", "jme")
FAMILIES: dict[str, str] = {
    "alliance_treaty": "alliance", "strategic_partnership": "alliance",
    "defense_cooperation_agreement": "agreement", "intelligence_protocol": "agreement",
    "defense_industrial_cooperation": "agreement", "licensed_production": "agreement",
    "training": "agreement",
    "arms_transfer": "arms_transfer", "joint_exercise": "exercise", "defense_meeting": "meeting",
    "military_assistance": "assistance", "membership": "membership",
}
SYSTEM_KEYS = ("system",)
YEAR_WINDOW = 1
EXERCISE_DAYS = 14
#: participants two named exercises must share when their lists differ
SHARED_PARTICIPANTS = 2


def _rank(dataset: str) -> tuple[int, str]:
    return (PRIORITY.index(dataset) if dataset in PRIORITY else len(PRIORITY), dataset)


def _who(tie: Tie) -> Any:
    return tie.participants if tie.directed else frozenset(tie.participants)


def _letters(value: Any) -> str | None:
    return re.sub(r"[^a-z0-9]", "", str(value).lower()) if value else None


def _system(tie: Tie) -> str | None:
    for key in SYSTEM_KEYS:
        value = tie.attributes.get(key)
        if value:
            return _letters(value)
    return None


def _exercise_name(tie: Tie) -> str | None:
    """The name by its letters only (digits, spaces, punctuation dropped), or None."""
    name = tie.attributes.get("exercise_name") or tie.title
    return re.sub(r"[^a-z]", "", str(name).lower()) or None if name else None


def _contains(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a in b or b in a


def _day_gap(a: Tie, b: Tie) -> int:
    """Days between the periods two starts stand for (0 when they overlap)."""
    a0, a1 = date(*a.start.earliest()), date(*a.start.latest())  # type: ignore[union-attr]
    b0, b1 = date(*b.start.earliest()), date(*b.start.latest())  # type: ignore[union-attr]
    return max((b0 - a1).days, (a0 - b1).days, 0)


def _year_gap(a: Tie, b: Tie, family: str) -> int:
    """Nearest year first, except for exercises, which go by the day alone (``_day_gap``)."""
    return 0 if family == "exercise" else abs(a.year - b.year)  # type: ignore[operator]


def _same(kept: Tie, other: Tie, family: str) -> bool:
    """Whether ``other`` describes what ``kept`` does (the rules in the module docstring)."""
    if family != "exercise":
        return _who(kept) == _who(other) and (family != "arms_transfer"
                                              or _contains(_system(kept), _system(other)))
    if _day_gap(kept, other) > EXERCISE_DAYS:
        return False
    names = _exercise_name(kept), _exercise_name(other)
    if not _contains(*names):
        return False
    if _who(kept) == _who(other):
        return True
    return None not in names and \
        len(set(kept.participants) & set(other.participants)) >= SHARED_PARTICIPANTS


def find_overlaps(ties: Dataset | Iterable[Tie]) -> list[dict[str, Any]]:
    """Every matched pair: which tie is kept, which duplicates it, and on what grounds."""
    items = ties.ties if isinstance(ties, Dataset) else list(ties)
    order = sorted((t for t in items if t.year is not None), key=lambda t: _rank(t.dataset))
    kept_by_year: dict[tuple[str, int], list[Tie]] = {}
    absorbed: dict[str, set[str]] = {}  # kept id -> datasets already matched to it
    pairs: list[dict[str, Any]] = []
    for tie in order:
        family = FAMILIES.get(tie.type, tie.type)
        year: int = tie.year  # type: ignore[assignment]
        candidates = [k for y in range(year - YEAR_WINDOW, year + YEAR_WINDOW + 1)
                      for k in kept_by_year.get((family, y), [])
                      if k.dataset != tie.dataset and tie.dataset not in absorbed[k.id]
                      and _same(k, tie, family)]
        if not candidates:
            kept_by_year.setdefault((family, year), []).append(tie)
            absorbed[tie.id] = set()
            continue
        match = min(candidates, key=lambda k: (_year_gap(k, tie, family), _day_gap(k, tie), k.id))
        absorbed[match.id].add(tie.dataset)
        pairs.append({
            "kept": match.id, "kept_dataset": match.dataset,
            "duplicate": tie.id, "duplicate_dataset": tie.dataset,
            "family": family, "participants": ";".join(tie.participants),
            "years": f"{match.year}/{tie.year}",
        })
    return pairs


def merge_overlaps(ties: Dataset | Iterable[Tie], *, drop_duplicates: bool = True) -> list[Tie]:
    """The ties with cross-dataset duplicates dropped (default) or marked, in the original order.

    Kept ties carry ``attributes.overlaps_with`` ("id;id"); with
    ``drop_duplicates=False`` the duplicates stay, marked ``duplicate_of``.
    """
    items = ties.ties if isinstance(ties, Dataset) else list(ties)
    return _apply(items, find_overlaps(items), drop_duplicates)


def merge_dataset(dataset: Dataset) -> Dataset:
    """``dataset`` with cross-dataset duplicates dropped; the pairs are kept in ``Dataset.overlaps``.

    What every command runs on when several datasets are combined, so that an
    agreement in the seeds and in DCAD, or an exercise in MME and in JME,
    counts once.  A single dataset is returned as it is (nothing to compare).
    """
    if len({t.dataset for t in dataset.ties}) < 2:
        return dataset
    pairs = find_overlaps(dataset.ties)
    if not pairs:
        return dataset
    dropped = {pair["duplicate"] for pair in pairs}
    return Dataset(dataset.actors, _apply(dataset.ties, pairs, True), dataset.files, overlaps=pairs,
                   coverage=dataset.coverage, duplicates=[t for t in dataset.ties if t.id in dropped])


def _apply(items: list[Tie], pairs: list[dict[str, Any]], drop_duplicates: bool) -> list[Tie]:
    """Drop (or mark) the duplicates of ``pairs`` and mark what each kept tie absorbed."""
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
