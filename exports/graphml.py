"""GraphML that Gephi opens cleanly: scalar attributes only, no None anywhere.

GraphML declares one type per attribute key, so a missing value is written as
the type's empty value ("" for text, -1 for a missing year) rather than left
out inconsistently; booleans stay booleans.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import networkx as nx

#: integer attributes whose missing value is written as -1 (documented in the README)
INT_ATTRS = ("year", "end_year", "count", "n_sources")


def _clean(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if key in INT_ATTRS:
            out[key] = -1 if value is None else int(value)
        elif value is None:
            out[key] = ""
        elif isinstance(value, (bool, int, float, str)):
            out[key] = value
        else:
            out[key] = str(value)
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


def write_atomically(path: Path, write) -> None:
    """Write via a temp file in the same folder and rename: nothing half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file normal permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_graphml(graph: nx.MultiGraph, path: Path) -> None:
    clean = gephi_ready(graph)
    write_atomically(Path(path), lambda tmp: nx.write_graphml(clean, tmp, named_key_ids=True))
