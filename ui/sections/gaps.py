"""Explore's gaps: places the prior expects sentences where the corpus is thin, decoded and drawn as stars. How many
were asked for travels in the page's link (`gaps`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import vae_core

from .. import decoded, share


def wanted(scene: str, known_words_only: bool) -> vae_core.explore.gaps.Gaps | None:
    """The gaps asked for on this scene (by the button below, or by a link), found before the map is drawn."""
    key = f"gaps-{scene}"
    share.restore(key, "gaps", share.whole_number(1, 50), None)
    share.publish(gaps=st.session_state[key])
    return decoded.gaps(st.session_state[key], known_words_only) if st.session_state.get(key) else None


def section(scene: str, gaps: vae_core.explore.gaps.Gaps | None, texts: np.ndarray) -> None:
    """The gaps' heading, the button that asks for them, and what was found (or that there is no gap)."""
    st.subheader("Sentences your corpus does not contain yet")
    st.caption(
        "Places the prior expects sentences but the corpus is thin (far from every encoded sentence), decoded. "
        "Drawn on the 2-D map as stars; the gap is in typical nearest-neighbour spacings (1: as close as sentences "
        "lie). Only places with room count: farther from every sentence than most sentences lie from their own nearest."
    )
    g1, g2 = st.columns([1, 3])
    how_many = g1.number_input("How many", 1, 50, 12, key=f"gaps-n-{scene}")
    if g2.button("Decode the corpus's gaps", key=f"gaps-go-{scene}"):
        st.session_state[f"gaps-{scene}"] = int(how_many)
        st.rerun()
    if gaps is None:
        return
    room = vae_core.explore.gaps.ROOM
    if not gaps.sentences:
        st.info(
            f"No gap found: every likely place of the prior lies as near a sentence as {room:.0%} of the corpus's "
            f"sentences lie to their own nearest (a gap needs {gaps.room:.2f} typical spacings). The corpus covers "
            "what the model expects here."
        )
        return
    st.caption(f"A gap here: over {gaps.room:.2f} typical spacings from every sentence (farther than {room:.0%} of "
               "the sentences lie from their own nearest).")  # fmt: skip
    table = {
        "decoded in a gap": gaps.sentences,
        "gap": np.round(gaps.gap, 2),
        "nearest corpus sentence": texts[gaps.nearest_row],
    }
    st.dataframe(pd.DataFrame(table), hide_index=True)
