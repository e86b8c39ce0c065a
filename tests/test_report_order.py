"""The analysis does not depend on the order the data were read in.

The same ties given as ``--data A --data B`` or ``--data B --data A``, or read back
from Neo4j (which orders records by file and line, not by the order the
directories were loaded in), give byte-identical reports and thesis tables: ``commands.common.
in_canonical_order`` puts actors and ties in id order before any analysis.
Before it, the betweenness of a bundled + external report differed in its last
digits and a note listed other ties, depending on the order of the ``--data``
options.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO
from typer.testing import CliRunner

from tiegraph.cli import app

EXTERNAL = REPO / "tests" / "fixtures" / "external"
BUNDLED = REPO / "data"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The small external fixtures imported (``tiegraph import all``): five data directories."""
    out = tmp_path_factory.mktemp("imports")
    done = CliRunner().invoke(app, ["import", "all", str(EXTERNAL), "--into", str(out)])
    assert done.exit_code == 0, done.output
    return sorted(path for path in out.iterdir() if path.is_dir())


def _report(args: list[str], env: dict[str, str | None] | None = None) -> str:
    done = CliRunner().invoke(app, ["report", *args, "--format", "json"], env=env)
    assert done.exit_code == 0, (done.stdout, done.stderr)
    return done.stdout


def _data(directories: list[Path]) -> list[str]:
    return [arg for directory in directories for arg in ("--data", str(directory))]


def test_the_order_of_data_options_changes_nothing(imported):
    forward = _report(_data([BUNDLED, *imported]))
    assert _report(_data([*reversed(imported), BUNDLED])) == forward
    assert "turkic-intelligence-chiefs-meetings (participants assumed" in forward  # the caveat listed first


def test_the_order_of_data_options_changes_no_thesis_figure(imported):
    """The permutation null draws over the ties in order: before, its p-values moved with ``--data``."""
    def thesis(directories: list[Path]) -> str:
        done = CliRunner().invoke(app, ["thesis", *_data(directories), "--from", "1980", "--permutations", "200"])
        assert done.exit_code == 0, (done.stdout, done.stderr)
        return done.stdout

    assert thesis([*reversed(imported), BUNDLED]) == thesis([BUNDLED, *imported])


def test_report_from_neo4j_equals_the_files_whatever_the_load_order(neo4j_server, imported):
    """Loaded in the reverse of their paths' order: read back (by file and line), the records come the other way."""
    env = {"NEO4J_URI": neo4j_server.bolt_uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": None}
    data = _data(sorted([BUNDLED, *imported], key=str, reverse=True))
    loaded = CliRunner().invoke(app, ["load", "--replace", *data], env=env)
    assert loaded.exit_code == 0, (loaded.stdout, loaded.stderr)
    assert _report(["--source", "neo4j"], env) == _report(data)
