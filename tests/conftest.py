"""Shared fixtures: a CLI runner and a writer for small data directories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

#: the real-Neo4j fixtures (neo4j_server, empty_db), available to every test module
pytest_plugins = ["neo4j_fixtures"]

#: The tests on a local Neo4j server form two xdist work units, one per worker, each with a server
#: of its own (the session fixture starts one per worker process): "neo4j-restarting", the tests
#: that stop and restart their server (the bulk imports, the quick load benchmark, the CLI round
#: trip), which must not pull it from under another test, and "neo4j", the others. The pure-Python
#: modules (Gephi's JVM included) fill in around them. Measured on the dev machine (warm caches,
#: `pytest --durations=0`): one Neo4j unit 339 s + 15 s for the CLI round trip, two units 314 s.
#: (Two units were slower, 541 s, while the servers still ran C2 and dumped class archives.)
NEO4J_MODULES = frozenset({"test_browser", "test_extract_neo4j", "test_neo4j_local_default", "test_neo4j_server",
                           "test_report_order", "test_store",
                           "test_store_faults", "test_store_injection", "test_store_profile"})
#: tests that stop and restart the worker's server: the bulk imports, the quick load benchmark (its
#: bulk part), the CLI round trip
RESTARTING_MODULES = frozenset({"test_store_bulk", "test_readme_neo4j_examples"})
RESTARTING = ("test_bench_quick.py::test_bench_neo4j_load_quick",
              "test_neo4j_server.py::test_cli_start_status_stop_restart")
#: the real-browser test: Browser's UI waits (30 s each) are the first to give out on a busy machine
REAL_BROWSER = "test_browser.py::test_every_guide_slide_runs_and_the_drawing_keeps_the_style"
#: the longest other unit (the quick benchmarks, ~70 s) is handed out first, not last
LONGEST_OTHER = "tests/test_bench_quick.py"


def work_unit(nodeid: str) -> str:
    """The xdist work unit of a test: "neo4j-restarting" for the tests that restart their server,
    "neo4j" for the other tests on a local server, else its module."""
    module = nodeid.partition("::")[0]
    if Path(module).stem in RESTARTING_MODULES or nodeid.endswith(RESTARTING):
        return "neo4j-restarting"
    return "neo4j" if Path(module).stem in NEO4J_MODULES else module


def run_order(item: pytest.Item) -> tuple[int, int]:
    """The two Neo4j units first (xdist hands one to each worker at once), then the longest other
    unit; in the "neo4j" unit the real-browser test last."""
    unit = work_unit(item.nodeid)
    if unit == "neo4j-restarting":
        return 0, 0
    if unit == "neo4j":
        return 1, int(item.nodeid.endswith(REAL_BROWSER))
    return 2 + (unit != LONGEST_OTHER), 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=run_order)  # stable: otherwise collection order


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Load-balance modules, but keep the Neo4j tests in their two units (``work_unit``), handed out
    in ``run_order`` (xdist would otherwise hand out the units with the most tests first).

    xdist's own ``--dist loadgroup`` marks groups by editing ``item._nodeid``, which pytest 9.2
    no longer reads (``Node.nodeid`` comes from ``_id``), so the grouping is done here, on the
    controller, through xdist's scheduler hook.
    """
    from xdist.scheduler import LoadScopeScheduling

    class Neo4jUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False
    return Neo4jUnitScheduling(config, log)  # type: ignore[arg-type]

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
