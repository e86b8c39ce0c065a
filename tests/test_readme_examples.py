"""Every README and --help example that needs no server runs as written, in order, in a fresh directory.

The examples that talk to Neo4j run in the Neo4j unit (``test_neo4j_local_default.py``), on the server the
README's own ``tiegraph neo4j start`` starts. A placeholder is never left in an example: each one names a
real file (the datasets under ``../shared``, a directory an earlier example made).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from examples import REPO, help_examples, needs_server, readme_examples, run_in_process, workspace

pytestmark = pytest.mark.skipif(not (REPO.parent / "shared" / "external").is_dir(),
                                reason="the README's examples read ../shared/external")


def test_readme_and_help_examples_run_as_written(tmp_path: Path) -> None:
    work = workspace(tmp_path)
    commands = [c for c in readme_examples() + help_examples() if not needs_server(c)]
    assert len(commands) >= 30
    failed = []
    for command in commands:
        code, said = run_in_process(command, work)
        if code != 0:
            failed.append(f"{command}\n    -> exit {code}: {said}")
    assert failed == [], "\n".join(failed)


def test_examples_are_found_and_the_install_commands_left_to_ci() -> None:
    examples = readme_examples()
    assert "tiegraph report" in examples and "tiegraph thesis" in examples
    assert not any(c.startswith(("python3 -m venv", "scripts/test")) for c in examples)
    assert all("\\" not in c and "  #" not in c for c in examples)
    assert any(c.startswith("tiegraph neo4j start") for c in examples)
