"""What Neo4j cannot store, refused before a load writes (or deletes) anything.

Data that validate can still fail inside the server half-way through a load:
an integer beyond 64 bits, an id too long for the unique index that backs
its constraint, a lone surrogate the driver cannot encode as UTF-8, a map or a
mixed list as a property value.  With ``--replace`` the database would already
be cleared by then.  So ``store.rows.write_plan`` runs these checks on every
actor and tie first, and the first problem is one ``StoreError`` naming the
record (with its file and line), the field and the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tiegraph.model.entities import Actor, Tie
from tiegraph.model.errors import StoreError

INT64 = (-(2 ** 63), 2 ** 63 - 1)
#: UTF-8 bytes of an id: an index key holds at most 8,167 bytes (Neo4j 5 range index); half of it
#: leaves room for the key's own overhead, and no real id comes near it
MAX_ID_BYTES = 4_000
_SCALARS = (str, bool, int, float, dt.date)


def _where(kind: str, ident: str, origin: object) -> str:
    where = f" ({origin})" if origin else ""
    return f"{kind} '{_shown(ident)}'{where}"


def _shown(text: str) -> str:
    """An id fit for one error line: surrogates escaped, long ones cut."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return safe if len(safe) <= 60 else f"{safe[:57]}..."


def value_problem(value: Any) -> str | None:
    """Why Neo4j cannot store ``value`` as a property, or None if it can."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (f"character {exc.start + 1} is a lone surrogate (U+{ord(value[exc.start]):04X}), "
                    "not valid Unicode text")
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT64[0] <= value <= INT64[1]:
            return f"{value} does not fit Neo4j's 64-bit integers"
        return None
    if isinstance(value, (float, dt.date)):
        return None
    if isinstance(value, list):
        kinds = {bool if isinstance(v, bool) else type(v) for v in value}
        if len(kinds) > 1 or not kinds <= set(_SCALARS):
            return "a list property must hold values of one simple type (text, number, boolean, date)"
        for item in value:
            problem = value_problem(item)
            if problem is not None:
                return f"list item: {problem}"
        return None
    if isinstance(value, Mapping):
        return "a map cannot be a Neo4j property value"
    return f"a {type(value).__name__} cannot be a Neo4j property value"


def _id_problem(ident: str) -> str | None:
    problem = value_problem(ident)
    if problem is None and len(ident.encode("utf-8")) > MAX_ID_BYTES:
        problem = (f"{len(ident):,} characters ({len(ident.encode('utf-8')):,} UTF-8 bytes) is longer than "
                   f"the {MAX_ID_BYTES:,} bytes an id may have (it is a key of a Neo4j index)")
    return problem


def check_actor(actor: Actor) -> None:
    """Raise ``StoreError`` for the first field of ``actor`` Neo4j cannot store."""
    fields: list[tuple[str, Any]] = [("name", actor.name), ("aliases", list(actor.aliases)),
                                     ("country", actor.country), ("note", actor.note)]
    problem = _id_problem(actor.id)
    if problem is not None:
        raise StoreError(f"{_where('actor', actor.id, actor.origin)}: field 'id': {problem}")
    for name, value in fields:
        if value is not None and (problem := value_problem(value)) is not None:
            raise StoreError(f"{_where('actor', actor.id, actor.origin)}: field '{name}': {problem}")


def _plainly_fine(tie: Tie, actors: Mapping[str, Actor]) -> bool:
    """The common case in one pass: all text encodes at once, attributes are plain scalars.

    A million ties are checked in about a second this way; only a tie that fails
    here goes through the field-by-field check that names the problem.
    """
    if tie.conflicts or len(tie.id) > MAX_ID_BYTES // 4:  # 4 bytes per character at most
        return False
    parts = [tie.id, tie.title, tie.note or "", tie.status, tie.dataset]
    for source in tie.sources:
        parts += (source.document, source.locator or "", source.quote or "", source.url or "")
    for key, value in tie.attributes.items():
        parts.append(key)
        kind = type(value)
        if kind is str:
            parts.append(value)
        elif kind is int:
            if not INT64[0] <= value <= INT64[1]:
                return False
        elif kind is not float and kind is not bool:
            return False
    try:
        "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return all(p in actors for p in tie.participants)


def check_tie(tie: Tie, actors: Mapping[str, Actor]) -> None:
    """Raise ``StoreError`` for the first field of ``tie`` Neo4j cannot store, or a missing actor."""
    if _plainly_fine(tie, actors):
        return
    where = _where("tie", tie.id, tie.origin)
    problem = _id_problem(tie.id)
    if problem is not None:
        raise StoreError(f"{where}: field 'id': {problem}")
    for participant in tie.participants:
        if participant not in actors:
            raise StoreError(f"{where}: field 'participants': actor '{_shown(participant)}' "
                             "is not in the dataset")
    texts: list[tuple[str, Any]] = [("title", tie.title), ("note", tie.note), ("status", tie.status),
                                    ("dataset", tie.dataset)]
    for i, source in enumerate(tie.sources, 1):
        texts += [(f"sources[{i}].document", source.document), (f"sources[{i}].locator", source.locator),
                  (f"sources[{i}].quote", source.quote), (f"sources[{i}].url", source.url)]
    for conflict in tie.conflicts:
        texts += [("conflicts.note", conflict.note)] + [("conflicts.readings", r.value) for r in conflict.readings]
    texts += [(f"attributes.{key}", value) for key, value in tie.attributes.items()]
    for name, value in texts:
        if value is not None and (problem := value_problem(value)) is not None:
            raise StoreError(f"{where}: field '{name}': {problem}")
    for key in tie.attributes:
        if (problem := value_problem(key)) is not None:
            raise StoreError(f"{where}: field 'attributes': key {key!r}: {problem}")
