"""Which states exist in which years: the Correlates of War state system, as actor ids.

Why: a yearly density or a dyad-year table must count a pair of states only in
the years both exist.  Kazakhstan and Türkiye cannot be "not allied" in 1950;
the pair is not at risk then.  The field's standard list is COW's State System
Membership List (v2016), shipped as ``data/cow_states.csv`` (one row per
membership spell, COW codes mapped to our actor ids; how it was made and the
citation are in ``data/COW_STATES.md``; ``python -m tiegraph.loaders.cow``
regenerates it).

**The existence rule** (one rule, used everywhere): a state exists in year Y
when it is a member of the state system for at least half of that year, i.e.
on **at least 183 days of Y**, counting every spell (Germany in 1990: the FRG
until 2 October and unified Germany from 3 October are both ``DEU``, so the
whole year).  The five post-Soviet Turkic states enter on 1991-12-26 (6 days of
1991), so they first exist in **1992**; Türkiye exists in every year since 1816.

COW's end date 2016-12-31 means "still a member when the list was made": it is
*censored*, not an end (``end_censored`` in the CSV), so membership continues
to the present and ``years`` runs open to ``OPEN_END`` (2100).

peacesciencer (``create_stateyears``, ``create_dyadyears``) counts a state in
every year in which it is a member on *any* day, so its tables include 1991 for
the post-Soviet states; ours are a subset of its state- and dyad-years and
merge cleanly on ``ccode``/``ccode1, ccode2, year``.

A few actor ids have several COW codes over time (``DEU``: 255 and the FRG's
260; ``YEM``: 678 then 679), and COW 345 is split at 1992-04-27 into ``YUG`` and
``SRB`` (the crosswalk's rule), so ``ccode`` and ``actor_id`` take an optional
``year``; without one they give the latest spell's code or id.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from tiegraph.model.errors import ExternalFormatError

#: the bundled spells (``python -m tiegraph.loaders.cow`` writes them)
BUNDLED_STATES = Path(__file__).resolve().parent.parent / "data" / "cow_states.csv"
COLUMNS = ("iso3", "ccode", "stateabb", "statenme", "start", "end", "end_censored")
#: days of a year a state must be a member to exist in that year (half of 365 or 366, rounded up)
MIN_DAYS = 183
#: the last year an open (censored) membership is counted in
OPEN_END = 2100
CITATION = ('Correlates of War Project. 2017. "State System Membership List, v2016." '
            "<https://correlatesofwar.org/data-sets/state-system-membership/>")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ACTOR_ID = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class Spell:
    """One continuous membership of one state in the system."""

    iso3: str
    ccode: int
    stateabb: str
    statenme: str
    start: date
    end: date
    #: True when ``end`` is the list's date (still a member), not an exit
    end_censored: bool

    def days_in(self, year: int) -> int:
        """Days of ``year`` on which this spell is a membership (a censored end never ends)."""
        end = date(OPEN_END, 12, 31) if self.end_censored else self.end
        first, last = max(self.start, date(year, 1, 1)), min(end, date(year, 12, 31))
        return max(0, (last - first).days + 1)

    @property
    def last_year(self) -> int:
        return OPEN_END if self.end_censored else self.end.year


def _existence(spells: Sequence[Spell]) -> dict[str, frozenset[int]]:
    days: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for spell in spells:
        for year in range(spell.start.year, spell.last_year + 1):
            days[spell.iso3][year] += spell.days_in(year)
    return {iso3: frozenset(y for y, n in per_year.items() if n >= MIN_DAYS) for iso3, per_year in days.items()}


@dataclass(frozen=True)
class StateSystem:
    """The state system as actor ids: who exists when (the rule is in the module docstring)."""

    spells: tuple[Spell, ...]
    citation: str = CITATION
    _years: Mapping[str, frozenset[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_years", _existence(self.spells))

    def known(self, actor_id: str) -> bool:
        """True when ``actor_id`` is a COW state (ever)."""
        return actor_id in self._years

    def exists(self, actor_id: str, year: int) -> bool | None:
        """Whether the state exists in ``year``; None when ``actor_id`` is not a COW state (company, org, XNC …)."""
        years = self._years.get(actor_id)
        return None if years is None else year in years

    def years(self, actor_id: str) -> frozenset[int] | None:
        """Every year the state exists (an open membership up to ``OPEN_END``); None when not a COW state."""
        return self._years.get(actor_id)

    def _spell(self, matches: list[Spell], year: int | None) -> Spell | None:
        if not matches:
            return None
        if year is not None:
            covering = [s for s in matches if s.days_in(year) > 0]
            return max(covering, key=lambda s: s.days_in(year)) if covering else None
        return max(matches, key=lambda s: s.start)

    def ccode(self, actor_id: str, year: int | None = None) -> int | None:
        """COW code of the state (in ``year``; without one, its latest spell's); None when not a COW state."""
        spell = self._spell([s for s in self.spells if s.iso3 == actor_id], year)
        return None if spell is None else spell.ccode

    def actor_id(self, ccode: int, year: int | None = None) -> str | None:
        """Actor id of COW code ``ccode`` (in ``year``; without one, its latest spell's); None when unknown."""
        spell = self._spell([s for s in self.spells if s.ccode == ccode], year)
        return None if spell is None else spell.iso3

    def first_common_year(self, actor_ids: Iterable[str]) -> int | None:
        """First year in which every COW state among ``actor_ids`` exists (other ids ignored); None if none."""
        sets = [self._years[a] for a in set(actor_ids) if a in self._years]
        if not sets:
            return None
        common = frozenset.intersection(*sets)
        return min(common) if common else None

    def existence_matrix(self, actor_ids: Sequence[str], years: Sequence[int], *,
                         first_seen: Mapping[str, int] | None = None) -> np.ndarray:
        """Bool matrix (actors x years): COW states by the rule; any other id from ``first_seen[id]`` on.

        A non-COW id (company, organisation, XNC) has no list to say when it
        exists, so it exists from its first tie's year (``first_seen``), or in
        every year when ``first_seen`` has no entry for it.
        """
        first_seen = first_seen or {}
        wanted = np.asarray(years, dtype=np.int64)
        matrix = np.zeros((len(actor_ids), len(wanted)), dtype=bool)
        for row, actor in enumerate(actor_ids):
            known = self._years.get(actor)
            if known is not None:
                matrix[row] = [int(y) in known for y in wanted]
            elif actor in first_seen:
                matrix[row] = wanted >= first_seen[actor]
            else:
                matrix[row] = True
        return matrix


def _parse_date(value: str, label: str, line: int, column: str) -> date:
    if not _ISO_DATE.match(value):
        raise ExternalFormatError(label, line, column, f"'{value}' is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ExternalFormatError(label, line, column, f"'{value}' is not a valid date") from None


def _parse_spell(values: dict[str, str], label: str, line: int) -> Spell:
    if not _ACTOR_ID.match(values["iso3"]):
        raise ExternalFormatError(label, line, "iso3", f"'{values['iso3']}' is not a three-letter actor id")
    try:
        ccode = int(values["ccode"])
    except ValueError:
        raise ExternalFormatError(label, line, "ccode", f"'{values['ccode']}' is not a whole number") from None
    start = _parse_date(values["start"], label, line, "start")
    end = _parse_date(values["end"], label, line, "end")
    if end < start:
        raise ExternalFormatError(label, line, "end", f"{end} is before the start {start}")
    if values["end_censored"] not in ("true", "false"):
        raise ExternalFormatError(label, line, "end_censored", f"'{values['end_censored']}' is not true or false")
    return Spell(values["iso3"], ccode, values["stateabb"], values["statenme"], start, end,
                 values["end_censored"] == "true")


def read_spells(path: Path, label: str | None = None) -> tuple[Spell, ...]:
    """The spells of a ``cow_states.csv``; a bad file is one ``ExternalFormatError`` (file, line, field)."""
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
        raise ExternalFormatError(label, None, None, f"cannot read the state list: {reason}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise ExternalFormatError(label, 1, None, f"the header must be {','.join(COLUMNS)}")
    spells: list[Spell] = []
    try:
        for values in reader:
            line = reader.line_num
            if len(values) != len(COLUMNS):
                raise ExternalFormatError(label, line, None, f"{len(values)} fields, the header has {len(COLUMNS)}")
            spells.append(_parse_spell(dict(zip(COLUMNS, values)), label, line))
    except csv.Error as exc:
        raise ExternalFormatError(label, reader.line_num, None, f"unreadable CSV: {exc}") from None
    if not spells:
        raise ExternalFormatError(label, None, None, "no spells: the state list is empty")
    return tuple(spells)


@lru_cache(maxsize=4)
def state_system(path: Path | None = None) -> StateSystem:
    """The state system from ``path`` (default: the bundled ``data/cow_states.csv``), read once and cached."""
    return StateSystem(read_spells(path or BUNDLED_STATES))
