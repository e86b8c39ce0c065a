"""Benchmark: data files -> validated model -> NetworkX graph, ties per second and peak memory.

For each size (full: 10k, 100k and 1M ties of a 2,000-actor synthetic
dataset from ``bench.generate``, cached under --workdir) and each attribute
set of ``build_graph`` (``analysis``: what report/thesis build; ``full``:
what the exporters build), a *fresh* Python process loads the directory
with ``load_dataset``, builds the graph and reports its own RSS high-water
mark (``VmHWM`` of /proc/self/status; ``getrusage`` where there is no /proc), so
no measurement inherits another's heap.

Before timing, a small dataset is CHECKED: the analysis graph has the
same nodes and edges, in the same order, as the full graph, its edge data
equals the full data restricted to ``ANALYSIS_KEYS``, and density,
ties-per-year and centrality computed on both are equal.  Exit code 1 if not.

``--baseline DIR`` also runs each size on an older checkout of the code
(e.g. ``git archive HEAD | tar -x -C DIR``) and prints the ratios.

    python -m bench.core                  # full: 10k, 100k, 1M ties (~5 min; peak ~3 GB for 1M full)
    python -m bench.core --quick          # 2k and 10k ties: seconds
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from bench._harness import REPO, footer, header, parser, run_child, synthetic_dir, table

QUICK_SIZES = (2_000, 10_000)
FULL_SIZES = (10_000, 100_000, 1_000_000)
ACTORS = 2000
TARGET_MB = 2048.0
#: the equality check runs on a small dataset: it computes NetworkX betweenness 8 times
CHECK_TIES, CHECK_ACTORS = 3000, 200

#: run in a fresh interpreter with the code under test as the working directory; stdlib only
#: besides the project, so that it also runs against an older checkout (--baseline)
CHILD = r"""
import json, resource, sys, time
def rss():
    # VmHWM: this process image's own high-water mark.  ru_maxrss would do on macOS, but on
    # Linux it keeps the parent's RSS at fork across exec, so a child would report >= its parent.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
t0 = time.perf_counter()
import tiegraph.loaders.datadir
from tiegraph.loaders.datadir import load_dataset
from tiegraph.graph.build import build_graph
t1 = time.perf_counter(); rss_import = rss()
dataset = load_dataset(sys.argv[1])
t2 = time.perf_counter(); rss_load = rss()
try:
    graph = build_graph(dataset, attributes=sys.argv[2])
except TypeError:
    if sys.argv[2] != "full":
        raise
    graph = build_graph(dataset)  # code from before the attributes= keyword: always full
t3 = time.perf_counter()
print("BENCH-RESULT " + json.dumps({
    "ties": len(dataset.ties), "actors": len(dataset.actors), "edges": graph.number_of_edges(),
    "import_s": t1 - t0, "load_s": t2 - t1, "build_s": t3 - t2, "import_mb": rss_import,
    "load_mb": rss_load, "peak_mb": rss(), "code": tiegraph.loaders.datadir.__file__}))
"""


def measure(data: Path, attributes: str, code: Path) -> dict[str, Any]:
    """One fresh child: load + build ``data`` with the code in ``code``."""
    env = dict(os.environ, PYTHONPATH=str(code))
    result = run_child([sys.executable, "-c", CHILD, str(data), attributes], cwd=code, env=env)
    expected = (code / "loaders" / "datadir.py").resolve()
    if Path(result["code"]).resolve() != expected:
        raise SystemExit(f"the child ran {result['code']}, not {expected}")
    return result


def check_equal(data: Path) -> bool:
    """The analysis graph is the full graph restricted to ANALYSIS_KEYS, and the analyses agree."""
    from tiegraph.analysis.temporal import Activity, density_series, tie_table, ties_formed
    from tiegraph.graph.build import ANALYSIS_KEYS, Level, Projection, build_graph
    from tiegraph.graph.centrality import centrality
    from tiegraph.loaders.datadir import load_dataset

    dataset = load_dataset(data)
    scope = sorted(dataset.actors)[:40]
    levels: tuple[Level, ...] = ("actor", "state")
    projections: tuple[Projection, ...] = ("clique", "star")
    for level in levels:
        for projection in projections:
            full = build_graph(dataset, projection=projection, level=level)
            lean = build_graph(dataset, projection=projection, level=level, attributes="analysis")
            if list(full.nodes(data=True)) != list(lean.nodes(data=True)):
                return False
            full_edges = list(full.edges(keys=True, data=True))
            lean_edges = list(lean.edges(keys=True, data=True))
            if [e[:3] for e in full_edges] != [e[:3] for e in lean_edges]:
                return False
            if any({k: f[3][k] for k in ANALYSIS_KEYS} != ln[3] for f, ln in zip(full_edges, lean_edges)):
                return False
            years = range(1990, 2026)
            a, b = tie_table(full), tie_table(lean)
            cumulative = Activity("cumulative")
            if density_series(a, years=years, scope=scope, activity=cumulative) != \
                    density_series(b, years=years, scope=scope, activity=cumulative):
                return False
            if ties_formed(a, years=years, scope=scope) != ties_formed(b, years=years, scope=scope) \
                    or centrality(full) != centrality(lean):
                return False
            if (a.ids, a.types, a.datasets, a.link_u, a.link_v) != (b.ids, b.types, b.datasets, b.link_u, b.link_v):
                return False
    return True


def main() -> int:
    p = parser(__doc__ or "")
    p.add_argument("--sizes", help="comma-separated tie counts (default: 10000,100000,1000000; quick 2000,10000)")
    p.add_argument("--baseline", type=Path, help="an older checkout of the code to measure too (full graphs)")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if args.quick else FULL_SIZES)
    header("file -> validated model -> graph", args.quick)
    dirs = {n: synthetic_dir(args.workdir, ties=n, actors=ACTORS) for n in sizes}
    ok = check_equal(synthetic_dir(args.workdir, ties=CHECK_TIES, actors=CHECK_ACTORS))
    print(f"check on {CHECK_TIES:,} ties of {CHECK_ACTORS} actors, 4 level/projection variants: analysis graph == "
          f"full graph restricted to ANALYSIS_KEYS, same density/ties-by-year/centrality: "
          f"{'PASSED' if ok else 'FAILED'}")
    runs = [("current", "analysis", REPO), ("current", "full", REPO)]
    if args.baseline:
        runs.append(("baseline", "full", args.baseline.resolve()))
    rows: list[dict[str, Any]] = []
    for n in sizes:
        for code, attributes, path in runs:
            r = measure(dirs[n], attributes, path)
            total = r["load_s"] + r["build_s"]
            rows.append({"ties": n, "code": code, "attributes": attributes, "edges": r["edges"],
                         "load_s": r["load_s"], "build_s": r["build_s"], "ties_per_s": round(n / total),
                         "load_ties_per_s": round(n / r["load_s"]), "import_mb": r["import_mb"],
                         "after_load_mb": r["load_mb"], "peak_mb": r["peak_mb"]})
            print(f"  measured {n:,} ties, {code} code, {attributes}: {total:.1f} s, "
                  f"peak {r['peak_mb']:,.0f} MB", flush=True)
    print()
    table(rows, ["ties", "code", "attributes", "edges", "load_s", "build_s", "ties_per_s", "load_ties_per_s",
                 "import_mb", "after_load_mb", "peak_mb"])
    print()
    by = {(r["ties"], r["code"], r["attributes"]): r for r in rows}
    for n in sizes:
        lean, full = by[(n, "current", "analysis")], by[(n, "current", "full")]
        print(f"{n:,} ties: analysis/full peak {lean['peak_mb'] / full['peak_mb']:.2f}, "
              f"time {(lean['load_s'] + lean['build_s']) / (full['load_s'] + full['build_s']):.2f}")
        base = by.get((n, "baseline", "full"))
        if base:
            base_total = base["load_s"] + base["build_s"]
            print(f"{n:,} ties: baseline/current(analysis) peak {base['peak_mb'] / lean['peak_mb']:.2f}x, "
                  f"time {base_total / (lean['load_s'] + lean['build_s']):.2f}x; "
                  f"baseline/current(full) peak {base['peak_mb'] / full['peak_mb']:.2f}x, "
                  f"time {base_total / (full['load_s'] + full['build_s']):.2f}x")
    biggest = by[(max(sizes), "current", "analysis")]
    verdict = "met" if biggest["peak_mb"] <= TARGET_MB else f"missed by {biggest['peak_mb'] - TARGET_MB:,.0f} MB"
    print(f"target {max(sizes):,} ties (analysis) peak <= {TARGET_MB:,.0f} MB: "
          f"{biggest['peak_mb']:,.0f} MB, {verdict}" + ("" if max(sizes) >= 1_000_000 else " (target is for 1M)"))
    footer()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
