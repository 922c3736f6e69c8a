"""Explore's downloads: every sentence's coordinates and latents (the columns `project` and `encode` write), and the
map as one HTML file that opens with no server."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vae_core.explore.projection import MapView
from vae_core.store.map_table import map_table

from .. import downloads, standalone

LEFT_OUT = ("search match", "KL", "length", "kl")  # the page's working columns, not the sentences' own


def section(frame: pd.DataFrame, coords: np.ndarray, mu: np.ndarray, view: MapView, fig: go.Figure, title: str,
            names: list) -> None:  # fmt: skip
    """The downloads, prepared only when asked for (a big corpus's tables take a while to write)."""
    st.subheader("Download")
    if not st.toggle("Prepare downloads of every sentence's coordinates and latents"):
        return
    export = map_table(frame[[c for c in frame.columns if c not in LEFT_OUT]], coords, view, mu)  # as `project` does
    d1, d2, d3 = st.columns(3)
    d1.download_button("Coordinates and latents (CSV)", export.to_csv(index=False), "latents.csv", "text/csv")
    d2.download_button("Coordinates and latents (Parquet)", downloads.to_parquet_bytes(export), "latents.parquet")
    d3.download_button(
        "This map as one HTML file",
        standalone.standalone_html(fig, title, names),
        "latent-map.html",
        "text/html",
        help="Opens in any browser with no server: the points, colours, names and decoded sentences drawn, and search.",
    )
