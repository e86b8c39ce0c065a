"""Read the graph back from Neo4j as the same ``Dataset`` the files give.

So ``graph.build`` and ``analysis.report`` run unchanged on ``--source neo4j``,
and an edit made in Neo4j Browser (a corrected date, a new tie, a removed
participant) reaches the analysis.

Why through the loader's validators: each tie relationship and each ``:Tie``
node is turned back into the record of the data format (``{id, type,
participants, start, sources, …}``) and passed to ``loaders.validate.build_actor``
/ ``build_tie``.  A Browser edit is therefore checked exactly like a file edit
(unknown status, end before start, unknown actor …), and dates come back at
their written precision from ``date`` ("2021" stays a year).

Some properties are derived (``dateFrom``, ``year``, ``tentative`` …): the
read-back rebuilds the properties each tie *should* have (``store.rows``) and
reports a derived property that disagrees (``year`` edited without ``date``) as
a problem naming the tie and property, instead of silently picking one reading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tiegraph.loaders.records import RawRecord
from tiegraph.loaders.validate import build_actor, build_coverage, build_tie
from tiegraph.model.coverage import Coverage
from tiegraph.model.entities import Actor, Dataset, Origin, Tie
from tiegraph.model.errors import DataValidationError, Problem, StoreError
from tiegraph.model.vocabulary import TIE_TYPES
from tiegraph.store.cypher import KIND_LABELS, RELATIONSHIP_TYPES, TIE_LABELS, TIE_NODE_LABEL, load_store_cypher
from tiegraph.store.rows import ACTOR_PROPERTIES, ATTR_PREFIX, node_props, tie_props
from tiegraph.store.writer import any_tie_query

if TYPE_CHECKING:  # imported lazily: the CLI starts without the driver
    from neo4j import Driver, ManagedTransaction

_LABEL_KINDS = {label: kind for kind, label in KIND_LABELS.items()}
_LABEL_TYPES = {label: name for name, label in TIE_LABELS.items()}
_SOURCE_LISTS = {"document": "sourceDocuments", "locator": "sourceLocators",
                 "quote": "sourceQuotes", "url": "sourceUrls"}

#: one tie as read: (vocabulary type name or a problem text, participants, properties, what it is)
TieRow = tuple[str, list[str], dict[str, Any], str]


def _plain(value: Any) -> Any:
    """Neo4j temporal values -> Python (``neo4j.time.Date`` -> ``datetime.date``)."""
    to_native = getattr(value, "to_native", None)
    if to_native is not None:
        return to_native()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _origin_key(props: dict[str, Any], fallback: str) -> tuple[str, int, str]:
    """Order records as the files had them (origin "file:line"), Browser-made ones last by id."""
    origin = props.get("origin")
    if isinstance(origin, str) and ":" in origin:
        file, _, line = origin.rpartition(":")
        if line.isdigit():
            return (file, int(line), fallback)
    return ("\uffff", 0, fallback)


def _origin_of(props: dict[str, Any]) -> Origin | None:
    origin = props.get("origin")
    if not isinstance(origin, str) or not origin:
        return None
    file, _, line = origin.rpartition(":")
    return Origin(file, int(line)) if file and line.isdigit() else Origin(origin)


def actor_record(labels: list[str], props: dict[str, Any], label: str) -> RawRecord:
    """The ``actors.yaml`` record of an actor node (kind from ``kind``, else from its label)."""
    kind = props.get("kind") or next((_LABEL_KINDS[name] for name in labels if name in _LABEL_KINDS), None)
    data = {k: props[k] for k in ("id", "name", "aliases", "country", "note") if props.get(k) is not None}
    if kind is not None:
        data["kind"] = kind
    return RawRecord(label, None, data, {})  # type: ignore[arg-type]  # no line in a database


def _sources(props: dict[str, Any]) -> list[dict[str, Any]] | None:
    lists = {field: props.get(name) for field, name in _SOURCE_LISTS.items()}
    documents = lists["document"]
    if not isinstance(documents, list):
        return None
    sources = []
    for i in range(len(documents)):
        item = {}
        for field, values in lists.items():
            value = values[i] if isinstance(values, list) and i < len(values) else None
            if value not in (None, ""):
                item[field] = value
        sources.append(item)
    return sources


def tie_record(type_name: str, participants: list[str], props: dict[str, Any], label: str) -> RawRecord:
    """The ``ties/*.yaml`` record of one tie relationship or node."""
    data: dict[str, Any] = {"id": props.get("tieId"), "type": type_name}
    if TIE_TYPES[type_name].directed:
        data["from"], data["to"] = (participants + [None, None])[:2]
    else:
        data["participants"] = participants
    for field, name in (("start", "date"), ("end", "endDate"), ("status", "status"),
                        ("count", "count"), ("title", "title"), ("note", "note"),
                        ("dataset", "dataset")):
        if props.get(name) is not None:
            data[field] = props[name]
    data["sources"] = _sources(props)
    if props.get("conflictsJson"):
        try:
            data["conflicts"] = json.loads(props["conflictsJson"])
        except (TypeError, ValueError):
            data["conflicts"] = "conflictsJson is not valid JSON"
    attributes = {k[len(ATTR_PREFIX):]: v for k, v in sorted(props.items()) if k.startswith(ATTR_PREFIX)}
    if attributes:
        data["attributes"] = attributes
    return RawRecord(label, None, data, {})  # type: ignore[arg-type]


def _problem(label: str, tie_id: str, field: str | None, message: str) -> Problem:
    return Problem(label, None, f"tie '{tie_id}'", field, message)


#: properties computed from others on load: optional when editing in Browser, checked when present
DERIVED_PROPERTIES: tuple[str, ...] = ("precision", "dateFrom", "dateTo", "year", "endYear", "lastYear",
                                       "tentative", "conflict", "conflictNote", "type")


def _check_derived(tie: Tie, props: dict[str, Any], node: bool, label: str, problems: list[Problem]) -> None:
    """A derived property that is present must agree with what it is derived from.

    A Browser user who changed ``year`` but not ``date`` is told so.  Absent
    derived properties are fine: a tie created by hand in Browser needs only
    ``tieId``, ``status``, ``date`` and its ``source*`` lists.
    """
    wanted = node_props(tie) if node else tie_props(tie)
    for key in DERIVED_PROPERTIES:
        want, have = wanted.get(key), _plain(props.get(key))
        if key == "conflict" and want is False and have is None:
            continue
        if have is not None and want != have:
            problems.append(_problem(
                label, tie.id, key,
                f"has {have!r} but the tie's other properties give {want!r} (dateFrom, dateTo, "
                "precision, year and lastYear follow date, tentative follows status; edit them "
                "together, see cypher/README.md)"))
            return


def _node_type(labels: list[str], props: dict[str, Any]) -> str:
    """The vocabulary type of a tie node, from its type label; a problem text when there is none or several."""
    types = sorted({_LABEL_TYPES[name] for name in labels if name in _LABEL_TYPES})
    if len(types) == 1:
        return types[0]
    return "labels " + (", ".join(sorted(labels)) if types else f"{', '.join(sorted(labels))} (no tie type label)")


def tie_rows_of(edge_rows: Iterable[tuple[str, str, str, dict[str, Any]]],
                node_rows: Iterable[tuple[list[str], dict[str, Any], list[list[Any]]]]) -> list[TieRow]:
    """Relationships and tie nodes as read, in one shape: (type, participants, props, what)."""
    ties: list[TieRow] = []
    for relationship, start, end, props in edge_rows:
        ties.append((RELATIONSHIP_TYPES[relationship], [start, end], props, f"{relationship} {start}->{end}"))
    for labels, props, participants in node_rows:
        ordered = sorted((p for p in participants if p[0] is not None),
                         key=lambda p: (p[1] if isinstance(p[1], int) else 1 << 62, p[0]))
        ties.append((_node_type(labels, props), [p[0] for p in ordered], props,
                     f":{':'.join(sorted(labels))} node"))
    return ties


_COVERAGE_FIELDS = {"dataset": "dataset", "first_year": "firstYear", "last_year": "lastYear", "kind": "kind",
                    "tie_types": "tieTypes", "note": "note"}


def coverage_of(rows: Iterable[dict[str, Any]], label: str, problems: list[Problem]) -> dict[str, Coverage]:
    """``:Coverage`` nodes back into ``Coverage`` records, checked as ``coverage.yaml`` is."""
    coverage: dict[str, Coverage] = {}
    for props in sorted(rows, key=lambda p: str(p.get("dataset"))):
        data = {field: _plain(props[name]) for field, name in _COVERAGE_FIELDS.items() if name in props}
        found = build_coverage(RawRecord(label, None, data, {}), problems)  # type: ignore[arg-type]
        if found is not None:
            coverage[found.dataset] = found
    return coverage


def dataset_from_records(actor_rows: Iterable[tuple[list[str], dict[str, Any]]],
                         tie_rows: Iterable[TieRow], label: str,
                         coverage_rows: Iterable[dict[str, Any]] = (),
                         duplicate_rows: Iterable[tuple[str, list[str], str]] = ()) -> Dataset:
    """Build and validate a ``Dataset`` from read-back rows (no I/O: tested without a server).

    Raises ``DataValidationError`` listing every problem, like the file loader.
    """
    problems: list[Problem] = []
    actors: dict[str, Actor] = {}
    for labels, props in sorted(actor_rows, key=lambda r: _origin_key(r[1], str(r[1].get("id")))):
        props = {k: _plain(v) for k, v in props.items() if k in ACTOR_PROPERTIES}
        actor = build_actor(actor_record(labels, props, label), problems)
        if actor is not None:
            actors[actor.id] = replace(actor, origin=_origin_of(props))
    for actor in actors.values():
        if actor.country is not None and actor.country not in actors:
            problems.append(Problem(label, None, f"actor '{actor.id}'", "country",
                                    f"unknown state id '{actor.country}'"))

    def kind_of(actor_id: str) -> str | None:
        actor = actors.get(actor_id)
        return actor.kind if actor else None

    seen: dict[str, str] = {}
    ties: list[Tie] = []
    for type_name, participants, props, what in sorted(
            tie_rows, key=lambda r: _origin_key(r[2], str(r[2].get("tieId")))):
        tie_id = props.get("tieId")
        if not isinstance(tie_id, str) or not tie_id:
            problems.append(Problem(label, None, what, "tieId",
                                    "tie without a tieId (set it to a new unique slug)"))
            continue
        if tie_id in seen:
            problems.append(_problem(label, tie_id, "tieId", f"two ties have this id ({seen[tie_id]} and "
                                     f"{what}; delete one)"))
            continue
        seen[tie_id] = what
        if type_name not in TIE_TYPES:
            problems.append(_problem(label, tie_id, "type", f"the tie node has {type_name}: give it exactly "
                                     f"one of :{', :'.join(TIE_LABELS.values())} next to :{TIE_NODE_LABEL}"))
            continue
        tie = build_tie(tie_record(type_name, participants, props, label), problems, kind_of)
        if tie is None:
            continue
        _check_derived(tie, props, what.endswith(" node"), label, problems)
        ties.append(replace(tie, origin=_origin_of(props)))
    coverage = coverage_of(coverage_rows, label, problems)
    duplicates = duplicates_of(duplicate_rows, label, problems, kind_of)
    if problems:
        raise DataValidationError(problems)
    return Dataset(actors, ties, [label], coverage=coverage, duplicates=duplicates)


def duplicates_of(rows: Iterable[tuple[str, list[str], str]], label: str, problems: list[Problem],
                  kind_of: Callable[[str], str | None]) -> list[Tie]:
    """``:Duplicate`` nodes back into the ``Tie`` each holds (``store.rows.duplicate_rows``), checked as a tie."""
    out: list[Tie] = []
    for type_name, participants, record in rows:
        try:
            props = json.loads(record)
        except (TypeError, ValueError):
            problems.append(Problem(label, None, "a :Duplicate node", "record", "is not valid JSON"))
            continue
        if type_name not in TIE_TYPES:
            problems.append(_problem(label, str(props.get("tieId")), "type", f"unknown tie type '{type_name}'"))
            continue
        tie = build_tie(tie_record(type_name, participants, props, label), problems, kind_of)
        if tie is not None:
            out.append(replace(tie, origin=_origin_of(props)))
    return out


def _read_all(tx: ManagedTransaction) -> tuple[list[tuple[list[str], dict[str, Any]]], list[TieRow],
                                               list[dict[str, Any]], list[tuple[str, list[str], str]]]:
    actor_rows = [(list(r["labels"]), dict(r["props"])) for r in tx.run(load_store_cypher("read_actors"))]
    edges = [(r["type"], r["from"], r["to"], dict(r["props"])) for r in tx.run(any_tie_query("read_ties"))]
    nodes = [(list(r["labels"]), dict(r["props"]), list(r["participants"]))
             for r in tx.run(load_store_cypher("read_tie_nodes"))]
    coverage = [dict(r["props"]) for r in tx.run(load_store_cypher("read_coverage"))]
    duplicates = [(r["type"], list(r["participants"] or []), r["record"])
                  for r in tx.run(load_store_cypher("read_duplicates"))]
    return actor_rows, tie_rows_of(edges, nodes), coverage, duplicates


def read_dataset(driver: Driver, database: str, label: str) -> Dataset:
    """The ``Dataset`` held in ``database`` (one read transaction, a consistent snapshot)."""
    with driver.session(database=database) as session:
        actor_rows, tie_rows, coverage, duplicates = session.execute_read(_read_all)
    if not actor_rows:
        raise StoreError(f"{label} holds no tiegraph data (no :Actor nodes): run 'tiegraph load' first")
    return dataset_from_records(actor_rows, tie_rows, label, coverage, duplicates)
