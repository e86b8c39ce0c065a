"""Yearly snapshots: one simple NetworkX graph per year, from the temporal engine's ``TieTable``.

The structure measures (``analysis.yearly``), the NetworkX path of yearly
centrality and the thesis' network plots read these graphs; their densities
equal the engine's (``analysis.temporal.DensityKernel``) by construction,
since both take the ties active under the same ``Activity`` rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import networkx as nx
import numpy as np

from tiegraph.analysis.temporal import Activity, Scope, TieTable, resolve_scope, tie_activity


def snapshots(table: TieTable, *, years: Sequence[int], scope: Scope,
              activity: Activity | None = None, mask: np.ndarray | None = None) -> dict[int, nx.Graph]:
    """One simple graph per year: the scope's actors and the dyads tied that year.

    Nodes: the scope (fixed) or the actors present (``"all"``), with ``name``.
    Edge attributes: ``weight`` (summed tie counts), ``links`` (number of
    tie-links), ``ties`` (sorted tie ids), ``types`` (sorted tie types).
    ``mask``: which ties may count each year (``tie_activity``), e.g. coverage.
    """
    return dict(iter_snapshots(table, years=years, scope=scope, activity=activity, mask=mask))


def iter_snapshots(table: TieTable, *, years: Sequence[int], scope: Scope,
                   activity: Activity | None = None, mask: np.ndarray | None = None
                   ) -> Iterator[tuple[int, nx.Graph]]:
    """``snapshots`` one year at a time, so 200 yearly graphs of 2,000 actors are never all held.

    Each year visits only the links of that year's active ties (a numpy mask),
    in link order, so the graphs are the same as a full scan would build.
    """
    activity = activity or Activity()
    fixed = resolve_scope(scope)
    active = tie_activity(table, years, activity, mask=mask)
    formed = table.formed_links(activity)
    for column, year in enumerate(years):
        rows = np.flatnonzero(active[:, column])
        if fixed is not None:
            nodes = list(fixed)
        else:
            nodes = sorted({n for r in rows for n in table.endpoints[r]})
        snapshot = nx.Graph(year=int(year))
        snapshot.add_nodes_from((n, {"name": table.names.get(n, n)}) for n in nodes)
        members = set(nodes)
        for i in np.flatnonzero(active[table.link_tie, column] & formed).tolist():
            row = table.link_tie[i]
            u, v = table.link_u[i], table.link_v[i]
            if u not in members or v not in members:
                continue
            if snapshot.has_edge(u, v):
                data = snapshot[u][v]
                data["weight"] += table.count[row]
                data["links"] += 1
                data["ties"].add(table.ids[row])
                data["types"].add(table.types[row])
            else:
                snapshot.add_edge(u, v, weight=float(table.count[row]), links=1,
                                  ties={table.ids[row]}, types={table.types[row]})
        for _, _, data in snapshot.edges(data=True):
            data["ties"], data["types"] = sorted(data["ties"]), sorted(data["types"])
        yield int(year), snapshot
