"""Shared fixtures: a CLI runner and a writer for small data directories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

#: the real-Neo4j fixtures (neo4j_server, empty_db), available to every test module
pytest_plugins = ["neo4j_fixtures"]

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
