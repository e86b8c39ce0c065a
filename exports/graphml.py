"""GraphML that Gephi opens whole: one edge per actor pair, its ties counted and listed.

Gephi merges parallel edges on import (a graph of 44,319 tie edges showed
4,472), keeping the attributes of one of them.  So by default every actor pair
is one undirected edge (``exports.edges``, ``static=True``) whose ``ties``,
``tie_ids``, ``types`` ("joint_exercise:12;arms_transfer:1") and
``directions`` ("TUR>AZE:2") account for every tie, ``weight`` = ``ties``;
``full=True`` adds the ties' titles, citations, URLs … joined by " || ".

``per_tie=True`` writes the multigraph itself -- one edge per tie and actor
pair, every tie attribute -- for tools that keep parallel edges (networkx,
igraph, Cytoscape); Gephi merges those.

GraphML declares one type per attribute key, so a missing value is written as
the type's empty value ("" for text, -1 for a missing year) rather than left
out inconsistently; booleans stay booleans.  Characters XML cannot carry become
U+FFFD (``gexf.xml_safe``), so the file is always well-formed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from tiegraph.exports.edges import group_edges, summary
from tiegraph.exports.files import write_atomically
from tiegraph.exports.gexf import xml_safe
from tiegraph.model.coverage import Coverage

__all__ = ["INT_ATTRS", "gephi_ready", "write_atomically", "write_graphml"]

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


def gephi_ready(graph: nx.MultiGraph) -> nx.MultiGraph:
    """A copy whose node and edge attributes are all non-None scalars of one type per key."""
    clean = nx.MultiGraph()
    clean.graph.update(_clean(dict(graph.graph)))
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **_clean(data))
    edge_keys: dict[str, None] = {}
    for _, _, data in graph.edges(data=True):
        edge_keys.update(dict.fromkeys(data))
    for a, b, key, data in graph.edges(keys=True, data=True):
        clean.add_edge(a, b, key=key, **_clean({k: data.get(k) for k in edge_keys}))
    # one type per key: if a key mixes types (e.g. attr_value 3 and "3 units"), write text
    for k in edge_keys:
        kinds = {type(d[k]) for _, _, d in clean.edges(data=True)}
        if len(kinds) > 1:
            for _, _, d in clean.edges(data=True):
                d[k] = str(d[k])
    return clean


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
                  coverage: Mapping[str, Coverage] | None = None) -> dict[str, int]:
    """Write GraphML atomically; return counts: nodes, edges, ties (tie edges accounted for)."""
    out: nx.Graph = gephi_ready(graph) if per_tie else aggregated(graph, full=full, coverage=coverage)
    write_atomically(Path(path), lambda tmp: nx.write_graphml(out, tmp, named_key_ids=True))
    return {"nodes": out.number_of_nodes(), "edges": out.number_of_edges(), "ties": graph.number_of_edges()}
