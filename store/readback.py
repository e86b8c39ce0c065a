"""Read the graph back from Neo4j as the same ``Dataset`` the files give.

So ``graph.build`` and ``graph.report`` run unchanged on ``--source neo4j``,
and an edit made in Neo4j Browser (a corrected date, a new tie, a removed
participant) reaches the analysis.

Why through the loader's validators: the relationships are turned back into
the records of the data format (``{id, type, participants, start, sources,
…}``) and passed to ``loaders.validate.build_actor`` / ``build_tie``.  A Browser
edit is therefore checked exactly like a file edit (unknown status, end before
start, unknown actor …), and dates come back at their written precision from
``date_text`` ("2021" stays a year, never 2021-01-01).

Because one tie is several relationships (one per pair) and some properties
are derived (``date``, ``year``, ``sources`` …), the read-back also rebuilds the
relationships each tie *should* have (``store.rows``) and reports any
disagreement (a pair relationship missing, ``year`` edited without
``date_text``, two pairs of one tie with different statuses) as a problem
naming the tie and property, instead of silently picking one reading.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from tiegraph.loaders.records import RawRecord
from tiegraph.loaders.validate import build_actor, build_tie
from tiegraph.model.entities import Actor, Dataset, Origin, Tie
from tiegraph.model.errors import DataValidationError, Problem, StoreError
from tiegraph.model.vocabulary import TIE_TYPES
from tiegraph.store.cypher import KIND_LABELS, RELATIONSHIP_TYPES, load_store_cypher
from tiegraph.store.rows import ACTOR_PROPERTIES, ATTR_PREFIX, pair_key, relationship_rows

_LABEL_KINDS = {label: kind for kind, label in KIND_LABELS.items()}
_SOURCE_LISTS = {"document": "source_documents", "locator": "source_locators",
                 "quote": "source_quotes", "url": "source_urls"}


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


def tie_record(relationship: str, start: str, end: str, props: dict[str, Any], label: str) -> RawRecord:
    """The ``ties/*.yaml`` record of one relationship (its tie-level properties)."""
    type_name = RELATIONSHIP_TYPES[relationship]
    data: dict[str, Any] = {"id": props.get("tie_id"), "type": type_name}
    participants = props.get("participants") or [start, end]
    if TIE_TYPES[type_name].directed:
        data["from"], data["to"] = (participants + [None, None])[:2]
    else:
        data["participants"] = participants
    for field, name in (("start", "date_text"), ("end", "end_text"), ("status", "status"),
                        ("count", "count"), ("title", "title"), ("note", "note"),
                        ("dataset", "dataset")):
        if props.get(name) is not None:
            data[field] = props[name]
    data["sources"] = _sources(props)
    if props.get("conflicts_json"):
        try:
            data["conflicts"] = json.loads(props["conflicts_json"])
        except (TypeError, ValueError):
            data["conflicts"] = "conflicts_json is not valid JSON"
    attributes = {k[len(ATTR_PREFIX):]: v for k, v in sorted(props.items()) if k.startswith(ATTR_PREFIX)}
    if attributes:
        data["attributes"] = attributes
    return RawRecord(label, None, data, {})  # type: ignore[arg-type]


def _problem(label: str, tie_id: str, field: str | None, message: str) -> Problem:
    return Problem(label, None, f"tie '{tie_id}'", field, message)


#: properties computed from others on load: optional when editing in Browser, checked when present
DERIVED_PROPERTIES: tuple[str, ...] = ("date", "precision", "year", "end_year", "sources", "n_sources",
                                       "conflict", "conflict_note", "directed")


def _pair_of(a: str, b: str, props: dict[str, Any]) -> str:
    return props.get("pair") or pair_key(a, b)


def _check_relationships(tie: Tie, found: list[tuple[str, str, str, dict[str, Any]]], label: str,
                         problems: list[Problem]) -> None:
    """Compare what Neo4j holds for ``tie`` with the relationships the tie implies.

    Every pair of the participants needs its relationship, and a derived
    property that is present must agree with what it is derived from (a
    Browser user who changed ``year`` but not ``date_text`` is told so).
    Absent derived properties are fine: a tie created by hand in Browser needs
    only ``tie_id``, ``status``, ``date_text`` and its ``source_*`` lists.
    """
    expected = {row["pair"]: row for row in relationship_rows(tie)}
    actual = {_pair_of(a, b, props): (a, b, props) for _, a, b, props in found}
    for pair, row in expected.items():
        if pair not in actual:
            problems.append(_problem(label, tie.id, "pair", f"no relationship for pair {pair} "
                                     f"(participants lists {', '.join(tie.participants)}: edit "
                                     "'participants' on every relationship of the tie, or re-run tiegraph load)"))
            continue
        a, b, props = actual[pair]
        if (a, b) != (row["from"], row["to"]):
            problems.append(_problem(label, tie.id, "pair", f"relationship {pair} joins {a} -> {b}"))
        for key in DERIVED_PROPERTIES:
            want, have = row["props"].get(key), _plain(props.get(key))
            if have is not None and want != have:
                problems.append(_problem(
                    label, tie.id, key,
                    f"relationship {pair} has {have!r} but the tie's other properties give {want!r} "
                    "(date, precision and year follow date_text, sources follow source_documents/"
                    "locators/quotes/urls; edit them together, see cypher/README.md)"))
                break
    for pair in actual:
        if pair not in expected:
            problems.append(_problem(label, tie.id, "participants",
                                     f"relationship for pair {pair} is not a pair of the participants "
                                     f"{', '.join(tie.participants)}"))


def _first_disagreement(found: list[tuple[str, str, str, dict[str, Any]]]) -> str | None:
    """A tie-level property on which the relationships of one tie disagree (type counts too)."""
    types = {rel for rel, _, _, _ in found}
    if len(types) > 1:
        return f"type ({', '.join(sorted(types))})"
    first = {k: v for k, v in found[0][3].items() if k != "pair"}
    for _, _, _, props in found[1:]:
        other = {k: v for k, v in props.items() if k != "pair"}
        for key in sorted(set(first) | set(other)):
            if _plain(first.get(key)) != _plain(other.get(key)):
                return key
    return None


def dataset_from_records(actor_rows: Iterable[tuple[list[str], dict[str, Any]]],
                         tie_rows: Iterable[tuple[str, str, str, dict[str, Any]]],
                         label: str) -> Dataset:
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

    by_tie: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = defaultdict(list)
    for relationship, start, end, props in tie_rows:
        tie_id = props.get("tie_id")
        if not isinstance(tie_id, str) or not tie_id:
            problems.append(Problem(label, None, f"{relationship} {start}->{end}", "tie_id",
                                    "relationship without a tie_id (set r.tie_id to a new unique slug)"))
            continue
        by_tie[tie_id].append((relationship, start, end, props))

    def kind_of(actor_id: str) -> str | None:
        actor = actors.get(actor_id)
        return actor.kind if actor else None

    ordered = sorted(by_tie.items(), key=lambda item: min(_origin_key(f[3], item[0]) for f in item[1]))
    ties: list[Tie] = []
    for tie_id, found in ordered:
        found.sort(key=lambda f: _pair_of(f[1], f[2], f[3]))
        disagreement = _first_disagreement(found)
        if disagreement is not None:
            problems.append(_problem(label, tie_id, disagreement.split(" ")[0],
                                     f"its {len(found)} relationships disagree on {disagreement} "
                                     f"(edit all at once: MATCH ()-[r {{tie_id: '{tie_id}'}}]-() SET r.… = …)"))
            continue
        relationship, start, end, props = found[0]
        tie = build_tie(tie_record(relationship, start, end, props, label), problems, kind_of)
        if tie is None:
            continue
        tie = replace(tie, origin=_origin_of(props))
        _check_relationships(tie, found, label, problems)
        ties.append(tie)
    if problems:
        raise DataValidationError(problems)
    return Dataset(actors, ties, [label])


def _read_all(tx: Any) -> tuple[list[tuple[list[str], dict]], list[tuple[str, str, str, dict]]]:
    actor_rows = [(list(r["labels"]), dict(r["props"])) for r in tx.run(load_store_cypher("read_actors"))]
    tie_rows = [(r["type"], r["from"], r["to"], dict(r["props"]))
                for r in tx.run(load_store_cypher("read_ties"), {"types": list(RELATIONSHIP_TYPES)})]
    return actor_rows, tie_rows


def read_dataset(driver: Any, database: str, label: str) -> Dataset:
    """The ``Dataset`` held in ``database`` (one read transaction, a consistent snapshot)."""
    with driver.session(database=database) as session:
        actor_rows, tie_rows = session.execute_read(_read_all)
    if not actor_rows:
        raise StoreError(f"{label} holds no tiegraph data (no :Actor nodes): run 'tiegraph load' first")
    return dataset_from_records(actor_rows, tie_rows, label)

