"""Every saved query, PROFILEd on the loaded bundled data: no scan of every node or relationship.

Issue 11: the old model's queries scanned every relationship (``tie.cypher``:
``DirectedAllRelationshipsScan``) and ``network_as_of`` built a Cartesian
product, while 53 indexes served only the loader.  Here each saved query runs
with its own ``:param`` values (what Browser runs when the file is pasted) under
``PROFILE``, and the plan may hold no ``AllNodesScan``, no
``*AllRelationshipsScan`` and no ``CartesianProduct`` fed by a scan (a product
of two index seeks, as in a shortest path between two given actors, is fine).
And every index of ``cypher/schema.cypher`` must be used by some saved query or
by the loader (``test_every_index_is_used``), so none is kept for nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tiegraph.loaders.datadir import load_dataset
from tiegraph.store.cypher import library_queries, query_parts
from tiegraph.store.writer import load_into

SCANS = ("AllNodesScan", "AllRelationshipsScan")


def _operators(plan: dict[str, Any], out: list[tuple[str, str, list]] | None = None) -> list[tuple[str, str, list]]:
    """(operator, details, children) of every operator of a profiled plan (the driver's dict), depth first."""
    out = [] if out is None else out
    name = plan["operatorType"].split("@")[0]
    children = plan.get("children", [])
    out.append((name, str(plan.get("args", {}).get("Details", "")), children))
    for child in children:
        _operators(child, out)
    return out


def problems_of(plan: dict[str, Any]) -> list[str]:
    """What the PROFILE test refuses in one plan (empty when the plan is fine)."""
    problems = []
    for name, details, children in _operators(plan):
        if any(scan in name for scan in SCANS):
            problems.append(f"{name} {details}".strip())
        if name == "CartesianProduct":
            fed = [n for child in children for n, _, _ in _operators(child) if "Scan" in n]
            if fed:
                problems.append(f"CartesianProduct fed by {', '.join(fed)}")
    return problems


@pytest.fixture(scope="module")
def plans(neo4j_server) -> dict[str, dict[str, Any]]:
    """Each saved query's profiled plan on the bundled data (loaded once for the module)."""
    from tiegraph.store.connection import Connection, open_driver

    conn = Connection(neo4j_server.bolt_uri, neo4j_server.user, neo4j_server.password, "neo4j")
    profiled = {}
    with open_driver(conn) as driver:
        load_into(driver, "neo4j", load_dataset(), replace=True, centrality=True)
        with driver.session(database="neo4j") as session:
            for path in library_queries():
                statement, params = query_parts(path.read_text(encoding="utf-8"), path.name)
                result = session.run("PROFILE " + statement, params)
                rows = list(result)
                summary = result.consume()
                assert rows, f"{path.name} finds nothing in the bundled data with its example parameters"
                profiled[path.name] = summary.profile
    return profiled


def test_no_saved_query_scans_every_node_or_relationship(plans):
    refused = {name: problems for name, plan in plans.items() if (problems := problems_of(plan))}
    assert refused == {}


def test_every_index_is_used(plans):
    used = " ".join(details for plan in plans.values() for _, details, _ in _operators(plan))
    assert "tie_year" in used or "t:Tie(year)" in used  # network_as_of's range on tie nodes
    assert "a:Actor(id)" in used  # every query that starts from an actor
    for relationship in ("ARMS_TRANSFER", "MEMBERSHIP", "JOINT_EXERCISE"):  # tie.cypher: one seek per type
        assert f":{relationship}(tieId)" in used
    # coverage_dataset and the per-type tieId indexes serve the loader's MERGE and its delete of a
    # re-loaded tie (test_store.py reloads); the schema holds no other index (test_store.py).


def test_the_checker_refuses_scans():
    def Plan(operator: str, *children: dict[str, Any]) -> dict[str, Any]:  # noqa: N802  # reads like the plan
        return {"operatorType": f"{operator}@neo4j", "args": {}, "children": list(children)}

    seeks = Plan("CartesianProduct", Plan("NodeUniqueIndexSeek"), Plan("NodeUniqueIndexSeek"))
    assert problems_of(Plan("ProduceResults", seeks)) == []
    scan = Plan("CartesianProduct", Plan("NodeByLabelScan"), Plan("NodeUniqueIndexSeek"))
    assert problems_of(scan) == ["CartesianProduct fed by NodeByLabelScan"]
    assert problems_of(Plan("Filter", Plan("DirectedAllRelationshipsScan"))) == ["DirectedAllRelationshipsScan"]
    assert problems_of(Plan("Filter", Plan("AllNodesScan"))) == ["AllNodesScan"]
