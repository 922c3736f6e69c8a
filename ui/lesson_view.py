"""The live lesson on screen: the 2-D latent plane (the prior's circles, each sentence at its mean with its 2σ ellipse,
an invisible grid that says on hover what the decoder writes there), the curves, and the ELBO with this step's numbers
(the guided path a teacher follows is `lesson_tour`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import vae_core  # its torch-backed modules load on first use

from .figures import CATEGORY_COLOURS, presenter_style
from .layers import wrap

if TYPE_CHECKING:
    from vae_core.train.lesson import Lesson, Snapshot

REC_COLOUR, KL_COLOUR = "#0072B2", "#D55E00"  # the formula's two terms, in the text and on the map alike
HOVER_GRID = 11  # spots a side of the decoded hover grid: on a 600-pixel plane, each spot within plotly's reach (45 px)
HOVER_EVERY = 3  # while it plays, the hover grid is decoded anew every third update (a pass costs about a step);
# paused, at every update
WRITTEN_GRID = 4  # spots a side of the grid written on the plane
HALF_WIDTH = 3.5  # the plane shown: the prior's 3σ circle with a margin, wider if a sentence sits further out


def hover_sentences(lesson: Lesson, spots: np.ndarray, playing: bool) -> list[str]:
    """What the decoder writes at each hover spot: decoded at every update while paused, every `HOVER_EVERY`
    updates while playing (kept in the session between them, for the same lesson and the same spots)."""
    kept = st.session_state.get("lesson-hover")
    key = (lesson, spots.tobytes())  # the lesson itself: a restarted one may take the old one's id()
    if kept is not None and kept[0][0] is lesson and kept[0][1] == key[1] and playing and kept[1] < HOVER_EVERY - 1:
        st.session_state["lesson-hover"] = (key, kept[1] + 1, kept[2])
        return kept[2]
    sentences = lesson.decode_at(spots)
    st.session_state["lesson-hover"] = (key, 0, sentences)
    return sentences


def half_width(snapshot: Snapshot) -> float:
    """How far the plane reaches from 0 on each axis: the prior's 3σ with a margin, or past the furthest sentence in
    whole units (so that the frame, and the chart with it, changes only when a sentence crosses one)."""
    return max(HALF_WIDTH, math.ceil(float(np.abs(snapshot.mu).max(initial=0.0)) + 0.5))


def _outline_trace(centres: np.ndarray, axes: np.ndarray, name: str, colour: str, width: float, **extra) -> go.Scatter:
    """Axis-aligned ellipses (q(z|x) is diagonal) as one line trace, the outlines apart by gaps."""
    angle = np.linspace(0, 2 * np.pi, 33)
    ring = np.stack([np.cos(angle), np.sin(angle)], 1)
    outlines = centres[:, None, :] + ring[None] * axes[:, None, :]  # (N, 33, 2)
    gaps = np.full((len(centres), 1, 2), np.nan)
    xy = np.concatenate([outlines, gaps], 1).reshape(-1, 2)
    return go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="lines", name=name, hoverinfo="skip", line={"color": colour, "width": width},
        connectgaps=False, **extra,
    )  # fmt: skip


def hover_spots(reach: float) -> np.ndarray:
    """The hover grid's spots over the plane shown, from -reach to reach on each axis."""
    return vae_core.train.lesson.grid(-reach, reach, HOVER_GRID)


def plane_frame(reach: float, height: int = 600, present: bool = False) -> go.Figure:
    """What of the plane does not move: its axes out to `reach`, the prior's circles, and the hover grid (the first
    trace, so a click on it is a spot, `layers.clicked_spot`), without its sentences. Drawn once; each update's
    traces are put on it in the page (`live_plane`)."""
    fig = go.Figure()
    spots = hover_spots(reach)
    fig.add_trace(
        go.Scatter(
            x=spots[:, 0], y=spots[:, 1], mode="markers", name="the decoder writes here", showlegend=False,
            hoverinfo="text", marker={"size": 8, "opacity": 0}, selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
        )
    )  # fmt: skip
    for radius in (1, 2, 3):
        circle = np.full((1, 2), float(radius))
        prior = _outline_trace(np.zeros((1, 2)), circle, "prior N(0, I): 1, 2, 3σ", "#BBBBBB", 1)
        prior.update(line_dash="dot", showlegend=radius == 1, legendgroup="prior")
        fig.add_trace(prior)
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10}, hovermode="closest", hoverdistance=45,
        uirevision="lesson", clickmode="event+select", dragmode="pan",
        xaxis={"range": [-reach, reach], "zeroline": False, "title": "z₁"},
        yaxis={"range": [-reach, reach], "zeroline": False, "title": "z₂", "scaleanchor": "x", "scaleratio": 1},
        legend={"orientation": "h", "y": -0.08},
    )  # fmt: skip
    if present:
        presenter_style(fig)
    return fig


def plane_figure(
    frame: go.Figure,
    snapshot: Snapshot,
    texts: list[str],
    labels: list[str] | None,
    hover_says: list[str],
    *,
    ellipses: bool = False,
    written: tuple[np.ndarray, list[str]] | None = None,
    followed: int | None = None,
    spot: tuple[np.ndarray, str] | None = None,
    typed: tuple[np.ndarray, np.ndarray, str] | None = None,
    present: bool = False,
) -> go.Figure:
    """The latent plane at this moment of training: a copy of its `frame` (`plane_frame`), with the decoder's
    sentences on the hover grid (`hover_says`, one a spot of `hover_spots`), each sentence at its mean, and the layers
    asked for. A click on a sentence carries its row in customdata."""
    fig = go.Figure(frame)
    fig.data[0].hovertext = [wrap(f"decoder: {s}") for s in hover_says]
    groups = labels if labels is not None else ["sentences"] * len(texts)
    for i, value in enumerate(sorted(set(groups))):
        rows = np.flatnonzero(np.asarray(groups) == value)
        colour = CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
        if ellipses:
            axes = snapshot.ellipse_axes()[rows]
            outlines = _outline_trace(snapshot.mu[rows], axes, "q(z|x), 2σ", colour, 0.6, opacity=0.35)
            outlines.update(legendgroup=value, showlegend=False)  # shown and hidden with its sentences
            fig.add_trace(outlines)
        fig.add_trace(
            go.Scatter(
                x=snapshot.mu[rows, 0], y=snapshot.mu[rows, 1], mode="markers", name=value, meta="sentences",
                legendgroup=value,
                customdata=rows, hovertext=[wrap(texts[r]) for r in rows], hoverinfo="text",
                marker={"size": 6, "color": colour}, selected={"marker": {"opacity": 1}},
                unselected={"marker": {"opacity": 1}},
            )
        )  # fmt: skip
    if written is not None:
        at, lines = written
        fig.add_trace(
            go.Scatter(
                x=at[:, 0], y=at[:, 1], mode="markers+text", name="decoded grid", hoverinfo="skip",
                text=[wrap(s, 22) for s in lines], textfont={"size": 10, "color": "#332288"},
                marker={"size": 4, "color": "#332288", "symbol": "cross"},
            )
        )  # fmt: skip
    if followed is not None:
        centre, axes = snapshot.mu[followed : followed + 1], snapshot.ellipse_axes()[followed : followed + 1]
        fig.add_trace(_outline_trace(centre, axes, "followed: its q(z|x), the KL's", KL_COLOUR, 3))
        fig.add_trace(
            go.Scatter(
                x=centre[:, 0], y=centre[:, 1], mode="markers", name="followed sentence", hoverinfo="text",
                hovertext=[wrap(texts[followed])],
                marker={"size": 14, "color": REC_COLOUR, "symbol": "circle", "line": {"color": "white", "width": 2}},
            )
        )  # fmt: skip
    if typed is not None:
        mu, logvar, text = typed
        fig.add_trace(_outline_trace(mu[None], 2 * np.exp(0.5 * logvar)[None], "your sentence, 2σ", "#CC79A7", 2))
        fig.add_trace(
            go.Scatter(
                x=[mu[0]], y=[mu[1]], mode="markers", name="your sentence", hovertext=[wrap(text)], hoverinfo="text",
                marker={"symbol": "diamond", "size": 14, "color": "#CC79A7", "line": {"color": "black", "width": 1}},
            )
        )  # fmt: skip
    if spot is not None:
        at, sentence = spot
        fig.add_trace(
            go.Scatter(
                x=[at[0]], y=[at[1]], mode="markers", name="pinned spot", hovertext=[wrap(sentence)], hoverinfo="text",
                marker={"symbol": "star", "size": 16, "color": "#D55E00", "line": {"color": "black", "width": 1}},
            )
        )  # fmt: skip
    if present:
        presenter_style(fig)
    return fig


def curves_frame(height: int = 260) -> go.Figure:
    """What of the curves' chart does not move: its axes (reconstruction and KL in nats, β on its own) and legend.
    Drawn once; each update's curves are put on it in the page (`live_plane`)."""
    fig = go.Figure()
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10}, uirevision="curves",
        xaxis={"title": "step"}, yaxis={"title": "nats per sentence", "rangemode": "tozero"},
        yaxis2={"title": "β", "overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False},
        legend={"orientation": "h", "y": 1.15},
    )  # fmt: skip
    return fig


def curves_figure(curves: dict[str, np.ndarray], height: int = 260) -> go.Figure:
    """Reconstruction and KL (nats per sentence) over the steps, β on its own axis, on the chart's `curves_frame`."""
    fig = curves_frame(height)
    steps = curves["step"]
    fig.add_trace(go.Scatter(x=steps, y=curves["rec"], name="reconstruction", line={"color": REC_COLOUR}))
    fig.add_trace(go.Scatter(x=steps, y=curves["kl"], name="KL", line={"color": KL_COLOUR}))
    fig.add_trace(go.Scatter(x=steps, y=curves["beta"], name="β", yaxis="y2", line={"color": "#555555", "dash": "dot"}))
    return fig


def elbo_latex(rec: float, kl: float, beta: float) -> str:
    """The loss, and the same with this step's numbers in it (nats per sentence), each term in its map colour."""
    rec_term, kl_term = r"\color{" + REC_COLOUR + "}", r"\color{" + KL_COLOUR + "}"
    return (
        r"\begin{aligned}\text{loss} &= {" + rec_term + r"\mathbb{E}_q[-\log p(x|z)]} + \beta \cdot {" + kl_term
        + r"\mathrm{KL}(q\,\|\,p)} \\ &= {" + rec_term + f"{rec:.1f}" + r"} + "
        + f"{beta:.2f}" + r" \cdot {" + kl_term + f"{kl:.2f}" + "} = " + f"{rec + beta * kl:.1f}"
        + r"\end{aligned}"
    )  # fmt: skip
