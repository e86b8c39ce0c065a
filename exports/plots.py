"""The thesis pictures, drawn from the ``ThesisResult`` of ``analysis.thesis.run_thesis``.

Matplotlib's object API with the Agg canvas (no pyplot, no global state), so
plots can be made from a CLI, a test or a web worker alike.  Every figure is
built from the same numbers the tables print: a plot can never disagree with
its table.

* ``density`` -- one panel per layer (institutional, activity): each
  dataset's density series under the headline specification, over the
  analysis window (``result.span``) only.  A year a dataset does not cover is
  a gap in its line (NaN), never a zero; documentary sources are dashed.
  Where a dataset's coverage starts or ends inside the window a labelled
  vertical line says so ("coverage ends: dcad"), and years no drawn dataset
  covers are shaded: a fall at a coverage edge is the data ending, and the
  reader must see that on the plot, not only in a table.
* ``evidence`` -- Sen's slope of every density row of the headline
  specification with its confidence interval (a forest plot), coloured by
  what the row shows (rise / fall / flat): description, not the rate test.
* ``network`` -- the web drawn for a few years, with positions computed once
  on the union of all years so that actors do not jump between panels.  A
  year without any tie edge gets no panel (an empty ring of grey dots says
  nothing a sentence cannot; the HTML says it in words), and each panel
  names the datasets that cover its year.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tiegraph.exports.files import Writer, write_all_atomically

if TYPE_CHECKING:
    from tiegraph.analysis.thesis import Snapshot, ThesisResult

PLOTS: tuple[str, ...] = ("density", "evidence", "network")
_STATUS = {"rise": "#2e7d32", "fall": "#b00020", "flat": "#6b6b70", "too short": "#bfbfbf"}
_DPI = 150


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def coverage_edges(result: ThesisResult, datasets: Iterable[str]) -> list[tuple[float, str]]:
    """Where each of ``datasets`` starts or stops covering inside the window: (x between two years, label).

    An edge at the window's own bounds is not a change and is left out; edges at
    the same place share one label ("coverage ends: atop, dcad; starts: jme").
    """
    wanted = set(datasets)
    first, last = result.span[0], result.span[-1]
    edges: dict[float, dict[str, list[str]]] = {}
    for cov in sorted(result.coverage, key=lambda c: c.dataset):
        if cov.dataset not in wanted:
            continue
        if first < cov.first_year <= last:
            edges.setdefault(cov.first_year - 0.5, {}).setdefault("starts", []).append(cov.dataset)
        if first <= cov.last_year < last:
            edges.setdefault(cov.last_year + 0.5, {}).setdefault("ends", []).append(cov.dataset)
    return [(x, "coverage " + "; ".join(f"{what}: {', '.join(names)}" for what, names in sorted(kinds.items())))
            for x, kinds in sorted(edges.items())]


def uncovered_runs(result: ThesisResult, datasets: Iterable[str]) -> list[tuple[int, int]]:
    """The runs of window years (first, last) that none of ``datasets`` covers."""
    covering = [c for c in result.coverage if c.dataset in set(datasets)]
    runs: list[tuple[int, int]] = []
    for year in result.span:
        if any(c.covers(year) for c in covering):
            continue
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def _mark_coverage(ax: Any, result: ThesisResult, datasets: list[str]) -> None:
    """Shade the years none of ``datasets`` covers and draw a labelled line at each coverage edge."""
    for start, end in uncovered_runs(result, datasets):
        ax.axvspan(start - 0.5, end + 0.5, color="#eeeeee", zorder=0, linewidth=0)
        ax.text((start + end) / 2, 0.5, "not covered", transform=ax.get_xaxis_transform(), rotation=90,
                ha="center", va="center", fontsize=7, color="#6b6b70")
    for x, label in coverage_edges(result, datasets):
        ax.axvline(x, color="#8e8e93", linewidth=0.9, linestyle=":", zorder=1)
        ax.text(x, 0.97, label, transform=ax.get_xaxis_transform(), rotation=90, ha="right", va="top",
                fontsize=7, color="#444444", zorder=3,
                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})


def density_figure(result: ThesisResult) -> Figure:
    """Per layer, each dataset's headline density series over the window, NaN (a gap) where not covered,
    with the coverage edges marked (``coverage_edges``, ``uncovered_runs``)."""
    rows = [r for r in result.headline_rows() if r.main_layer and r.spec.projection == result.options.projection]
    layers = [layer for layer in ("institutional", "activity") if any(r.layer == layer for r in rows)] or ["none"]
    figure = _figure(10, 2.3 * len(layers) + 0.5)
    axes = figure.subplots(len(layers), 1, squeeze=False, sharex=True)[:, 0]
    span = list(result.span)
    known = {c.dataset for c in result.coverage}
    for ax, layer in zip(axes, layers):
        drawn = [r for r in rows if r.layer == layer]
        for i, row in enumerate(drawn):
            values = dict(zip(row.years, row.values))
            series = [values.get(y, math.nan) for y in span]
            slope = f", Sen {row.trend.sen_slope:+.3f}/yr, {row.status}" if row.trend else ""
            ax.plot(span, series, color=_qualitative(i), marker="o", markersize=2.5,
                    linewidth=1.0 if row.kind == "documentary" else 1.8,
                    linestyle="--" if row.kind == "documentary" else "-",
                    label=f"{row.source} ({row.kind}){slope}")
        _mark_coverage(ax, result, [r.source for r in drawn if r.source in known])
        ax.set_ylabel("density")
        ax.set_title(f"{layer}: share of the scope's dyads tied", fontsize=10, loc="left")
        ax.set_ylim(bottom=0)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(frameon=False, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1))  # off the lines
        _style(ax)
    axes[-1].set_xlim(span[0] - 0.5, span[-1] + 0.5)  # the analysis window, nothing before or after it
    axes[-1].set_xlabel(f"year, {span[0]}-{span[-1]} (a gap: the dataset does not cover that year)")
    axes[-1].xaxis.get_major_locator().set_params(integer=True)
    return figure


def evidence_figure(result: ThesisResult) -> Figure:
    """Forest plot: Sen's slope and its interval for each testable headline row (both projections)."""
    rows = [r for r in result.evidence if r.spec.tentative == result.options.include_tentative and r.trend]
    figure = _figure(8, 0.9 + 0.2 * max(len(rows), 6))
    ax = figure.add_subplot()
    labels = []
    for y, row in enumerate(reversed(rows)):
        t = row.trend
        assert t is not None
        colour = _STATUS.get(row.status, "#6b6b70")
        ax.plot([t.sen_low, t.sen_high], [y, y], color=colour, linewidth=2)
        ax.plot([t.sen_slope], [y], marker="o", color=colour, markersize=4)
        labels.append(f"{row.source} {row.layer.replace('_', ' ')} {row.span} ({row.spec.projection})")
    ax.axvline(0, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    confidence = 1 - result.options.alpha
    ax.set_xlabel(f"Sen slope of density per year, {confidence:.0%} interval (green rise, red fall, grey flat)",
                  fontsize=9)
    ax.set_title("Density trend per dataset and layer (a description; the rates decide)", fontsize=10,
                 loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def stable_layout(result: ThesisResult) -> dict[str, tuple[float, float]]:
    """Positions computed once on the union graph of every drawn year.

    Up to twelve actors: a circle ordered by union degree, the hub in the
    centre (readable and identical from panel to panel); more: a seeded
    spring layout of the union graph.
    """
    union = nx.Graph()
    for snap in result.snapshots:
        union.add_nodes_from(snap.nodes)
        union.add_edges_from((u, v) for u, v, *_ in snap.edges)
    nodes = sorted(union.nodes)
    hub = result.hub
    if len(nodes) > 12:
        return {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(union, seed=42).items()}
    ring = sorted((n for n in nodes if n != hub), key=lambda n: (-union.degree(n), n))
    positions: dict[str, tuple[float, float]] = {hub: (0.0, 0.0)} if hub is not None and hub in union else {}
    for i, node in enumerate(ring):
        angle = math.pi / 2 - 2 * math.pi * i / max(len(ring), 1)
        positions[node] = (math.cos(angle), math.sin(angle))
    return positions


def covering(result: ThesisResult, year: int) -> list[str]:
    """The datasets that cover ``year`` (whose ties a network panel of that year draws)."""
    return sorted(c.dataset for c in result.coverage if c.covers(year))


def network_panels(result: ThesisResult) -> tuple[list[Snapshot], list[int]]:
    """(the snapshots worth a panel: those with at least one tie edge, the snapshot years without one)."""
    drawn = [s for s in result.snapshots if s.edges]
    return drawn, [s.year for s in result.snapshots if not s.edges]


def network_figure(result: ThesisResult) -> Figure | None:
    """The web in the snapshot years that have a tie edge (ties of the datasets covering each year, named
    under each panel), on one stable layout; None when no snapshot year has one."""
    snaps, _ = network_panels(result)
    if not snaps:
        return None
    positions = stable_layout(result)
    figure = _figure(2.9 * len(snaps), 3.3)
    axes = figure.subplots(1, len(snaps), squeeze=False)[0]
    top_weight = max([1.0, *(e[2] for s in snaps for e in s.edges)])
    for ax, snap in zip(axes, snaps):
        graph = nx.Graph()
        graph.add_nodes_from(snap.nodes)
        for u, v, weight, n_types in snap.edges:
            graph.add_edge(u, v, weight=weight, n_types=n_types)
        widths = [0.8 + 3.2 * math.log1p(d["weight"]) / math.log1p(top_weight) for *_, d in graph.edges(data=True)]
        nx.draw_networkx_edges(graph, positions, ax=ax, width=widths, edge_color="#6f8fb3", alpha=0.85)
        colours = ["#c00000" if n == result.hub else ("#1f4e79" if graph.degree(n) else "#bfbfbf")
                   for n in graph.nodes]
        nx.draw_networkx_nodes(graph, positions, ax=ax, node_color=colours,
                               node_size=[430 + 60 * graph.degree(n) for n in graph.nodes], linewidths=0)
        nx.draw_networkx_labels(graph, positions, ax=ax, font_size=6.5, font_color="white", font_weight="bold")
        n = graph.number_of_nodes()
        tied = graph.number_of_edges()
        density = tied / (n * (n - 1) / 2) if n > 1 else 0.0
        ax.set_title(f"{snap.year}: {tied} tied {'dyad' if tied == 1 else 'dyads'}, density {density:.2f}",
                     fontsize=9)
        ax.text(0.5, -0.02, "covered by: " + (", ".join(covering(result, snap.year)) or "no dataset"),
                transform=ax.transAxes, ha="center", va="top", fontsize=7.5, color="#444444", wrap=True)
        ax.set_xlim(-1.3, 1.3)
        ax.set_ylim(-1.3, 1.3)
        ax.set_aspect("equal")
        ax.axis("off")
    return figure


def figures(result: ThesisResult) -> dict[str, Figure]:
    """Every thesis figure, by name (``PLOTS`` order); no ``network`` when no snapshot year has a tie edge."""
    drawn = {"density": density_figure(result), "evidence": evidence_figure(result),
             "network": network_figure(result)}
    return {name: figure for name, figure in drawn.items() if figure is not None}


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def plot_writers(result: ThesisResult, directory: Path | str) -> dict[Path, Writer]:
    """``thesis_<name>.png`` for every figure, as writers for ``exports.files.write_all_atomically``."""
    directory = Path(directory)
    return {directory / f"thesis_{name}.png": partial(_write_bytes, png_bytes(figure))
            for name, figure in figures(result).items()}


def _write_bytes(content: bytes, tmp: str) -> None:
    Path(tmp).write_bytes(content)


def write_plots(result: ThesisResult, directory: Path | str) -> list[Path]:
    """Write every figure into ``directory`` (all files or none); return the paths."""
    writers = plot_writers(result, directory)
    write_all_atomically(writers)
    return list(writers)


def _qualitative(i: int) -> str:
    palette = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#c00000", "#00808a",
               "#843c0c", "#a5a5a5", "#2e75b6", "#7f6000", "#375623")
    return palette[i % len(palette)]
