"""The command examples of the README and of every command's --help, as a reader would type them.

Shared by ``test_readme_examples.py`` (the examples that need no server) and the Neo4j test that runs the
README's server examples on a server the README's own ``tiegraph neo4j start`` starts.

A README example is a line of a ```bash block (a ``\\`` continues it on the next line; a ``#`` comment
after two spaces is the reader's note, not part of the command). The two commands of "Two commands on a
fresh machine" (install, test suite) are CI's own job and are not run here. Help examples are the
``Example:`` / ``Examples:`` lines of each command's help text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: CI's job (the first is the README's main job, run by tests/test_lean_install.py where present)
NOT_RUN = ("python3 -m venv", "scripts/test", "pip install", "source .venv")
#: commands that talk to a Neo4j server
SERVER_WORDS = ("tiegraph load", "tiegraph query", "tiegraph neo4j", "--source neo4j", "NEO4J_")


def _strip_comment(line: str) -> str:
    """Drop a trailing ``  # note`` (outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if ch in "'\"" and quote in (None, ch):
            quote = None if quote == ch else ch
        elif ch == "#" and quote is None and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def readme_examples(path: Path = REPO / "README.md") -> list[str]:
    """Every command line of the README's bash blocks, in order (continuations joined)."""
    out: list[str] = []
    inside = False
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            inside = raw.strip() == "```bash"
            continue
        if not inside:
            continue
        line = _strip_comment(raw)
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        command = (pending + line.strip()).strip()
        pending = ""
        if command and not command.startswith(NOT_RUN):
            out.append(command)
    return out


def help_examples() -> list[str]:
    """The ``Example:`` lines of every command's help, in command order."""
    import typer.main

    from tiegraph.cli import app

    found: list[str] = []

    def walk(command) -> None:  # type: ignore[no-untyped-def]
        if hasattr(command, "commands"):
            for sub in command.commands.values():
                walk(sub)
            return
        lines = (command.help or "").splitlines()
        for i, line in enumerate(lines):
            head = re.match(r"\s*Examples?:\s*(.*)", line)
            if head is None:
                continue
            if head.group(1).strip():  # 'Example: tiegraph …' on one line
                found.append(head.group(1).strip())
                continue
            for follow in lines[i + 1:]:  # 'Examples:' then one indented command a line, blank lines between
                if follow.strip() and not follow.strip().startswith("tiegraph "):
                    break
                if follow.strip():
                    found.append(follow.strip())

    walk(typer.main.get_command(app))
    return found


def needs_server(command: str) -> bool:
    return any(word in command for word in SERVER_WORDS)


def workspace(root: Path) -> Path:
    """A fresh directory laid out as a clone of the repository beside a copy of ``shared/``: the project's
    files the examples read (data, fixtures, saved queries) are copied, outputs land in it."""
    work = root / "tiegraph"
    work.mkdir()
    for name in ("data", "cypher"):
        shutil.copytree(REPO / name, work / name)
    shutil.copytree(REPO / "tests" / "fixtures", work / "tests" / "fixtures")
    shared = REPO.parent / "shared"
    if shared.is_dir():
        (root / "shared").symlink_to(shared)
    return work


def run_in_process(command: str, cwd: Path) -> tuple[int, str]:
    """A plain ``tiegraph …`` line (no shell syntax) through the CLI runner in ``cwd`` (a second of interpreter
    start-up less than a shell's run, times the ~45 examples); anything else through bash. Returns (exit code,
    the end of its output)."""
    import shlex

    from typer.testing import CliRunner

    from tiegraph.cli import app

    if not command.startswith("tiegraph ") or any(ch in command for ch in "|&;<>$`"):
        done = run(command, cwd)
        return done.returncode, (done.stderr or done.stdout)[-300:]
    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, shlex.split(command)[1:])
    finally:
        os.chdir(here)
    return result.exit_code, (result.stderr or result.stdout)[-300:]


def run(command: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``command`` in bash, with the venv's ``tiegraph`` first on the PATH, as a reader's shell runs it."""
    bin_dir = str(Path(sys.executable).parent)
    full = {**os.environ, **(env or {}), "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    full.pop("NEO4J_URI", None)
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=timeout)
