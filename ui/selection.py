"""What a user selects on a chart, read back and remembered: Streamlit drops a chart's selection whenever its
figure changes (a typed sentence drawn, a tag's colour, a facet's new counts), so the pages keep the newest one."""

from __future__ import annotations

import hashlib

import numpy as np
import plotly.graph_objects as go
import streamlit as st


def selected_rows(event) -> list[int]:
    """Row ids of the points a user selected on a map made by `map_figure`."""
    try:
        points = event.selection.points
    except AttributeError:
        return []
    return sorted({int(p["customdata"]) for p in points if "customdata" in p and not isinstance(p["customdata"], list)})


def chosen_bars(key: str, memory: dict[str, set[int]]) -> set[int]:
    """The bars chosen on a facet chart (widget `key`): its newest non-empty selection, kept in `memory`. Streamlit
    forgets a chart's selection whenever the chart changes, as a facet does at every choice made on another, so the
    memory holds a choice until it is replaced by another or cleared."""
    rows = selected_rows(st.session_state.get(key))
    if rows:
        memory[key] = set(rows)
    return memory.get(key, set())


def linked_selection(keys: tuple[str, ...]) -> list[int]:
    """Rows selected on whichever of several linked maps (plotly charts with these widget keys) the user
    changed last, so a selection in one map can be shown in the others."""
    memory = st.session_state.setdefault("linked_selection", {"rows": [], "seen": {}})
    for key in keys:
        rows = selected_rows(st.session_state.get(key))
        if rows != memory["seen"].get(key, []):
            memory["seen"][key] = rows
            memory["rows"] = rows
    return memory["rows"]


def figure_digest(fig: go.Figure) -> str:
    """A fingerprint of everything a figure draws (its arrays hashed as bytes, far cheaper than the JSON Streamlit
    sends): Streamlit takes a chart whose figure changed for a new chart, so `kept_selection` compares digests."""
    digest = hashlib.blake2b(digest_size=16)

    def feed(value) -> None:
        if isinstance(value, np.ndarray):
            digest.update(str(value.dtype).encode())
            digest.update("\x1f".join(map(str, value)).encode() if value.dtype == object else value.tobytes())
        elif isinstance(value, dict):
            for key in sorted(value):
                digest.update(key.encode())
                feed(value[key])
        elif isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple, np.ndarray)) for v in value):
            for v in value:
                feed(v)
        else:
            digest.update(repr(value).encode())

    feed(fig.to_plotly_json())
    return digest.hexdigest()


def kept_selection(selected: list[int], memory: dict, figure: str) -> tuple[list[int], bool]:
    """The map's selected rows, and whether they were carried over a redraw. `selected` is what the chart reports
    now, `figure` its figure's digest; `memory` (one scene's, in the session) keeps the newest selection until a new
    one replaces it, the user clears it on the unchanged map (a double click), or `memory` is cleared (a button)."""
    if selected:
        memory.update(rows=list(selected), figure=figure, live=True)
        return list(selected), False
    if not memory or (memory["live"] and memory["figure"] == figure):  # nothing held, or cleared on this very map
        memory.clear()
        return [], False
    memory.update(figure=figure, live=False)  # the map was redrawn, and Streamlit dropped the selection drawn on it
    return memory["rows"], True
