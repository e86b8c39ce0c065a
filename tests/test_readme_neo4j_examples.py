"""The README's and --help's Neo4j examples run as written, on the server the README's own
``tiegraph neo4j start`` finds in ``.tiegraph/neo4j`` of a fresh directory, with no NEO4J_* variable set.

That directory's ``.tiegraph/neo4j`` is a link to this worker's session server (as in
test_neo4j_local_default.py): its start finds that server running instead of starting a second JVM. The
examples include a bulk load (which restarts the server) and ``tiegraph neo4j stop``, so this module is in the
test unit of the tests that restart their server (conftest.RESTARTING_MODULES); it ends with the README's
``tiegraph neo4j start``, which brings the same server back (saved password, same ports), before the help
examples the README does not already hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from examples import REPO, help_examples, needs_server, readme_examples, run, workspace
from neo4j_fixtures import local_workdir

pytestmark = pytest.mark.skipif(not (REPO.parent / "shared" / "external").is_dir(),
                                reason="the README's examples read ../shared/external")


def test_readme_and_help_neo4j_examples_run_as_written(neo4j_server, tmp_path: Path) -> None:
    shared = local_workdir()
    if shared is None:
        pytest.skip("the session uses NEO4J_URI: the README's examples are about the local server")
    work = workspace(tmp_path)
    (work / ".tiegraph").mkdir()
    (work / ".tiegraph" / "neo4j").symlink_to(shared, target_is_directory=True)
    readme = [c for c in readme_examples() if needs_server(c)]
    helps = [c for c in help_examples() if needs_server(c)]
    assert any(c.startswith("tiegraph load --bulk") for c in readme) and "tiegraph neo4j stop" in readme
    # the README's main workflow first: the bulk example loads what it imports
    prepared = run("tiegraph import all ../shared/external --into tiegraph-data", work)
    assert prepared.returncode == 0, prepared.stderr
    # the README's ends with 'tiegraph neo4j stop': its 'tiegraph neo4j start' brings the server back for the
    # help examples, each run once (a help example the README already ran is not run again)
    assert readme[-1] == "tiegraph neo4j stop" and "tiegraph neo4j start" in readme
    order = [*readme, "tiegraph neo4j start", *[c for c in dict.fromkeys(helps) if c not in readme]]
    assert not any(c.startswith("tiegraph neo4j stop") for c in order[len(readme):])
    failed = []
    for command in order:
        result = run(command, work, env={k: "" for k in ("NEO4J_USER", "NEO4J_PASSWORD")}, timeout=600)
        if result.returncode != 0:
            failed.append(f"{command}\n    -> exit {result.returncode}: {(result.stderr or result.stdout)[-400:]}")
    assert failed == [], "\n".join(failed)
    status = run("tiegraph neo4j status", work)
    assert status.returncode == 0 and "running" in status.stdout
