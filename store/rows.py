"""Pure row builders: a ``Dataset`` becomes the parameter rows the Neo4j writer UNWINDs.

No I/O here, so the whole mapping of the model onto the property graph is
tested without a server, and the read-back (``store.readback``) can rebuild
the rows a tie *should* have and compare them with what it finds.

The mapping (documented for Browser users in ``cypher/README.md``):

* every actor is one node ``:Actor`` plus ``:State``/``:Company``/``:Organization``
  with ``id, name, kind, aliases`` and, when known, ``country, note, origin``;
* every tie is one relationship per participant pair, typed from the
  vocabulary in UPPER_SNAKE (``ARMS_TRANSFER``).  A bilateral tie has one
  relationship; a multilateral (undirected) tie with *n* participants has
  n(n-1)/2 (a clique), all with the same ``tie_id`` and each with its own
  ``pair`` key ``"A|B"``, so ``MATCH ()-[r {tie_id: $id}]-()`` finds them all
  and ``count(DISTINCT r.tie_id)`` counts the tie once.  Directed types point
  from origin to target; undirected ties point from the earlier-listed to the
  later-listed participant (Neo4j needs a direction: query them undirected);
* Neo4j properties cannot be null: an unknown value is simply absent.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from tiegraph.model.dates import PartialDate
from tiegraph.model.entities import Actor, Dataset, Tie
from tiegraph.model.errors import StoreError
from tiegraph.model.vocabulary import TIE_TYPES
from tiegraph.store.cypher import KIND_LABELS

#: relationship properties a tie always or sometimes carries (besides ``attr_*``)
TIE_PROPERTIES: tuple[str, ...] = (
    "tie_id", "pair", "date", "precision", "date_text", "year", "end_text", "end_year",
    "status", "count", "title", "sources", "source_documents", "source_locators",
    "source_quotes", "source_urls", "n_sources", "conflict", "conflict_note", "conflicts_json",
    "note", "dataset", "directed", "participants", "origin",
)
ACTOR_PROPERTIES: tuple[str, ...] = ("id", "name", "kind", "aliases", "country", "note", "origin")
ATTR_PREFIX = "attr_"
PAIR_SEPARATOR = "|"

#: centrality properties written onto actor nodes (overall and for the latest year)
CENTRALITY_MEASURES: tuple[str, ...] = ("degree", "weighted_degree", "betweenness", "eigenvector")
CENTRALITY_PROPERTIES: tuple[str, ...] = (
    CENTRALITY_MEASURES + tuple(f"{m}_latest" for m in CENTRALITY_MEASURES) + ("centrality_year",)
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


def pairs(tie: Tie) -> list[tuple[str, str]]:
    """The (from, to) pairs a tie becomes: one for a bilateral or directed tie, a clique otherwise."""
    if tie.directed or len(tie.participants) == 2:
        return [(tie.participants[0], tie.participants[1])]
    return list(combinations(tie.participants, 2))


def pair_key(a: str, b: str) -> str:
    return f"{a}{PAIR_SEPARATOR}{b}"


def _conflicts_json(tie: Tie) -> str | None:
    """Conflicts are nested (field, note, readings), so they travel as one JSON string."""
    if not tie.conflicts:
        return None
    return json.dumps([
        _compact({"field": c.field, "note": c.note,
                  "readings": [{"value": r.value, "source": r.source} for r in c.readings]})
        for c in tie.conflicts
    ], ensure_ascii=False)


def tie_props(tie: Tie) -> dict[str, Any]:
    """Properties shared by every relationship of a tie (``pair`` is added per relationship).

    ``date`` is a Neo4j ``date`` of the *earliest* day the written date allows
    ("2021" -> 2021-01-01) so Browser users can compare and sort; it is only
    meaningful together with ``precision`` and ``date_text`` (the date as the
    source wrote it, which the read-back trusts).

    Sources are four parallel lists (``source_documents[i]``,
    ``source_locators[i]``, ``source_quotes[i]``, ``source_urls[i]`` describe
    source *i*, "" where unknown) so they can be read back exactly;
    ``sources`` holds the same citations as display strings.
    """
    start, end, sources = tie.start, tie.end, tie.sources
    props: dict[str, Any] = {"tie_id": tie.id}
    if start is not None:
        props.update(_start_props(start))
    if end is not None:
        props["end_text"], props["end_year"] = end.iso, end.year
    props["status"], props["count"] = tie.status, tie.count
    if tie.title:
        props["title"] = tie.title
    if len(sources) == 1:  # most ties: no comprehension per list
        source = sources[0]
        props["sources"], props["source_documents"] = [source.cite()], [source.document]
        props["source_locators"], props["source_quotes"] = [source.locator or ""], [source.quote or ""]
        props["source_urls"] = [source.url or ""]
    else:
        props["sources"] = [s.cite() for s in sources]
        props["source_documents"] = [s.document for s in sources]
        props["source_locators"] = [s.locator or "" for s in sources]
        props["source_quotes"] = [s.quote or "" for s in sources]
        props["source_urls"] = [s.url or "" for s in sources]
    props["n_sources"] = len(sources)
    props["conflict"] = bool(tie.conflicts)
    if tie.conflicts:
        props["conflict_note"] = " || ".join(c.describe() for c in tie.conflicts) or None
        props["conflicts_json"] = _conflicts_json(tie)
    if tie.note is not None:
        props["note"] = tie.note
    props["dataset"], props["directed"], props["participants"] = tie.dataset, tie.directed, list(tie.participants)
    if tie.origin:
        props["origin"] = str(tie.origin)
    for key, value in tie.attributes.items():
        props[f"{ATTR_PREFIX}{key}"] = value
    return _compact(props) if None in props.values() else props


@lru_cache(maxsize=4096)
def _start_props(start: PartialDate) -> tuple[tuple[str, Any], ...]:
    """``date``, ``precision``, ``date_text``, ``year`` of a start date (dates are shared: cached)."""
    return (("date", dt.date(*start.earliest())), ("precision", start.precision), ("date_text", start.iso),
            ("year", start.year))


@dataclass
class StoreRows:
    """What a database holding exactly the dataset contains, one row per node and relationship.

    ``actors``: node label -> rows ``{id, props}``; ``ties``: relationship
    type -> rows ``{from, to, tie_id, pair, props}``; ``pairs``: tie id ->
    the ``"TYPE A|B"`` keys it owns.  The tests and the read-back compare
    against this view; the writer sends the leaner per-tie rows of
    ``write_plan`` / ``tie_batches`` (same properties, same pairs).
    """

    actors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ties: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pairs: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(map(len, self.actors.values())) + sum(map(len, self.ties.values()))


def relationship_rows(tie: Tie) -> list[dict[str, Any]]:
    """One row per relationship of ``tie``."""
    shared = tie_props(tie)
    rows = []
    for a, b in pairs(tie):
        key = pair_key(a, b)
        rows.append({"from": a, "to": b, "tie_id": tie.id, "pair": key,
                     "props": {**shared, "pair": key}})
    return rows


def n_relationships(tie: Tie) -> int:
    """How many relationships ``pairs(tie)`` gives, without building them."""
    n = len(tie.participants)
    return 1 if tie.directed or n == 2 else n * (n - 1) // 2


def tie_write_row(tie: Tie) -> dict[str, Any]:
    """The writer's row for one tie: its shared properties once, then its pairs.

    Why not one row per relationship: a multilateral tie's properties (sources,
    participants, title …) are the same on all of its n(n-1)/2 relationships,
    so sending them once per tie cuts what is built, packed and sent, and the
    Cypher adds ``pair`` per relationship (``SET r = row.props, r.pair = p[2]``).
    Keeping a tie's pairs in one row also keeps them in one transaction: a load
    that dies half-way never leaves half of a multilateral tie behind.
    """
    return {"tie_id": tie.id, "pairs": [[a, b, pair_key(a, b)] for a, b in pairs(tie)],
            "props": tie_props(tie)}


@dataclass
class WritePlan:
    """What the writer writes, grouped by write shape; tie rows are built lazily, batch by batch.

    ``actors``: node label -> rows ``{id, props}``; ``ties``: relationship type ->
    the ties of that type (in dataset order).  Building the rows of a million
    ties up front would hold several GB; ``tie_batches`` builds them a batch at
    a time.
    """

    actors: dict[str, list[dict[str, Any]]]
    ties: dict[str, list[Tie]]
    relationships: int

    @property
    def total(self) -> int:
        """Actors plus relationships: what the progress bar counts."""
        return sum(map(len, self.actors.values())) + self.relationships


def write_plan(dataset: Dataset) -> WritePlan:
    """Actor rows by label and ties by relationship type; refuses duplicate ids and unknown types.

    The writer CREATEs relationships when none of a batch's ties is in the
    database yet, so two ties with one id would collide on the (tie_id, pair)
    constraint; the loaders never produce them, a hand-built ``Dataset`` might.
    """
    actors: dict[str, list[dict[str, Any]]] = {}
    for actor in dataset.actors.values():
        actors.setdefault(actor_label(actor), []).append({"id": actor.id, "props": actor_props(actor)})
    ties: dict[str, list[Tie]] = {}
    seen: set[str] = set()
    relationships = 0
    for tie in dataset.ties:
        if tie.id in seen:
            raise StoreError(f"tie id '{tie.id}' occurs twice in the dataset: tie ids must be unique")
        seen.add(tie.id)
        tie_type = TIE_TYPES.get(tie.type)  # the relationship type only ever comes from this table
        if tie_type is None:
            raise StoreError(f"tie '{tie.id}': '{tie.type}' is not a tie type of the vocabulary")
        ties.setdefault(tie_type.relationship, []).append(tie)
        relationships += n_relationships(tie)
    return WritePlan(actors, ties, relationships)


def tie_batches(ties: list[Tie], size: int) -> Iterator[tuple[list[dict[str, Any]], int]]:
    """``(rows, relationships)`` batches of whole ties holding about ``size`` relationships.

    A batch closes as soon as it reaches ``size`` relationships; a tie with more
    pairs than that is a batch of its own (its pairs are never split).
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    rows: list[dict[str, Any]] = []
    count = 0
    for tie in ties:
        row = tie_write_row(tie)
        rows.append(row)
        count += len(row["pairs"])
        if count >= size:
            yield rows, count
            rows, count = [], 0
    if rows:
        yield rows, count


def build_rows(dataset: Dataset) -> StoreRows:
    """All rows of a dataset, actors by label and relationships by type, in dataset order."""
    rows = StoreRows()
    for actor in dataset.actors.values():
        rows.actors.setdefault(actor_label(actor), []).append({"id": actor.id, "props": actor_props(actor)})
    for tie in dataset.ties:
        relationship = tie.tie_type.relationship
        tie_rows = relationship_rows(tie)
        rows.ties.setdefault(relationship, []).extend(tie_rows)
        rows.pairs[tie.id] = [f"{relationship} {r['pair']}" for r in tie_rows]
    return rows


def batches(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows (one managed transaction each)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


@dataclass(frozen=True)
class ExpectedCounts:
    """What a database holding exactly ``dataset`` contains; tests and the summary compare to it."""

    labels: dict[str, int]
    relationships: dict[str, int]
    ties: dict[str, int]


def expected_counts(dataset: Dataset) -> ExpectedCounts:
    """Counted without building any property map (cheap even for a million ties)."""
    labels = {"Actor": len(dataset.actors)}
    for actor in dataset.actors.values():
        labels[actor_label(actor)] = labels.get(actor_label(actor), 0) + 1
    relationships: dict[str, int] = {}
    tie_ids: dict[str, set[str]] = {}
    for tie in dataset.ties:
        rel = tie.tie_type.relationship
        relationships[rel] = relationships.get(rel, 0) + n_relationships(tie)
        tie_ids.setdefault(rel, set()).add(tie.id)
    ties = {rel: len(ids) for rel, ids in tie_ids.items()}
    return ExpectedCounts(dict(sorted(labels.items())), dict(sorted(relationships.items())),
                          dict(sorted(ties.items())))


def latest_year(dataset: Dataset) -> int | None:
    years = [t.year for t in dataset.ties if t.year is not None]
    return max(years) if years else None


def centrality_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """Centrality node properties, so Browser users can size and colour nodes by them.

    Computed with ``graph.metrics.centrality`` at actor level (companies are
    their own nodes, as in Neo4j) with the clique projection, on all ties
    (``degree`` …) and on the ties formed in the latest dated year
    (``degree_latest`` …, with that year in ``centrality_year``).  Every actor
    gets every property (0.0 when it has no tie), so nothing stale survives a
    reload.
    """
    from tiegraph.graph.build import build_graph

    overall = _centrality(build_graph(dataset, level="actor"))
    year = latest_year(dataset)
    latest = (_centrality(build_graph(dataset, [t for t in dataset.ties if t.year == year], level="actor"))
              if year is not None else {})
    zero = dict.fromkeys(CENTRALITY_MEASURES, 0.0)
    rows = []
    for actor_id in dataset.actors:
        props: dict[str, Any] = {m: float(overall.get(actor_id, zero)[m]) for m in CENTRALITY_MEASURES}
        props.update({f"{m}_latest": float(latest.get(actor_id, zero)[m]) for m in CENTRALITY_MEASURES})
        props["centrality_year"] = year
        rows.append({"id": actor_id, "props": _compact(props)})
    return rows


def _centrality(graph: Any) -> dict[str, dict[str, float]]:
    """``graph.metrics.centrality``, also when the largest component has two nodes.

    ``eigenvector_centrality_numpy`` (ARPACK) raises TypeError on a component of
    fewer than three nodes, which a single year's network often is.  Then the
    same measures are computed here, the eigenvector with a dense solver
    (unit Euclidean norm, like networkx).
    """
    import networkx as nx
    import numpy as np

    from tiegraph.graph.build import collapse
    from tiegraph.graph.metrics import centrality

    try:
        with warnings.catch_warnings():  # networkx warns "k >= N - 1" before failing on tiny graphs
            warnings.simplefilter("ignore", RuntimeWarning)
            return centrality(graph)
    except TypeError:
        simple = collapse(graph)
        degree = nx.degree_centrality(simple) if len(simple) > 1 else {n: 0.0 for n in simple}
        betweenness = nx.betweenness_centrality(simple)
        eigen = {n: 0.0 for n in simple}
        if simple.number_of_edges():
            largest = list(max(nx.connected_components(simple), key=len))
            _, vectors = np.linalg.eigh(nx.to_numpy_array(simple, nodelist=largest, weight=None))
            principal = np.abs(vectors[:, -1])
            eigen.update(zip(largest, (principal / np.linalg.norm(principal)).tolist()))
        return {n: {"degree": degree[n], "weighted_degree": float(simple.degree(n, weight="weight")),
                    "betweenness": betweenness[n], "eigenvector": eigen[n]} for n in simple}
