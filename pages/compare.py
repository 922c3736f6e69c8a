"""Compare: the VAE's latent map beside a pretrained sentence encoder's map of the same sentences, with linked
selection, per-sentence neighbour agreement and, when the corpus has labels, k-NN label accuracy of both."""

import numpy as np
import streamlit as st

from ui import figures, latents, selection, state
from ui import frame as frame_table
from vae_core import LatentLabError
from vae_core.explore.projection import MapView
from vae_core.measure.compare import loo_knn_accuracy, neighbour_agreement
from vae_core.model.pretrained import DEFAULT_ENCODER

K = 10  # neighbours compared per sentence

st.title("Compare with a pretrained encoder")
if not state.require(corpus=True, model=True):
    st.stop()
corpus, model = state.current_corpus().value, state.current_model().value
st.caption(
    f"Left: this model's latent space (posterior means). Right: {DEFAULT_ENCODER} sentence embeddings of the "
    f"same sentences. Select points on either map (box or lasso) to ring the same sentences on both."
)

c1, c2, c3 = st.columns([2, 1, 2])
VIEWS = ["UMAP 2-D", "PCA (instant)"]
opens_on = 1 if latents.default_view().method == "pca" else 0  # as Explore: PCA for corpora too large for UMAP here
view_name = c1.radio("Maps", VIEWS, index=opens_on, horizontal=True, key=f"compare_view_{opens_on}")
seed = c2.number_input("Seed", 0, 10**6, 0, key="compare_seed")
label_names = [frame_table.label_column(name) for name in corpus.label_sets]
color_by = c3.selectbox("Colour by", label_names + [f"{K}-NN agreement"], key="compare_colour")
view = MapView("umap" if view_name.startswith("UMAP") else "pca", 2, int(seed))
if view.method == "umap":  # the pretrained map is never at hand for a big corpus: ask whatever the VAE map
    latents.ask_before_a_big_umap()

try:
    pretrained = latents.pretrained_embeddings()
    vae_coords = latents.coordinates(view)
    pretrained_coords = latents.pretrained_coordinates(view)
    vae_neighbours, pretrained_neighbours = latents.neighbours("vae", K), latents.neighbours("pretrained", K)
except LatentLabError as e:
    st.error(str(e))
    st.stop()

agreement = neighbour_agreement(vae_neighbours, pretrained_neighbours)
frame = frame_table.sentence_frame()
frame[f"{K}-NN agreement"] = agreement
summary = st.columns(1 + len(label_names))
summary[0].metric(
    f"{K}-NN agreement",
    f"{agreement.mean():.2f}",
    help=f"Mean share of each sentence's {K} nearest neighbours that both spaces share (random: "
    f"{K / max(len(frame) - 1, 1):.3f}).",
)
for column, name, labels in zip(summary[1:], label_names, corpus.label_sets.values()):
    vae_acc, pre_acc = loo_knn_accuracy(vae_neighbours, labels), loo_knn_accuracy(pretrained_neighbours, labels)
    column.metric(
        f"{K}-NN accuracy: {name}",
        f"VAE {vae_acc:.3f}",
        f"{vae_acc - pre_acc:+.3f} vs pretrained {pre_acc:.3f}",
        help="Leave-one-out: each sentence labelled by the majority of its nearest other sentences.",
    )

highlight = selection.linked_selection(("compare_vae", "compare_pretrained"))
texts, colour = frame["text"].tolist(), frame[color_by]
left, right = st.columns(2)
for column, coords, title, key, space in (
    (left, vae_coords, f"VAE latent space ({model.latent_dim}-D)", "compare_vae", "vae"),
    (right, pretrained_coords, f"{DEFAULT_ENCODER} ({pretrained.shape[1]}-D)", "compare_pretrained", "pretrained"),
):
    fig = figures.map_figure(coords, texts, colour, color_by, seed=int(seed), highlight=highlight, height=480)
    fig.update_layout(title={"text": title})
    column.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points", "box", "lasso"))
    if color_by in label_names:  # a flat map keeps less than its space: say how much, so the two are read fairly
        kept = frame_table.label_kept_on_map(color_by, view, space)
        column.text(
            f"{color_by}: {kept.on_map:.0%} of sentences share it with most of their {K} nearest neighbours on this "
            f"map, {kept.in_space:.0%} in the space itself."
        )

st.subheader("Selected sentences")
if highlight:
    table = frame.loc[highlight, ["id", "text", *label_names, f"{K}-NN agreement"]]
    st.text(f"{len(highlight)} selected; their mean agreement: {np.mean(agreement[highlight]):.2f}.")
    st.dataframe(table, hide_index=True, height=260)
else:
    st.text("Select points on either map to list them here.")
st.subheader("Where the spaces disagree most")
st.dataframe(
    frame.sort_values(f"{K}-NN agreement")[["id", "text", *label_names, f"{K}-NN agreement"]].head(20),
    hide_index=True,
)
