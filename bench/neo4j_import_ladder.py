"""(g) of ``bench.neo4j_load``: where the bulk path's import phase goes, one column kind at a time.

The bulk path's own CSV files (``store.csvimport.write_csv``, written once) are
imported several times into the scratch database the lean yardstick uses
(``bench.neo4j_lean``: the server keeps running, nothing else changes), each time
with the header files changed so that the importer reads one more kind of column
as plain text: first as written, then the two ``date`` columns as strings (what
parsing dates costs), then also the four ``string[]`` lists as strings (what
splitting lists costs).  The lean CSV of the same graph (ids, type, year,
status) is imported in the same rounds.  Rungs alternate round by round, so a
busy spell of the shared machine falls on all of them; each rung's figure is the
median of its rounds.  Only headers change between rungs (the body files are hard
links), so the differences are the importer's own costs of those columns.
"""

from __future__ import annotations

import os
import shutil
import statistics
from pathlib import Path
from typing import Any

from bench.neo4j_lean import timed_import, write_lean_csv

#: (rung, {header type: the type it is read as})
RUNGS: tuple[tuple[str, dict[str, str]], ...] = (
    ("as written", {}),
    ("dates as text", {":date": ":string"}),
    ("dates, lists as text", {":date": ":string", ":string[]": ":string"}),
)


def _variant(source: Path, target: Path, retype: dict[str, str]) -> None:
    """A copy of ``source`` whose bodies are hard links and whose headers read columns as ``retype`` says."""
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.name.endswith(".header.csv"):
            names = path.read_text(encoding="utf-8").rstrip("\n").split(",")
            for index, name in enumerate(names):
                head, colon, kind = name.rpartition(":")
                if colon and head and f":{kind}" in retype:
                    names[index] = head + retype[f":{kind}"]
            (target / path.name).write_text(",".join(names) + "\n", encoding="utf-8")
        else:
            os.link(path, target / path.name)


def import_ladder(workdir: Path, plan: Any, scratch: Path, rounds: int,
                  rungs: tuple[tuple[str, dict[str, str]], ...] = RUNGS) -> list[dict[str, Any]]:
    """Import the lean CSV and each rung's variant of the bulk CSV of ``plan``, ``rounds`` times each, alternating."""
    from tiegraph.store.csvimport import write_csv

    if scratch.exists():
        shutil.rmtree(scratch)
    try:
        files = write_csv(plan, scratch / "bulk")
        lean_arguments, relationships = write_lean_csv(plan, scratch / "lean")
        runs: list[tuple[str, list[str], Path]] = [("lean (ids, type, year, status)", lean_arguments, scratch / "lean")]
        for index, (rung, retype) in enumerate(rungs):
            directory = scratch / f"rung-{index}"
            _variant(files.directory, directory, retype)
            runs.append((rung, files.arguments(), directory))
        seconds: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        for _ in range(rounds):
            for name, arguments, directory in runs:
                seconds[name].append(timed_import(workdir, arguments, directory))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    lean = statistics.median(seconds[runs[0][0]])
    return [{"rung": name, "rounds": len(times), "import_s": statistics.median(times),
             "spread_s": max(times) - min(times), "rels_per_s": relationships / statistics.median(times),
             "vs_lean": lean / statistics.median(times)} for name, times in seconds.items()]
