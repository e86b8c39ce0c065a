"""``neo4j-admin database import`` CSV files, written from the online writer's own rows.

Why from ``store.rows``: the bulk path must store exactly what ``tiegraph load``
stores (same labels, properties and property types), so it takes the same
``actor_props`` / ``tie_props`` / ``node_props`` and only changes how they travel.
Actors and tie nodes have ID spaces of their own (``id:ID(Actor)``,
``tieId:ID(Tie)``), so the two kinds of ids can never collide.

How each value is written (every rule checked against the 5.26 importer;
tests/test_store_bulk.py compares a bulk load with an online load property by
property and type by type):

* strings are always quoted: the importer trims only unquoted values, and keeps
  a quoted ``""`` as the empty string (``--ignore-empty-strings=false``);
* an absent property is an empty unquoted field, and a row may stop before the
  last column, so each file's columns grow as new properties turn up and its
  header is written last, into a file of its own;
* ints are ``long`` (64-bit, what the driver sends; ``int`` would store 32 bits),
  floats ``double``, dates ``date``, booleans ``boolean`` as ``true``/``false``
  (the importer reads ``True`` as false);
* lists of strings are ``string[]``, items joined by U+001F (``--array-delimiter``).
  Nothing is trimmed (``--trim-strings=false``, the importer's default, said
  explicitly), so items keep their white space as the online writer keeps it,
  without a patch.  The importer drops an empty field, so a list whose field
  would be empty (``[""]``) goes to the patches (none in the bundled and
  external data: their sources all have locators);
* what a CSV field cannot carry exactly goes to **patches**, set after the import
  with ``SET x += $props`` through the driver (typed as the online writer types
  it): an empty list (an actor without aliases), the list ``[""]``, a list item
  holding U+001F, a value of another type, and a
  property name the header syntax would misread (``name:type``, ``(id space)``):
  anything but ``[A-Za-z_][A-Za-z0-9_]*``, e.g. an attribute key from the files;
* a value holding a line break switches on ``--multiline-fields`` (a slower
  parser, so only when some value needs it).

Speed: a million ties are 1.8 million rows, so a row is one ``str.format`` of a
template cached per record shape, its checks are C-level counts and one regex
search; only a record that fails them is written field by field.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from tiegraph.model.gc_pause import gc_paused
from tiegraph.store.cypher import PARTICIPATED_IN
from tiegraph.store.rows import WritePlan, node_props, tie_props

ARRAY_DELIMITER = "\x1f"
IMPORT_OPTIONS = ["--array-delimiter=U+001F", "--trim-strings=false", "--ignore-empty-strings=false",
                  "--id-type=string"]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FILE_NAME = re.compile(r"[^A-Za-z0-9_]")
_BOOL = {True: "true", False: "false"}

#: one CSV cell: (property, header type, text)
Cell = tuple[str, str, str]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if '"' in text else f'"{text}"'


def _string_list(value: list[Any]) -> str | None:
    try:
        joined = ARRAY_DELIMITER.join(value)
    except TypeError:  # not all strings
        return None
    if not joined or joined.count(ARRAY_DELIMITER) != len(value) - 1:
        return None  # [] or [""] (an empty field is dropped), or an item holding the delimiter
    return _quote(joined)


def _double(value: float) -> str:
    if math.isfinite(value):
        return repr(value)
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


#: Python type -> (header type, formatter returning the field text, or None for "patch it")
FORMATS: dict[type, tuple[str, Callable[[Any], str | None]]] = {
    str: ("string", _quote), bool: ("boolean", _BOOL.__getitem__), int: ("long", str),
    float: ("double", _double), dt.date: ("date", dt.date.isoformat), list: ("string[]", _string_list),
}


def cells_of(props: dict[str, Any]) -> tuple[list[Cell], dict[str, Any]]:
    """(cells for the CSV, patch properties) of one record, value by value."""
    cells, patch = [], {}
    for name, value in props.items():
        fmt = FORMATS.get(type(value)) if _NAME.match(name) else None
        text = fmt[1](value) if fmt is not None else None
        if fmt is None or text is None:
            patch[name] = value
        else:
            cells.append((name, fmt[0], text))
    return cells, patch


@dataclass
class FileGroup:
    """One ``--nodes`` / ``--relationships`` source: a header file and a body file with one column layout.

    ``columns`` maps a property to (position, header type).  A record whose
    property has another type than the column (``attr_quantity`` 3 here, "a
    few" there) goes to another group of the same label or type.
    """

    option: str                      # "nodes" or "relationships"
    name: str                        # "Actor:State" or "ARMS_TRANSFER"
    stem: str
    fixed: list[str]                 # header entries before the properties
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    handle: IO[str] | None = None

    def fits(self, cells: list[Cell]) -> bool:
        return all(self.columns.get(name, (0, kind))[1] == kind for name, kind, _ in cells)

    def fields(self, cells: list[Cell]) -> str:
        """The property part of a row (after the fixed fields), columns added as needed."""
        for name, kind, _ in cells:
            if name not in self.columns:
                self.columns[name] = (len(self.fixed) + len(self.columns), kind)
        out = [""] * max((self.columns[name][0] - len(self.fixed) + 1 for name, _, _ in cells), default=0)
        for name, _, text in cells:
            out[self.columns[name][0] - len(self.fixed)] = text
        return ",".join(out)

    def header(self) -> str:
        names = [f"{name}:{kind}" for name, (_, kind) in sorted(self.columns.items(), key=lambda c: c[1][0])]
        return ",".join(self.fixed + names) + "\n"

    def argument(self) -> str:
        """``--nodes=Actor:State=h.csv,b.csv``: bare file names (the import runs in their directory)."""
        return f"--{self.option}={self.name}={self.stem}.header.csv,{self.stem}.csv"


def _picker(indices: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """``itemgetter`` that always returns a tuple (it returns the bare item for one index)."""
    if len(indices) == 1:
        index = indices[0]
        return lambda values: (values[index],)
    return itemgetter(*indices) if indices else (lambda values: ())


@dataclass(frozen=True)
class _Shape:
    """How every record with one tuple of property names and Python types is written.

    Cached: nearly all ties of a type share one shape.  The template has
    ``"{i}"`` at each string's column and ``{i}`` at the others, numbered so that
    ``format(*raw, *joined lists, *booleans, *floats)`` fills it; ``quotes`` is
    the number of '"' in a row whose values hold none.
    """

    group: FileGroup
    raw: Callable[[list[Any]], tuple[Any, ...]]
    lists: Callable[[list[Any]], tuple[Any, ...]]
    bools: Callable[[list[Any]], tuple[Any, ...]]
    floats: Callable[[list[Any]], tuple[Any, ...]]
    template: str
    quotes: int


class _Writer:
    """Routes each record to a file group of its label or type whose column types it fits."""

    def __init__(self, directory: Path, prefix: str = ""):
        self.directory, self.prefix = directory, prefix
        self.groups: dict[tuple[str, str], list[FileGroup]] = {}
        self.shapes: dict[tuple[Any, ...], _Shape | None] = {}
        self.multiline = False

    def encode(self, option: str, name: str, fixed: list[str], props: dict[str, Any]) -> tuple[FileGroup, str, dict]:
        """(group, the property fields of the row, patch properties) of one record."""
        values = list(props.values())
        key = (name, tuple(props), tuple(map(type, values)))
        shape = self.shapes[key] if key in self.shapes else self._shape(key, option, fixed, props)
        row = self._fast(shape, values) if shape is not None else None
        if row is not None:
            return shape.group, row, {}  # type: ignore[union-attr]
        cells, patch = cells_of(props)  # a value that needs escaping, or that only a patch stores
        group = self.group(option, name, fixed, cells)
        return group, self.checked(group.fields(cells)), patch

    def _fast(self, shape: _Shape, values: list[Any]) -> str | None:
        """The row from the template, or None when a check fails (the field-by-field path decides).

        A list passes when its field is not empty (not ``[]``, not ``[""]``) and no item
        holds the delimiter.
        """
        lists = shape.lists(values)
        try:
            joined = list(map(ARRAY_DELIMITER.join, lists))
            if "" in joined or sum(map(len, lists)) - len(lists) != sum(j.count(ARRAY_DELIMITER) for j in joined):
                return None
            row = shape.template.format(*shape.raw(values), *joined,
                                        *map(_BOOL.__getitem__, shape.bools(values)),
                                        *map(_double, shape.floats(values)))
        except TypeError:  # a list item that is not a string
            return None
        return self.checked(row) if row.count('"') == shape.quotes else None

    def checked(self, text: str) -> str:
        """``text``, noting whether the import needs its multi-line parser."""
        if not self.multiline and ("\n" in text or "\r" in text):
            self.multiline = True
        return text

    def _shape(self, key: tuple[Any, ...], option: str, fixed: list[str], props: dict[str, Any]) -> _Shape | None:
        kinds = [FORMATS[kind][0] if kind in FORMATS else None for kind in key[2]]
        shape = None
        if all(kinds) and all(_NAME.match(name) for name in props):
            cells = [(name, str(kind), "") for name, kind in zip(props, kinds)]
            group = self.group(option, key[0], fixed, cells)
            group.fields(cells)  # adds the columns
            order = {"string": 0, "long": 0, "date": 0, "string[]": 1, "boolean": 2, "double": 3}
            by_order = sorted(range(len(kinds)), key=lambda i: order[str(kinds[i])])  # stable: raw first
            parts = [""] * (max((group.columns[n][0] for n in props), default=len(fixed) - 1) - len(fixed) + 1)
            for argument, index in enumerate(by_order):
                text = f"{{{argument}}}"
                quoted = kinds[index] in ("string", "string[]")
                parts[group.columns[cells[index][0]][0] - len(fixed)] = f'"{text}"' if quoted else text
            picked = [_picker([i for i in by_order if order[str(kinds[i])] == rank]) for rank in range(4)]
            quotes = 2 * sum(kind in ("string", "string[]") for kind in kinds)
            raw, lists, bools, floats = picked
            shape = _Shape(group, raw, lists, bools, floats, ",".join(parts), quotes)
        self.shapes[key] = shape
        return shape

    def group(self, option: str, name: str, fixed: list[str], cells: list[Cell]) -> FileGroup:
        candidates = self.groups.setdefault((option, name), [])
        for candidate in candidates:
            if candidate.fits(cells):
                return candidate
        stem = f"{self.prefix}{option}-{_FILE_NAME.sub('_', name)}-{len(candidates)}"
        created = FileGroup(option, name, stem, fixed)
        created.handle = open(self.directory / f"{stem}.csv", "w", encoding="utf-8", newline="")
        candidates.append(created)
        return created

    def close(self) -> list[FileGroup]:
        every = [g for groups in self.groups.values() for g in groups]
        for group in every:
            if group.handle is not None:
                group.handle.close()
                group.handle = None  # a worker's groups travel back to the parent by pickle
            (self.directory / f"{group.stem}.header.csv").write_text(group.header(), encoding="utf-8")
        return every


@dataclass
class CsvFiles:
    """The written files and what they could not carry (patches), with the counts to verify."""

    directory: Path
    groups: list[FileGroup]
    actor_patches: list[dict[str, Any]]
    tie_patches: dict[str, list[dict[str, Any]]]
    node_patches: list[dict[str, Any]]
    multiline: bool
    nodes: int
    relationships: int

    def arguments(self) -> list[str]:
        """The importer's options for these files (run with ``cwd=directory``)."""
        return ([group.argument() for group in self.groups] + IMPORT_OPTIONS
                + [f"--multiline-fields={'true' if self.multiline else 'false'}"])


#: ties from which two processes write the files (below, one process: no fork for small data)
PARALLEL_FROM = 50_000
_JOB: list[Any] = []  # (plan, directory) for forked workers, which inherit it instead of a pickle


def write_csv(plan: WritePlan, directory: Path, workers: int | None = None) -> CsvFiles:
    """Write the plan's actors and ties as import CSV files into ``directory`` (emptied first).

    With ``workers`` > 1 (default: 2 when the plan has PARALLEL_FROM ties or more and
    the machine two cores) forked processes each write every ``workers``-th tie of each
    type into files of their own: building rows is pure Python, so one core would
    otherwise write a million ties in ~35 s while the other idles.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.csv"):
        old.unlink()
    if workers is None:
        many = sum(len(ties) for ties in (*plan.edges.values(), *plan.nodes.values())) >= PARALLEL_FROM
        workers = min(2, os.cpu_count() or 1) if many and hasattr(os, "fork") else 1
    if workers <= 1:
        return _write_part(plan, directory, 0, 1)
    _JOB[:] = [plan, directory]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_run_part, [(part, workers) for part in range(workers)])
    finally:
        _JOB.clear()
    merged = parts[0]
    for part in parts[1:]:
        merged.groups += part.groups
        merged.actor_patches += part.actor_patches
        merged.node_patches += part.node_patches
        for relationship, rows in part.tie_patches.items():
            merged.tie_patches.setdefault(relationship, []).extend(rows)
        merged.multiline |= part.multiline
        merged.nodes += part.nodes
        merged.relationships += part.relationships
    return merged


def _run_part(job: tuple[int, int]) -> CsvFiles:  # pragma: no cover - runs in a forked worker
    with gc_paused():
        return _write_part(_JOB[0], _JOB[1], *job)


def _write_part(plan: WritePlan, directory: Path, part: int, parts: int) -> CsvFiles:
    """Part ``part`` of ``parts``: the actors (part 0) and every ``parts``-th tie of each type."""
    writer = _Writer(directory, f"p{part}-")
    actor_patches: list[dict[str, Any]] = []
    tie_patches: dict[str, list[dict[str, Any]]] = {}
    node_patches: list[dict[str, Any]] = []
    nodes = relationships = 0
    try:
        for label, rows in plan.actors.items() if part == 0 else ():
            for row in rows:
                props = {k: v for k, v in row["props"].items() if k != "id"}  # id is the id:ID column
                group, fields, patch = writer.encode("nodes", f"Actor:{label}", ["id:ID(Actor)"], props)
                assert group.handle is not None
                group.handle.write(f"{writer.checked(_quote(row['id']))},{fields}\n")
                if patch:
                    actor_patches.append({"id": row["id"], "props": patch})
                nodes += 1
        fixed = [":START_ID(Actor)", ":END_ID(Actor)"]
        for relationship, ties in plan.edges.items():
            for tie in ties[part::parts] if parts > 1 else ties:
                group, fields, patch = writer.encode("relationships", relationship, fixed, tie_props(tie))
                assert group.handle is not None
                a, b = tie.participants
                group.handle.write(f"{_quote(a)},{_quote(b)},{fields}\n")  # actor ids: checked with the actors
                relationships += 1
                if patch:
                    tie_patches.setdefault(relationship, []).append({"tieId": tie.id, "props": patch})
        member_fixed = [":START_ID(Actor)", ":END_ID(Tie)", "position:long"]
        members = writer.group("relationships", PARTICIPATED_IN, member_fixed, [])
        assert members.handle is not None
        for label, ties in plan.nodes.items():
            for tie in ties[part::parts] if parts > 1 else ties:
                props = node_props(tie)
                del props["tieId"]  # the tieId:ID(Tie) column
                group, fields, patch = writer.encode("nodes", f"Tie:{label}", ["tieId:ID(Tie)"], props)
                assert group.handle is not None
                tie_id = writer.checked(_quote(tie.id))
                group.handle.write(f"{tie_id},{fields}\n")
                members.handle.writelines(f"{_quote(p)},{tie_id},{i}\n"
                                          for i, p in enumerate(tie.participants))
                nodes += 1
                relationships += len(tie.participants)
                if patch:
                    node_patches.append({"tieId": tie.id, "props": patch})
    finally:
        groups = writer.close()
    return CsvFiles(directory, groups, actor_patches, tie_patches, node_patches, writer.multiline, nodes,
                    relationships)
