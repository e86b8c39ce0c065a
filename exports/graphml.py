"""GraphML that Gephi opens whole: one edge per actor pair, its ties counted and listed.

Gephi merges parallel edges on import (a graph of 44,319 tie edges showed
4,472), keeping the attributes of one of them.  So by default every actor pair
is one undirected edge (``exports.edges``, ``static=True``) whose ``ties``,
``tie_ids``, ``types`` ("joint_exercise:12;arms_transfer:1") and
``directions`` ("TUR>AZE:2") account for every tie, ``weight`` = ``ties``;
``full=True`` adds the ties' titles, citations, URLs … joined by " || ".

``per_tie=True`` writes the multigraph itself -- one edge per tie and actor
pair, every tie attribute -- for tools that keep parallel edges (networkx,
igraph, Cytoscape); Gephi merges those.  It is streamed (``write_per_tie``),
with a progress count of the edges written.

GraphML declares one type per attribute key, so a missing value is written as
the type's empty value ("" for text, -1 for a missing year) rather than left
out inconsistently; booleans stay booleans.  Characters XML cannot carry become
U+FFFD (``gexf.xml_safe``), so the file is always well-formed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from tiegraph.exports.edges import group_edges, summary
from tiegraph.exports.files import write_atomically
from tiegraph.exports.gexf import xml_safe
from tiegraph.exports.progress import Advance, quiet
from tiegraph.model.coverage import Coverage

__all__ = ["INT_ATTRS", "write_atomically", "write_graphml", "write_per_tie"]

#: integer attributes whose missing value is written as -1 (documented in the README)
INT_ATTRS = ("year", "end_year", "count", "n_sources")


def _clean(attrs: Mapping[str, Any], ints: tuple[str, ...] = INT_ATTRS) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        if key in ints:
            out[key] = -1 if value is None else int(value)
        elif value is None:
            out[key] = ""
        elif isinstance(value, str):
            out[key] = xml_safe(value)
        elif isinstance(value, (bool, int, float)):
            out[key] = value
        else:
            out[key] = xml_safe(str(value))
    return out


_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _typed(rows: list[dict[str, Any]]) -> dict[str, str]:
    """One GraphML type per key of ``rows`` (already ``_clean``): a key whose values mix types is text."""
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for key, value in row.items():
            kinds.setdefault(key, set()).add(type(value))
    return {k: _GRAPHML_TYPES[next(iter(v))] if len(v) == 1 else "string" for k, v in kinds.items()}


def _value(value: Any, kind: str) -> str:
    if isinstance(value, bool):
        return ("true" if value else "false") if kind == "boolean" else str(value)
    return str(value)


def write_per_tie(graph: nx.MultiGraph, handle: IO[str], advance: Advance = quiet) -> None:
    """Stream the multigraph as GraphML, one edge per tie and pair, every attribute (``_clean``).

    Written edge by edge rather than through networkx's element tree: on every
    dataset (~125,000 tie edges, ~600 MB) that took minutes, held the whole
    document in memory and could not say how far it was; ``advance`` counts the
    edges written.  networkx, igraph and Gephi read the result.
    """
    nodes = {n: _clean(d) for n, d in graph.nodes(data=True)}
    edge_keys = list(dict.fromkeys(k for *_, d in graph.edges(data=True) for k in d))
    edges = [(a, b, k, _clean({key: d.get(key) for key in edge_keys}))
             for a, b, k, d in graph.edges(keys=True, data=True)]
    node_types, edge_types = _typed(list(nodes.values())), _typed([e[3] for e in edges])
    ids = {("node", k): f"d{i}" for i, k in enumerate(node_types)}
    ids.update({("edge", k): f"d{len(node_types) + i}" for i, k in enumerate(edge_types)})
    handle.write("<?xml version='1.0' encoding='utf-8'?>\n"
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                 'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for scope, types in (("node", node_types), ("edge", edge_types)):
        for key, kind in types.items():
            handle.write(f'  <key id="{ids[scope, key]}" for="{scope}" attr.name={quoteattr(xml_safe(key))} '
                         f'attr.type="{kind}" />\n')
    handle.write('  <graph edgedefault="undirected">\n')
    for node, attrs in nodes.items():
        handle.write(f"    <node id={quoteattr(xml_safe(str(node)))}>{_data(attrs, node_types, 'node', ids)}</node>\n")
    for n, (a, b, key, attrs) in enumerate(edges, 1):
        handle.write(f"    <edge source={quoteattr(xml_safe(str(a)))} target={quoteattr(xml_safe(str(b)))} "
                     f"id={quoteattr(xml_safe(str(key)))}>{_data(attrs, edge_types, 'edge', ids)}</edge>\n")
        if n % 1000 == 0 or n == len(edges):
            advance(1000 if n % 1000 == 0 else n % 1000)
    handle.write("  </graph>\n</graphml>\n")


def _data(attrs: dict[str, Any], types: dict[str, str], scope: str, ids: dict[tuple[str, str], str]) -> str:
    return "".join(f'<data key="{ids[scope, k]}">{escape(xml_safe(_value(v, types[k])))}</data>'
                   for k, v in attrs.items())


def aggregated(graph: nx.MultiGraph, *, full: bool = False,
               coverage: Mapping[str, Coverage] | None = None) -> nx.Graph:
    """One edge per actor pair with the summary of its ties (see the module docstring)."""
    groups, _ = group_edges(graph, static=True)
    simple = nx.Graph()
    for node, data in graph.nodes(data=True):
        # "label" is the key Gephi shows as the node's label (it would show the id otherwise)
        simple.add_node(node, label=xml_safe(str(data.get("name") or node)), **_clean(data))
    for group in groups:
        attrs = _clean(summary(group, coverage or {}, full=full, static=True), ints=())
        simple.add_edge(group.source, group.target, label=xml_safe(group.label), weight=group.ties, **attrs)
    return simple


def write_graphml(graph: nx.MultiGraph, path: Path | str, *, per_tie: bool = False, full: bool = False,
                  coverage: Mapping[str, Coverage] | None = None, advance: Advance = quiet) -> dict[str, int]:
    """Write GraphML atomically; return counts: nodes, edges, ties (distinct ties the edges hold).

    ``advance`` is told of each edge written (a progress bar).
    """
    ties = len({d.get("tie_id") for *_, d in graph.edges(data=True)})
    if per_tie:
        def per_tie_file(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8") as handle:
                write_per_tie(graph, handle, advance)

        write_atomically(Path(path), per_tie_file)
        return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "ties": ties}
    out = aggregated(graph, full=full, coverage=coverage)
    write_atomically(Path(path), lambda tmp: nx.write_graphml(out, tmp, named_key_ids=True))
    advance(out.number_of_edges())
    return {"nodes": out.number_of_nodes(), "edges": out.number_of_edges(), "ties": ties}
