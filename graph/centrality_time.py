"""Centrality per year, with each actor's rank and how it moved since the year before.

Computed on the yearly snapshots of ``graph.temporal`` (one edge per tied
dyad), so an actor with 25 exercises with one partner is not 25 times as
central; ``weighted_degree`` keeps the counts.  PageRank rather than
eigenvector centrality: it is defined on disconnected graphs, which early
years always are.

Two backends give the same numbers (``backend=``): ``"networkx"`` runs
NetworkX on each snapshot; ``"igraph"`` (``graph.fast_centrality``) skips
the snapshots and runs igraph's betweenness in C: 34x faster for 200 years of a
2,000-actor graph in one process, 41x in two (BENCHMARKS.md).  ``"auto"`` (default) picks igraph when
the scope has more than ``AUTO_IGRAPH_NODES`` actors and igraph is
installed, so small scopes such as the six Turkic states keep the plain path.
Ranks are taken on values rounded to 12 decimals, so that float noise (the
two backends sum betweenness in different orders) never splits a tie.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from graph.temporal import Activity, Scope, TieTable, iter_snapshots, resolve_scope, tie_table
from model.errors import UsageError
from model.vocabulary import TURKIC_SIX

MEASURES: tuple[str, ...] = ("degree", "weighted_degree", "betweenness", "pagerank")
COLUMNS = ["year", "actor", "name", *MEASURES, "rank", "rank_change"]
BACKENDS: tuple[str, ...] = ("auto", "networkx", "igraph")
#: "auto" uses igraph above this many actors in the scope (NetworkX takes ~1 s a year at 800)
AUTO_IGRAPH_NODES = 200
#: ranks compare values rounded to this many decimals (float noise must not split ties)
RANK_DECIMALS = 12


def snapshot_centrality(snapshot: nx.Graph) -> dict[str, dict[str, float]]:
    """Degree (normalised), weighted degree, betweenness (normalised), weighted PageRank."""
    n = snapshot.number_of_nodes()
    if n == 0:
        return {}
    degree = nx.degree_centrality(snapshot) if n > 1 else {v: 0.0 for v in snapshot}
    betweenness = nx.betweenness_centrality(snapshot)
    pagerank = nx.pagerank(snapshot, weight="weight") if snapshot.number_of_edges() else \
        {v: 1.0 / n for v in snapshot}
    return {v: {"degree": float(degree[v]),
                "weighted_degree": float(snapshot.degree(v, weight="weight")),
                "betweenness": float(betweenness[v]),
                "pagerank": float(pagerank[v])} for v in snapshot}


def resolve_backend(backend: str, n_actors: int) -> str:
    """"networkx" or "igraph" for ``backend`` ("auto": igraph above ``AUTO_IGRAPH_NODES`` actors)."""
    from graph.fast_centrality import igraph_available

    if backend not in BACKENDS:
        raise UsageError(f"backend '{backend}' is not one of: {', '.join(BACKENDS)}")
    if backend == "auto":
        return "igraph" if n_actors > AUTO_IGRAPH_NODES and igraph_available() else "networkx"
    if backend == "igraph" and not igraph_available():
        raise UsageError("backend 'igraph' needs python-igraph (pip install igraph)")
    return backend


def yearly_centrality(graph: nx.MultiGraph, *, years: Sequence[int], scope: Scope = TURKIC_SIX,
                      activity: Activity | None = None, backend: str = "auto", jobs: int | None = None,
                      table: TieTable | None = None) -> Iterator[tuple[int, dict[str, dict[str, float]]]]:
    """``(year, snapshot_centrality(snapshot))`` for each year, by the chosen backend.

    ``jobs``: igraph backend only, processes for betweenness (None: every core for large work).
    """
    table = table or tie_table(graph)
    activity = activity or Activity()
    fixed = resolve_scope(scope)
    n_actors = len(fixed) if fixed is not None else len(table.names)
    if resolve_backend(backend, n_actors) == "igraph":
        from graph.fast_centrality import igraph_centrality_by_year

        yield from igraph_centrality_by_year(table, years, scope, activity, jobs=jobs)
        return
    for year, snap in iter_snapshots(graph, years=years, scope=scope, activity=activity, table=table):
        yield year, snapshot_centrality(snap)


def ranks_of(values: dict[str, dict[str, float]], rank_by: str) -> dict[str, int]:
    """1 + the number of actors with a strictly higher (rounded) ``rank_by`` value ("min" ranks)."""
    actors = list(values)
    scores = np.round(np.array([values[a][rank_by] for a in actors], dtype=float), RANK_DECIMALS)
    ordered = np.sort(scores)
    higher = len(ordered) - np.searchsorted(ordered, scores, side="right")
    return {actor: 1 + int(h) for actor, h in zip(actors, higher.tolist())}


def centrality_by_year(graph: nx.MultiGraph, *, years: Sequence[int], scope: Scope = TURKIC_SIX,
                       activity: Activity | None = None, rank_by: str = "degree",
                       top: int | None = None, backend: str = "auto", jobs: int | None = None) -> pd.DataFrame:
    """Long table: one row per year and actor, with ``rank`` and ``rank_change``.

    ``rank`` is 1 for the most central actor by ``rank_by`` (ties share the
    best rank, "min" method); ``rank_change`` = last year's rank - this year's,
    so positive means the actor climbed (empty in the first year or when the
    actor was not there).  ``top`` keeps only actors ranked within it.
    ``backend``: "networkx", "igraph" or "auto" (see the module docstring);
    ``jobs``: processes for the igraph backend's betweenness (None: all cores when large).
    """
    if rank_by not in MEASURES:
        raise UsageError(f"rank_by '{rank_by}' is not one of: {', '.join(MEASURES)}")
    table = tie_table(graph)
    names = table.names
    rows = []
    previous: dict[str, int] = {}
    for year, values in yearly_centrality(graph, years=years, scope=scope, activity=activity,
                                          backend=backend, jobs=jobs, table=table):
        ranks = ranks_of(values, rank_by)
        for actor in sorted(values, key=lambda a: (ranks[a], a)):
            rank = ranks[actor]
            if top is not None and rank > top:
                continue
            change = previous[actor] - rank if actor in previous else None
            rows.append({"year": year, "actor": actor, "name": names.get(actor, actor),
                         **values[actor], "rank": rank, "rank_change": change})
        previous = ranks
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["rank_change"] = frame["rank_change"].astype("Int64")
    return frame


def top_actors(frame: pd.DataFrame, *, measure: str = "degree", n: int = 6) -> list[str]:
    """The ``n`` actors with the highest mean ``measure`` over the years (for plots)."""
    if frame.empty:
        return []
    means = frame.groupby("actor")[measure].mean().sort_values(ascending=False, kind="stable")
    return [str(a) for a in means.index[:n]]
