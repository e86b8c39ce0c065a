"""Shared fixtures: a CLI runner and a writer for small data directories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

#: the real-Neo4j fixtures (neo4j_server, empty_db), available to every test module
pytest_plugins = ["neo4j_fixtures"]

#: tests that run a JVM (Neo4j, Gephi) or resolve jars with Maven: under pytest-xdist they form one
#: work unit on one worker (``pytest_xdist_make_scheduler`` below), so one Neo4j server serves them
#: all, two Maven runs never write the same local repository at once, and the pure-Python tests
#: fill the other core
JVM_MODULES = frozenset({"test_browser", "test_gephi", "test_neo4j_server", "test_store", "test_store_bulk",
                         "test_store_faults", "test_store_injection", "test_store_profile"})
JVM_TESTS = frozenset({"test_bench_quick.py::test_bench_neo4j_load_quick"})


def jvm_scope(nodeid: str) -> str:
    """The xdist work unit of a test: "jvm" for the JVM tests, else its module."""
    module = nodeid.split("::", 1)[0]
    if Path(module).stem in JVM_MODULES or f"{Path(module).name}::{nodeid.split('::', 1)[-1]}" in JVM_TESTS:
        return "jvm"
    return module


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Load-balance modules, but keep every JVM test in one unit (see ``JVM_MODULES``).

    xdist's own ``--dist loadgroup`` marks groups by editing ``item._nodeid``, which pytest 9.2
    no longer reads (``Node.nodeid`` comes from ``_id``), so the grouping is done here, on the
    controller, through xdist's scheduler hook.
    """
    from xdist.scheduler import LoadScopeScheduling

    class JvmUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return jvm_scope(nodeid)

    return JvmUnitScheduling(config, log)  # type: ignore[arg-type]

TINY_ACTORS = """\
- {id: TUR, kind: state, name: Türkiye, aliases: [Turkey]}
- {id: AZE, kind: state, name: Azerbaijan}
- {id: KAZ, kind: state, name: Kazakhstan}
- {id: KGZ, kind: state, name: Kyrgyzstan}
- {id: tai, kind: company, name: Turkish Aerospace Industries, country: TUR}
- {id: ots, kind: organization, name: Organization of Turkic States}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def make_data(tmp_path: Path):
    """Write ``actors.yaml`` and ``ties/<name>.yaml`` into a fresh directory and return it."""

    def make(ties: str, actors: str = TINY_ACTORS, name: str = "ties.yaml") -> Path:
        root = tmp_path / "data"
        (root / "ties").mkdir(parents=True, exist_ok=True)
        (root / "actors.yaml").write_text(textwrap.dedent(actors), encoding="utf-8")
        (root / "ties" / name).write_text(textwrap.dedent(ties), encoding="utf-8")
        return root

    return make
