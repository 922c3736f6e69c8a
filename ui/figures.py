"""The map as a plotly figure, with its layers, and the small charts beside it (facets, the rate-distortion plane);
what a user selects on them is read by `ui.selection`."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import decoded
from .latents import MAX_MAP_POINTS
from .layers import CLICK_REACH, add_click_grid, add_density_shade, add_sentence_spread

if TYPE_CHECKING:
    from vae_core.explore.facets import Facet
    from vae_core.explore.projection import MapView

# Okabe & Ito's colour-blind-safe palette, ordered so that the first five are five distinct hues and black (no
# two blues before the seventh, pale yellow last: it fades on white), then Paul Tol's "safe" colours.
CATEGORY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#000000", "#D55E00", "#56B4E9", "#F0E442"]
CATEGORY_COLOURS += ["#882255", "#117733", "#332288", "#DDCC77", "#AA4499", "#44AA99", "#999933", "#661100"]
# Streamlit draws a changed figure afresh (a click that adds a star is one), so what costs most is a first drawing:
# SVG starts at once where WebGL first builds its drawing contexts (slow without a GPU, as in a headless browser),
# but it draws each point as an element, so a big map keeps WebGL. A clickable map's margins are fixed (room that
# plotly had to find for the legend cost a second drawing on every click); other maps, drawn once, let plotly fit
# their longer legends.
SVG_MAX_POINTS = 5_000  # a 2-D map of this many points or fewer is drawn as SVG, a bigger one with WebGL
HOVER_CHARS = 200  # a sentence's hover text is cut here, at half of it on a map of over BIG_MAP points drawn
BIG_MAP = 50_000  # above this many points drawn, hover text is cut shorter and the points drawn smaller
BIG_MAP_MARKER = 2  # pixels: a big map's points (software WebGL's frame time grows with the pixels each point fills)
CLICKABLE_MARGIN = {"l": 40, "r": 170, "t": 30, "b": 30, "autoexpand": False}  # room for ticks and the legend


def map_figure(
    coords: np.ndarray,
    texts: list[str],
    color: pd.Series | None = None,
    color_name: str = "",
    path: np.ndarray | None = None,
    path_labels: list[str] | None = None,
    path_flags: list[bool] | None = None,
    max_points: int = MAX_MAP_POINTS,
    seed: int = 0,
    highlight: list[int] | None = None,
    highlight_name: str = "selected",
    height: int = 620,
    clickable: bool = False,
    dim_unselected: bool = True,
    opacity: float = 0.8,
    decode_mode: bool = False,
    only: np.ndarray | None = None,
) -> go.Figure:
    """A scatter of the map: SVG up to `SVG_MAX_POINTS` drawn, WebGL beyond. Each point carries its row id in
    `customdata` (selections read it); hover shows the sentence, HTML-escaped; the sentences' traces have `meta`
    "sentences" (tests count them). A column of numbers is coloured on a scale with a colour bar; any other column
    (text, categories) gets one trace per value, in colour-blind-safe hues, with a legend. An optional path (e.g. an
    interpolation; `path_flags` steps in red) is drawn on top, and `highlight` rows (e.g. a selection made on
    another map) are ringed. A `clickable` 2-D map has an invisible grid as its first trace, so that a click
    anywhere picks a spot (`layers.clicked_spot`); with `dim_unselected` False, the sentences keep their colours
    while something else is selected (such as a spot); a lower `opacity` fades them under text drawn over the map.
    In `decode_mode` the sentences neither hover nor take clicks (plotly's hoverinfo "skip"), so a click inside a dense
    blob reaches the grid beneath and decodes that spot instead of picking the nearest sentence. With `only`, just
    those rows are drawn (a filter); the click grid still spans every point, so the map keeps its frame. Beyond
    `max_points`, a seeded sample is drawn over a grey shade of every point (`layers.add_density_shade`)."""
    n = len(coords)
    rows = np.arange(n) if only is None else np.asarray(only, dtype=int)  # `only`: the rows a filter keeps
    every = rows
    if len(rows) > max_points:  # thin the drawing only; callers keep every point for tables and search
        rows = rows[np.sort(np.random.default_rng(seed).choice(len(rows), max_points, replace=False))]
    dims = coords.shape[1]
    scatter = go.Scatter if len(rows) <= SVG_MAX_POINTS else go.Scattergl
    coords = np.asarray(coords, dtype=np.float32)  # half the bytes to the browser of float64, the same picture
    points = _Points(coords, texts, rows, scatter, opacity, decode_mode, dim_unselected)
    numeric = color is not None and _holds_numbers(color)
    values = np.asarray(color if color is not None else ["all"] * n, dtype=object)

    fig = go.Figure()
    if clickable and dims == 2:
        add_click_grid(fig, coords, scatter)
    if len(every) > len(rows) and dims == 2:  # more points than are drawn: all of them as a shade beneath
        add_density_shade(fig, coords[every])
    _add_colours(fig, points, rows, values, numeric, color_name)
    if highlight:
        ring = {"size": 9 if dims == 2 else 5, "color": "rgba(0,0,0,0)", "line": {"color": "black", "width": 2}}
        fig.add_trace(points.trace(np.asarray(highlight, dtype=int), highlight_name, meta="ring", **ring))
    if path is not None:
        _add_path(fig, path, path_labels, path_flags)
    top = 60 if numeric else 30
    fig.update_layout(
        height=height,
        margin={**CLICKABLE_MARGIN, "t": top} if clickable else {"l": 0, "r": 0, "t": top, "b": 0},
        legend_title_text=color_name,
        legend_itemsizing="constant",  # legend symbols at a readable size, however small a big map's points are
        dragmode="zoom" if dims == 2 else "orbit",  # 2-D: a click selects (Streamlit turns clicks off in lasso)
        hoverdistance=CLICK_REACH,
    )
    return fig


class _Points:
    """The sentences of a map drawn as plotly traces: one `trace` a group of rows, with the hover text (HTML-escaped,
    shorter on a big map), marker size and click behaviour of `map_figure`."""

    def __init__(self, coords, texts, rows, scatter, opacity: float, decode_mode: bool, dim_unselected: bool):
        self.coords, self.scatter, self.opacity = coords, scatter, opacity
        self.decode_mode, self.dim_unselected = decode_mode, dim_unselected
        big = len(rows) > BIG_MAP
        chars = HOVER_CHARS // 2 if big else HOVER_CHARS  # hover text: most of a big map's bytes
        self.size = BIG_MAP_MARKER if big else 4 if coords.shape[1] == 2 else 2.5
        self.hover = np.empty(len(coords), dtype=object)
        self.hover[rows] = [html.escape(texts[i][:chars]) for i in rows]  # only the points drawn

    def trace(self, index: np.ndarray, name: str, meta: str = "sentences", **marker) -> go.BaseTraceType:
        hoverinfo = "skip" if self.decode_mode else "text"
        common = dict(
            mode="markers", name=name, customdata=index.astype(np.int32), hovertext=self.hover[index],
            hoverinfo=hoverinfo, meta=meta,
        )  # fmt: skip
        marker = {"size": self.size, "opacity": self.opacity, **marker}
        if not self.dim_unselected:
            common["unselected"] = {"marker": {"opacity": self.opacity}}
        x, y = self.coords[index, 0], self.coords[index, 1]
        if self.coords.shape[1] == 3:
            return go.Scatter3d(x=x, y=y, z=self.coords[index, 2], marker=marker, **common)
        return self.scatter(x=x, y=y, marker=marker, **common)


def _add_colours(fig: go.Figure, points: _Points, rows: np.ndarray, values: np.ndarray, numeric: bool, name: str):
    """The sentences coloured by `values`: numbers on a scale with a colour bar (unmeasured ones grey), anything else
    one trace a value in colour-blind-safe hues."""
    if numeric:
        measured = np.isfinite(values[rows].astype(float))  # a score measured on a sample: the rest drawn grey
        if not measured.all():
            fig.add_trace(points.trace(rows[~measured], "not measured", color="#BBBBBB"))
        shown = rows[measured]
        scale = {"color": values[shown].astype(float), "colorscale": "Viridis", "showscale": True}
        fig.add_trace(points.trace(shown, name, **scale, colorbar={"title": {"text": name}}))
        # the colour bar takes the right-hand side: the legend (layers, "not measured") goes in a row above the map
        fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"})
        return
    for i, value in enumerate(sorted({str(v) for v in values[rows]})):
        colour = CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
        fig.add_trace(points.trace(rows[values[rows].astype(str) == value], value, color=colour))


def chart_config(fig: go.Figure) -> dict:
    """plotly.js settings for `st.plotly_chart(fig)`: a map of over BIG_MAP points drawn renders its WebGL canvas at
    the screen's own resolution (plotly's default, twice it, fills four times the pixels at every redraw, and a box
    select redraws every point at each mouse move; bench/README.md, "200,000 points drawn")."""
    drawn = sum(len(t.x) for t in fig.data if t.type == "scattergl" and t.meta == "sentences" and t.x is not None)
    return {"plotGlPixelRatio": 1} if drawn > BIG_MAP else {}


def add_typed_sentences(fig: go.Figure, view: MapView, typed: list[tuple[str, str, str]]) -> None:
    """Each typed sentence (text, legend label, colour) at its posterior mean on the 2-D map `view` (the figure's),
    with its posterior spread: where on the map a sentence lands, and how surely."""
    for text, label, colour in typed:
        if text.strip():
            _, centre, cloud, ellipse = decoded.typed_sentence(view, text)
            add_sentence_spread(fig, centre, cloud, ellipse, text, label, colour)


def presenter_style(fig: go.Figure) -> None:
    """Larger type and points, for a map shown to a room: axis and legend text, the sentences' markers and any
    text written on the map."""
    fig.update_layout(font={"size": 18}, legend={"font": {"size": 18}})
    fig.update_traces(marker={"size": 7}, selector={"meta": "sentences"})
    fig.update_traces(textfont={"size": 18}, selector={"mode": "text"})
    fig.update_traces(textfont={"size": 14}, selector={"mode": "markers+text"})
    fig.update_annotations(font={"size": 18})


def _holds_numbers(color: pd.Series) -> bool:
    """A column drawn on a colour scale: integers or floats, not categories (e.g. cluster numbers)."""
    dtype = pd.Series(color).dtype
    return not isinstance(dtype, pd.CategoricalDtype) and dtype.kind in "iuf"


def _add_path(fig: go.Figure, path: np.ndarray, labels: list[str] | None, flags: list[bool] | None = None) -> None:
    """A numbered path (e.g. an interpolation) drawn over the map, its points' sentences on hover; flagged steps
    (e.g. far from every sentence) in red."""
    line = dict(
        mode="lines+markers+text",
        name="path",
        text=[str(i) for i in range(len(path))],
        hovertext=[html.escape(t) for t in (labels or [""] * len(path))],
        hoverinfo="text",
        marker={"size": 9, "color": ["#D55E00" if f else "black" for f in (flags or [False] * len(path))]},
        line={"color": "black", "width": 3},
    )
    if path.shape[1] == 3:
        fig.add_trace(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=path[:, 2], **line))
    else:
        fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], **line))


def facet_figure(facet: Facet, passing: np.ndarray, chosen: set[int]) -> go.Figure:
    """A small bar chart of one facet: every row's count in grey, the rows the other facets let through in colour,
    the chosen bars darker. Each bar carries its index in `customdata`, so a click or box on bars chooses them
    (`ui.selection.selected_rows` reads them back)."""
    every, shown = facet.counts(), facet.counts(passing)
    bars, labels = np.arange(len(facet.labels)), [html.escape(label) for label in facet.labels]
    colours = [CATEGORY_COLOURS[0] if not chosen or i in chosen else "#9DB9D3" for i in bars]
    fig = go.Figure()
    fig.add_bar(x=labels, y=every, marker_color="#E4E4E4", customdata=bars, name="all", hoverinfo="skip")
    fig.add_bar(
        x=labels, y=shown, marker_color=colours, customdata=bars, name="shown",
        hovertemplate="%{x}: %{y} shown<extra></extra>",
    )  # fmt: skip
    fig.update_layout(
        barmode="overlay", height=170, showlegend=False, margin={"l": 30, "r": 5, "t": 25, "b": 5},
        title={"text": html.escape(facet.name), "font": {"size": 13}}, bargap=0.1,
    )  # fmt: skip
    fig.update_xaxes(type="category", tickfont={"size": 9})
    return fig


def tradeoff_figure(points) -> go.Figure:
    """Rate (KL) against distortion (reconstruction) of `tradeoff.rate_distortion`'s trainings, one marker each,
    labelled by γ; hover shows what each model wrote back and wrote from the prior (HTML-escaped)."""
    hover = [
        f"γ {p.gamma}<br>writes back: {html.escape(p.written_back)}<br>from the prior: {html.escape(p.from_prior)}"
        for p in points
    ]
    fig = go.Figure(
        go.Scatter(
            x=[p.kl for p in points],
            y=[p.rec for p in points],
            mode="lines+markers+text",
            text=[f"γ {p.gamma}" for p in points],
            textposition="top right",
            hovertext=hover,
            hoverinfo="text",
            marker={"size": 11, "color": CATEGORY_COLOURS[0]},
        )
    )
    fig.update_layout(
        height=340,
        margin={"l": 0, "r": 0, "t": 20, "b": 0},
        xaxis_title="KL: what z holds (rate, nats per sentence)",
        yaxis_title="reconstruction NLL (distortion, nats)",
    )
    return fig
