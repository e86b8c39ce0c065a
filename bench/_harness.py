"""Plumbing shared by the benchmark scripts: cached synthetic data, child processes, machine facts.

Every script prints the figures it measured and the ratios between them in
the same run, so a reader never compares numbers taken on different days or
machines.  Memory is the RSS high-water mark of a *fresh* child process,
read in the child (``peak_rss_mb`` says why from VmHWM), so one measurement
cannot inherit the heap of another.  A new benchmark (e.g.
``bench/neo4j_load.py``, see BENCHMARKS.md) should use these helpers and
add itself to ``tests/test_bench_quick.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "tiegraph-bench"
#: the last line a child prints starts with this, then JSON
RESULT_PREFIX = "BENCH-RESULT "


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every script shares (--quick, --workdir)."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, a few seconds (what the tests run)")
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                   help=f"where generated datasets are cached (default {DEFAULT_WORKDIR})")
    return p


def synthetic_dir(workdir: Path, *, ties: int, actors: int = 2000, seed: int = 1,
                  first_year: int = 1820, last_year: int = 2025) -> Path:
    """A ``bench.generate`` data directory, generated once and then reused.

    Written to a temporary sibling and renamed when complete, so an
    interrupted run never leaves a half-written cache behind.
    """
    from bench.generate import generate

    name = f"ties-{ties}-actors-{actors}-seed-{seed}-years-{first_year}-{last_year}"
    target = workdir / name
    if (target / "COMPLETE").is_file():
        return target
    workdir.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=workdir))
    try:
        counts = generate(partial, ties=ties, actors=actors, seed=seed, first_year=first_year,
                          last_year=last_year)
        (partial / "COMPLETE").write_text(json.dumps(counts) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        partial.rename(target)
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    return target


def peak_rss_mb() -> float:
    """RSS high-water mark of this process in MiB.

    ``VmHWM`` from /proc/self/status where there is one: on Linux ``ru_maxrss``
    survives exec, so a fresh child would report at least its parent's RSS at
    fork.  Elsewhere ``ru_maxrss`` (KiB on Linux, bytes on macOS).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_seconds(children: bool = False) -> float:
    """User + system CPU time of this process (or of its reaped children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(result: dict[str, Any]) -> None:
    """A child's answer to its parent: one prefixed JSON line on stdout."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def run_child(argv: Sequence[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``argv`` (a Python child) and return the JSON it ``emit``-ted; fail loudly otherwise."""
    done = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"benchmark child failed ({done.returncode}): {' '.join(argv)}\n"
                         f"{done.stderr[-3000:]}")
    return json.loads(lines[-1][len(RESULT_PREFIX):])


def machine() -> dict[str, str]:
    """What the numbers were measured on (the same facts BENCHMARKS.md lists)."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines()
                       if ln.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": memory,
            "python": platform.python_version(), "load": load_average()}


def load_average() -> str:
    """1/5/15-minute load averages: other work on the machine slows wall times (CPU times less so)."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover
        return "unknown"


def header(title: str, quick: bool) -> None:
    facts = machine()
    print(f"== {title} ({'quick' if quick else 'full'} mode) ==")
    print(f"machine: {facts['cpu']}, {facts['cores']} cores, {facts['memory']}, Python {facts['python']}")
    print(f"load average at start: {facts['load']}")


def footer() -> None:
    print(f"load average at end: {load_average()}")


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as a fixed-width text table (floats with 2 decimals, ints with separators)."""
    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            return f"{value:,.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    body = [[cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) if body else len(c) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths)))
    for b in body:
        print("  ".join(v.rjust(w) for v, w in zip(b, widths)))


class Stopwatch:
    """Wall and CPU seconds of a block (CPU of reaped child processes included)."""

    def __enter__(self) -> Stopwatch:
        self.wall0, self.cpu0, self.child0 = time.perf_counter(), cpu_seconds(), cpu_seconds(children=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = (cpu_seconds() - self.cpu0) + (cpu_seconds(children=True) - self.child0)
