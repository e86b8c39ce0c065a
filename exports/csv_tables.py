"""nodes.csv + edges.csv for Gephi's spreadsheet importer (and any other tool).

Gephi recognises the columns Id, Label (nodes) and Source, Target, Type
(Directed/Undirected), Id, Label, Weight, Kind (edges), and a ``timeset``
column of intervals: ``<[2021.0, 2023.0]>`` (years) or
``<[2021-06-15, 2021-06-15]>`` (dates), ``Infinity`` for an open end, several
separated by ``;``; in Gephi's import wizard choose "Time representation:
Intervals".  The edges are the groups of the dynamic GEXF
(``exports.edges``: one per actor pair, direction and tie type, Kind = the tie
type, its merged spells as the timeset, ``ties``/``tie_ids`` listing its ties,
``dates`` the earliest start and latest end as written, ISO 8601 style: "2016-05/2018"),
for the same reason: Gephi merges parallel edges and refuses overlapping
intervals.  Both exports put a tie at the same place on the timeline: the same
spells, clipped to the same window, in the same time format (``date`` by
default for both), and every actor is a node (``exports.edges``).

Both files are written together (``write_all_atomically``): never one without the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

from tiegraph.exports.edges import Spell, Window, group_edges, node_spells, summary, tie_count
from tiegraph.exports.files import write_all_atomically
from tiegraph.exports.progress import Advance, quiet
from tiegraph.model.coverage import Coverage

NODE_COLUMNS = ["Id", "Label", "kind", "country", "aliases", "timeset"]
EDGE_COLUMNS = ["Source", "Target", "Type", "Id", "Label", "Weight", "Kind", "timeset"]
FILES = ("nodes.csv", "edges.csv")


def timeset(spells: list[Spell]) -> str:
    """Gephi interval-set text of an edge's spells ('' when it has none)."""
    return "<" + ";".join(f"[{s}, {'Infinity' if e is None else e}]" for s, e in spells) + ">" if spells else ""


def gephi_frames(graph: nx.MultiGraph, *, timeformat: str = "date", include_undated: bool = False,
                 full: bool = False, coverage: Mapping[str, Coverage] | None = None,
                 window: Window | None = None, advance: Advance = quiet,
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """(nodes, edges, counts: ties written, undated ties left out) as DataFrames in Gephi's column layout."""
    groups, undated = group_edges(graph, timeformat=timeformat, include_undated=include_undated, window=window)
    advance(0, total=len(groups))
    rows = []
    for group in groups:
        row = {"Source": group.source, "Target": group.target,
               "Type": "Directed" if group.directed else "Undirected", "Id": group.id, "Label": group.label,
               "Weight": group.ties, "Kind": group.tie_type, "timeset": timeset(group.spells)}
        attrs = summary(group, coverage or {}, full=full)
        first, last = attrs.pop("first"), attrs.pop("last")
        # one text column: Gephi's spreadsheet importer types a column of "2021"/"2021-06" values as
        # timestamps and then fails on a decade ("1990s")
        row["dates"] = f"{first}/{last}" if first else ""
        row.update(attrs)
        rows.append(row)
        advance(1)
    edges = pd.DataFrame(rows) if rows else pd.DataFrame(columns=EDGE_COLUMNS)
    spells = node_spells(graph, groups, timeformat, window)
    nodes = pd.DataFrame(
        [{"Id": n, "Label": graph.nodes[n].get("name") or n, "kind": graph.nodes[n].get("kind") or "",
          "country": graph.nodes[n].get("country") or "", "aliases": graph.nodes[n].get("aliases") or "",
          "timeset": timeset(spells[n])} for n in spells],
        columns=NODE_COLUMNS)
    return nodes, edges, {"ties": tie_count(groups), "undated": undated}


def write_gephi_csv(graph: nx.MultiGraph, directory: Path | str, *, timeformat: str = "date",
                    include_undated: bool = False, full: bool = False,
                    coverage: Mapping[str, Coverage] | None = None,
                    window: Window | None = None, advance: Advance = quiet) -> dict[str, object]:
    """Write ``nodes.csv`` and ``edges.csv`` (UTF-8, both or neither) into ``directory``; return paths and counts."""
    directory = Path(directory)
    nodes, edges, counts = gephi_frames(graph, timeformat=timeformat, include_undated=include_undated,
                                        full=full, coverage=coverage, window=window, advance=advance)
    paths = {"nodes": directory / FILES[0], "edges": directory / FILES[1]}
    write_all_atomically({
        paths["nodes"]: lambda tmp: nodes.to_csv(tmp, index=False, encoding="utf-8"),
        paths["edges"]: lambda tmp: edges.to_csv(tmp, index=False, encoding="utf-8"),
    })
    return {**paths, "n_nodes": len(nodes), "n_edges": len(edges), **counts}
