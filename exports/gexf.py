"""Dynamic GEXF 1.3 for Gephi's timeline, written so that Gephi's importer keeps every tie.

networkx's ``write_gexf`` writes neither mixed graphs nor spells built from
partial dates, so the XML is written here (standard library ElementTree)
following the GEXF 1.3 grammar: ``<graph mode="dynamic" timeformat=…>``, typed
``<attributes>`` and ``<spells>`` per node and edge.

What Gephi 0.10.1 needs, and how it is met (tests/test_gephi.py runs its importer):

* **Mixed graphs.** No ``defaultedgetype`` is written: with one, Gephi drops
  every edge of the other direction (SEVERE "Edge type doesn't fit with default
  set"); without it, it reads each edge's own ``type`` (directed/undirected).
* **Parallel edges and overlapping spells.** Gephi merges edges with the same
  ends and ``kind``, and refuses overlapping intervals on one edge.  So each
  edge is one group of ties (``exports.edges``): one actor pair, one direction,
  one tie type (``kind``), its spells the merged union of its ties' spells,
  ``ties``/``tie_ids`` listing them and ``weight`` = ``ties``.
* **Size.** Only the essentials (``exports.edges.summary``) are written unless
  ``full=True`` (``--full``), which adds the ties' titles, citations, URLs …

Spells: ``timeformat="date"`` spans each date as precisely as it is known
("2021" -> 2021-01-01..2021-12-31); ``"double"`` uses years.  Every actor is a
node; spells are clipped to the export's window (``exports.edges.Window``): a
node runs from its first dated tie to the window's end, a node with no dated tie
over the whole window.  Undated ties are left out unless ``include_undated``
(see ``exports.edges.group_edges``); their actors stay nodes.
"""

from __future__ import annotations

import datetime as _dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from tiegraph.exports.edges import (
    TIMEFORMATS,
    Spell,
    Window,
    edge_spell,
    group_edges,
    node_spells,
    summary,
    tie_count,
)
from tiegraph.exports.files import write_atomically
from tiegraph.exports.progress import Advance, quiet
from tiegraph.model.coverage import Coverage
from tiegraph.model.errors import UsageError

__all__ = ["NS", "TIMEFORMATS", "edge_spell", "gexf_tree", "read_gexf", "write_gexf", "xml_safe"]

NS = "http://gexf.net/1.3"
_TYPES = {bool: "boolean", int: "integer", float: "double", str: "string"}
#: characters XML 1.0 cannot carry: written as U+FFFD so the file stays well-formed
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry (NUL, ESC, lone surrogates …) as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe("" if value is None else str(value))


def _declare(parent: ET.Element, cls: str, rows: list[dict[str, Any]]) -> None:
    keys: dict[str, str] = {}
    for row in rows:
        for key, value in row.items():
            keys.setdefault(key, _TYPES.get(type(value), "string"))
    element = ET.SubElement(parent, "attributes", {"class": cls})
    for key, kind in keys.items():
        ET.SubElement(element, "attribute", {"id": key, "title": key, "type": kind})


def _attvalues(parent: ET.Element, values: dict[str, Any]) -> None:
    element = ET.SubElement(parent, "attvalues")
    for key, value in values.items():
        ET.SubElement(element, "attvalue", {"for": key, "value": _text(value)})


def _spells(parent: ET.Element, spells: list[Spell]) -> None:
    if not spells:
        return
    element = ET.SubElement(parent, "spells")
    for start, end in spells:
        ET.SubElement(element, "spell", {"start": start} if end is None else {"start": start, "end": end})


def _node_attrs(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("" if data.get(k) is None else data.get(k)) for k in ("kind", "country", "aliases")}


def gexf_tree(graph: nx.MultiGraph, *, timeformat: str = "date", include_undated: bool = False,
              full: bool = False, coverage: Mapping[str, Coverage] | None = None, description: str = "",
              today: _dt.date | None = None, window: Window | None = None,
              advance: Advance = quiet) -> tuple[ET.ElementTree, dict[str, int]]:
    """The GEXF document and counts: nodes (every actor), edges, ties (written), undated (ties left out);
    ``advance`` is told of each edge built (a progress bar)."""
    groups, undated = group_edges(graph, timeformat=timeformat, include_undated=include_undated, window=window)
    advance(0, total=len(groups))
    rows = [summary(g, coverage or {}, full=full) for g in groups]
    spells = node_spells(graph, groups, timeformat, window)
    used = list(spells)
    root = ET.Element("gexf", {"xmlns": NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": (today or _dt.date.today()).isoformat()})
    ET.SubElement(meta, "creator").text = "tiegraph"
    ET.SubElement(meta, "description").text = description or "Defence and security ties (tiegraph)"
    graph_el = ET.SubElement(root, "graph", {"mode": "dynamic", "timeformat": timeformat,
                                             "timerepresentation": "interval"})
    _declare(graph_el, "node", [_node_attrs(graph.nodes[n]) for n in used])
    _declare(graph_el, "edge", rows)
    nodes_el = ET.SubElement(graph_el, "nodes", {"count": str(len(used))})
    for node in used:
        data = graph.nodes[node]
        element = ET.SubElement(nodes_el, "node", {"id": _text(node), "label": _text(data.get("name") or node)})
        _attvalues(element, _node_attrs(data))
        _spells(element, spells[node])
    edges_el = ET.SubElement(graph_el, "edges", {"count": str(len(groups))})
    for group, attrs in zip(groups, rows, strict=True):
        element = ET.SubElement(edges_el, "edge", {
            "id": _text(group.id), "source": _text(group.source), "target": _text(group.target),
            "type": "directed" if group.directed else "undirected", "label": _text(group.label),
            "weight": str(group.ties), "kind": _text(group.tie_type)})
        _attvalues(element, attrs)
        _spells(element, group.spells)
        advance(1)
    ET.indent(root, space=" ")
    return ET.ElementTree(root), {"nodes": len(used), "edges": len(groups), "ties": tie_count(groups),
                                  "undated": undated}


def write_gexf(graph: nx.MultiGraph, path: Path | str, *, timeformat: str = "date",
               include_undated: bool = False, full: bool = False,
               coverage: Mapping[str, Coverage] | None = None, description: str = "",
               window: Window | None = None, advance: Advance = quiet) -> dict[str, int]:
    """Write a dynamic GEXF 1.3 file atomically; return the counts (see ``gexf_tree``)."""
    tree, counts = gexf_tree(graph, timeformat=timeformat, include_undated=include_undated, full=full,
                             coverage=coverage, description=description, window=window, advance=advance)
    write_atomically(Path(path), lambda tmp: tree.write(tmp, encoding="UTF-8", xml_declaration=True))
    return counts


_PARSE: dict[str, Callable[[str], Any]] = {"boolean": lambda v: v == "true", "integer": int, "long": int,
                                           "double": float, "float": float}


def read_gexf(path: Path | str) -> dict[str, Any]:
    """Read back what ``write_gexf`` wrote: nodes and edges with typed attributes and spells.

    ``{"mode", "timeformat", "defaultedgetype", "nodes": {id: {label, attrs, spells}},
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
    return {"mode": graph_el.get("mode"), "timeformat": graph_el.get("timeformat"),
            "defaultedgetype": graph_el.get("defaultedgetype"), "nodes": nodes, "edges": edges}

