"""Benchmark: per-year centrality (incl. betweenness) on yearly snapshots, NetworkX vs the compiled paths.

Full mode: 200 yearly snapshots (1826-2025, stock rule) of a 2,000-actor
synthetic graph (100,000 ties, scope "all"), timed four ways in one run:

* networkx -- ``centrality_by_year(..., backend="networkx")``: a NetworkX
  snapshot per year, NetworkX degree / betweenness / PageRank (the plain path);
* igraph x1 -- ``backend="igraph", jobs=1``: numpy dyads, igraph betweenness;
* numba x1 -- ``backend="numba", jobs=1``: numpy dyads, ``graph.betweenness_kernel``
  (pendant trees folded away, 64 sources per search);
* numba xN -- the same with N threads (what ``backend="auto"`` runs for a
  graph this size: one thread per core).  This is the fast path.

The numba kernels are compiled (or loaded from numba's cache) before any
timing, and that time is printed apart.  Every table is CHECKED against the
NetworkX table of the same run: same rows, actors, ranks and rank changes
exactly; every measure within pytest.approx's default tolerance (rel 1e-6,
abs 1e-12).  Exit code 1 if not.

    python -m bench.yearly                   # full: ~45 min, the NetworkX path dominates
    python -m bench.yearly --quick           # 250 actors, 20 years: seconds
    python -m bench.yearly --skip-networkx   # development only: the compiled paths, checked
                                             # against igraph x1 instead of NetworkX
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
                   help="threads for the parallel numba run (default: what backend='auto' uses, at least 2)")
    p.add_argument("--skip-networkx", action="store_true",
                   help="development only: skip the NetworkX path (~40 min in full mode); check against igraph x1")
    args = p.parse_args()
    size = QUICK if args.quick else FULL
    header("per-year centrality: NetworkX vs igraph vs numba", args.quick)

    from tiegraph.analysis.centrality_yearly import centrality_by_year, resolve_backend
    from tiegraph.analysis.centrality_yearly_compiled import YearlyDyads, default_jobs
    from tiegraph.analysis.snapshots import iter_snapshots
    from tiegraph.analysis.temporal import Activity, tie_table
    from tiegraph.graph.betweenness_kernel import betweenness
    from tiegraph.graph.build import build_graph
    from tiegraph.loaders.datadir import load_dataset

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
          f"{default_jobs(n_actors, len(years))} worker(s) for this graph")
    with Stopwatch() as compile_time:
        betweenness(3, np.array([0, 1]), np.array([1, 2]))
    print(f"numba kernels ready in {compile_time.wall:.2f} s (compiled once per machine, then cached; not timed "
          f"below)")

    runs: list[tuple[str, str, int]] = [("igraph x1", "igraph", 1), ("numba x1", "numba", 1),
                                        (f"numba x{jobs}", "numba", jobs)]
    if not args.skip_networkx:
        runs.insert(0, ("networkx", "networkx", 1))
        print("running networkx path ...", flush=True)
        with Stopwatch() as snap_time:
            for _ in iter_snapshots(table_, years=years, scope="all"):
                pass
    frames, times = {}, {}
    for label, backend, workers in runs:
        with Stopwatch() as took:
            frames[label] = centrality_by_year(table_, years=years, scope="all", backend=backend, jobs=workers)
        times[label] = took
    reference = "igraph x1" if args.skip_networkx else "networkx"
    base = times[reference].wall
    table([{"path": label, "wall_s": times[label].wall, "cpu_s": times[label].cpu, "rows": len(frames[label]),
            "speedup": base / times[label].wall} for label, _, _ in runs],
          ["path", "wall_s", "cpu_s", "rows", "speedup"])
    if not args.skip_networkx:
        print(f"networkx path: of which building the {len(years)} NetworkX snapshots {snap_time.wall:.2f} s")
    passed = True
    for label, _, _ in runs:
        if label == reference:
            continue
        print(f"ratio {reference} / {label}: {base / times[label].wall:.1f}x wall, "
              f"{times[reference].cpu / times[label].cpu:.1f}x cpu")
    for label, _, _ in runs:
        if label == reference:
            continue
        same, diffs = compare(frames[reference], frames[label])
        passed = passed and same
        print(f"max |{label} - {reference}|: " + ", ".join(f"{m} {d:.1e}" for m, d in diffs.items()))
    print(f"equality check against {reference} (ranks exact, measures pytest.approx): "
          f"{'PASSED' if passed else 'FAILED'}")
    if not args.quick:
        fast = times[f"numba x{jobs}"].wall
        verdict = "met" if fast <= TARGET_SECONDS else f"missed by {fast - TARGET_SECONDS:.1f} s"
        print(f"target fast path (numba x{jobs}) <= {TARGET_SECONDS:.0f} s: {fast:.1f} s, {verdict}")
    footer()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
