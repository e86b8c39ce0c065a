"""Build NetworkX graphs from a validated dataset.

One edge per tie and participant pair (``MultiGraph``), tie attributes on the
edge.  Multilateral ties are projected as a clique (every pair of participants)
by default, or as a star (an event node joined to each participant) when the
question is about events rather than dyads.  ``level="state"`` folds companies
into their home state so state-level density counts a TAI sale to Kazakhstan as
a TUR–KAZ tie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable, Literal

import networkx as nx

from model.entities import Dataset, Tie
from model.errors import UsageError
from model.vocabulary import TIE_TYPES

Projection = Literal["clique", "star"]
Level = Literal["actor", "state"]
EVENT_KIND = "event"


@dataclass(frozen=True)
class TieFilter:
    """Which ties an analysis uses; every report prints it so numbers can be reproduced."""

    types: frozenset[str] | None = None
    start_year: int | None = None
    end_year: int | None = None
    include_tentative: bool = True
    datasets: frozenset[str] | None = None
    exclude_types: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in (self.types or frozenset()) | self.exclude_types:
            if name not in TIE_TYPES:
                raise UsageError(f"unknown tie type '{name}' (see 'tiegraph types')")
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise UsageError(f"year range {self.start_year}-{self.end_year} is empty")

    def accepts(self, tie: Tie) -> bool:
        if self.types is not None and tie.type not in self.types:
            return False
        if tie.type in self.exclude_types:
            return False
        if not self.include_tentative and tie.tentative:
            return False
        if self.datasets is not None and tie.dataset not in self.datasets:
            return False
        if self.start_year is not None or self.end_year is not None:
            if tie.year is None:
                return False
            if self.start_year is not None and tie.year < self.start_year:
                return False
            if self.end_year is not None and tie.year > self.end_year:
                return False
        return True


def select_ties(dataset: Dataset, tie_filter: TieFilter | None = None) -> list[Tie]:
    tie_filter = tie_filter or TieFilter()
    return [t for t in dataset.ties if tie_filter.accepts(t)]


def fold_actor(dataset: Dataset, actor_id: str, level: Level) -> str:
    """The node an actor becomes at ``level``: companies fold into their home state."""
    if level == "state":
        actor = dataset.actors[actor_id]
        if actor.kind == "company" and actor.country:
            return actor.country
    return actor_id


def edge_attributes(tie: Tie) -> dict[str, object]:
    """The tie's attributes as carried by every edge it produces (None where unknown)."""
    attrs: dict[str, object] = {
        "tie_id": tie.id,
        "type": tie.type,
        "relationship": tie.tie_type.relationship,
        "date": tie.start.iso if tie.start else None,
        "precision": tie.start.precision if tie.start else None,
        "year": tie.year,
        "end": tie.end.iso if tie.end else None,
        "end_year": tie.end.year if tie.end else None,
        "status": tie.status,
        "tentative": tie.tentative,
        "count": tie.count,
        "title": tie.title,
        "temporal": tie.tie_type.temporal,
        "directed": tie.directed,
        "from": tie.participants[0] if tie.directed else None,
        "to": tie.participants[1] if tie.directed else None,
        "participants": ";".join(tie.participants),
        "multilateral": tie.multilateral,
        "source": " | ".join(s.cite() for s in tie.sources),
        "documents": ";".join(dict.fromkeys(s.document for s in tie.sources)),
        "urls": " ".join(s.url for s in tie.sources if s.url),
        "n_sources": len(tie.sources),
        "conflict": bool(tie.conflicts),
        "conflict_note": " || ".join(c.describe() for c in tie.conflicts) or None,
        "dataset": tie.dataset,
    }
    for key, value in tie.attributes.items():
        attrs.setdefault(f"attr_{key}", value)
    return attrs


def build_graph(
    dataset: Dataset,
    ties: Iterable[Tie] | None = None,
    *,
    projection: Projection = "clique",
    level: Level = "actor",
) -> nx.MultiGraph:
    """Return a MultiGraph of ``ties`` (default: all ties of ``dataset``).

    Every actor of the dataset is a node (isolates included) with ``name``,
    ``kind`` and ``country``; each edge carries ``edge_attributes(tie)``.
    Edge keys are the tie id (bilateral) or ``tie_id:a:b`` (projected pairs).
    """
    if projection not in ("clique", "star"):
        raise UsageError(f"unknown projection '{projection}' (use clique or star)")
    if level not in ("actor", "state"):
        raise UsageError(f"unknown level '{level}' (use actor or state)")
    graph = nx.MultiGraph(projection=projection, level=level)
    for actor in dataset.actors.values():
        if level == "state" and actor.kind == "company" and actor.country:
            continue
        graph.add_node(actor.id, name=actor.name, kind=actor.kind,
                       country=actor.country if actor.kind == "company" else
                       (actor.id if actor.kind == "state" else None),
                       aliases=";".join(actor.aliases))
    for tie in dataset.ties if ties is None else ties:
        nodes = list(dict.fromkeys(fold_actor(dataset, p, level) for p in tie.participants))
        if len(nodes) < 2:
            continue  # a company tied to its own home state folds into nothing
        attrs = edge_attributes(tie)
        if projection == "star" and len(nodes) > 2:
            event = f"event:{tie.id}"
            graph.add_node(event, name=tie.title or tie.id, kind=EVENT_KIND, country=None, aliases="")
            for node in nodes:
                graph.add_edge(node, event, key=f"{tie.id}:{node}", **attrs)
            continue
        for a, b in combinations(nodes, 2):
            key = tie.id if len(nodes) == 2 else f"{tie.id}:{a}:{b}"
            graph.add_edge(a, b, key=key, **attrs)
    return graph


def collapse(graph: nx.MultiGraph, *, weight: str = "count") -> nx.Graph:
    """Simple graph: one edge per dyad; ``ties`` = number of ties, ``weight`` = summed counts."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for a, b, data in graph.edges(data=True):
        if simple.has_edge(a, b):
            simple[a][b]["ties"] += 1
            simple[a][b]["weight"] += data.get(weight, 1) or 1
            simple[a][b]["types"].add(data.get("type"))
        else:
            simple.add_edge(a, b, ties=1, weight=data.get(weight, 1) or 1, types={data.get("type")})
    return simple
