"""Build NetworkX graphs from a validated dataset.

One edge per tie and participant pair (``MultiGraph``), tie attributes on the
edge.  Multilateral ties are projected as a clique (every pair of participants)
by default, or as a star (an event node joined to each participant) when the
question is about events rather than dyads.  ``level="state"`` folds companies
into their home state so state-level density counts a TAI sale to Kazakhstan as
a TUR–KAZ tie.

Two attribute sets (``attributes=``):

* ``"full"`` (default) -- every edge carries ``edge_attributes(tie)``: ~25
  keys including the joined citations.  The exporters (GraphML, GEXF, CSV)
  need them.
* ``"analysis"`` -- every edge carries only ``ANALYSIS_KEYS`` (tie id, type,
  start and end year, count, temporal kind, dataset): all that density,
  centrality, the yearly series and the thesis test read.  One dict per *tie* is shared
  by all the pairs a multilateral tie projects to, so the graph of a million
  ties fits in a fraction of the memory (see BENCHMARKS.md).  Such a graph is
  for reading: copy it (``graph.copy()``) before editing edge data.  The full
  record of any edge is ``dataset.tie(data["tie_id"])``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import networkx as nx

from tiegraph.model.entities import Dataset, Tie
from tiegraph.model.errors import UsageError
from tiegraph.model.gc_pause import gc_paused
from tiegraph.model.vocabulary import TIE_TYPES

Projection = Literal["clique", "star"]
Level = Literal["actor", "state"]
Attributes = Literal["full", "analysis"]
EVENT_KIND = "event"
#: the edge keys of an ``attributes="analysis"`` graph (what graph.centrality and the time series of
#: analysis/ read); ``dataset`` tells the series whose coverage a tie falls under
ANALYSIS_KEYS: tuple[str, ...] = ("tie_id", "type", "year", "end_year", "count", "temporal", "continues",
                                  "dataset")


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


def analysis_attributes(tie: Tie) -> dict[str, object]:
    """The lean edge attributes of an analysis graph (``ANALYSIS_KEYS``, same values as the full set)."""
    return {
        "tie_id": tie.id,
        "type": tie.type,
        "year": tie.start.year if tie.start else None,
        "end_year": tie.end.year if tie.end else None,
        "count": tie.count,
        "temporal": TIE_TYPES[tie.type].temporal,
        "continues": continued_tie(tie),
        "dataset": tie.dataset,
    }


def continued_tie(tie: Tie) -> str | None:
    """The id of the tie this one continues (an ATOP membership spell after an accession), or None.

    Such a tie repeats the pairs of the one before it: in force, they count; as
    "formed this year" they do not (``analysis.temporal``).
    """
    value = tie.attributes.get("continues")
    return str(value) if value else None


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
        "continues": continued_tie(tie),
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
    attributes: Attributes = "full",
) -> nx.MultiGraph:
    """Return a MultiGraph of ``ties`` (default: all ties of ``dataset``).

    Every actor of the dataset is a node (isolates included) with ``name``,
    ``kind`` and ``country``; each edge carries ``edge_attributes(tie)``
    (``attributes="full"``) or ``analysis_attributes(tie)``, one dict shared
    by the tie's edges (``attributes="analysis"``; see the module docstring).
    Edge keys are the tie id (bilateral) or ``tie_id:a:b`` (projected pairs).
    """
    if projection not in ("clique", "star"):
        raise UsageError(f"unknown projection '{projection}' (use clique or star)")
    if level not in ("actor", "state"):
        raise UsageError(f"unknown level '{level}' (use actor or state)")
    if attributes not in ("full", "analysis"):
        raise UsageError(f"unknown attribute set '{attributes}' (use full or analysis)")
    graph = nx.MultiGraph(projection=projection, level=level)
    for actor in dataset.actors.values():
        if level == "state" and actor.kind == "company" and actor.country:
            continue
        graph.add_node(actor.id, name=actor.name, kind=actor.kind,
                       country=actor.country if actor.kind == "company" else
                       (actor.id if actor.kind == "state" else None),
                       aliases=";".join(actor.aliases))
    # fold_actor of every actor, computed once: one dict lookup per participant
    fold = {a: fold_actor(dataset, a, level) for a in dataset.actors} if level == "state" else None
    lean = attributes == "analysis"
    with gc_paused():
        _add_ties(graph, dataset.ties if ties is None else ties, fold, projection, lean)
    return graph


def _add_ties(graph: nx.MultiGraph, ties: Iterable[Tie], fold: dict[str, str] | None,
              projection: Projection, lean: bool) -> None:
    """The edges of ``build_graph`` (``fold``: actor -> node at state level, None at actor level)."""
    add = _add_shared_edge if lean else _add_edge
    for tie in ties:
        if fold is None:
            nodes = list(dict.fromkeys(tie.participants))
        else:
            nodes = list(dict.fromkeys(fold[p] for p in tie.participants))
        if len(nodes) < 2:
            continue  # a company tied to its own home state folds into nothing
        attrs = analysis_attributes(tie) if lean else edge_attributes(tie)
        if projection == "star" and len(nodes) > 2:
            event = f"event:{tie.id}"
            graph.add_node(event, name=tie.title or tie.id, kind=EVENT_KIND, country=None, aliases="")
            for node in nodes:
                add(graph, node, event, f"{tie.id}:{node}", attrs)
            continue
        if len(nodes) == 2:
            add(graph, nodes[0], nodes[1], tie.id, attrs)
            continue
        for a, b in combinations(nodes, 2):
            add(graph, a, b, f"{tie.id}:{a}:{b}", attrs)


def _add_edge(graph: nx.MultiGraph, u: str, v: str, key: str, attrs: dict[str, object]) -> None:
    """networkx's own add_edge: the edge gets its own copy of ``attrs``."""
    graph.add_edge(u, v, key=key, **attrs)


def _add_shared_edge(graph: nx.MultiGraph, u: str, v: str, key: str, attrs: dict[str, object]) -> None:
    """Add an edge whose data *is* ``attrs`` (not a copy), as ``add_edge`` would lay it out.

    networkx's ``add_edge`` and ``add_edges_from`` both copy the attributes
    into a new dict per edge; writing the documented adjacency structure
    (``G._adj[u][v]`` is one key dict shared by both directions) is the only
    way to let the pairs of one tie share one dict.  A repeated key updates
    the existing edge, as ``add_edge`` does.
    """
    adj = graph._adj
    if u not in adj:
        graph.add_node(u)
    if v not in adj:
        graph.add_node(v)
    keydict = adj[u].get(v)
    if keydict is None:
        keydict = graph.edge_key_dict_factory()
        adj[u][v] = keydict
        adj[v][u] = keydict
    existing = keydict.get(key)
    # a repeated key merges, as add_edge does, into a new dict: a shared dict is never edited
    keydict[key] = attrs if existing is None or existing is attrs else {**existing, **attrs}


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
