"""Dates that keep their precision.

A source saying "in 2021" must not become 2021-01-01.  ``PartialDate`` stores
what was said (year, year-month, full day, or a decade such as "1990s") and
exposes ``year`` for yearly analyses; ``iso`` gives back the written form.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["decade", "year", "month", "day"]

#: ASCII digits only: ``\d`` also matches full-width '２０２１' and Arabic-Indic '٢٠٢١', which int()
#: reads as 2021, so such a text would have passed as a year (and ``$`` also matches before a final
#: line break: ``\Z`` does not)
_PATTERNS = (
    (re.compile(r"^([0-9]{4})\Z"), "year"),
    (re.compile(r"^([0-9]{4})-([0-9]{2})\Z"), "month"),
    (re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z"), "day"),
    (re.compile(r"^([0-9]{3}0)s\Z"), "decade"),
)

MIN_YEAR, MAX_YEAR = 1800, 2100


class DateFormatError(ValueError):
    """Raised with a message that names the offending value."""


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None
    precision: Precision = "year"

    @classmethod
    def parse(cls, text: object) -> PartialDate:
        """Parse "2021", "2021-06", "2021-06-15" or "1990s"; reject anything else.

        Parsed dates are cached by their text and shared: a date is frozen, a
        million ties hold only ~200 years x 366 distinct dates, and sharing
        them saves both the parse and a date object per tie.
        """
        value = str(text).strip()
        cached = _PARSED.get(value)
        if cached is not None and cls is PartialDate:
            return cached
        parsed = cls._parse(value)
        if cls is PartialDate:
            _PARSED[value] = parsed
        return parsed

    @classmethod
    def _parse(cls, value: str) -> PartialDate:
        for pattern, precision in _PATTERNS:
            match = pattern.match(value)
            if not match:
                continue
            parts = [int(p) for p in match.groups()]
            year = parts[0]
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise DateFormatError(f"year {year} out of range {MIN_YEAR}-{MAX_YEAR} in '{value}'")
            month = parts[1] if len(parts) > 1 else None
            day = parts[2] if len(parts) > 2 else None
            if month is not None and not 1 <= month <= 12:
                raise DateFormatError(f"impossible month in '{value}'")
            if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise DateFormatError(f"impossible day in '{value}'")
            return cls(year, month, day, precision)  # type: ignore[arg-type]
        raise DateFormatError(
            f"'{value}' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or a decade like 1990s)"
        )

    @property
    def iso(self) -> str:
        if self.precision == "decade":
            return f"{self.year}s"
        if self.precision == "year":
            return f"{self.year:04d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> tuple[int, int, int]:
        """First possible day, for ordering and comparisons only (never shown as the date)."""
        return (self.year, self.month or 1, self.day or 1)

    def latest(self) -> tuple[int, int, int]:
        """Last possible day, so that "2021" is not before "2021-06"."""
        if self.precision == "decade":
            return (self.year + 9, 12, 31)
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return (self.year, month, day)

    def __str__(self) -> str:
        return self.iso


#: text -> parsed date; only valid dates enter, so it holds at most ~115,000 entries
#: (every day, month, year and decade of MIN_YEAR..MAX_YEAR)
_PARSED: dict[str, PartialDate] = {}
