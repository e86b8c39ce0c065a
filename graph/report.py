"""The data behind ``tiegraph report``: plain dicts and lists, rendered elsewhere.

Keeping the numbers separate from their rendering lets the table, JSON, CSV and
Markdown outputs (and the HTML report) show exactly the same figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from tiegraph.graph.build import Level, Projection, TieFilter, build_graph, select_ties
from tiegraph.graph.metrics import centrality, density_by_year, mann_kendall, ties_by_year
from tiegraph.graph.temporal import density_series
from tiegraph.model.entities import Dataset
from tiegraph.model.vocabulary import TURKIC_SIX


@dataclass
class ReportOptions:
    scope: tuple[str, ...] = TURKIC_SIX
    tie_filter: TieFilter = field(default_factory=TieFilter)
    level: Level = "state"
    projection: Projection = "clique"
    top: int = 10
    first_year: int | None = None
    last_year: int | None = None


def build_report(dataset: Dataset, options: ReportOptions | None = None) -> dict[str, Any]:
    """Every number ``tiegraph report`` shows, as plain data (tables are lists of dicts)."""
    options = options or ReportOptions()
    ties = select_ties(dataset, options.tie_filter)
    graph = build_graph(dataset, ties, projection=options.projection, level=options.level,
                        attributes="analysis")
    years = sorted({t.year for t in ties if t.year is not None})
    first = options.first_year or options.tie_filter.start_year or (years[0] if years else None)
    last = options.last_year or options.tie_filter.end_year or (years[-1] if years else None)
    span = list(range(first, last + 1)) if first is not None and last is not None else []

    cumulative = density_by_year(graph, options.scope, span, mode="cumulative")
    flow = density_by_year(graph, options.scope, span, mode="flow")
    # stock: standing ties in force (until their end, else 10 years), events in their year
    stock = density_series(graph, years=span, scope=options.scope) if span else {}
    formed = ties_by_year(graph, options.scope)
    density_rows = [
        {"year": y, "ties_formed": formed.get(y, 0), "density_cumulative": cumulative[y],
         "density_flow": flow[y], "density_stock": stock[y]}
        for y in span
    ]
    cent = centrality(graph)
    actor_rows = sorted(
        ({"actor": n, "name": graph.nodes[n].get("name", n), "kind": graph.nodes[n].get("kind"), **v}
         for n, v in cent.items() if graph.degree(n) > 0),
        key=lambda r: (-r["degree"], -r["betweenness"], r["actor"]),
    )[: options.top]
    kinds = Counter(a.kind for a in dataset.actors.values())
    by_type = Counter(t.type for t in ties)
    by_year = Counter(t.year for t in ties if t.year is not None)
    by_dataset = Counter(t.dataset for t in ties)
    absorbed = Counter({d: 0 for d in by_dataset})
    for t in ties:  # read from the ties, so a report from Neo4j shows the same
        absorbed[t.dataset] += len([i for i in str(t.attributes.get("overlaps_with") or "").split(";") if i])
    return {
        "filters": {
            "scope": list(options.scope), "level": options.level, "projection": options.projection,
            "types": sorted(options.tie_filter.types) if options.tie_filter.types else "all",
            "years": f"{first}-{last}" if span else "none",
            "include_tentative": options.tie_filter.include_tentative,
            "datasets": sorted(options.tie_filter.datasets) if options.tie_filter.datasets else "all",
        },
        "summary": {
            "actors": len(dataset.actors), "ties": len(ties),
            "undated_ties": sum(1 for t in ties if t.year is None),
            "tentative_ties": sum(1 for t in ties if t.tentative),
            "conflicted_ties": sum(1 for t in ties if t.conflicts),
            "sources_cited": len({s.document for t in ties for s in t.sources}),
        },
        "actors_by_kind": [{"kind": k, "actors": kinds[k]} for k in sorted(kinds)],
        "ties_by_type": [{"type": k, "ties": by_type[k]} for k in sorted(by_type)],
        "ties_by_year": [{"year": y, "ties": by_year[y]} for y in sorted(by_year)],
        "ties_by_dataset": [{"dataset": d, "ties": n, "duplicates_absorbed": absorbed[d]}
                            for d, n in sorted(by_dataset.items(), key=lambda kv: (-kv[1], kv[0]))],
        "density": density_rows,
        "top_actors": actor_rows,
        "trend": {"series": "density_flow", **mann_kendall(flow)} if span else {},
    }


def report_options_dict(options: ReportOptions) -> dict[str, Any]:
    return asdict(options)
