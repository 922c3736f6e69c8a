"""The training replay on screen: the map forming, frame by frame, with play / pause and a slider (a plotly
animation: it plays in the browser, without reruns), one followed sentence's posterior and what the decoder wrote
back from it at each point of training."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import vae_core  # its torch-backed modules load on first use (see vae_core/__init__.py)
from vae_core.errors import BundleError

from .figures import CATEGORY_COLOURS

if TYPE_CHECKING:
    from vae_core.train.replay import Replay

FRAME_MS = 450  # how long a frame shows when playing


def has_replay(folder: str | Path) -> bool:
    """Whether a bundle folder holds a training replay."""
    return all((Path(folder) / name).is_file() for name in vae_core.store.bundle.OPTIONAL_FILES)


@st.cache_resource(max_entries=4)
def saved_replay(folder: str, modified: float) -> Replay | None:
    """The replay saved in a bundle folder (read once per server while the file is unchanged; None if damaged)."""
    try:
        files = {name: (Path(folder) / name).read_bytes() for name in vae_core.store.bundle.OPTIONAL_FILES}
        return vae_core.train.replay.Replay.from_files(files, folder)
    except (BundleError, OSError):
        return None


def replay_of_folder(folder: str | Path) -> Replay | None:
    """The replay saved in a bundle folder, if any."""
    if not has_replay(folder):
        return None
    return saved_replay(str(folder), (Path(folder) / vae_core.store.bundle.OPTIONAL_FILES[0]).stat().st_mtime)


def extent(replays: list[Replay]) -> tuple[np.ndarray, np.ndarray]:
    """The smallest box holding every frame of these replays: drawn on one scale, a collapsed training's points
    look as small as they are beside a healthy one's."""
    points = np.concatenate([r.coordinates().reshape(-1, 2) for r in replays])
    return points.min(0), points.max(0)


def replay_figure(
    replay: Replay, follow: int | None = None, height: int = 560, box: tuple[np.ndarray, np.ndarray] | None = None
) -> go.Figure:
    """Every frame of the replay as one animated scatter, coloured by label, with play / pause and a slider;
    `follow` (an index into `replay.followed`) adds that sentence's mean and 2σ ellipse. It opens on the last
    frame, the finished map, with axes spanning every frame (or `box`, see `extent`)."""
    coords = replay.coordinates()
    n_frames, n = coords.shape[:2]
    labels = np.asarray(replay.labels if replay.labels is not None else ["sentences"] * n)
    groups = [(value, np.flatnonzero(labels == value)) for value in sorted(set(labels.tolist()))]
    followed = replay.followed_on_map(follow) if follow is not None else None

    def traces(f: int, full: bool) -> list[go.Scatter]:
        """Frame f's traces; `full` adds what does not change between frames (names, colours, hover)."""
        out = []
        for i, (value, rows) in enumerate(groups):
            extra = {}
            if full:
                colour = CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
                hover = [html.escape(replay.texts[r][:160]) for r in rows]
                extra = dict(name=value, hovertext=hover, hoverinfo="text", marker={"size": 5, "color": colour})
            out.append(go.Scatter(x=coords[f, rows, 0], y=coords[f, rows, 1], mode="markers", **extra))
        if followed is not None:
            centres, ellipses = followed
            line = dict(name="q(z|x), 2σ", line={"color": "black", "width": 2}, hoverinfo="skip") if full else {}
            out.append(go.Scatter(x=ellipses[f, :, 0], y=ellipses[f, :, 1], mode="lines", **line))
            star = {}
            if full:
                text = html.escape(replay.texts[replay.followed[follow]])
                star = dict(name="followed sentence", hovertext=[text], hoverinfo="text")
                star["marker"] = {"symbol": "star", "size": 16, "color": "#D55E00", "line": {"color": "black"}}
            out.append(go.Scatter(x=centres[f : f + 1, 0], y=centres[f : f + 1, 1], mode="markers", **star))
        return out

    names = [f"{replay.frame_name(f)} · KL {replay.kl[f]:.1f} nats" for f in range(n_frames)]
    fig = go.Figure(
        data=traces(n_frames - 1, full=True),
        frames=[go.Frame(data=traces(f, full=False), name=names[f]) for f in range(n_frames)],
    )
    low, high = box if box is not None else extent([replay])
    pad = (high - low) * 0.05 + 1e-6
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "transition": {"duration": FRAME_MS // 2}}
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        xaxis={"range": [low[0] - pad[0], high[0] + pad[0]], "autorange": False},
        yaxis={"range": [low[1] - pad[1], high[1] + pad[1]], "autorange": False},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": 1.08,
                "xanchor": "left",
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [names, {**play, "fromcurrent": False}]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], {"mode": "immediate"}]},
                ],
            }
        ],
        sliders=[
            {
                "active": n_frames - 1,
                "currentvalue": {"prefix": "Training: "},
                "font": {"color": "rgba(0,0,0,0)"},  # the steps' own labels: too many to read; the current one shows
                "pad": {"t": 40},
                "steps": [
                    {"label": name, "method": "animate", "args": [[name], {"mode": "immediate", **play}]}
                    for name in names
                ],
            }
        ],
    )
    return fig


def replay_section(replay: Replay, key: str, box: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """The replay with its controls (axes spanning `box` when given), and the followed sentence's story."""
    if len(replay) < 2:
        st.caption("The replay shows once two frames are recorded.")
        return
    options = list(range(len(replay.followed)))
    follow = st.selectbox(
        "Follow a sentence",
        options,
        format_func=lambda k: replay.texts[replay.followed[k]],
        key=f"follow-{key}",
        help="Its posterior mean (the star) and spread (the ellipse) in every frame, and what the decoder wrote.",
    )
    st.plotly_chart(replay_figure(replay, follow, box=box), key=f"replay-{key}")
    st.caption(
        f"{len(replay.texts):,} training sentences' posterior means, {len(replay)} frames: a few in the first epoch, "
        "then one at each epoch's end. Every frame is drawn with the PCA of the last frame, so a point moves as its "
        "mean moves. Press play, or drag the slider."
    )
    story = pd.DataFrame(
        {
            "when": [replay.frame_name(f) for f in range(len(replay))],
            "KL (nats)": np.round(replay.kl, 2),
            "what the decoder wrote back": [frame[follow] for frame in replay.decoded],
        }
    )
    st.dataframe(story, hide_index=True, height=240)
