"""Benchmark: ``tiegraph thesis`` on the bundled data plus every dataset in ../shared/external, 1,000 draws.

Figures, all measured in this one run:

1. ``tiegraph import all EXTERNAL`` once (cached under --workdir; timed, not part of the target).
2. ``tiegraph thesis --from 1980 --permutations 1000`` as a fresh process (imports, load, the
   cross-dataset overlap pass, tie tables, evidence, sensitivity, verdict, printing): wall and CPU
   seconds, median of the runs, and the same with ``--permutations 0`` (the null's share).
   Target: <= 10 s wall.  The output must be identical in every run (seeded).
3. The permutation null, before and after, in this process on the same evidence rows and the same
   draws: *before* is the previous implementation's path (one ``tie_activity`` + ``DensityKernel``
   call per draw, as ``graph/thesis.py`` did at 07932fc), *after* is ``analysis.nulls.SeriesKernel``
   (all draws at once), both on the same tie table (this run's, which holds only the scope's ties:
   the old path ran on every tie, so its figure here is a lower bound).  Both give the same series
   draw for draw (checked).  The before path runs
   ``--before-draws`` draws per row (default 200, quick 20) and its time is scaled to all the draws
   (a loop of identical iterations: linear in the draws).
4. The whole previous command (git 07932fc, extracted with ``git archive`` into --workdir, run on
   the same data directories): the end-to-end before/after ratio (full mode only).

    python -m bench.thesis            # 3 runs per row, 1,000 draws
    python -m bench.thesis --quick    # bundled data + tests/fixtures/external extracts, 200 draws, 1 run
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench._harness import REPO, Stopwatch, footer, header, parser, table

TARGET_SECONDS = 10.0
BEFORE_COMMIT = "07932fc"
EXTERNAL = REPO.parent / "shared" / "external"
#: --quick: the loaders' small extracts of the same five datasets (always in the repository)
FIXTURES = REPO / "tests" / "fixtures" / "external"


def cli() -> list[str]:
    script = Path(sys.executable).with_name("tiegraph")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tiegraph.cli"]


def imported(external: Path, workdir: Path) -> tuple[list[Path], float | None]:
    """The data directories of ``tiegraph import all`` (imported once; seconds taken, None when cached)."""
    target = workdir / "external"
    marker = target / "COMPLETE"
    seconds = None
    if not marker.is_file():
        start = time.perf_counter()
        done = subprocess.run([*cli(), "import", "all", str(external), "--into", str(target)], cwd=REPO,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"tiegraph import all failed:\n{done.stdout}\n{done.stderr}")
        seconds = time.perf_counter() - start
        marker.write_text("ok\n", encoding="utf-8")
    return sorted(p for p in target.iterdir() if p.is_dir() and (p / "ties").is_dir()), seconds


def run_cli(argv: list[str], runs: int, *, env: dict[str, str] | None = None) -> dict[str, float | str]:
    """Median wall and CPU seconds of ``runs`` fresh processes, and whether their outputs agree."""
    walls, cpus, digests = [], [], set()
    for _ in range(runs):
        with Stopwatch() as watch:
            done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(argv)}\n{done.stderr[-3000:]}")
        walls.append(watch.wall)
        cpus.append(watch.cpu)
        digests.add(hashlib.sha256(done.stdout.encode()).hexdigest())
    return {"runs": runs, "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
            "identical": "yes" if len(digests) == 1 else "NO"}


def null_before_after(data_dirs: list[Path], first: int, draws: int, before_draws: int) -> list[dict]:
    """Per evidence row with a null: seconds of the previous per-draw path vs SeriesKernel, same draws."""
    from tiegraph.analysis.evidence import Spec, evidence_rows
    from tiegraph.analysis.nulls import SeriesKernel, draw_starts
    from tiegraph.analysis.temporal import Activity, DensityKernel, tie_activity
    from tiegraph.analysis.thesis import ThesisOptions, series_span, tie_data
    from tiegraph.commands.common import load
    from tiegraph.model.vocabulary import TURKIC_SIX

    dataset = load(data_dirs)
    options = ThesisOptions(scope=TURKIC_SIX, hub="TUR", first_year=first, permutations=draws)
    span = series_span(dataset, options)
    data = tie_data(dataset, options)
    activity = Activity()
    rows = evidence_rows(data, span=span, scope=TURKIC_SIX, specs=[Spec("clique", False, "stock")],
                         activity=activity, permutations=0, seed=42, null="uniform", alpha=0.05)
    out = []
    for row in rows:
        if row.trend is None:
            continue
        table = data.tables["clique"]
        counts = data.counts("clique", row.members, row.layer) & ~data.tentative["clique"]
        scoped = data.scoped("clique", TURKIC_SIX)
        with np.errstate(invalid="ignore"):
            pool = np.flatnonzero(counts & scoped & (table.start >= row.years[0]) & (table.start <= row.years[-1]))
        if len(pool) < 2:
            continue
        moved = draw_starts(np.random.default_rng(42), table.start[pool], row.years, draws, "uniform")
        with Stopwatch() as after:
            kernel = SeriesKernel(table, years=row.years, scope=TURKIC_SIX, activity=activity, counts=counts,
                                  pool=pool, index=data.index("clique", TURKIC_SIX, activity))
            new = kernel(moved)
        engine = DensityKernel(table, TURKIC_SIX, activity=activity)
        old = np.empty((before_draws, len(row.years)))
        with Stopwatch() as before:
            for b in range(before_draws):
                start = table.start.copy()
                start[pool] = moved[b]
                old[b] = engine(tie_activity(table, row.years, activity, start=start) & counts[:, None])
        out.append({"row": f"{row.source} {row.layer} {row.span}", "pool": len(pool), "draws": draws,
                    "before_s": before.wall * draws / before_draws, "after_s": after.wall,
                    "equal": "yes" if np.array_equal(old, new[:before_draws]) else "NO"})
    return out


def previous_command(workdir: Path, data_dirs: list[Path], first: int, draws: int, runs: int) -> dict:
    """The whole ``tiegraph thesis`` of commit BEFORE_COMMIT (git archive), on the same data."""
    root = workdir / f"before-{BEFORE_COMMIT}"
    package = root / "tiegraph"
    if not (package / "cli.py").is_file():
        package.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", BEFORE_COMMIT], cwd=REPO, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(package)], input=archive.stdout, check=True)
    argv = [sys.executable, "-m", "tiegraph.cli", "thesis", "-d", str(package / "data"),
            *(a for d in data_dirs[1:] for a in ("-d", str(d))), "--from", str(first),
            "--permutations", str(draws), "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return run_cli(argv, runs, env=env)


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--external", type=Path, default=None,
                   help=f"datasets folder (default {EXTERNAL}; quick: {FIXTURES})")
    p.add_argument("--runs", type=int, default=None, help="runs per command (default 3; quick 1)")
    p.add_argument("--before-draws", type=int, default=None,
                   help="draws of the previous null path per row, scaled to all (default 200; quick 20)")
    args = p.parse_args()
    quick = args.quick
    draws = 200 if quick else 1000
    runs = args.runs or (1 if quick else 3)
    first = 1980
    header("tiegraph thesis: bundled data + every external dataset", quick)
    dirs, import_s = imported(args.external or (FIXTURES if quick else EXTERNAL), args.workdir)
    data_dirs = [REPO / "data", *dirs]
    print(f"data: {', '.join(str(d) for d in data_dirs)}")
    print(f"import all: {'cached' if import_s is None else f'{import_s:.2f} s'}")
    base = [*cli(), "thesis", *(a for d in data_dirs for a in ("-d", str(d))), "--from", str(first), "--format", "json"]
    rows = [{"command": f"tiegraph thesis ({draws} draws)", **run_cli([*base, "--permutations", str(draws)], runs)}]
    if not quick:
        rows.append({"command": "tiegraph thesis (0 draws)", **run_cli([*base, "--permutations", "0"], runs)})
        # one run: the previous command takes over a minute
        rows.append({"command": f"previous tiegraph thesis ({BEFORE_COMMIT}, {draws} draws)",
                     **previous_command(args.workdir, data_dirs, first, draws, 1)})
    table(rows, ["command", "runs", "wall_s", "cpu_s", "identical"])
    after = float(rows[0]["wall_s"])
    if not quick:
        print(f"ratio previous / current command: {float(rows[2]['wall_s']) / after:.1f}x wall, "
              f"{float(rows[2]['cpu_s']) / float(rows[0]['cpu_s']):.1f}x CPU")
    before_draws = args.before_draws or (20 if quick else 200)
    nulls = null_before_after(data_dirs, first, draws, before_draws)
    table(nulls, ["row", "pool", "draws", "before_s", "after_s", "equal"])
    total_before, total_after = sum(r["before_s"] for r in nulls), sum(r["after_s"] for r in nulls)
    print(f"permutation null, {len(nulls)} rows x {draws} draws: before {total_before:.2f} s, after "
          f"{total_after:.2f} s, ratio {total_before / max(total_after, 1e-9):.0f}x"
          f"{f' (before: {before_draws} draws per row, scaled)' if before_draws < draws else ''}")
    print(f"null series equal draw for draw: {'yes' if all(r['equal'] == 'yes' for r in nulls) else 'NO'}")
    verdict = "met" if after <= TARGET_SECONDS else f"missed by {after - TARGET_SECONDS:.1f} s"
    print(f"target median wall <= {TARGET_SECONDS:.0f} s ({draws} draws): {after:.1f} s, {verdict}")
    footer()


if __name__ == "__main__":
    main()
