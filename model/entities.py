"""Actors, sources and ties: plain frozen dataclasses built by the loaders.

Everything here is already validated; the graph builder and the Neo4j writer
trust it.  Each value keeps where it came from (``origin``: file and line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tiegraph.model.coverage import Coverage
from tiegraph.model.dates import PartialDate
from tiegraph.model.vocabulary import TENTATIVE_STATUSES, TIE_TYPES, TieType


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read: the file and 1-based line, for error messages and audit."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    kind: str  # state | company | organization
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None  # home state of a company (ISO3)
    note: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A citation: a seed document or dataset file, a locator/quote, and a URL when known."""

    document: str
    locator: str | None = None
    quote: str | None = None
    url: str | None = None

    def cite(self) -> str:
        parts = [self.document]
        if self.locator:
            parts.append(self.locator)
        if self.quote:
            parts.append(f"\u201c{self.quote}\u201d")
        if self.url:
            parts.append(self.url)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Reading:
    value: str
    source: str  # a document named in the tie's sources


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two or more sources disagree on ``field``; every reading is kept."""

    field: str
    readings: tuple[Reading, ...]
    note: str | None = None

    def describe(self) -> str:
        readings = "; ".join(f"{r.value} ({r.source})" for r in self.readings)
        return f"{self.field}: {readings}" + (f" \u2014 {self.note}" if self.note else "")


@dataclass(frozen=True, slots=True)
class Tie:
    """One documented tie.

    ``participants`` holds every actor; for directed types it is exactly
    ``(origin, target)`` in that order.
    """

    id: str
    type: str
    participants: tuple[str, ...]
    start: PartialDate | None
    status: str
    sources: tuple[Source, ...]
    title: str = ""
    end: PartialDate | None = None
    count: int = 1
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    conflicts: tuple[Conflict, ...] = ()
    note: str | None = None
    dataset: str = "seeds"
    origin: Origin | None = None

    @property
    def tie_type(self) -> TieType:
        return TIE_TYPES[self.type]

    @property
    def directed(self) -> bool:
        return self.tie_type.directed

    @property
    def year(self) -> int | None:
        return self.start.year if self.start else None

    @property
    def tentative(self) -> bool:
        return self.status in TENTATIVE_STATUSES

    @property
    def multilateral(self) -> bool:
        return len(self.participants) > 2


@dataclass
class Dataset:
    """Actors by id and ties in file order; what every command works on."""

    actors: dict[str, Actor]
    ties: list[Tie]
    files: list[str] = field(default_factory=list)
    #: cross-dataset duplicates left out when the data was combined (``loaders.overlap.merge_dataset``)
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    #: what each dataset covers, by dataset name (``coverage.yaml`` of each data directory)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    #: the duplicates themselves (each dataset's own version of a shared tie): a dataset's own rows of the
    #: thesis count its own versions, only the union counts each tie once
    duplicates: list[Tie] = field(default_factory=list)

    def own_ties(self, dataset: str) -> list[Tie]:
        """``dataset``'s ties as that dataset codes them, its duplicates of other datasets' ties included."""
        return sorted((t for t in [*self.ties, *self.duplicates] if t.dataset == dataset), key=lambda t: t.id)

    def tie(self, tie_id: str) -> Tie:
        for tie in self.ties:
            if tie.id == tie_id:
                return tie
        raise KeyError(tie_id)

    def datasets(self) -> list[str]:
        return sorted({t.dataset for t in self.ties})
