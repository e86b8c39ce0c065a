"""Dynamic GEXF 1.3 for Gephi's timeline: every edge carries the spell of its tie.

networkx's ``write_gexf`` writes 1.3 files but not spells built from partial
dates, so the XML is written here (standard library ElementTree) following
the GEXF 1.3 RelaxNG grammar: ``<graph mode="dynamic" timeformat=…>``, typed
``<attributes>`` and a ``<spells>`` element per node and edge.

Spells:

* ``timeformat="date"`` -- an event spans its date as precisely as it is
  known ("2021" -> 2021-01-01..2021-12-31, "2021-06-15" -> that day); a
  standing tie runs from its first possible day to the last day of its end,
  or stays open (no ``end``) when no end is known.
* ``timeformat="double"`` -- years: an event is [year, year], a standing tie
  [start year, end year] or open.

A node's spell starts with its first tie and stays open.  Undated ties have
no place on a timeline and are left out unless ``include_undated`` (they are
then present at every time, as GEXF treats elements without spells).
Directed ties are written ``type="directed"`` from origin to target, others
``undirected``: Gephi reads such mixed graphs (networkx's reader does not).
"""

from __future__ import annotations

import datetime as _dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from tiegraph.exports.graphml import gephi_ready, write_atomically
from tiegraph.model.dates import PartialDate
from tiegraph.model.errors import UsageError

NS = "http://gexf.net/1.3"
TIMEFORMATS: tuple[str, ...] = ("date", "double")
_TYPES = {bool: "boolean", int: "integer", float: "double", str: "string"}
Spell = tuple[str, str | None]


def _ymd(parts: tuple[int, int, int]) -> str:
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


def edge_spell(data: dict[str, Any], timeformat: str = "date") -> Spell | None:
    """(start, end or None for open) of an edge's tie, as GEXF time text; None when undated."""
    if timeformat not in TIMEFORMATS:
        raise UsageError(f"timeformat '{timeformat}' is not one of: {', '.join(TIMEFORMATS)}")
    if not data.get("date"):
        return None
    start = PartialDate.parse(data["date"])
    end = PartialDate.parse(data["end"]) if data.get("end") else None
    event = data.get("temporal") == "event"
    if timeformat == "double":
        last = end.year if end else (start.year if event else None)
        return f"{float(start.year):.1f}", (None if last is None else f"{float(last):.1f}")
    last_day = end.latest() if end else (start.latest() if event else None)
    return _ymd(start.earliest()), (None if last_day is None else _ymd(last_day))


def node_spells(graph: nx.MultiGraph, timeformat: str = "date") -> dict[str, Spell]:
    """Each node's spell: from its first dated tie, open-ended."""
    first: dict[str, str] = {}
    for a, b, data in graph.edges(data=True):
        spell = edge_spell(data, timeformat)
        if spell is None:
            continue
        for node in (a, b):
            if node not in first or _before(spell[0], first[node], timeformat):
                first[node] = spell[0]
    return {n: (s, None) for n, s in first.items()}


def _before(a: str, b: str, timeformat: str) -> bool:
    return float(a) < float(b) if timeformat == "double" else a < b


def orient(graph: nx.MultiGraph, a: str, b: str, data: dict[str, Any]) -> tuple[str, str, str]:
    """(source, target, edge type): directed ties point origin -> target.

    At state level a company origin is folded into its state, so the ends are
    matched on ``to`` when ``from`` is not a node; when neither matches the
    edge is written undirected (``from``/``to`` stay in the attributes).
    """
    if not data.get("directed"):
        return a, b, "undirected"
    origin, target = data.get("from"), data.get("to")
    if origin in (a, b):
        return origin, (b if origin == a else a), "directed"
    if target in (a, b):
        return (b if target == a else a), target, "directed"
    return a, b, "undirected"


def _declare(parent: ET.Element, cls: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for row in rows:
        for key, value in row.items():
            keys.setdefault(key, _TYPES.get(type(value), "string"))
    element = ET.SubElement(parent, "attributes", {"class": cls})
    for key, kind in keys.items():
        ET.SubElement(element, "attribute", {"id": key, "title": key, "type": kind})
    return keys


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attvalues(parent: ET.Element, values: dict[str, Any]) -> None:
    element = ET.SubElement(parent, "attvalues")
    for key, value in values.items():
        ET.SubElement(element, "attvalue", {"for": key, "value": _text(value)})


def _spells(parent: ET.Element, spell: Spell | None) -> None:
    if spell is None:
        return
    attrs = {"start": spell[0]} if spell[1] is None else {"start": spell[0], "end": spell[1]}
    ET.SubElement(ET.SubElement(parent, "spells"), "spell", attrs)


def gexf_tree(graph: nx.MultiGraph, *, timeformat: str = "date", include_undated: bool = False,
              description: str = "", today: _dt.date | None = None) -> tuple[ET.ElementTree, dict[str, int]]:
    """The GEXF document and counts (nodes, edges, undated edges left out)."""
    clean = gephi_ready(graph)
    edges = []
    undated = 0
    for a, b, key, data in clean.edges(keys=True, data=True):
        spell = edge_spell(graph.edges[a, b, key], timeformat)
        if spell is None and not include_undated:
            undated += 1
            continue
        edges.append((a, b, key, data, spell))
    used = {n for a, b, *_ in edges for n in (a, b)}
    spells = node_spells(graph, timeformat)
    root = ET.Element("gexf", {"xmlns": NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": (today or _dt.date.today()).isoformat()})
    ET.SubElement(meta, "creator").text = "tiegraph"
    ET.SubElement(meta, "description").text = description or "Defence and security ties (tiegraph)"
    graph_el = ET.SubElement(root, "graph", {"mode": "dynamic", "defaultedgetype": "undirected",
                                             "timeformat": timeformat, "timerepresentation": "interval"})
    node_rows = [{k: v for k, v in d.items() if k != "name"} for n, d in clean.nodes(data=True) if n in used]
    _declare(graph_el, "node", node_rows)
    edge_rows = [data for *_, data, _ in edges]
    _declare(graph_el, "edge", edge_rows)
    nodes_el = ET.SubElement(graph_el, "nodes", {"count": str(len(used))})
    for node, data in clean.nodes(data=True):
        if node not in used:
            continue
        element = ET.SubElement(nodes_el, "node", {"id": str(node), "label": str(data.get("name") or node)})
        _attvalues(element, {k: v for k, v in data.items() if k != "name"})
        _spells(element, spells.get(node))
    edges_el = ET.SubElement(graph_el, "edges", {"count": str(len(edges))})
    for a, b, key, data, spell in edges:
        source, target, kind = orient(graph, a, b, graph.edges[a, b, key])
        element = ET.SubElement(edges_el, "edge", {
            "id": str(key), "source": str(source), "target": str(target), "type": kind,
            "label": str(data.get("title") or data.get("tie_id")), "weight": f"{float(data.get('count') or 1):g}",
            "kind": str(data.get("type"))})
        _attvalues(element, data)
        _spells(element, spell)
    ET.indent(root, space=" ")
    return ET.ElementTree(root), {"nodes": len(used), "edges": len(edges), "undated": undated}


def write_gexf(graph: nx.MultiGraph, path: Path | str, *, timeformat: str = "date",
               include_undated: bool = False, description: str = "") -> dict[str, int]:
    """Write a dynamic GEXF 1.3 file atomically; return the counts (see ``gexf_tree``)."""
    tree, counts = gexf_tree(graph, timeformat=timeformat, include_undated=include_undated,
                             description=description)
    write_atomically(Path(path), lambda tmp: tree.write(tmp, encoding="UTF-8", xml_declaration=True))
    return counts


_PARSE = {"boolean": lambda v: v == "true", "integer": int, "long": int, "double": float, "float": float}


def read_gexf(path: Path | str) -> dict[str, Any]:
    """Read back what ``write_gexf`` wrote: nodes and edges with typed attributes and spells.

    ``{"mode", "timeformat", "nodes": {id: {label, attrs, spells}},
    "edges": {id: {source, target, type, weight, kind, label, attrs, spells}}}``;
    a spell is (start, end or None), as written.
    """
    ns = {"g": NS}
    root = ET.parse(path).getroot()
    graph_el = root.find("g:graph", ns)
    if graph_el is None:
        raise UsageError(f"{path}: no GEXF 1.3 <graph> element")
    types: dict[str, dict[str, str]] = {}
    for attributes in graph_el.findall("g:attributes", ns):
        types[attributes.get("class", "")] = {a.get("id", ""): a.get("type", "string")
                                              for a in attributes.findall("g:attribute", ns)}

    def attrs(element: ET.Element, cls: str) -> dict[str, Any]:
        out = {}
        for value in element.findall("g:attvalues/g:attvalue", ns):
            key = value.get("for", "")
            out[key] = _PARSE.get(types.get(cls, {}).get(key, "string"), str)(value.get("value", ""))
        return out

    def spells(element: ET.Element) -> list[Spell]:
        return [(s.get("start", ""), s.get("end")) for s in element.findall("g:spells/g:spell", ns)]

    nodes = {n.get("id"): {"label": n.get("label"), "attrs": attrs(n, "node"), "spells": spells(n)}
             for n in graph_el.findall("g:nodes/g:node", ns)}
    edges = {e.get("id"): {"source": e.get("source"), "target": e.get("target"), "type": e.get("type"),
                           "weight": float(e.get("weight", "1")), "kind": e.get("kind"), "label": e.get("label"),
                           "attrs": attrs(e, "edge"), "spells": spells(e)}
             for e in graph_el.findall("g:edges/g:edge", ns)}
    return {"mode": graph_el.get("mode"), "timeformat": graph_el.get("timeformat"), "nodes": nodes, "edges": edges}
