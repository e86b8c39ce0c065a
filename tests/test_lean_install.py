"""The main job installs only what ``tiegraph report`` needs; the test tools stay in the ``test`` extra.

Why: the README's first command used to install ``.[test]`` (playwright, mypy, ruff, hypothesis …),
a much bigger environment and a longer wait before the first report.  ``scripts/test`` (and so CI)
installs the extra; tests/test_cli_docs.py checks that side.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from helpers import REPO

#: the import names of the test extra's packages (pytest-xdist is xdist, types-PyYAML has none)
TEST_ONLY = ("pytest", "xdist", "hypothesis", "lxml", "ruff", "mypy", "playwright")


def test_the_readme_first_command_installs_the_package_without_the_test_extra():
    """The README's first install is the package alone (its bytecode is written as modules are first
    imported: pip compiling every dependency was most of the install's time, README "Two commands")."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    installs = [block for block in re.findall(r"```bash\n(.*?)\n```", readme, re.S) if "pip install" in block]
    assert installs[0] == ("python3 -m venv .venv && .venv/bin/pip install -q --no-compile -e . && "
                           ".venv/bin/tiegraph report")


def test_runtime_dependencies_hold_no_test_tool():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]]
    test = [re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower() for d in project["optional-dependencies"]["test"]]
    assert set(names) & set(test) == set()
    assert not set(names) & {"pytest", "pytest-xdist", "hypothesis", "lxml", "ruff", "mypy", "types-pyyaml",
                             "playwright"}


def test_report_runs_with_every_test_tool_missing(tmp_path):
    """``tiegraph report`` (and its --html and --plots) in a process where the test extra cannot be imported."""
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in TEST_ONLY)
    code = (f"import sys; {blocked}; from tiegraph.cli import main; "
            f"sys.argv = ['tiegraph', 'report', '--html', {str(tmp_path / 'r.html')!r}, "
            f"'--plots', {str(tmp_path / 'plots')!r}]; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ModuleNotFoundError" not in done.stderr and (tmp_path / "r.html").stat().st_size > 0
