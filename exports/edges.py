"""The edges Gephi is given: ties grouped so that its importer keeps every one.

Gephi (gephi-toolkit 0.10.1, checked by tests/test_gephi.py) keeps one edge per
source, target and edge *type* (GEXF ``kind``, GraphML ``label``) and merges
parallel edges; a dynamic edge must not hold overlapping intervals ("Overlapping
intervals aren't allowed" stops the whole import).  A tie is therefore never an
edge of its own in these exports; the ties of one group are one edge that lists
them:

* **dynamic exports** (GEXF, Gephi CSV): one edge per actor pair, direction and
  tie type, ``kind`` = the tie type; its spells are the union of its ties'
  spells (overlapping or touching ones merged, so Gephi's intervals never
  overlap), ``ties`` counts the ties and ``tie_ids`` lists them, ``weight`` =
  ``ties``.  A directed tie points origin -> target; an edge holds ties of
  one direction only.
* **static export** (GraphML): one edge per actor pair (Gephi's classic view, and
  what it would merge to anyway), with the ties per type and per direction
  counted in ``types`` and ``directions``.

Dates keep their precision (``first``/``last`` as written, "2021-06"); a tie's
spell is exactly what its dates say (``edge_spell``), clipped to the export's
**window** (``Window``: by default the analysis window of ``report`` and
``thesis``, from the first year every scope state exists to the last year a tie
starts), so Gephi's timeline spans the years the analysis looks at, not
1815-2026; a standing tie with no end stays in force to the window's end.
Every actor of the graph is a node: one with dated ties from the start of its
first one to the window's end, one whose ties are all undated (or who has none)
over the whole window -- with no spell Gephi would show it at every time only
when the timeline filter keeps elements without time, and Gephi's importer
reports the same node count either way.

``ties`` counts the ties an edge holds (distinct tie ids) and ``weight`` =
``ties``: a tie of k parties is on each of its k(k-1)/2 pairs once, so the
weights of all edges add up to more than the number of ties.  A tie whose end year is
its dataset's last covered year (``Dataset.coverage``) is right-censored: its
spell still ends there, and the edge says ``censored=true``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import networkx as nx

from tiegraph.model.coverage import Coverage
from tiegraph.model.dates import PartialDate
from tiegraph.model.errors import UsageError

TIMEFORMATS: tuple[str, ...] = ("date", "double")
Spell = tuple[str, str | None]
#: the per-tie attributes summarised by every grouped edge (the rest are for ``full=True``)
SUMMARISED = ("tie_id", "type", "relationship", "date", "precision", "year", "end", "end_year", "status",
              "tentative", "count", "temporal", "directed", "from", "to", "dataset", "conflict")


def _ymd(parts: tuple[int, int, int]) -> str:
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


#: date text -> PartialDate, parsed once: a multilateral tie's dates recur on every pair it projects to
_parse = lru_cache(maxsize=65536)(PartialDate.parse)


def edge_spell(data: Mapping[str, Any], timeformat: str = "date") -> Spell | None:
    """(start, end or None for open) of an edge's tie, as GEXF time text; None when undated.

    ``date``: an event spans its date as precisely as it is known ("2021" ->
    2021-01-01..2021-12-31); a standing tie runs from its first possible day to
    the last day of its end, or stays open.  ``double``: years.
    """
    if timeformat not in TIMEFORMATS:
        raise UsageError(f"timeformat '{timeformat}' is not one of: {', '.join(TIMEFORMATS)}")
    if not data.get("date"):
        return None
    return _spell(data["date"], data.get("end"), data.get("temporal") == "event", timeformat)


@lru_cache(maxsize=65536)
def _spell(date: str, end_text: str | None, event: bool, timeformat: str) -> Spell:
    start = _parse(date)
    end = _parse(end_text) if end_text else None
    if timeformat == "double":
        last = end.year if end else (start.year if event else None)
        return f"{float(start.year):.1f}", (None if last is None else f"{float(last):.1f}")
    last_day = end.latest() if end else (start.latest() if event else None)
    return _ymd(start.earliest()), (None if last_day is None else _ymd(last_day))


def _key(value: str, timeformat: str) -> float:
    """A spell bound as a number: the year, or YYYYMMDD (ordered as the dates are)."""
    return float(value) if timeformat == "double" else float(value.replace("-", ""))


def merge_spells(spells: Iterable[Spell], timeformat: str = "date") -> list[Spell]:
    """The union of ``spells`` as sorted, pairwise disjoint spells (Gephi refuses overlapping ones).

    Spells that overlap or touch (one ends the day/year another starts) merge;
    an open spell (end None) absorbs every later one.
    """
    merged: list[list[Any]] = []
    for start, end in sorted(spells, key=lambda s: _key(s[0], timeformat)):
        if merged:
            last = merged[-1]
            if last[1] is None or _key(start, timeformat) <= _key(last[1], timeformat):
                if last[1] is not None and (end is None or _key(end, timeformat) > _key(last[1], timeformat)):
                    last[1] = end
                continue
        merged.append([start, end])
    return [(s, e) for s, e in merged]


def orient(a: str, b: str, data: Mapping[str, Any]) -> tuple[str, str, bool]:
    """(source, target, directed): directed ties point origin -> target.

    At state level a company origin is folded into its state, so the ends are
    matched on ``to`` when ``from`` is not a node; when neither matches, the
    edge is undirected (``from``/``to`` stay in the attributes).  Undirected
    ends are sorted, so one pair is one edge whichever way the tie lists it.
    """
    if data.get("directed"):
        origin, target = data.get("from"), data.get("to")
        if origin in (a, b):
            return origin, (b if origin == a else a), True
        if target in (a, b):
            return (b if target == a else a), target, True
    return min(a, b), max(a, b), False


def censored(data: Mapping[str, Any], coverage: Mapping[str, Coverage]) -> bool:
    """True when the tie's end is the edge of its dataset's coverage, not an observed end."""
    cover = coverage.get(str(data.get("dataset")))
    return cover is not None and data.get("end_year") is not None and cover.is_censored(data["end_year"])


@dataclass(frozen=True)
class Window:
    """The years an export's timeline spans (both included)."""

    first: int
    last: int

    def bounds(self, timeformat: str) -> tuple[str, str]:
        """The whole window as a spell: 1992-01-01..2026-12-31, or 1992.0..2026.0."""
        if timeformat == "double":
            return f"{float(self.first):.1f}", f"{float(self.last):.1f}"
        return f"{self.first:04d}-01-01", f"{self.last:04d}-12-31"

    def clip(self, spell: Spell, timeformat: str) -> Spell | None:
        """``spell`` within the window (an open end closes at the window's end); None when outside it."""
        low, high = self.bounds(timeformat)
        start = spell[0] if _key(spell[0], timeformat) >= _key(low, timeformat) else low
        end = high if spell[1] is None or _key(spell[1], timeformat) > _key(high, timeformat) else spell[1]
        return (start, end) if _key(start, timeformat) <= _key(end, timeformat) else None

    def holds(self, start_year: int | None, end_year: int | None, open_ended: bool) -> bool:
        """Whether a tie dated ``start_year``..``end_year`` (open: still in force) overlaps the window;
        an undated tie is in no window."""
        if start_year is None:
            return False
        last = None if open_ended else (end_year if end_year is not None else start_year)
        return start_year <= self.last and (last is None or last >= self.first)


@dataclass
class EdgeGroup:
    """One exported edge: the ties of one actor pair (and direction and type, for dynamic exports)."""

    source: str
    target: str
    directed: bool
    tie_type: str | None
    members: list[dict[str, Any]] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
    #: static groups: "source>target" of each directed member, as oriented between the nodes
    directions: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        arrow = ">" if self.directed else "-"
        return f"{self.source}{arrow}{self.target}" + (f":{self.tie_type}" if self.tie_type else "")

    @property
    def ties(self) -> int:
        """How many ties the edge holds (distinct ids: never a tie twice, whatever the projection)."""
        return len({m.get("tie_id") for m in self.members})

    @property
    def label(self) -> str:
        if self.ties == 1:
            return str(self.members[0].get("title") or self.members[0].get("tie_id"))
        return f"{self.tie_type or 'ties'} ({self.ties} ties)"


def _joined(values: Iterable[Any]) -> str:
    return ";".join(dict.fromkeys(str(v) for v in values if v not in (None, "")))


def _dates(members: list[dict[str, Any]]) -> tuple[str, str]:
    """The earliest start and the latest end (or date) as written, precision kept ("" when undated)."""
    starts = [_parse(m["date"]) for m in members if m.get("date")]
    ends = [_parse(m.get("end") or m["date"]) for m in members if m.get("date")]
    first = min(starts, key=lambda d: d.earliest()).iso if starts else ""
    last = max(ends, key=lambda d: d.latest()).iso if ends else ""
    return first, last


def summary(group: EdgeGroup, coverage: Mapping[str, Coverage], *, full: bool = False,
            static: bool = False) -> dict[str, Any]:
    """The attributes of a grouped edge: what its ties are, when, from which datasets.

    ``static`` (GraphML) adds ``types`` and ``directions`` counts, since one edge
    there holds every type and direction.  ``full`` adds every other tie
    attribute (titles, citations, URLs …), the ties' values joined by " || ".
    """
    members = group.members
    first, last = _dates(members)
    years: list[int] = [m["year"] for m in members if m.get("year") is not None]
    ends: list[int] = [m.get("end_year") or m["year"] for m in members if m.get("year") is not None]
    attrs: dict[str, Any] = {
        "ties": group.ties,
        "tie_ids": _joined(m["tie_id"] for m in members),
        "tie_type": group.tie_type or _joined(m["type"] for m in members),
        "relationship": _joined(m.get("relationship") for m in members),
        "first": first, "last": last,
        "first_year": min(years) if years else -1, "last_year": max(ends) if ends else -1,
        "status": _joined(m.get("status") for m in members),
        "tentative": all(bool(m.get("tentative")) for m in members),
        "datasets": _joined(m.get("dataset") for m in members),
        "conflict": any(bool(m.get("conflict")) for m in members),
        "censored": any(censored(m, coverage) for m in members),
        # a standing tie with no end: in force as far as the data say ("last" is then only the latest known date)
        "open": any(m.get("date") and not m.get("end") and m.get("temporal") != "event" for m in members),
        "undated": sum(1 for m in members if not m.get("date")),
    }
    if static:
        attrs["types"] = _counts(m["type"] for m in members)
        attrs["directions"] = _counts(group.directions)
    if full:
        keys = dict.fromkeys(k for m in members for k in m if k not in SUMMARISED)
        for key in keys:
            attrs[key] = " || ".join("" if m.get(key) is None else str(m.get(key)) for m in members)
    return attrs


def _counts(values: Iterable[str]) -> str:
    counted: dict[str, int] = {}
    for value in values:
        counted[value] = counted.get(value, 0) + 1
    return ";".join(f"{k}:{n}" for k, n in counted.items())


def group_edges(graph: nx.MultiGraph, *, timeformat: str = "date", include_undated: bool = False,
                static: bool = False, window: Window | None = None) -> tuple[list[EdgeGroup], int]:
    """(the grouped edges, how many undated ties were left out); see the module docstring.

    ``static``: one group per actor pair, every tie in it (undated ones too).
    Otherwise one group per pair, direction and type, with merged spells,
    clipped to ``window`` (a tie wholly outside it is left out: select the
    ties with ``Window.holds`` first); undated ties are left out unless
    ``include_undated`` (they then have no spell, and an edge with no spell is
    present at every time: the group loses its spells).
    """
    groups: dict[tuple[Any, ...], EdgeGroup] = {}
    undated: set[Any] = set()
    raw: dict[tuple[Any, ...], list[Spell | None]] = {}
    for a, b, data in graph.edges(data=True):
        if static:
            key: tuple[Any, ...] = (min(a, b), max(a, b))
            group = groups.get(key) or groups.setdefault(key, EdgeGroup(key[0], key[1], False, None))
            group.members.append(data)
            source, target, directed = orient(a, b, data)
            if directed:
                group.directions.append(f"{source}>{target}")
            continue
        spell = edge_spell(data, timeformat)
        if spell is None and not include_undated:
            undated.add(data.get("tie_id"))
            continue
        if spell is not None and window is not None:
            spell = window.clip(spell, timeformat)
            if spell is None:
                continue
        source, target, directed = orient(a, b, data)
        key = (source, target, directed, data.get("type"))
        group = groups.get(key) or groups.setdefault(key, EdgeGroup(source, target, directed, data.get("type")))
        group.members.append(data)
        raw.setdefault(key, []).append(spell)
    for key, spells in raw.items():
        dated = [s for s in spells if s is not None]
        groups[key].spells = merge_spells(dated, timeformat) if len(dated) == len(spells) else []
    return sorted(groups.values(), key=lambda g: g.id), len(undated)


def tie_count(groups: Iterable[EdgeGroup]) -> int:
    """How many distinct ties the edges hold (a multilateral tie is on several edges, counted once)."""
    return len({m.get("tie_id") for g in groups for m in g.members})


def node_spells(graph: nx.MultiGraph, groups: Iterable[EdgeGroup], timeformat: str = "date",
                window: Window | None = None) -> dict[str, list[Spell]]:
    """Each node's spells (every node of ``graph``): from the start of its first dated tie to the
    window's end (open without a window); a node with no dated tie spans the whole window (no
    spell without a window)."""
    first: dict[str, str] = {}
    for group in groups:
        if not group.spells:
            continue
        start = group.spells[0][0]
        for node in (group.source, group.target):
            if node not in first or _key(start, timeformat) < _key(first[node], timeformat):
                first[node] = start
    end = window.bounds(timeformat)[1] if window is not None else None
    whole = [window.bounds(timeformat)] if window is not None else []
    return {str(n): [(first[n], end)] if n in first else list(whole) for n in graph.nodes}
