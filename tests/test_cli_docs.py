"""Every command is documented: help text with an example, and a README entry."""

from __future__ import annotations

import re

import typer.main
from helpers import REPO

from tiegraph.cli import app


def leaf_commands():
    root = typer.main.get_command(app)

    def walk(command, path: list[str]):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, path + [name])
        else:
            yield " ".join(path), command

    return list(walk(root, []))


def test_every_command_has_help_with_an_example():
    commands = leaf_commands()
    assert len(commands) >= 4
    missing = [name for name, cmd in commands if not cmd.help or not re.search(r"Examples?:", cmd.help)]
    assert missing == []


def test_every_command_appears_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _ in leaf_commands() if f"tiegraph {name}" not in readme]
    assert missing == []


def test_ci_runs_the_readme_test_command():
    """.ci/run ends with the README's test command, and that command installs, lints, type-checks and tests."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    test_command = commands[-1]
    assert f"```bash\n{test_command}\n```" in readme
    script = (REPO / test_command).read_text(encoding="utf-8")
    steps = ["python3 -m venv .venv", ".venv/bin/pip install -q --no-compile -e '.[test]'", ".venv/bin/ruff check .",
             "scripts/typecheck", ".venv/bin/python -m pytest -q"]
    assert all(step in script for step in steps), script
    assert [script.rindex(step) for step in steps] == sorted(script.rindex(step) for step in steps)
