"""What a dataset covers: its years, its tie types, and whether it is systematic or documentary.

Missing is not zero.  A yearly series built from DCAD (1980-2010) says nothing about 2015; a
series built from five articles written in 2023-2026 says little about 2012 even though the
articles mention a 2012 tie.  So every dataset declares its coverage, and the analysis treats a
year outside it as *missing for that dataset*, never as a year without ties.

* ``systematic``: the dataset codes every case within its criteria (DCAD, ATOP, MME, JME,
  SIPRI): inside its years and types, an absent tie is evidence of absence.
* ``documentary``: the dataset codes what some documents happened to mention (the bundled seed
  articles): presence is evidence, absence is not.

A tie whose end year is the dataset's ``last_year`` (or later) is **right-censored**: in force at
the last observed year, its end unknown (``is_censored``).  DCAD's ``endYearEstimate`` of 2010 is
the edge of the data, not the end of the agreement.

The file format (``coverage.yaml`` at the root of a data directory) is documented in
data/FORMAT.md; ``tiegraph import`` writes one beside the ties it imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CoverageKind = Literal["systematic", "documentary"]
COVERAGE_KINDS: tuple[CoverageKind, ...] = ("systematic", "documentary")


@dataclass(frozen=True, slots=True)
class Coverage:
    """The years and tie types one dataset observes, and how it observes them."""

    dataset: str
    first_year: int
    last_year: int
    kind: CoverageKind
    #: the tie types the dataset codes; a type outside them is missing, not absent
    tie_types: tuple[str, ...]
    #: free text for the reader: criteria, version, where the years come from
    note: str = ""

    @property
    def systematic(self) -> bool:
        return self.kind == "systematic"

    def covers(self, year: int, tie_type: str | None = None) -> bool:
        """True when the dataset observes ``year`` (and ``tie_type``, when given)."""
        in_years = self.first_year <= year <= self.last_year
        return in_years and (tie_type is None or tie_type in self.tie_types)

    def is_censored(self, end_year: int | None) -> bool:
        """True when an end at ``end_year`` is the edge of the data, not an observed end."""
        return end_year is not None and end_year >= self.last_year
