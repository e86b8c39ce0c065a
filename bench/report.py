"""Benchmark: wall time of ``tiegraph report`` on the bundled data, imports included.

Each run is a fresh subprocess (interpreter start, imports, load, analysis,
printing), timed from outside; the median of the runs is the figure.  For
scale, the same is done for a bare interpreter (``python -c pass``) and for
importing the CLI alone (``import tiegraph.cli``: every command module).  Then once
with ``python -X importtime`` to list the imports that cost most, and to
check that none of the heavy libraries the report does not need (pandas,
scipy.stats, matplotlib, pymannkendall, neo4j, country_converter, igraph)
is imported.  The report's output must be the same in every run.

If the environment sets PYTHONDONTWRITEBYTECODE (this one does), the
project's own modules are compiled on every run; the last row shows the
same command with a bytecode cache (PYTHONPYCACHEPREFIX under --workdir).

    python -m bench.report            # 11 runs per row
    python -m bench.report --quick    # 3 runs per row
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._harness import REPO, cpu_seconds, footer, header, parser, table

RUNS_QUICK, RUNS_FULL = 3, 11
TARGET_SECONDS = 1.5
HEAVY = ("pandas", "scipy.stats", "matplotlib", "pymannkendall", "neo4j", "country_converter", "igraph")


def report_command() -> list[str]:
    """The installed ``tiegraph`` script next to this interpreter, else ``python -m tiegraph.cli``."""
    script = Path(sys.executable).with_name("tiegraph")
    return [str(script), "report"] if script.is_file() else [sys.executable, "-m", "tiegraph.cli", "report"]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one subprocess run; fails loudly on a non-zero exit."""
    cpu0 = cpu_seconds(children=True)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, cpu_seconds(children=True) - cpu0, done.stdout


def timed(label: str, argv: list[str], env: dict[str, str], runs: int) -> tuple[dict[str, Any], set[str]]:
    """One warm-up run (file cache, bytecode cache), then ``runs`` timed runs."""
    run_once(argv, env)
    walls, cpus, outputs = [], [], set()
    for _ in range(runs):
        wall, cpu, out = run_once(argv, env)
        walls.append(wall)
        cpus.append(cpu)
        outputs.add(out)
    return {"command": label, "runs": runs, "median_s": statistics.median(walls), "min_s": min(walls),
            "max_s": max(walls), "median_cpu_s": statistics.median(cpus)}, outputs


def import_profile(env: dict[str, str]) -> list[tuple[str, float, float]]:
    """(module, self s, cumulative s) of every import made by ``tiegraph report`` (-X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tiegraph.cli", "report"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        # "import time:       330 |     608260 |   pymannkendall.pymannkendall" (indent = nesting)
        prefix, cumulative_us, name = line.split("|", 2)
        self_us = prefix.split(":", 1)[1]
        rows.append((name[1:].rstrip(), int(self_us) / 1e6, int(cumulative_us) / 1e6))
    return rows


def main() -> int:
    args = parser(__doc__ or "").parse_args()
    runs = RUNS_QUICK if args.quick else RUNS_FULL
    header("tiegraph report on the bundled data, wall time incl. imports", args.quick)
    env = dict(os.environ)
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(args.workdir / "pycache")
    command = report_command()
    print(f"command: {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(command))} "
          f"(cwd {REPO}); PYTHONDONTWRITEBYTECODE={env.get('PYTHONDONTWRITEBYTECODE', '(unset)')}")
    rows, report_outputs = [], set()
    for label, argv, environment in (
            ("python -c pass", [sys.executable, "-c", "pass"], env),
            ("python -c 'import tiegraph.cli'", [sys.executable, "-c", "import tiegraph.cli"], env),
            ("tiegraph report", command, env),
            ("tiegraph report (bytecode cached)", command, cached)):
        row, outputs = timed(label, argv, environment, runs)
        rows.append(row)
        if label.startswith("tiegraph"):
            report_outputs |= outputs
        print(f"  measured {label}: median {row['median_s']:.3f} s", flush=True)
    print()
    table(rows, ["command", "runs", "median_s", "min_s", "max_s", "median_cpu_s"])
    report = rows[2]["median_s"]
    print(f"ratio report / bare interpreter: {report / rows[0]['median_s']:.1f}x; "
          f"CLI import share of the report: {rows[1]['median_s'] / report:.0%}")
    identical = len(report_outputs) == 1
    print(f"report output identical in all {2 * (runs + 1)} runs: {'yes' if identical else 'NO'}")

    imports = import_profile(env)
    top = sorted((r for r in imports if not r[0].startswith(" ")), key=lambda r: -r[2])[:12]
    print("\nslowest top-level imports of 'tiegraph report' (python -X importtime, cumulative):")
    table([{"module": m, "cumulative_s": round(c, 3), "self_s": round(s, 3)} for m, s, c in top],
          ["module", "cumulative_s", "self_s"])
    loaded = {name.strip() for name, _, _ in imports}
    heavy = [m for m in HEAVY if m in loaded]
    print(f"heavy modules imported by the report: {', '.join(heavy) if heavy else 'none'} "
          f"(checked: {', '.join(HEAVY)})")
    verdict = "met" if report <= TARGET_SECONDS else f"missed by {report - TARGET_SECONDS:.2f} s"
    print(f"target median <= {TARGET_SECONDS} s: {report:.2f} s, {verdict}")
    footer()
    return 0 if identical and not heavy else 1


if __name__ == "__main__":
    sys.exit(main())
