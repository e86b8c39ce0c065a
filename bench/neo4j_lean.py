"""The yardstick of the bulk path: ``neo4j-admin database import full`` on a lean CSV of the same graph.

Issue 11 asks the bulk path's import phase to reach 0.75x the rate of Neo4j's own
importer on the leanest possible CSV of the *same graph* (the same nodes and
relationships: actors, tie nodes, tie relationships, participations), each
relationship carrying only its ids, its type, a year and one short string.
Both are measured in the same run, on the same server, the same way (the
importer's JVM start included in both), so the ratio says how much the full
property set and the CSV rules of ``store.csvimport`` cost.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from tiegraph.store.bulk import IMPORT_HEAP, IMPORT_OFF_HEAP
from tiegraph.store.cypher import PARTICIPATED_IN
from tiegraph.store.jvm import admin_error, run_admin
from tiegraph.store.rows import WritePlan


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_lean_csv(plan: WritePlan, directory: Path) -> tuple[list[str], int]:
    """Lean import files of the plan's graph; returns the importer's file arguments and the relationships."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    relationships = 0
    with open(directory / "nodes.csv", "w", encoding="utf-8") as nodes:
        nodes.write("id:ID(Actor),:LABEL\n")
        for label, rows in plan.actors.items():
            nodes.writelines(f"{_quoted(row['id'])},Actor;{label}\n" for row in rows)
    with open(directory / "ties.csv", "w", encoding="utf-8") as ties:
        ties.write("id:ID(Tie),:LABEL\n")
        for label, group in plan.nodes.items():
            ties.writelines(f"{_quoted(t.id)},Tie;{label}\n" for t in group)
    with open(directory / "edges.csv", "w", encoding="utf-8") as edges:
        edges.write(":START_ID(Actor),:END_ID(Actor),:TYPE,year:int,status:string\n")
        for relationship, group in plan.edges.items():
            for tie in group:
                a, b = tie.participants
                edges.write(f"{_quoted(a)},{_quoted(b)},{relationship},{tie.year or ''},{tie.status}\n")
                relationships += 1
    with open(directory / "members.csv", "w", encoding="utf-8") as members:
        members.write(":START_ID(Actor),:END_ID(Tie),:TYPE,year:int,status:string\n")
        for group in plan.nodes.values():
            for tie in group:
                tail = f",{_quoted(tie.id)},{PARTICIPATED_IN},{tie.year or ''},{tie.status}\n"
                members.writelines(_quoted(p) + tail for p in tie.participants)
                relationships += len(tie.participants)
    arguments = ["--nodes=nodes.csv", "--nodes=ties.csv", "--relationships=edges.csv",
                 "--relationships=members.csv", "--id-type=string"]
    return arguments, relationships


#: the lean graph is imported as a database of its own, which the running server never opens:
#: no stop and restart, and the server's own database is left alone
LEAN_DATABASE = "leanimport"


def timed_import(workdir: Path, arguments: list[str], directory: Path) -> float:
    """Seconds of one ``neo4j-admin database import full`` of ``arguments`` (files in ``directory``) into the
    scratch database of the local server's ``workdir`` (JVM start included); the store files are deleted after.

    ``neo4j-admin database import full`` writes the store files of a database the
    running server does not serve (Community serves one user database), so nothing
    stops.
    """
    try:
        started = time.perf_counter()
        done = run_admin(workdir, ["database", "import", "full", LEAN_DATABASE, "--overwrite-destination",
                                   "--bad-tolerance=0", f"--max-off-heap-memory={IMPORT_OFF_HEAP}", *arguments],
                         heap=IMPORT_HEAP, cwd=directory)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            text = done.stdout.decode("utf-8", "replace") if done.stdout else ""
            raise RuntimeError(f"import into {LEAN_DATABASE} failed: {admin_error(text, done.returncode)}")
    finally:
        for part in ("databases", "transactions"):
            shutil.rmtree(workdir / "data" / part / LEAN_DATABASE, ignore_errors=True)
    return seconds


def lean_import(workdir: Path, plan: WritePlan, scratch: Path) -> dict[str, Any]:
    """Import the lean CSV of ``plan`` into a scratch database of the local server's ``workdir``.

    Returns the seconds of the import (JVM start included, as in the bulk path's
    import phase) and its relationships/s.
    """
    arguments, relationships = write_lean_csv(plan, scratch)
    try:
        seconds = timed_import(workdir, arguments, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"import_s": seconds, "rels": relationships, "import_rels_per_s": relationships / seconds}
