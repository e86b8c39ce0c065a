"""nodes.csv + edges.csv for Gephi's spreadsheet importer (and any other tool).

Gephi recognises the columns Id, Label (nodes) and Source, Target, Type
(Directed/Undirected), Id, Label, Weight (edges), and a ``timeset`` column of
intervals: ``<[2021.0, 2023.0]>`` (years) or ``<[2021-06-15, 2021-06-15]>``
(dates), ``Infinity`` for an open end.  The spells are those of the dynamic
GEXF (``exports.gexf.edge_spell``), so both exports put a tie at the same
place on the timeline.  Tie attributes follow; the two whose names clash with
Gephi's columns are renamed: ``type`` -> ``tie_type``, ``source`` -> ``citation``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from tiegraph.exports.gexf import Spell, edge_spell, node_spells, orient
from tiegraph.exports.graphml import gephi_ready, write_atomically

RENAMED = {"type": "tie_type", "source": "citation"}
NODE_COLUMNS = ["Id", "Label", "kind", "country", "aliases", "timeset"]
EDGE_COLUMNS = ["Source", "Target", "Type", "Id", "Label", "Weight", "timeset"]


def timeset(spell: Spell | None) -> str:
    """Gephi interval-set text of a spell ('' when undated)."""
    if spell is None:
        return ""
    return f"<[{spell[0]}, {spell[1] if spell[1] is not None else 'Infinity'}]>"


def gephi_frames(graph: nx.MultiGraph, *, timeformat: str = "double",
                 include_undated: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(nodes, edges, undated edges left out) as DataFrames in Gephi's column layout."""
    clean = gephi_ready(graph)
    rows = []
    undated = 0
    for a, b, key, data in clean.edges(keys=True, data=True):
        original = graph.edges[a, b, key]
        spell = edge_spell(original, timeformat)
        if spell is None and not include_undated:
            undated += 1
            continue
        source, target, kind = orient(graph, a, b, original)
        row = {"Source": source, "Target": target, "Type": kind.capitalize(), "Id": key,
               "Label": data.get("title") or data.get("tie_id"), "Weight": data.get("count") or 1,
               "timeset": timeset(spell)}
        row.update({RENAMED.get(k, k): v for k, v in data.items()})
        rows.append(row)
    edges = pd.DataFrame(rows)
    if edges.empty:
        edges = pd.DataFrame(columns=EDGE_COLUMNS)
    used = set(edges["Source"]) | set(edges["Target"])
    spells = node_spells(graph, timeformat)
    nodes = pd.DataFrame(
        [{"Id": n, "Label": d.get("name") or n, "kind": d.get("kind", ""), "country": d.get("country", ""),
          "aliases": d.get("aliases", ""), "timeset": timeset(spells.get(n))}
         for n, d in clean.nodes(data=True) if n in used],
        columns=NODE_COLUMNS)
    return nodes, edges, undated


def write_gephi_csv(graph: nx.MultiGraph, directory: Path | str, *, timeformat: str = "double",
                    include_undated: bool = False) -> dict[str, object]:
    """Write ``nodes.csv`` and ``edges.csv`` (UTF-8, atomically) into ``directory``; return paths and counts."""
    directory = Path(directory)
    nodes, edges, undated = gephi_frames(graph, timeformat=timeformat, include_undated=include_undated)
    paths = {"nodes": directory / "nodes.csv", "edges": directory / "edges.csv"}
    write_atomically(paths["nodes"], lambda tmp: nodes.to_csv(tmp, index=False, encoding="utf-8"))
    write_atomically(paths["edges"], lambda tmp: edges.to_csv(tmp, index=False, encoding="utf-8"))
    return {**paths, "n_nodes": len(nodes), "n_edges": len(edges), "undated": undated}
