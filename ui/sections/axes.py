"""Explore's concept axes: a map whose axes run between two labels or two sentences, with the decoder's sentences
along each axis. Its ends travel in the page's link (`axes`)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from vae_core.errors import LatentLabError
from vae_core.explore.projection import MapView

from .. import decoded, figures, share

ENDS = ("x from", "x to", "y from", "y to")


def restore_from_link(scene: str, label_values: dict[str, list[str]]) -> None:
    """On a scene's first run, the axes a link gave become the widgets' values (once: the widgets hold them after)."""
    share.restore(f"axes-url-{scene}", "axes", share.axes(label_values), None)
    if linked := st.session_state[f"axes-url-{scene}"]:
        st.session_state[f"axes-kind-{scene}"] = "two labels" if linked[0] == "labels" else "two sentences"
        if linked[0] == "labels":
            st.session_state[f"axes-column-{scene}"] = linked[1]
        st.session_state.update({f"axes-{i}-{scene}": end for i, end in enumerate(linked[-4:])})
        st.session_state[f"axes-on-{scene}"] = True
    st.session_state[f"axes-url-{scene}"] = ()


def chosen_ends(scene: str, label_columns: list[str], label_values: dict[str, list[str]]) -> tuple[str, ...]:
    """The widgets that choose the two axes: ("labels", column, 4 values) or ("sentences", 4 sentences)."""
    kinds = (["two labels"] if label_columns else []) + ["two sentences"]
    kind = st.radio("Each axis runs between", kinds, horizontal=True, key=f"axes-kind-{scene}")
    if kind == "two labels":
        column = st.selectbox("Label", label_columns, key=f"axes-column-{scene}")
        values = label_values[column]
        boxes = st.columns(4)
        picks = [
            box.selectbox(name, values, key=f"axes-{i}-{scene}",
                          **({} if f"axes-{i}-{scene}" in st.session_state else {"index": min(i, len(values) - 1)}))
            for i, (box, name) in enumerate(zip(boxes, ENDS))
        ]  # fmt: skip
        return ("labels", column, *picks)
    boxes = st.columns(4)
    return (
        "sentences",
        *(box.text_input(name, key=f"axes-{i}-{scene}") for i, (box, name) in enumerate(zip(boxes, ENDS))),
    )


def section(scene: str, frame: pd.DataFrame, label_columns: list[str], color_by: str, view: MapView) -> None:
    """The concept axes' heading, choices, map and the decoder's sentences along each axis."""
    st.subheader("Concept axes")
    st.caption(
        "A map whose axes are directions you choose: from one label's sentences to another's, or from one sentence "
        "to another (the second axis at right angles to the first). Below it, the decoder's sentences along each axis."
    )
    label_values = {c: sorted(frame[c].astype(str).unique()) for c in label_columns}
    restore_from_link(scene, label_values)
    ends = chosen_ends(scene, label_columns, label_values)
    axes_on = st.toggle("Draw the concept axes", key=f"axes-on-{scene}")
    share.publish_text("axes", json.dumps(list(ends)) if axes_on else None)
    if not axes_on:
        return
    try:
        if ends[0] == "sentences" and not all(t.strip() for t in ends[1:]):
            raise LatentLabError("type the four sentences the two axes run between.")
        axis_coords, along, y_is_spread = decoded.concept_map(ends)
    except LatentLabError as e:
        st.error(str(e))
        return
    names = ends[2:] if ends[0] == "labels" else ENDS
    y_title = "the widest spread left (at right angles to x)" if y_is_spread else f"{names[2]} → {names[3]}"
    if y_is_spread:
        st.caption("The y ends give no direction of their own (one place, or x's again: two labels have one "
                   "direction between them), so y is the corpus's widest spread at right angles to x.")  # fmt: skip
    axes_fig = figures.map_figure(axis_coords, frame["text"].tolist(), frame[color_by], color_by, seed=view.seed)
    axes_fig.update_layout(xaxis_title=f"{names[0]} → {names[1]}", yaxis_title=y_title, dragmode="zoom")
    st.plotly_chart(axes_fig, key="axes-map")
    for axis, steps in zip(("x", "y"), along):
        st.dataframe(
            pd.DataFrame({f"along {axis}": [round(c, 2) for c, _ in steps], "decoded": [t for _, t in steps]}),
            hide_index=True,
        )
