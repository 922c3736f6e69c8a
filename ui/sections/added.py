"""Explore's added sentences: the user's own lines, encoded and placed on the 2-D map beside the corpus's (the map is
not recomputed). They travel in the page's link (`new`) while they fit in it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from vae_core.errors import LatentLabError
from vae_core.explore.projection import MapView

from .. import decoded, share


def wanted(scene: str, view: MapView) -> tuple[list[str], tuple[str, ...], np.ndarray | None]:
    """The lines typed (or given by a link), those placed (up to share.MAX_ADDED), and their spots on a 2-D map
    (None on a 3-D one, or when they cannot be encoded: the page says why)."""
    key = f"added-{scene}"
    share.restore(key, "new", str, "")
    typed = [line.strip() for line in st.session_state.get(key, "").splitlines() if line.strip()]
    added = tuple(typed[: share.MAX_ADDED])
    try:
        return typed, added, decoded.placed_sentences(view, added) if added and view.dims == 2 else None
    except LatentLabError as e:
        st.error(str(e))
        return typed, added, None


def section(scene: str, typed: list[str], added: tuple[str, ...], placed: np.ndarray | None) -> None:
    """The box to type them in, and where they landed."""
    st.subheader("Add sentences to this map")
    st.caption(
        f"One sentence a line, up to {share.MAX_ADDED:,}. Each is encoded and placed where its nearest encoded "
        "sentences lie on this map (the map itself is not recomputed), drawn as a diamond. The page's link keeps them "
        f"while they fit in it ({share.MAX_URL_TEXT:,} characters)."
    )
    st.text_area("New sentences", key=f"added-{scene}", height=100, placeholder="a sentence of your own\nanother one")
    share.publish_text("new", "\n".join(added))
    if len(typed) > len(added):
        st.warning(f"Placed the first {len(added):,} of {len(typed):,} lines: more are not drawn beside a map.")
    if placed is not None:
        st.dataframe(pd.DataFrame({"new sentence": added, "x": placed[:, 0], "y": placed[:, 1]}), hide_index=True)
    elif added:
        st.caption("New sentences are placed on the 2-D maps.")
