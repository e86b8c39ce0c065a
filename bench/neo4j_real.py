"""(e) of ``bench.neo4j_load``: the real datasets, loaded online as a user loads them.

``tiegraph load --replace --data data --data <each dataset of ../shared/external>``:
every dataset imported once with ``tiegraph import all`` (cached in the work
directory), then the files read and merged as the command reads them
(``commands.common.load``) and written with ``load_into`` and centrality.  Quick
mode uses the small copies in tests/fixtures/external.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench._harness import Stopwatch

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO.parent / "shared" / "external"
EXTERNAL_QUICK = REPO / "tests" / "fixtures" / "external"


def external_dirs(workdir: Path, quick: bool) -> list[Path]:
    """Every dataset of ../shared/external (quick: tests/fixtures/external), imported once and cached."""

    source = EXTERNAL_QUICK if quick else EXTERNAL
    target = workdir / f"external-{'quick' if quick else 'full'}"
    if not (target / "COMPLETE").is_file():
        shutil.rmtree(target, ignore_errors=True)
        done = subprocess.run([sys.executable, "-c", "from tiegraph.cli import main; main()", "import", "all",
                               str(source), "--into", str(target)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"tiegraph import all {source} failed: {done.stderr.strip()}")
        (target / "COMPLETE").write_text("imported\n", encoding="utf-8")
    return sorted(p for p in target.iterdir() if p.is_dir())


def real_load(driver: Any, db: str, workdir: Path, quick: bool) -> dict[str, Any]:
    """(e) ``tiegraph load --replace --data data --data <each external>``, as the command runs it."""
    from tiegraph.commands.common import load as load_files
    from tiegraph.store.writer import load_into

    bundled = REPO / "data"
    dirs = [bundled, *external_dirs(workdir, quick)]
    with Stopwatch() as reading:
        dataset = load_files(dirs)
    with Stopwatch() as writing:
        result = load_into(driver, db, dataset, replace=True, centrality=True)
    rels = sum(result.counts.relationships.values())
    return {"dirs": [d.name for d in dirs], "ties": len(dataset.ties), "rels": rels,
            "tie_nodes": result.counts.labels.get("Tie", 0), "read_s": reading.wall, "load_s": writing.wall,
            "total_s": reading.wall + writing.wall}
