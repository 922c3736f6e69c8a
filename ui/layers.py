"""Layers drawn over a 2-D map made by `figures.map_figure`: an invisible grid that makes every spot clickable,
a decoded spot, a typed sentence with its posterior spread, cluster names, the decoder's sentences written on a
grid, and the density of the corpus. Text from users and from the decoder is HTML-escaped."""

from __future__ import annotations

import functools
import html
import textwrap

import numpy as np
import plotly.graph_objects as go

CLICK_LAYER = "click to decode"  # the invisible grid's trace
HALO = "0 0 3px white, 0 0 3px white, 0 0 3px white"  # a white glow that keeps text legible over points
CLICK_REACH = 30  # pixels: how far from a point a click still picks it (plotly's hoverdistance)
DENSITY_BINS = 150  # the density shade's grid, bins a side


def add_click_grid(fig: go.Figure, coords: np.ndarray, scatter=go.Scattergl, columns: int = 45, rows: int = 23) -> None:
    """An invisible grid of points over the whole map, so that a click anywhere (between the sentences too)
    selects a spot (see `clicked_spot`; `figures.map_figure` draws it first), drawn by `scatter` like the
    sentences (one kind of drawing, not two). Every pixel of a map ~1,200 x 600 is within `CLICK_REACH` of a
    grid point; each point drawn costs time on every click, so the grid is no finer."""
    low, high = coords.min(0), coords.max(0)
    pad = (high - low) * 0.03
    xs, ys = np.meshgrid(
        np.linspace(low[0] - pad[0], high[0] + pad[0], columns), np.linspace(low[1] - pad[1], high[1] + pad[1], rows)
    )
    fig.add_trace(
        scatter(
            x=xs.ravel(),
            y=ys.ravel(),
            mode="markers",
            name=CLICK_LAYER,
            showlegend=False,
            hoverinfo="none",
            marker={"size": 6, "opacity": 0},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
        )
    )


def clicked_spot(event) -> tuple[float, float] | None:
    """The map spot a user clicked: when the map's selection (its `st.plotly_chart` event, or the same in
    `st.session_state`) is one point of the click grid, the map's first trace (see `figures.map_figure`)."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    if len(points) != 1 or points[0].get("curve_number") != 0 or "customdata" in points[0]:
        return None
    return float(points[0]["x"]), float(points[0]["y"])


@functools.lru_cache(maxsize=16_384)
def wrap(text: str, width: int = 40) -> str:
    """Escaped and wrapped onto lines (plotly's <br>) for text drawn on the map; remembered, as a live map (the
    lesson's) writes the same sentences again at every update."""
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width)) or "(empty)"


def add_spot(fig: go.Figure, spot, landed, sentence: str) -> None:
    """A decoded spot: a star where the user clicked and, when it landed elsewhere, a dotted line to where the
    decoded sentence's own encoding lands."""
    fig.add_trace(
        go.Scatter(
            x=[spot[0]],
            y=[spot[1]],
            mode="markers",
            name="decoded spot",
            hovertext=[wrap(sentence)],
            hoverinfo="text",
            marker={"symbol": "star", "size": 16, "color": "#D55E00", "line": {"color": "black", "width": 1}},
        )
    )
    if np.isfinite(landed).all():
        fig.add_trace(
            go.Scatter(
                x=[spot[0], landed[0]],
                y=[spot[1], landed[1]],
                mode="lines+markers",
                name="its sentence lands here",
                hoverinfo="skip",
                line={"color": "#D55E00", "dash": "dot", "width": 2},
                marker={"symbol": ["circle-open", "x"], "size": [1, 10], "color": "#D55E00"},
            )
        )


def add_sentence_spread(
    fig: go.Figure,
    centre,
    cloud: np.ndarray,
    ellipse: np.ndarray,
    sentence: str,
    label: str = "your sentence",
    colour: str = "#CC79A7",
) -> None:
    """A typed sentence: its posterior mean as a marker, draws from q(z|x) as a faint cloud, and the ellipse two
    standard deviations wide around them. `label` names it in the legend (e.g. "A" and "B" on one map)."""
    of = "" if label == "your sentence" else f" of {label}"
    fig.add_trace(
        go.Scatter(
            x=cloud[:, 0],
            y=cloud[:, 1],
            mode="markers",
            name=f"q(z|x) draws{of}",
            hoverinfo="skip",
            marker={"size": 3, "color": colour, "opacity": 0.35},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ellipse[:, 0],
            y=ellipse[:, 1],
            mode="lines",
            name=f"q(z|x), 2σ{of}",
            hoverinfo="skip",
            line={"color": colour, "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[centre[0]],
            y=[centre[1]],
            mode="markers",
            name=label,
            hovertext=[wrap(sentence)],
            hoverinfo="text",
            marker={"symbol": "diamond", "size": 14, "color": colour, "line": {"color": "black", "width": 1}},
        )
    )


def add_written_grid(fig: go.Figure, spots: np.ndarray, sentences: list[str], width: int = 28) -> None:
    """The decoder's sentences written at a grid of spots ("decode the whole map")."""
    fig.add_trace(
        go.Scatter(
            x=spots[:, 0],
            y=spots[:, 1],
            mode="markers+text",
            name="decoded grid",
            text=[wrap(s, width) for s in sentences],
            textposition="middle center",
            textfont={"size": 10, "color": "#332288", "shadow": HALO},
            hoverinfo="skip",
            marker={"size": 4, "color": "#332288", "symbol": "cross"},
        )
    )


def density_grid(coords: np.ndarray, bins: int = DENSITY_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The map's points counted on a bins x bins grid: the grid's x and y centres and the counts (rows are y). A
    density layer sends these few numbers to the browser, not a million points."""
    counts, xe, ye = np.histogram2d(coords[:, 0], coords[:, 1], bins=bins)
    return (xe[:-1] + xe[1:]) / 2, (ye[:-1] + ye[1:]) / 2, counts.T


def add_density(fig: go.Figure, coords: np.ndarray) -> None:
    """Contour lines of the corpus's density on the map: where the encoded sentences are, and the empty regions
    between them where the decoder has seen nothing."""
    xs, ys, counts = density_grid(coords, 60)
    fig.add_trace(
        go.Contour(
            x=xs,
            y=ys,
            z=counts,
            name="density",
            showscale=False,
            ncontours=8,
            hoverinfo="skip",
            contours={"coloring": "none"},
            line={"color": "rgba(80,80,80,0.6)", "width": 1},
        )
    )


def add_density_shade(fig: go.Figure, coords: np.ndarray) -> None:
    """Every point of a map too big to draw one by one, as grey shading (log counts; empty cells clear) beneath the
    sample that is drawn: the whole corpus's shape, at the cost of a grid."""
    xs, ys, counts = density_grid(coords)
    shade = np.where(counts > 0, np.log1p(counts), np.nan)
    fig.add_trace(
        go.Heatmap(
            x=xs, y=ys, z=shade, name="every point", meta="density shade", showscale=False, hoverinfo="skip",
            colorscale=[[0, "rgba(0,0,0,0.04)"], [1, "rgba(0,0,0,0.35)"]],
        )
    )  # fmt: skip


def add_marked_points(
    fig: go.Figure, spots: np.ndarray, sentences: list[str], name: str, symbol: str, colour: str = "#D55E00"
) -> None:
    """Sentences that are not the corpus's own (new ones placed on the map, or written in its gaps), each a marked
    point with its sentence on hover, named `name` in the legend."""
    fig.add_trace(
        go.Scatter(
            x=spots[:, 0],
            y=spots[:, 1],
            mode="markers",
            name=name,
            meta=name,
            hovertext=[wrap(s) for s in sentences],
            hoverinfo="text",
            marker={"symbol": symbol, "size": 12, "color": colour, "line": {"color": "black", "width": 1}},
        )
    )
