"""A ``ThesisResult`` as plain tables (lists of dicts) for JSON, CSV, Markdown, the terminal and the HTML.

Numbers stay numbers here (full precision); the terminal and the HTML format
them.  Each evidence row says which years it covers, so a missing year is
visibly absent rather than zero.
"""

from __future__ import annotations

from typing import Any

from tiegraph.analysis.evidence import EvidenceRow
from tiegraph.analysis.rates import RateRow
from tiegraph.analysis.thesis import ThesisResult, filters
from tiegraph.analysis.trend import before_after

#: table sections, in the order they are printed
TABLES: tuple[str, ...] = ("filters", "coverage", "rates", "rate_sensitivity", "evidence", "sensitivity", "verdict")


def coverage_rows(result: ThesisResult) -> list[dict[str, Any]]:
    return [{"dataset": c.dataset, "kind": c.kind, "years": f"{c.first_year}-{c.last_year}",
             "types": ", ".join(c.tie_types), "note": c.note} for c in result.coverage]


def _trend_fields(row: EvidenceRow) -> dict[str, Any]:
    t = row.trend
    return {"n": len(row.years), "ties": row.ties,
            "sen_slope": t.sen_slope if t else None, "sen_low": t.sen_low if t else None,
            "sen_high": t.sen_high if t else None, "mk_p": t.p if t else None,
            "hamed_rao_p": t.hamed_rao_p if t else None, "corrected_p": t.corrected_p if t else None}


def evidence_row(row: EvidenceRow, break_year: int | None = None) -> dict[str, Any]:
    """One evidence row as a flat dict (``break_year``: add the before/after comparison)."""
    out: dict[str, Any] = {"projection": row.spec.projection, "source": row.source, "kind": row.kind,
                           "layer": row.layer, "years": row.span, **_trend_fields(row),
                           "perm_p": row.perm_p, "permutations": row.permutations,
                           "change_year": row.change.year if row.change else None,
                           "change_p": row.change.p if row.change else None,
                           "first": row.values[0] if row.values else None,
                           "last": row.values[-1] if row.values else None, "status": row.status}
    if break_year is not None:
        split = before_after(row.years, row.values, break_year)
        out.update(mean_before=split.mean_before, mean_after=split.mean_after,
                   mann_whitney_p=split.mann_whitney_p)
    return out


def sensitivity_row(row: EvidenceRow) -> dict[str, Any]:
    return {"spec": row.spec.describe(), "source": row.source, "layer": row.layer, "years": row.span,
            **_trend_fields(row), "status": row.status}


def rate_row(row: RateRow) -> dict[str, Any]:
    """One rate row as a flat dict, every digit (JSON, CSV, --out)."""
    return {"spec": row.spec.short(), "source": row.source, "kind": row.kind, "layer": row.layer, "years": row.span,
            "n": sum(1 for x in row.exposure if x > 0), "ties": row.ties, "hub_ties": row.hub_ties,
            "new_per_dyad_year": row.rate, "rate_ratio": row.rate_ratio, "rr_low": row.low, "rr_high": row.high,
            "glm_p": row.glm_p, "dispersion": row.dispersion, "perm_p": row.perm_p,
            "permutations": row.permutations, "detectable_ratio": row.mde, "status": row.status,
            "reason": row.reason or ""}


def rate_cells(row: RateRow, draws: int) -> dict[str, str]:
    """One rate row for a terminal or an HTML table: short, every number whole."""
    from tiegraph.analysis.trend import format_p

    def num(x: float | None) -> str:
        return "" if x is None else f"{x:.3f}"

    ratio = f"{num(row.rate_ratio)} [{num(row.low)}, {num(row.high)}]" if row.rate_ratio is not None else ""
    return {"source": row.source, "layer": row.layer.replace("_", " "), "years": row.span,
            "ties": str(row.ties), "per dyad-yr": "" if row.rate is None else f"{row.rate:.4f}",
            "RR/yr [95% CI]": ratio, "perm p": format_p(row.perm_p, draws=draws) if row.perm_p is not None else "",
            "80% RR": num(row.mde), "status": row.status if row.testable else f"cannot tell: {row.reason}"}


def series_rows(result: ThesisResult) -> list[dict[str, Any]]:
    """The headline series year by year, one column per source and layer; None = not covered."""
    rows = [r for r in result.headline_rows() if r.main_layer and r.spec.projection == result.options.projection]
    by_year: dict[int, dict[str, Any]] = {y: {"year": y} for y in result.span}
    for row in rows:
        key = f"{row.source}:{row.layer}"
        values = dict(zip(row.years, row.values))
        for year in result.span:
            by_year[year][key] = values.get(year)
    return list(by_year.values())


def thesis_tables(result: ThesisResult) -> dict[str, Any]:
    """Every printable section: filters and verdict as key/value dicts, the rest as lists of dicts."""
    return {
        "filters": filters(result),
        "coverage": coverage_rows(result),
        "evidence": [evidence_row(r, result.options.break_year) for r in result.evidence],
        "sensitivity": [sensitivity_row(r) for r in result.sensitivity],
        "rates": [rate_row(r) for r in result.rates],
        "rate_sensitivity": [rate_row(r) for r in result.rate_sensitivity],
        "series": series_rows(result),
        "verdict": {"label": result.verdict.label, "verdict": result.verdict.title,
                    "reason": result.verdict.reason},
    }
