"""Run a saved Cypher file with ``--param key=value`` values; results as plain rows.

Parameters are typed the way a user would expect from the command line:
``year=2020`` is an integer (so ``r.year = $year`` matches), ``share=0.5`` a
float, ``tentative=false`` a boolean, ``ids=["TUR","AZE"]`` a JSON list, and
anything else a string.  Quote a number to keep it a string: ``code='"007"'``.

Results are converted to plain Python (nodes to property maps with their
labels, relationships to their properties with ``_type``, paths to lists of
node ids and relationship types, dates to ISO text) so the same rows render
as a table, JSON or CSV.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tiegraph.model.errors import UsageError

if TYPE_CHECKING:
    from neo4j import Driver, ManagedTransaction

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_value(text: str) -> Any:
    """int, float, bool, null or JSON when the text looks like one; else the text itself."""
    value = text.strip()
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value.lower() == "null":
        return None
    if value[:1] in "[{\"":
        try:
            return json.loads(value)
        except ValueError:
            return text
    return text


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["actor=TUR", "year=2020"]`` -> ``{"actor": "TUR", "year": 2020}``."""
    params: dict[str, Any] = {}
    for item in items or []:
        name, sep, raw = item.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not _NAME.match(name):
            raise UsageError(f"--param '{item}' must look like name=value (e.g. --param actor=TUR)")
        if name in params:
            raise UsageError(f"--param {name} given twice")
        params[name] = parse_value(raw)
    return params


def to_plain(value: Any) -> Any:
    """A driver value as JSON-ready Python."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: to_plain(v) for k, v in sorted(value.items())}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: to_plain(v) for k, v in sorted(value.items())}}
    if isinstance(value, Path):
        return {"nodes": [n.get("id", n.element_id) for n in value.nodes],
                "relationships": [r.type for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    iso = getattr(value, "iso_format", None)
    if iso is not None:  # neo4j.time Date / DateTime / Time / Duration
        return iso()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def _collect(tx: ManagedTransaction, statement: str, params: dict[str, Any]) -> QueryResult:
    result = tx.run(statement, params)
    columns = list(result.keys())
    rows = [{c: to_plain(record[c]) for c in columns} for record in result]
    summary = result.consume()
    warnings = [" ".join(status.status_description.split())
                for status in summary.gql_status_objects
                if status.is_notification and (status.raw_severity or "").upper() == "WARNING"]
    return QueryResult(columns, rows, warnings)


def run_query(driver: Driver, database: str, statement: str, params: dict[str, Any], *,
              write: bool = False) -> QueryResult:
    """One statement in a managed read transaction (write with ``write=True``)."""
    with driver.session(database=database) as session:
        run = session.execute_write if write else session.execute_read
        return run(_collect, statement, params)


def cell(value: Any, *, precise: bool = False) -> str:
    """A value as table/CSV text: lists joined with '; ', maps as JSON, None empty.

    Tables round floats to 4 significant digits for reading; CSV (``precise``) keeps them.
    """
    if value is None:
        return ""
    if isinstance(value, float) and not precise:
        return f"{value:.4g}"
    if isinstance(value, list):
        return "; ".join(cell(v, precise=precise) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
