"""The thesis pictures, drawn from the plain result of ``graph.thesis.thesis_section``.

Matplotlib's object API with the Agg canvas (no pyplot, no global state), so
plots can be made from a CLI, a test or a web worker alike.  Every figure is
built from the same numbers the tables print: a plot can never disagree with
its table.

* ``density`` -- stock, flow and window density, the tested series in bold
  with its Sen-slope trend line and the break year marked;
* ``ties_by_type`` -- ties formed each year, stacked by type;
* ``centrality`` -- degree centrality over time of the most central actors;
* ``network`` -- the web drawn for a few years, with positions computed once
  on the union of all years so that actors do not jump between panels.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tiegraph.exports.graphml import write_atomically
from tiegraph.graph.centrality_time import top_actors

PLOTS: tuple[str, ...] = ("density", "ties_by_type", "centrality", "network")
_MODE_STYLE = {"stock": "#1f4e79", "flow": "#c55a11", "window": "#548235"}
_DPI = 150


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def density_figure(result: dict[str, Any]) -> Figure:
    """Density series (all three modes) with the Sen trend line of the tested one."""
    data, measures = result["_data"], result["measures"]
    years = [m["year"] for m in measures]
    figure = _figure(8, 4.2)
    ax = figure.add_subplot()
    for mode, colour in _MODE_STYLE.items():
        tested = mode == data["mode"]
        ax.plot(years, [m[f"density_{mode}"] for m in measures], color=colour, marker="o",
                markersize=4 if tested else 3, linewidth=2.4 if tested else 1.1,
                alpha=1.0 if tested else 0.6, zorder=3 if tested else 2,
                label=f"{mode}{' (tested)' if tested else ''}")
    slope, intercept = data["sen_slope"], data["intercept"]
    trend = [intercept + slope * i for i in range(len(years))]
    ax.plot(years, trend, color="#444444", linestyle="--", linewidth=1.2,
            label=f"Sen trend ({slope:+.3f}/year)")
    if years[0] < data["break_year"] <= years[-1]:
        ax.axvline(data["break_year"] - 0.5, color="#999999", linestyle=":", linewidth=1)
        ax.text(data["break_year"] - 0.4, 0.98, f"break {data['break_year']}", transform=ax.get_xaxis_transform(),
                va="top", fontsize=8, color="#666666")
    top = max([1e-9, *trend, *(m[f"density_{k}"] for m in measures for k in _MODE_STYLE)])
    ax.set_ylim(0, min(1.0, top * 1.15) if top < 0.87 else 1.02)
    ax.set_xlabel("year")
    ax.set_ylabel("density (share of dyads tied)")
    ax.set_title(f"Density of {data.get('scope_label') or result['filters']['scope']}", fontsize=11, loc="left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    _style(ax)
    return figure


def ties_by_type_figure(result: dict[str, Any]) -> Figure:
    """Stacked bars: ties formed per year by type."""
    rows = result["ties_formed"]
    years = [r["year"] for r in rows]
    types = [k for k in (rows[0] if rows else {}) if k not in ("year", "total")]
    figure = _figure(8, 4.2)
    ax = figure.add_subplot()
    colours = [_qualitative(i) for i in range(len(types))]
    bottom = [0.0] * len(years)
    for layer, colour in zip(types, colours):
        values = [r[layer] for r in rows]
        ax.bar(years, values, bottom=bottom, color=colour, width=0.8, label=layer.replace("_", " "),
               edgecolor="white", linewidth=0.4)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xlabel("year")
    ax.set_ylabel("ties formed")
    ax.set_title("Ties formed per year, by type", fontsize=11, loc="left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if types:
        ax.legend(frameon=False, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _style(ax)
    return figure


def centrality_figure(result: dict[str, Any], *, measure: str = "degree", n: int = 6) -> Figure:
    """Degree centrality over time of the ``n`` actors most central on average."""
    import pandas as pd

    frame = pd.DataFrame(result["centrality"])
    figure = _figure(8, 4.2)
    ax = figure.add_subplot()
    for i, actor in enumerate(top_actors(frame, measure=measure, n=n)):
        rows = frame[frame["actor"] == actor].sort_values("year")
        ax.plot(rows["year"], rows[measure], marker="o", markersize=3, linewidth=1.5,
                color=_qualitative(i), label=actor)
    ax.set_xlabel("year")
    ax.set_ylabel(f"{measure} centrality")
    ax.set_title(f"{measure.capitalize()} centrality of the most central actors", fontsize=11, loc="left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _style(ax)
    return figure


def stable_layout(result: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Positions computed once on the union graph of every year.

    Up to twelve actors: a circle ordered by union degree, the hub in the
    centre (readable and identical from panel to panel); more: a seeded
    spring layout of the union graph.
    """
    union = nx.Graph()
    for snap in result["_data"]["snapshots"].values():
        union.add_nodes_from(snap["nodes"])
        union.add_edges_from((e[0], e[1]) for e in snap["edges"])
    nodes = sorted(union.nodes)
    hub = result["_data"].get("hub")
    if len(nodes) > 12:
        return {n: (float(x), float(y)) for n, (x, y) in nx.spring_layout(union, seed=42).items()}
    ring = sorted((n for n in nodes if n != hub), key=lambda n: (-union.degree(n), n))
    positions = {hub: (0.0, 0.0)} if hub in union else {}
    for i, node in enumerate(ring):
        angle = math.pi / 2 - 2 * math.pi * i / max(len(ring), 1)
        positions[node] = (math.cos(angle), math.sin(angle))
    return positions


def network_figure(result: dict[str, Any]) -> Figure:
    """The web in the chosen years (``_data.snapshot_years``), on one stable layout."""
    data = result["_data"]
    years = data["snapshot_years"]
    positions = stable_layout(result)
    figure = _figure(3.2 * max(len(years), 1), 3.6)
    axes = figure.subplots(1, max(len(years), 1), squeeze=False)[0]
    top_weight = max([1.0, *(e[2] for y in years for e in data["snapshots"][str(y)]["edges"])])
    for ax, year in zip(axes, years):
        snap = data["snapshots"][str(year)]
        graph = nx.Graph()
        graph.add_nodes_from(snap["nodes"])
        for u, v, weight, n_types in snap["edges"]:
            graph.add_edge(u, v, weight=weight, n_types=n_types)
        widths = [0.8 + 3.2 * math.log1p(d["weight"]) / math.log1p(top_weight) for *_, d in graph.edges(data=True)]
        nx.draw_networkx_edges(graph, positions, ax=ax, width=widths, edge_color="#6f8fb3", alpha=0.85)
        colours = ["#c00000" if n == data.get("hub") else ("#1f4e79" if graph.degree(n) else "#bfbfbf")
                   for n in graph.nodes]
        nx.draw_networkx_nodes(graph, positions, ax=ax, node_color=colours,
                               node_size=[430 + 60 * graph.degree(n) for n in graph.nodes], linewidths=0)
        nx.draw_networkx_labels(graph, positions, ax=ax, font_size=6.5, font_color="white", font_weight="bold")
        n = graph.number_of_nodes()
        density = graph.number_of_edges() / (n * (n - 1) / 2) if n > 1 else 0.0
        tied = graph.number_of_edges()
        ax.set_title(f"{year}: {tied} tied {'dyad' if tied == 1 else 'dyads'}, density {density:.2f}", fontsize=9)
        ax.set_xlim(-1.3, 1.3)
        ax.set_ylim(-1.3, 1.3)
        ax.set_aspect("equal")
        ax.axis("off")
    return figure


def figures(result: dict[str, Any]) -> dict[str, Figure]:
    """Every thesis figure, by name (``PLOTS`` order)."""
    return {"density": density_figure(result), "ties_by_type": ties_by_type_figure(result),
            "centrality": centrality_figure(result), "network": network_figure(result)}


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def write_plots(result: dict[str, Any], directory: Path | str) -> list[Path]:
    """Write ``<name>.png`` for every figure into ``directory`` (atomically); return the paths."""
    directory = Path(directory)
    paths = []
    for name, figure in figures(result).items():
        path = directory / f"thesis_{name}.png"
        content = png_bytes(figure)
        write_atomically(path, lambda tmp, content=content: Path(tmp).write_bytes(content))
        paths.append(path)
    return paths


def _qualitative(i: int) -> str:
    palette = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#c00000", "#00808a",
               "#843c0c", "#a5a5a5", "#2e75b6", "#7f6000", "#375623")
    return palette[i % len(palette)]
