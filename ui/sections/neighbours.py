"""Explore's nearest neighbours: of a typed sentence (also drawn on the map with its spread, its neighbours ringed),
else of the first selected sentence, measured in the full latent space."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import vae_core
from vae_core.errors import LatentLabError

from .. import decoded, latents


def typed(scene: str) -> tuple[str, list[tuple[int, float]], int]:
    """The sentence typed in the box below, its nearest rows (row, distance) and how many were asked for; found
    before the map is drawn, which rings them. A sentence that cannot be encoded is reported and left out."""
    text, k = st.session_state.get(f"typed-{scene}", "").strip(), int(st.session_state.get("k-neighbours", 10))
    if not text:
        return "", [], k
    try:
        z = latents.measured(decoded.posterior_of(text)[0])[0]
        return text, vae_core.explore.latent.nearest_sentences(latents.measured_latents(), z, k), k
    except LatentLabError as e:
        st.error(str(e))
        return "", [], k


def section(scene: str, frame: pd.DataFrame, found: tuple, selected: list[int], label_columns: list[str]) -> None:
    """The box to type a sentence in, and the neighbours' table. `found`: what `typed` returned."""
    text, rows, k = found
    st.subheader("Nearest neighbours in the latent space")
    st.caption(
        "Neighbours are measured between posterior means in the full latent space, not on the 2-D map, by their "
        "angle about the corpus's centre (the distance is 1 − cosine: 0 points the same way). "
        "A typed sentence is drawn on the 2-D map with its posterior spread, its neighbours ringed."
    )
    n1, n2 = st.columns([3, 1])
    n1.text_input("Type a sentence, or leave empty to use the clicked / first selected point", key=f"typed-{scene}")
    n2.number_input("Neighbours", 1, 100, 10, key="k-neighbours")
    if not text and selected:
        measured_mu = latents.measured_latents()
        text = frame.at[selected[0], "text"]
        rows = vae_core.explore.latent.nearest_sentences(measured_mu, measured_mu[selected[0]], k, selected[0])
    if not text:
        return
    st.text(f"Neighbours of: {text}")
    ids = [i for i, _ in rows]
    table = pd.DataFrame({"id": ids, "distance": [d for _, d in rows]})
    st.dataframe(table.join(frame.loc[ids, ["text", *label_columns]].reset_index(drop=True)), hide_index=True)
