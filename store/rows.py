"""Pure row builders: a ``Dataset`` becomes the parameter rows the Neo4j writer UNWINDs.

No I/O here, so the whole mapping of the model onto the property graph is
tested without a server, and the read-back (``store.readback``) can rebuild
the properties a tie *should* have and compare them with what it finds.

The mapping (documented for Browser users in ``cypher/README.md``):

* every actor is one node ``:Actor`` plus ``:State``/``:Company``/``:Organization``;
* a tie with two participants is ONE relationship typed from the vocabulary
  in UPPER_SNAKE (``ARMS_TRANSFER``), from origin to target for directed types
  (seller -> buyer), from the first- to the second-listed participant otherwise;
* a tie with three or more participants (always an undirected type) is ONE
  node ``:Tie`` plus its type label in CamelCase (``:JointExercise``), with a
  ``PARTICIPATED_IN {position}`` relationship from each participant.
  Either way a query draws one edge or one node per tie, and ``tieId``
  identifies it;
* properties are camelCase; an unknown value is simply absent (Neo4j has no
  null properties).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Tie
from tiegraph.model.errors import StoreError
from tiegraph.model.vocabulary import TIE_TYPES
from tiegraph.store.cypher import (
    COVERAGE_LABEL,
    DUPLICATE_LABEL,
    KIND_LABELS,
    PARTICIPATED_IN,
    TIE_LABELS,
    TIE_NODE_LABEL,
)

#: properties a tie (relationship or node) always or sometimes carries, besides ``attr_*``
TIE_PROPERTIES: tuple[str, ...] = (
    "tieId", "type", "date", "precision", "dateFrom", "dateTo", "year", "endDate", "endYear", "lastYear",
    "status", "tentative", "count", "title", "sourceDocuments", "sourceLocators", "sourceQuotes",
    "sourceUrls", "conflict", "conflictNote", "conflictsJson", "note", "dataset", "origin",
)
ACTOR_PROPERTIES: tuple[str, ...] = ("id", "name", "kind", "aliases", "country", "note", "origin")
#: attributes keep their key as the data files write it, behind this prefix (they round-trip exactly)
ATTR_PREFIX = "attr_"

#: centrality properties written onto actor nodes (overall and for the latest year)
CENTRALITY_MEASURES: dict[str, str] = {"degree": "degree", "weighted_degree": "weightedDegree",
                                       "betweenness": "betweenness", "eigenvector": "eigenvector"}
CENTRALITY_PROPERTIES: tuple[str, ...] = (
    tuple(CENTRALITY_MEASURES.values()) + tuple(f"{m}Latest" for m in CENTRALITY_MEASURES.values())
    + ("centralityYear",)
)


def _compact(props: dict[str, Any]) -> dict[str, Any]:
    """Drop None: Neo4j has no null properties (SET r = map would just omit them anyway)."""
    return {k: v for k, v in props.items() if v is not None}


def actor_label(actor: Actor) -> str:
    return KIND_LABELS[actor.kind]


def actor_props(actor: Actor) -> dict[str, Any]:
    """Node properties of an actor; ``origin`` says which file and line defined it."""
    return _compact({
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": list(actor.aliases),
        "country": actor.country,
        "note": actor.note,
        "origin": str(actor.origin) if actor.origin else None,
    })


def coverage_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """One ``:Coverage`` node per dataset: what it covers (``model.coverage``), so the read-back
    knows which years are missing rather than empty, as the files do."""
    return [{"dataset": c.dataset, "props": {"dataset": c.dataset, "firstYear": c.first_year,
                                              "lastYear": c.last_year, "kind": c.kind,
                                              "tieTypes": list(c.tie_types), "note": c.note}}
            for c in dataset.coverage.values()]


def duplicate_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """One ``:Duplicate`` node per cross-dataset duplicate the merge left out (``Dataset.duplicates``): the
    other dataset's own version of a shared tie, as its type, its participants in order, the tie it duplicates,
    and ``record``: its properties as a relationship would hold them (``tie_props``), as JSON text, which the
    read-back turns into the same ``Tie``."""
    kept = {str(pair["duplicate"]): str(pair["kept"]) for pair in dataset.overlaps}
    return [{"tieId": t.id, "props": {"tieId": t.id, "dataset": t.dataset, "duplicateOf": kept.get(t.id, ""),
                                      "type": t.type, "participants": list(t.participants),
                                      "record": json.dumps(tie_props(t), ensure_ascii=False, sort_keys=True,
                                                           default=str)}}
            for t in dataset.duplicates]


def is_node(tie: Tie) -> bool:
    """Whether ``tie`` is stored as a ``:Tie`` node (three or more participants)."""
    return len(tie.participants) > 2


def _conflicts_json(tie: Tie) -> str | None:
    """Conflicts are nested (field, note, readings), so they travel as one JSON string."""
    if not tie.conflicts:
        return None
    return json.dumps([
        _compact({"field": c.field, "note": c.note,
                  "readings": [{"value": r.value, "source": r.source} for r in c.readings]})
        for c in tie.conflicts
    ], ensure_ascii=False)


@lru_cache(maxsize=4096)
def _start_props(start: PartialDate) -> tuple[tuple[str, Any], ...]:
    """``date`` as written, its ``precision`` and the days it stands for (dates are shared: cached)."""
    return (("date", start.iso), ("precision", start.precision), ("dateFrom", dt.date(*start.earliest())),
            ("dateTo", dt.date(*start.latest())), ("year", start.year))


@lru_cache(maxsize=4096)
def _wire_days(start: PartialDate) -> tuple[str, str]:
    """``dateFrom``/``dateTo`` as ISO text for the Bolt wire (cached like ``_start_props``)."""
    return dt.date(*start.earliest()).isoformat(), dt.date(*start.latest()).isoformat()


def _on_the_wire(row: dict[str, Any], tie: Tie) -> dict[str, Any]:
    """Move the row's ``dateFrom``/``dateTo`` out of its props as ISO text; the write query makes them dates.

    Why: the Python driver turns each ``datetime.date`` into a Bolt structure in
    Python code, 12 us of client CPU per tie for the two (a third of the
    client's share; BENCHMARKS.md section 4), while the server parses the text
    with ``date()`` in well under that.  What is stored is the same Date.
    """
    props = row["props"]
    if "dateFrom" in props and tie.start is not None:
        del props["dateFrom"], props["dateTo"]
        row["dateFrom"], row["dateTo"] = _wire_days(tie.start)
    return row


def last_year(tie: Tie) -> int | None:
    """The last year a tie is in force: an event's own year, a standing tie's end; None while it stands."""
    if tie.tie_type.temporal == "event":
        return tie.year
    return tie.end.year if tie.end is not None else None


def tie_props(tie: Tie) -> dict[str, Any]:
    """Properties of a tie's relationship or node (a node also gets ``type``: see ``node_props``).

    ``date`` is the start date as the source wrote it ("2021", "2021-06",
    "2021-06-15", "1990s"); ``dateFrom``/``dateTo`` are the first and last day
    it stands for, so ``r.dateTo >= date('2021-06-01')`` keeps a tie dated
    "2021".  Sources are four parallel lists (item *i* of each describes source
    *i*, "" where unknown; a list whose items would all be "" is left out:
    fewer properties per relationship load faster): they read back exactly and
    filter with ``IN``, and a million ties need no million extra nodes (see
    cypher/README.md).
    ``count`` is written only when a record stands for several ties.
    """
    start, end, sources = tie.start, tie.end, tie.sources
    props: dict[str, Any] = {"tieId": tie.id}
    if start is not None:
        props.update(_start_props(start))
    if end is not None:
        props["endDate"], props["endYear"] = end.iso, end.year
    until = last_year(tie)
    if until is not None:
        props["lastYear"] = until
    props["status"], props["tentative"] = tie.status, tie.tentative
    if tie.count != 1:
        props["count"] = tie.count
    if tie.title:
        props["title"] = tie.title
    if len(sources) == 1:  # most ties: no comprehension per list
        source = sources[0]
        props["sourceDocuments"], props["sourceLocators"] = [source.document], [source.locator or ""]
        if source.quote:
            props["sourceQuotes"] = [source.quote]
        if source.url:
            props["sourceUrls"] = [source.url]
    else:
        props["sourceDocuments"] = [s.document for s in sources]
        props["sourceLocators"] = [s.locator or "" for s in sources]
        if any(s.quote for s in sources):
            props["sourceQuotes"] = [s.quote or "" for s in sources]
        if any(s.url for s in sources):
            props["sourceUrls"] = [s.url or "" for s in sources]
    props["conflict"] = bool(tie.conflicts)
    if tie.conflicts:
        props["conflictNote"] = " || ".join(c.describe() for c in tie.conflicts)
        props["conflictsJson"] = _conflicts_json(tie)
    if tie.note is not None:
        props["note"] = tie.note
    props["dataset"] = tie.dataset
    if tie.origin:
        props["origin"] = str(tie.origin)
    for key, value in tie.attributes.items():
        props[f"{ATTR_PREFIX}{key}"] = value
    return _compact(props) if None in props.values() else props


def node_props(tie: Tie) -> dict[str, Any]:
    """Properties of a multilateral tie's node: ``tie_props`` plus ``type`` (``JOINT_EXERCISE``)."""
    return {**tie_props(tie), "type": tie.tie_type.relationship}


def edge_row(tie: Tie) -> dict[str, Any]:
    """The writer's row for a bilateral tie: one relationship ``from`` -> ``to`` (dates as text: ``_on_the_wire``)."""
    return _on_the_wire({"tieId": tie.id, "type": tie.tie_type.relationship, "from": tie.participants[0],
                         "to": tie.participants[1], "props": tie_props(tie)}, tie)


def node_row(tie: Tie) -> dict[str, Any]:
    """The writer's row for a multilateral tie: one node and its participants in order.

    A tie's node and participant relationships travel in one row, hence in one
    transaction: a load that dies half-way never leaves half of a tie behind.
    """
    return _on_the_wire({"tieId": tie.id, "label": TIE_LABELS[tie.type], "participants": list(tie.participants),
                         "props": node_props(tie)}, tie)


def tie_row(tie: Tie) -> dict[str, Any]:
    return node_row(tie) if is_node(tie) else edge_row(tie)


def n_relationships(tie: Tie) -> int:
    """Relationships a tie is stored as: 1, or one ``PARTICIPATED_IN`` per participant."""
    return len(tie.participants) if is_node(tie) else 1


@dataclass
class WritePlan:
    """What the writer writes, grouped by write shape; tie rows are built lazily, batch by batch.

    ``actors``: node label -> rows ``{id, props}``; ``edges``: relationship type ->
    the bilateral ties of that type; ``nodes``: tie label (``JointExercise``) ->
    the multilateral ties of that type (both in dataset order); ``coverage``:
    one row per dataset (``coverage_rows``).  Building the
    rows of a million ties up front would hold several GB; ``tie_batches``
    builds them a batch at a time.
    """

    actors: dict[str, list[dict[str, Any]]]
    edges: dict[str, list[Tie]]
    nodes: dict[str, list[Tie]]
    relationships: int
    coverage: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tie_nodes(self) -> int:
        return sum(map(len, self.nodes.values()))

    @property
    def total(self) -> int:
        """Actors, tie nodes and relationships: what the progress bar counts."""
        return sum(map(len, self.actors.values())) + self.tie_nodes + self.relationships


def write_plan(dataset: Dataset) -> WritePlan:
    """Actor rows by label, ties by write shape; refuses what would fail inside Neo4j.

    Everything is checked here, before the writer touches the database (and so
    before ``--replace`` deletes anything): duplicate tie ids, types outside the
    vocabulary, participants missing from the actors, and values Neo4j cannot
    store (``store.limits``).
    """
    from tiegraph.store.limits import check_actor, check_tie

    actors: dict[str, list[dict[str, Any]]] = {}
    for actor in dataset.actors.values():
        check_actor(actor)
        label = actor_label(actor)
        actors.setdefault(label, []).append({"id": actor.id, "label": label, "props": actor_props(actor)})
    edges: dict[str, list[Tie]] = {}
    nodes: dict[str, list[Tie]] = {}
    seen: set[str] = set()
    relationships = 0
    known = dataset.actors
    for tie in dataset.ties:
        if tie.id in seen:
            raise StoreError(f"tie id '{tie.id}' occurs twice in the dataset: tie ids must be unique")
        seen.add(tie.id)
        tie_type = TIE_TYPES.get(tie.type)  # the relationship type only ever comes from this table
        if tie_type is None:
            raise StoreError(f"tie '{tie.id}': '{tie.type}' is not a tie type of the vocabulary")
        check_tie(tie, known)
        if is_node(tie):
            nodes.setdefault(TIE_LABELS[tie.type], []).append(tie)
            relationships += len(tie.participants)
        else:
            edges.setdefault(tie_type.relationship, []).append(tie)
            relationships += 1
    return WritePlan(actors, edges, nodes, relationships, coverage_rows(dataset), duplicate_rows(dataset))


def tie_batches(ties: list[Tie], size: int) -> Iterator[tuple[list[dict[str, Any]], int]]:
    """``(rows, relationships)`` batches of whole ties holding about ``size`` relationships.

    A batch closes as soon as it reaches ``size`` relationships; a tie with more
    participants than that is a batch of its own (a tie is never split).
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    rows: list[dict[str, Any]] = []
    count = 0
    for tie in ties:
        rows.append(tie_row(tie))
        count += n_relationships(tie)
        if count >= size:
            yield rows, count
            rows, count = [], 0
    if rows:
        yield rows, count


def batches(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows (one managed transaction each)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


@dataclass(frozen=True)
class ExpectedCounts:
    """What a database holding exactly ``dataset`` contains; tests and the summary compare to it.

    ``labels``: nodes by label (actors and tie nodes); ``relationships``: by type
    (``PARTICIPATED_IN`` included); ``ties``: ties by relationship type name,
    whether stored as a relationship or a node.
    """

    labels: dict[str, int]
    relationships: dict[str, int]
    ties: dict[str, int]


def expected_counts(dataset: Dataset) -> ExpectedCounts:
    """Counted without building any property map (cheap even for a million ties)."""
    labels = {"Actor": len(dataset.actors)}
    if dataset.coverage:
        labels[COVERAGE_LABEL] = len(dataset.coverage)
    if dataset.duplicates:
        labels[DUPLICATE_LABEL] = len(dataset.duplicates)
    for actor in dataset.actors.values():
        labels[actor_label(actor)] = labels.get(actor_label(actor), 0) + 1
    relationships: dict[str, int] = {}
    ties: dict[str, int] = {}
    for tie in dataset.ties:
        rel = tie.tie_type.relationship
        ties[rel] = ties.get(rel, 0) + 1
        if is_node(tie):
            for label in (TIE_NODE_LABEL, TIE_LABELS[tie.type]):
                labels[label] = labels.get(label, 0) + 1
            relationships[PARTICIPATED_IN] = relationships.get(PARTICIPATED_IN, 0) + len(tie.participants)
        else:
            relationships[rel] = relationships.get(rel, 0) + 1
    return ExpectedCounts(dict(sorted(labels.items())), dict(sorted(relationships.items())),
                          dict(sorted(ties.items())))


def centrality_year(dataset: Dataset) -> int | None:
    """The latest year in which some tie that is not tentative was formed.

    Why not simply the latest year: the data list planned exercises and
    proposed agreements years ahead, and a "latest" network made of plans only
    would describe intentions, not ties.
    """
    years = [t.year for t in dataset.ties if t.year is not None and not t.tentative]
    return max(years) if years else None


def centrality_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """Centrality node properties and a degree-band label, so Browser users can size nodes by them.

    Computed with ``graph.centrality.centrality`` (the one centrality module) at
    actor level (companies are their own nodes, as in Neo4j) on the clique
    projection: on all ties (``degree`` …) and on the ties formed in
    ``centrality_year`` that are not tentative (``degreeLatest`` …, that year in
    ``centralityYear``).  Every actor gets every property (0.0 when it has no
    tie), so nothing stale survives a reload.
    """
    from tiegraph.graph.build import build_graph
    from tiegraph.graph.centrality import centrality
    from tiegraph.store.browser import degree_band

    graph = build_graph(dataset, level="actor")
    overall = centrality(graph)
    year = centrality_year(dataset)
    latest = (centrality(build_graph(dataset, [t for t in dataset.ties if t.year == year and not t.tentative],
                                     level="actor")) if year is not None else {})
    zero = dict.fromkeys(CENTRALITY_MEASURES, 0.0)
    rows = []
    for actor_id in dataset.actors:
        props: dict[str, Any] = {}
        for measure, name in CENTRALITY_MEASURES.items():
            props[name] = float(overall.get(actor_id, zero)[measure])
            props[f"{name}Latest"] = float(latest.get(actor_id, zero)[measure])
        props["centralityYear"] = year
        # Browser's style sheets select by label only: the band label sizes the node (store.browser)
        partners = len(set(graph.neighbors(actor_id))) if actor_id in graph else 0
        rows.append({"id": actor_id, "props": _compact(props), "degreeBand": degree_band(partners)})
    return rows
