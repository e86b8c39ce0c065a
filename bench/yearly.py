"""Benchmark: per-year centrality (incl. betweenness) on yearly snapshots, NetworkX vs igraph.

Full mode: 200 yearly snapshots (1826-2025, stock rule) of a 2,000-actor
synthetic graph (100,000 ties, scope "all"), timed three ways in one run:

* networkx -- ``centrality_by_year(..., backend="networkx")``: a NetworkX
  snapshot per year, NetworkX degree / betweenness / PageRank (the plain path);
* igraph x1 -- ``backend="igraph", jobs=1``: numpy dyads, igraph betweenness;
* igraph xN -- the same over N processes (what ``backend="auto"`` runs for a
  graph this size: one process per core).

The igraph tables are CHECKED against the NetworkX table in the same run:
same rows, actors, ranks and rank changes exactly; every measure within
pytest.approx's default tolerance (rel 1e-6, abs 1e-12).  Exit code 1 if not.

    python -m bench.yearly            # full: ~45 min, the NetworkX path dominates
    python -m bench.yearly --quick    # 250 actors, 20 years: seconds
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from bench._harness import Stopwatch, footer, header, parser, synthetic_dir, table

QUICK = {"actors": 250, "ties": 2500, "years": 20, "first_year": 1995}
FULL = {"actors": 2000, "ties": 100_000, "years": 200, "first_year": 1820}
LAST_YEAR = 2025
TARGET_SECONDS = 30.0
MEASURES = ("degree", "weighted_degree", "betweenness", "pagerank")
EXACT = ["year", "actor", "name", "rank", "rank_change"]


def compare(plain: Any, fast: Any) -> tuple[bool, dict[str, float]]:
    """(equal?, max |difference| per measure): exact on EXACT columns, pytest.approx on measures."""
    if list(plain.columns) != list(fast.columns) or len(plain) != len(fast):
        return False, {}
    same = plain[EXACT].reset_index(drop=True).equals(fast[EXACT].reset_index(drop=True))
    diffs = {}
    for m in MEASURES:
        a, b = fast[m].to_numpy(dtype=float), plain[m].to_numpy(dtype=float)
        diffs[m] = float(np.max(np.abs(a - b))) if len(a) else 0.0
        same = same and bool(np.all(np.abs(a - b) <= np.maximum(1e-6 * np.abs(b), 1e-12)))
    return same, diffs


def main() -> int:
    p = parser(__doc__ or "")
    p.add_argument("--jobs", type=int, default=None,
                   help="processes for the parallel igraph run (default: what backend='auto' uses, at least 2)")
    args = p.parse_args()
    size = QUICK if args.quick else FULL
    header("per-year centrality: NetworkX vs igraph", args.quick)

    from graph.build import build_graph
    from graph.centrality_time import centrality_by_year, resolve_backend
    from graph.fast_centrality import YearlyDyads, default_jobs
    from graph.temporal import Activity, iter_snapshots, tie_table
    from loaders.curated import load_dataset

    data = synthetic_dir(args.workdir, ties=size["ties"], actors=size["actors"], first_year=size["first_year"],
                         last_year=LAST_YEAR)
    years = list(range(LAST_YEAR - size["years"] + 1, LAST_YEAR + 1))
    with Stopwatch() as prep:
        dataset = load_dataset(data)
        graph = build_graph(dataset, attributes="analysis")
        table_ = tie_table(graph)
    dyads = YearlyDyads(table_, years, "all", Activity())
    shapes = [dyads.year(c) for c in range(len(years))]
    nodes = [len(s[0]) for s in shapes]
    edges = [len(s[1]) for s in shapes]
    print(f"data: {data}")
    print(f"graph: {len(dataset.actors):,} actors, {len(dataset.ties):,} ties, {graph.number_of_edges():,} edges "
          f"(load + build + tie table {prep.wall:.2f} s)")
    print(f"snapshots: {len(years)} years {years[0]}-{years[-1]}, scope all, stock rule; "
          f"nodes per year mean {np.mean(nodes):,.0f} (max {max(nodes):,}), "
          f"tied dyads per year mean {np.mean(edges):,.0f} (max {max(edges):,})")
    n_actors = len(table_.names)
    jobs = args.jobs or max(2, default_jobs(n_actors, len(years)))
    print(f"backend='auto' picks: {resolve_backend('auto', n_actors)} with "
          f"{default_jobs(n_actors, len(years))} process(es) for this graph")
    print("running networkx path ...", flush=True)

    with Stopwatch() as snap_time:
        for _ in iter_snapshots(graph, years=years, scope="all", table=table_):
            pass
    with Stopwatch() as nx_time:
        plain = centrality_by_year(graph, years=years, scope="all", backend="networkx")
    with Stopwatch() as ig1_time:
        fast1 = centrality_by_year(graph, years=years, scope="all", backend="igraph", jobs=1)
    with Stopwatch() as igp_time:
        fastp = centrality_by_year(graph, years=years, scope="all", backend="igraph", jobs=jobs)

    ok1, diff1 = compare(plain, fast1)
    okp, diffp = compare(plain, fastp)
    rows = [
        {"path": "networkx", "wall_s": nx_time.wall, "cpu_s": nx_time.cpu, "rows": len(plain),
         "speedup": 1.0},
        {"path": "igraph x1", "wall_s": ig1_time.wall, "cpu_s": ig1_time.cpu, "rows": len(fast1),
         "speedup": nx_time.wall / ig1_time.wall},
        {"path": f"igraph x{jobs}", "wall_s": igp_time.wall, "cpu_s": igp_time.cpu, "rows": len(fastp),
         "speedup": nx_time.wall / igp_time.wall},
    ]
    table(rows, ["path", "wall_s", "cpu_s", "rows", "speedup"])
    print(f"networkx path: of which building the {len(years)} NetworkX snapshots {snap_time.wall:.2f} s")
    print(f"ratio networkx / igraph x1: {nx_time.wall / ig1_time.wall:.1f}x wall, "
          f"{nx_time.cpu / ig1_time.cpu:.1f}x cpu")
    print(f"ratio networkx / igraph x{jobs}: {nx_time.wall / igp_time.wall:.1f}x wall")
    for label, diffs in ((f"igraph x1", diff1), (f"igraph x{jobs}", diffp)):
        print(f"max |igraph - networkx| ({label}): " + ", ".join(f"{m} {d:.1e}" for m, d in diffs.items()))
    passed = ok1 and okp
    print(f"equality check (ranks exact, measures pytest.approx): {'PASSED' if passed else 'FAILED'}")
    if not args.quick:
        best = min(ig1_time.wall, igp_time.wall)
        verdict = "met" if best <= TARGET_SECONDS else f"missed by {best - TARGET_SECONDS:.1f} s"
        print(f"target fast path <= {TARGET_SECONDS:.0f} s: {best:.1f} s, {verdict}")
    footer()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
