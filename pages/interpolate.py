"""Interpolate: walk through the latent space from one sentence to another and read the decoded path."""

import numpy as np
import pandas as pd
import streamlit as st

from ui import cards, decoded, figures, latents, state
from vae_core import LatentLabError
from vae_core.explore.coverage import OFF_THE_DATA
from vae_core.explore.latent import PATHS
from vae_core.model.decoding import STRATEGIES

st.title("Interpolate")
if not state.require(model=True):
    st.stop()
model = state.current_model().value
named_corpus = state.current_corpus()
choices = named_corpus.value.texts[:2000] if named_corpus else []

c1, c2 = st.columns(2)
pick_a = c1.selectbox("Sentence A from the dataset", ["(type below)", *choices], index=1 if choices else 0)
pick_b = c2.selectbox(
    "Sentence B from the dataset", ["(type below)", *choices], index=len(choices) // 2 + 1 if choices else 0
)
sentence_a = c1.text_input("Sentence A", value="" if pick_a == "(type below)" else pick_a)
sentence_b = c2.text_input("Sentence B", value="" if pick_b == "(type below)" else pick_b)
c1, c2, c3 = st.columns(3)
steps = c1.slider("Steps", 3, 20, 8)
method = c2.radio(
    "Path",
    PATHS,
    horizontal=True,
    help="slerp follows the sphere where most of the prior's mass lies; linear cuts straight.",
)
strategy = c3.selectbox(  # rerank by default: its midpoints read far more fluently (bench/ROUNDTRIP.md)
    "Decoding", STRATEGIES, index=STRATEGIES.index("rerank"), help=cards.decoding_help()
)
known = c3.checkbox("Known words only", help=cards.KNOWN_WORDS_HELP)
refined_ends = c1.checkbox(
    "Start and end at the sentences",
    value=True,
    help="Walk between each sentence's point refined from its mean (a few gradient steps, within the spread the "
    "encoder gives the sentence) to one the decoder writes it back from, so the path's first and last steps are "
    "A and B far more often (bench/ROUNDTRIP.md, 'Refining z'). Untick to walk between the means themselves.",
)

if st.button("Interpolate", type="primary"):
    st.session_state.interpolation = (sentence_a, sentence_b, steps, method, strategy, known, refined_ends)

if "interpolation" in st.session_state:
    asked = st.session_state.interpolation
    try:
        z_path, written = decoded.interpolation(*asked)
        checks = decoded.path_checks(*asked) if named_corpus is not None and len(named_corpus.value) >= 5 else None
    except LatentLabError as e:
        st.error(str(e))
        del st.session_state.interpolation
        st.stop()
    ts = np.linspace(0, 1, len(written))
    table = pd.DataFrame({"step": range(len(written)), "t": ts.round(3), "decoded sentence": written})
    if checks is not None:
        table["decoder's confidence"] = [c.confidence for c in checks]
        table["where"] = ["far from every sentence" if c.off_the_data else "among the sentences" for c in checks]
    st.dataframe(
        table,
        hide_index=True,
        column_config={"decoder's confidence": st.column_config.ProgressColumn(min_value=0, max_value=1)},
    )
    if checks is not None:
        st.caption(
            f"Confidence: the decoder's geometric-mean probability of the words it wrote. Far: more than "
            f"{OFF_THE_DATA:g}× the corpus's typical distance between neighbouring sentences from any sentence, a "
            "region the decoder was never trained on (marked red on the map)."
        )
        view = latents.path_map()
        coords = latents.coordinates(view)
        st.caption(
            f"The path on the dataset's {view.label} map: each step placed as a typed sentence is; A and B at their "
            "means, with their spread"
            + ("; the path's ends are the points refined within that spread." if asked[-1] else ".")
        )
        fig = figures.map_figure(
            coords,
            named_corpus.value.texts,
            path=decoded.spots_of(view, z_path),
            path_labels=written,
            path_flags=[c.off_the_data for c in checks],
        )
        # each end with its posterior spread: where on the map the walk starts and ends
        figures.add_typed_sentences(fig, view, [(asked[0], "A", "#CC79A7"), (asked[1], "B", "#009E73")])
        st.plotly_chart(fig, key="path-map")

state.warm_up_the_current_encoder()  # on screen: get ready for the first sentence to encode
