"""Dates in a sentence, as precise as the text gives them.

Why here and not a date library: the coder must keep precision ("in 2022" stays
2022, never 2022-01-01) and must say how a date was found, so a coder can check
it.  Each date found carries ``how``:

* ``text``: written out in the sentence ("On Jan. 27, 2025", "In November 2021",
  "in 2022", "the early 1990s", "since 1992");
* ``relative``: resolved against the document's date ("last year", "in March",
  "on Monday", "yesterday", "earlier this year", "the current year");
* ``name``: the year in an exercise's name ("Caspian Breeze-2025").

A sentence that names a year of its own is dated by it, however recent the
article: a history sentence in a 2025 article ("In September 2018 … signed") is
2018.  A year after "for" ("the military cooperation plan for 2024") is what a
plan covers, not when it was made, and is not a date of the event.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from tiegraph.model.dates import PartialDate

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
          "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
          "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_M = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
      r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_Y = r"(?P<year>1[89]\d\d|20\d\d)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b")),
    ("mdy", re.compile(rf"\b{_M}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_Y}\b")),
    ("dmy", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_M}\s*,?\s+{_Y}\b")),
    ("my", re.compile(rf"\b{_M}\s+(?:of\s+)?{_Y}\b")),
    ("decade", re.compile(r"\b(?P<decade>1[89]\d0|20\d0)s\b")),
    ("year", re.compile(rf"(?<![\d$€£.,])(?<!\d-){_Y}(?![\d%]|-\d|\s*(?:million|billion|bn))")),
    ("md", re.compile(rf"\b{_M}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})")),
    ("dm", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_M}\b(?!,?\s*\d{{4}})")),
    ("m", re.compile(rf"\b(?:in|In|early|late|mid-|since|Since|Earlier in|earlier in|Later in|later in)\s+{_M}\b"
                     rf"(?!\s+(?:\d{{1,2}}\b|of\s+\d{{4}}|\d{{4}}))")),
    ("weekday", re.compile(r"\b(?:on\s+|On\s+|last\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|"
                           r"Saturday|Sunday)\b")),
    ("rel", re.compile(r"\b(?P<rel>last year|the previous year|a year ago|the past year|this year|the current year|"
                       r"earlier this year|next year|the coming year|last month|this month|earlier this month|next month|"
                       r"last week|this week|"
                       r"yesterday|today|the day before)\b", re.I)),
]
#: a year right after these words is not the event's date
_NOT_EVENT = re.compile(r"(?:\bfor|\buntil|\bby|\bto|\bthrough|\bbefore|\bVision|\bAgenda|-)\s*$")
#: "Caspian Breeze-2025", "Three Brothers -2021": the year of a named exercise
_NAMED = re.compile(r"[A-Z][\w’']*\s?[-–]\s?$")
#: a decade qualified as early/post-Soviet and so on is still the decade
_ERA = {"early post-soviet period": "1990s", "post-soviet period": "1990s", "early post-soviet years": "1990s"}


@dataclass(frozen=True, slots=True)
class Found:
    """A date found in a sentence: the date, how it was found, and where (for picking the nearest)."""

    value: PartialDate
    how: str
    start: int
    text: str


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _make(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    try:
        if day is not None and month is not None:
            return PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}")
        if month is not None:
            return PartialDate.parse(f"{year:04d}-{month:02d}")
        return PartialDate.parse(f"{year:04d}")
    except ValueError:
        return None


def _relative(kind: str, ref: PartialDate) -> PartialDate | None:
    """A relative expression against the document's date (at the precision the reference allows)."""
    kind = kind.lower()
    if kind in ("last year", "the previous year", "a year ago", "the past year"):
        return _make(ref.year - 1)
    if kind in ("this year", "the current year", "earlier this year"):
        return _make(ref.year)
    if kind in ("next year", "the coming year"):
        return _make(ref.year + 1)
    if ref.month is None:
        return None
    if kind in ("this month", "earlier this month"):
        return _make(ref.year, ref.month)
    if kind == "next month":
        return _make(ref.year + 1, 1) if ref.month == 12 else _make(ref.year, ref.month + 1)
    if kind == "last month":
        return _make(ref.year - 1, 12) if ref.month == 1 else _make(ref.year, ref.month - 1)
    if ref.day is None:
        return None
    today = date(ref.year, ref.month, ref.day)
    if kind in ("yesterday", "the day before"):
        return _day(today - timedelta(days=1))
    if kind == "today":
        return _day(today)
    if kind in ("last week", "this week"):
        week = today - timedelta(days=7 if kind == "last week" else 0)
        return _make(week.year, week.month)
    return None


def _day(value: date) -> PartialDate | None:
    return _make(value.year, value.month, value.day)


def _month_before(ref: PartialDate, month: int, day: int | None, future: bool = False) -> PartialDate | None:
    """``month`` (and ``day``) of the reference's year, or of the year before when that would be later
    (of the year after when that would be earlier, for a sentence about the future)."""
    year = ref.year
    if ref.month is not None and not future and (month, day or 1) > (ref.month, ref.day or 31):
        year -= 1
    if ref.month is not None and future and (month, day or 31) < (ref.month, ref.day or 1):
        year += 1
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return _make(year, month, day)


def _nearest(ref: PartialDate, month: int, day: int) -> PartialDate | None:
    """A day without a year ("on September 2", "December 18"): the one nearest the document's date,
    which news reports put a few days before or after it; at month precision of the reference,
    the reference's year."""
    if ref.month is None:
        return _make(ref.year, month, day) if 1 <= day <= calendar.monthrange(ref.year, month)[1] else None
    today = date(ref.year, ref.month, ref.day or 15)
    options = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        if 1 <= day <= calendar.monthrange(year, month)[1]:
            options.append(date(year, month, day))
    if not options:
        return None
    return _day(min(options, key=lambda d: abs((d - today).days)))


def find_dates(sentence: str, ref: PartialDate | None, future: bool = False) -> list[Found]:
    """Every date of ``sentence`` in reading order; relative ones only when ``ref`` is known.

    ``future``: the sentence speaks of what will happen, so "on September 2" in a text of
    29 August is the coming one, not last year's."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    lower = sentence.lower()
    for era, decade in _ERA.items():
        at = lower.find(era)
        if at >= 0 and not any(at < end and start < at + len(era) for start, end in taken):
            found.append(Found(PartialDate.parse(decade), "text", at, era))
            taken.append((at, at + len(era)))
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            value, how = _value(kind, match, sentence, ref, future)
            if value is None:
                continue
            taken.append(span)
            found.append(Found(value, how, span[0], match.group(0)))
    found.sort(key=lambda f: f.start)
    return found


def _value(kind: str, match: re.Match[str], sentence: str, ref: PartialDate | None, future: bool = False
           ) -> tuple[PartialDate | None, str]:
    groups = match.groupdict()
    if kind == "iso":
        return _make(int(groups["year"]), int(groups["mnum"]), int(groups["day"])), "text"
    if kind in ("mdy", "dmy"):
        return _make(int(groups["year"]), _month(groups["month"]), int(groups["day"])), "text"
    if kind == "my":
        return _make(int(groups["year"]), _month(groups["month"])), "text"
    if kind == "decade":
        return PartialDate.parse(f"{groups['decade']}s"), "text"
    if kind == "year":
        before = sentence[:match.start()]
        if _NAMED.search(before):
            return _make(int(groups["year"])), "name"
        if _NOT_EVENT.search(before):
            return None, ""
        return _make(int(groups["year"])), "text"
    if ref is None:
        return None, ""
    if kind in ("md", "dm"):
        return _nearest(ref, _month(groups["month"]), int(groups["day"])), "relative"
    if kind == "m":
        if groups["month"].lower().rstrip(".") == "may" and not match.group(0)[0].isupper() and "in" not in match.group(0).lower():
            return None, ""
        return _month_before(ref, _month(groups["month"]), None, future), "relative"
    if kind == "weekday":
        if ref.day is None:
            return None, ""
        today = date(ref.year, ref.month or 1, ref.day)
        back = (today.weekday() - WEEKDAYS[groups["weekday"].lower()]) % 7
        return _day(today - timedelta(days=back)), "relative"
    return _relative(groups["rel"], ref), "relative"


def pick(found: list[Found], near: int | None = None) -> Found | None:
    """The date of the event: a date written out before a name's year ("Three Brothers-2021") before
    a relative one; among those, the nearest to ``near`` (the cue), else the first."""
    if not found:
        return None
    best = [f for f in found if f.how == "text"] or [f for f in found if f.how == "name"] or found
    if near is None:
        return best[0]
    return min(best, key=lambda f: (abs(f.start - near), f.start))
