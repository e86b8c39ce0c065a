"""Shared fixtures: a CLI runner and a writer for small data directories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

#: the real-Neo4j fixtures (neo4j_server, empty_db), available to every test module
pytest_plugins = ["neo4j_fixtures"]

#: tests that run a JVM (Neo4j, Gephi) or resolve jars with Maven: under pytest-xdist they run on
#: one worker (``--dist loadgroup``), so one Neo4j server serves them all, two Maven runs never
#: write the same local repository at once, and the pure-Python tests fill the other core
JVM_MODULES = frozenset({"test_browser", "test_gephi", "test_neo4j_server", "test_store", "test_store_bulk",
                         "test_store_faults", "test_store_injection", "test_store_profile"})
JVM_FIXTURES = frozenset({"neo4j_server", "empty_db"})


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        in_jvm_module = module is not None and module.__name__ in JVM_MODULES
        if in_jvm_module or JVM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("jvm"))

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
