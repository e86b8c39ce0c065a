"""Year-by-year measures of the scope's web: density, weight, layers, multiplexity, structure.

Everything is computed from one ``TieTable`` (``analysis.temporal``, built
once per run by the caller) and its yearly snapshots under one ``Activity`` rule, so a table row can be checked by hand against the
snapshot it came from.  The three density columns (stock, flow, window) are
always shown side by side: the thesis is only convincing if the reader can
see all three.

Definitions (per year, over the scope's actors):

* ``density`` -- tied dyads / possible dyads.
* ``weighted_density`` -- summed tie counts over all dyads / possible dyads
  (a dyad with 25 exercises weighs 25).
* ``multiplexity`` -- mean number of distinct tie types per tied dyad;
  ``multiplex_share`` -- share of tied dyads with two or more types.
* ``centralization`` -- Freeman degree centralisation: sum(max degree - degree)
  / ((n-1)(n-2)); 1 for a star, 0 when every actor has the same degree.
* ``hub_share`` -- share of the year's tie-links (one per tie and pair of
  scope actors) that have the hub (a required argument, e.g. TUR) at one end:
  1.0 is pure hub-and-spoke, 1/3 is an even spread over six actors.
* ``density_without_hub`` -- density among the others (the scope without the
  hub): is the web thickening beyond bilateral ties with the hub?
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from tiegraph.analysis.snapshots import snapshots
from tiegraph.analysis.temporal import (
    Activity,
    DensityKernel,
    Scope,
    TieTable,
    formed_mask,
    in_scope_ties,
    resolve_scope,
    tie_activity,
)
from tiegraph.model.vocabulary import TIE_TYPES


def freeman_centralization(graph: nx.Graph) -> float:
    """Freeman degree centralisation of a simple graph (0 for fewer than three nodes)."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def _density(graph: nx.Graph, nodes: Sequence[str] | None = None) -> float:
    sub = graph if nodes is None else graph.subgraph(nodes)
    n = sub.number_of_nodes()
    return sub.number_of_edges() / (n * (n - 1) / 2) if n > 1 else 0.0


def _hub_share(table: TieTable, rows: np.ndarray, members: set[str], hub: str | None,
               activity: Activity) -> float | None:
    if hub is None or hub not in members:
        return None
    live = set(rows.tolist())
    formed = table.formed_links(activity)
    links = [(table.link_u[i], table.link_v[i]) for i, r in enumerate(table.link_tie)
             if r in live and formed[i] and table.link_u[i] in members and table.link_v[i] in members]
    if not links:
        return None
    return sum(1 for u, v in links if hub in (u, v)) / len(links)


def yearly_measures(table: TieTable, *, years: Sequence[int], scope: Scope, hub: str | None,
                    activity: Activity | None = None, mask: np.ndarray | None = None) -> pd.DataFrame:
    """One row per year: formation, activity, the three densities and the structure measures.

    Structure columns (weighted density onward) use ``activity``; the three
    ``density_*`` columns use stock, flow and window with the same duration
    and window.  ``hub_share`` and ``density_without_hub`` are empty when the
    hub is not in the scope.  ``mask`` (ties x years) limits which ties may
    count when (coverage; ``analysis.temporal.tie_activity``).
    """
    activity = activity or Activity()
    years = [int(y) for y in years]
    fixed = resolve_scope(scope)
    scoped = in_scope_ties(table, scope)
    in_scope = np.zeros(len(table.ids), dtype=bool)
    in_scope[scoped] = True
    densities = {m: DensityKernel(table, scope, activity=activity.with_mode(m))(
                     tie_activity(table, years, activity.with_mode(m), mask=mask))
                 for m in ("stock", "flow", "window")}
    active = tie_activity(table, years, activity, mask=mask)
    formed_each = formed_mask(table, years, scope)
    formed = (formed_each if mask is None else formed_each & mask).sum(axis=0)
    snaps = snapshots(table, years=years, scope=scope, activity=activity, mask=mask)
    rows: list[dict[str, Any]] = []
    for column, year in enumerate(years):
        snap = snaps[year]
        live = np.flatnonzero(active[:, column] & in_scope)
        members = set(snap.nodes)
        present = {n for r in live for n in table.endpoints[r] & members}
        edges = list(snap.edges(data=True))
        n_pairs = len(members) * (len(members) - 1) / 2
        type_counts = [len(d["types"]) for _, _, d in edges]
        has_hub = hub is not None and hub in members
        components = list(nx.connected_components(snap)) if len(snap) else []
        rows.append({
            "year": year,
            "ties_formed": int(formed[column]),
            "ties_active": int(len(live)),
            "actors_active": len(present) if fixed is not None else len(members),
            "density_stock": float(densities["stock"][column]),
            "density_flow": float(densities["flow"][column]),
            "density_window": float(densities["window"][column]),
            "weighted_density": sum(d["weight"] for _, _, d in edges) / n_pairs if n_pairs else 0.0,
            "multiplexity": float(np.mean(type_counts)) if type_counts else 0.0,
            "multiplex_share": sum(1 for c in type_counts if c >= 2) / len(type_counts) if type_counts else 0.0,
            "components": len(components),
            "largest_component": max((len(c) for c in components), default=0),
            "transitivity": float(nx.transitivity(snap)),
            "centralization": freeman_centralization(snap),
            "hub_share": _hub_share(table, live, members, hub, activity),
            "density_without_hub": _density(snap, [n for n in snap if n != hub]) if has_hub else None,
        })
    return pd.DataFrame(rows)


def layer_density(table: TieTable, *, years: Sequence[int], scope: Scope,
                  activity: Activity | None = None) -> pd.DataFrame:
    """Density of each tie-type layer per year (columns: year, then one per type present).

    A dyad tied by an exercise and a treaty counts in both layers; types are
    in vocabulary order and a type with no tie in the scope gets no column.
    """
    years = [int(y) for y in years]
    present = {table.types[r] for r in in_scope_ties(table, scope)}
    layers = [t for t in TIE_TYPES if t in present]
    snaps = snapshots(table, years=years, scope=scope, activity=activity)
    rows = []
    for year in years:
        snap = snaps[year]
        n = snap.number_of_nodes()
        n_pairs = n * (n - 1) / 2
        row: dict[str, Any] = {"year": year}
        for layer in layers:
            tied = sum(1 for _, _, d in snap.edges(data=True) if layer in d["types"])
            row[layer] = tied / n_pairs if n_pairs else 0.0
        rows.append(row)
    return pd.DataFrame(rows, columns=["year", *layers])


def ties_formed_by_type(table: TieTable, *, years: Sequence[int], scope: Scope) -> pd.DataFrame:
    """Ties formed each year (``analysis.temporal.formed_mask``), by type, plus ``total``."""
    years = [int(y) for y in years]
    layers = [t for t in TIE_TYPES if t in {table.types[r] for r in in_scope_ties(table, scope)}]
    mask = formed_mask(table, years, scope)
    rows = []
    for column, year in enumerate(years):
        formed = [table.types[r] for r in np.flatnonzero(mask[:, column])]
        row: dict[str, Any] = {"year": year}
        row.update({t: formed.count(t) for t in layers})
        row["total"] = len(formed)
        rows.append(row)
    return pd.DataFrame(rows, columns=["year", *layers, "total"])


def dyad_table(table: TieTable, *, year: int, scope: Scope,
               activity: Activity | None = None) -> pd.DataFrame:
    """The tied dyads of one year: types (multiplexity), ties and summed weight."""
    snap = snapshots(table, years=[year], scope=scope, activity=activity)[year]
    rows = [{"a": a, "b": b, "n_types": len(d["types"]), "types": ", ".join(d["types"]),
             "ties": len(d["ties"]), "weight": d["weight"]}
            for a, b, d in sorted(snap.edges(data=True), key=lambda e: tuple(sorted(e[:2])))]
    for row in rows:
        row["a"], row["b"] = sorted((row["a"], row["b"]))
    return pd.DataFrame(rows, columns=["a", "b", "n_types", "types", "ties", "weight"])


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as plain dicts (numpy scalars to Python, NaN to None) for JSON and tables."""
    out = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and np.isnan(value):
                value = None
            clean[str(key)] = value
        out.append(clean)
    return out
