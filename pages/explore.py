"""Explore: the map of every sentence's latent vector; colour, select, search, neighbours and clusters."""

import numpy as np
import pandas as pd
import streamlit as st

from ui import downloads, figures, latents, share, state
from vae_core import LatentLabError, encode
from vae_core.latent import nearest_sentences

st.title("Explore the latent space")
if not state.require(corpus=True, model=True):
    st.stop()
corpus, model = state.current_corpus().value, state.current_model().value

VIEWS = {"UMAP 2-D": ("umap", 2), "UMAP 3-D": ("umap", 3), "PCA (instant)": ("pca", 2)}
SLUGS = {"UMAP 2-D": "umap-2d", "UMAP 3-D": "umap-3d", "PCA (instant)": "pca"}  # the view as the URL names it
first_method, first_dims, first_seed = latents.default_view()
first_view = next(name for name, spec in VIEWS.items() if spec == (first_method, first_dims))
color_options = [latents.label_column(name) for name in corpus.label_sets] + ["cluster", "search match", "length", "KL"]
scene = state.current_corpus().key + state.current_model().key  # a new dataset or model opens on its own defaults
share.restore(f"view-{scene}", "view", lambda s: {v: k for k, v in SLUGS.items()}[s], first_view)
share.restore(f"seed-{scene}", "seed", share.whole_number(0, 10**6), first_seed)
share.restore(f"colour-{scene}", "colour", share.choice(color_options), color_options[0])
share.restore(f"search-{scene}", "search", str, "")
c1, c2, c3, c4 = st.columns([2, 1, 2, 2])
view = c1.radio(
    "Map",
    list(VIEWS),
    key=f"view-{scene}",
    horizontal=True,
    help="PCA is a linear view; UMAP keeps neighbourhoods and shows clusters better.",
)
seed = c2.number_input("Seed", 0, 10**6, key=f"seed-{scene}", help="The same seed gives the same map.")
color_by = c3.selectbox("Colour by", color_options, key=f"colour-{scene}")
query = c4.text_input("Search sentences", key=f"search-{scene}", placeholder="a word or phrase")
share.publish(view=SLUGS[view], seed=int(seed), colour=color_by, search=query)
n_clusters = st.sidebar.slider("k-means clusters", 2, 30, 8)

method, dims = VIEWS[view]
if method == "umap" and not latents.has_coordinates(method, dims, int(seed)):
    latents.ask_before_a_big_umap()
try:
    mu, logvar = latents.latents()
    coords = latents.coordinates(method, dims, int(seed))
except LatentLabError as e:
    st.error(str(e))
    st.stop()
frame = latents.sentence_frame()
if color_by == "cluster":  # numbers that name groups: coloured as categories
    frame["cluster"] = pd.Categorical(latents.clusters(n_clusters)[0])
matches = frame["text"].str.contains(query, case=False, regex=False) if query else pd.Series(False, index=frame.index)
frame["search match"] = np.where(matches, "match", "other")
frame["KL"] = frame["kl"]

fig = figures.map_figure(coords, frame["text"].tolist(), frame[color_by], color_by, seed=int(seed))
if len(frame) > latents.MAX_MAP_POINTS:
    st.info(
        f"The map draws {latents.MAX_MAP_POINTS:,} of {len(frame):,} points; tables, search and neighbours use all."
    )
if query:
    st.text(f"{int(matches.sum()):,} sentences match {query!r}.")
event = st.plotly_chart(fig, key="map", on_select="rerun", selection_mode=("points", "box", "lasso"))
selected = figures.selected_rows(event)
clusters, cluster_words = latents.clusters(n_clusters)  # after the map is on its way: a first map never waits on it
frame["cluster"] = pd.Categorical(clusters)

st.subheader("Selection")
if dims == 3:
    st.caption("Box and lasso selection work on the 2-D maps; click points to select them here.")
if selected:
    table = frame.loc[selected, [c for c in frame.columns if c not in ("search match", "KL")]]
    st.text(f"{len(selected)} sentences selected.")
    st.dataframe(table, hide_index=True, height=260)
    d1, d2 = st.columns(2)
    d1.download_button("Selection as CSV", table.to_csv(index=False), "selection.csv", "text/csv")
    d2.download_button("Selection as Parquet", downloads.to_parquet_bytes(table), "selection.parquet")
else:
    st.caption("Drag a box or lasso on the 2-D map (or click a point) to list sentences here.")
if query and matches.any():
    with st.expander(f"Search results ({int(matches.sum()):,})"):
        st.dataframe(frame.loc[matches, ["id", "text"]], hide_index=True, height=240)

st.subheader("Nearest neighbours in the latent space")
st.caption("Distances are measured between posterior means in the full latent space, not on the 2-D map.")
n1, n2 = st.columns([3, 1])
typed = n1.text_input("Type a sentence, or leave empty to use the clicked / first selected point")
k = n2.number_input("Neighbours", 1, 100, 10)
try:
    if typed.strip():
        anchor, rows = typed, nearest_sentences(mu, encode(model.model, model.tokenizer, [typed])[0], int(k))
    elif selected:
        anchor, rows = frame.at[selected[0], "text"], nearest_sentences(mu, mu[selected[0]], int(k), selected[0])
    else:
        anchor, rows = None, []
    if anchor is not None:
        st.text(f"Neighbours of: {anchor}")
        st.dataframe(
            pd.DataFrame(
                {
                    "id": [i for i, _ in rows],
                    "distance": [d for _, d in rows],
                    "text": [frame.at[i, "text"] for i, _ in rows],
                }
            ),
            hide_index=True,
        )
except LatentLabError as e:
    st.error(str(e))

st.subheader("Clusters")
sizes = frame["cluster"].value_counts()
st.dataframe(
    pd.DataFrame(
        {
            "cluster": sorted(cluster_words),
            "sentences": [int(sizes.get(c, 0)) for c in sorted(cluster_words)],
            "characteristic words": [", ".join(cluster_words[c]) for c in sorted(cluster_words)],
        }
    ),
    hide_index=True,
)

st.subheader("Download")
if st.toggle("Prepare downloads of every sentence's coordinates and latents"):
    export = frame[[c for c in frame.columns if c not in ("search match", "KL", "length", "kl")]].copy()
    for i in range(coords.shape[1]):
        export[f"{method}_{i}"] = coords[:, i]
    for i in range(mu.shape[1]):
        export[f"z_{i}"] = mu[:, i]
    d1, d2 = st.columns(2)
    d1.download_button("Coordinates and latents (CSV)", export.to_csv(index=False), "latents.csv", "text/csv")
    d2.download_button("Coordinates and latents (Parquet)", downloads.to_parquet_bytes(export), "latents.parquet")
