"""What the maps are drawn from, computed once per session (see `cache`): the posterior means, map coordinates,
clusters and neighbours of the current dataset under the current model (its sentence table: `frame`). What was
computed elsewhere (the demo's arrays shipped in assets/demo_map.npz, a map made on a server) is put into the same
cache, so nothing below treats it as a special case."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

import vae_core  # its torch-backed modules load on first use: the demo's first map is drawn from shipped arrays
from vae_core.explore.clusters import (
    centres,
    characteristic_words,
    kmeans,
    subclusters,
    words_from_table,
)
from vae_core.explore.projection import MapView, measured_space, neighbour_space, project
from vae_core.measure.compare import map_check_rows, neighbour_sets

from .cache import per_session, precomputed
from .progress import progress
from .state import (
    DEMO_MAP,
    current_corpus,
    current_model,
    set_corpus,
    set_model,
    showing_the_demo,
)

if TYPE_CHECKING:
    from vae_core.store.external import ExternalMap

# the map draws at most this many points (the rest shaded beneath a sample); tables, search and neighbours use all
MAX_MAP_POINTS = int(os.environ.get("LATENT_LAB_MAX_POINTS", 200_000))
UMAP_IN_APP_MAX = 100_000  # above this, a UMAP computed in the app takes minutes on 2 cores: PCA opens instead


@per_session()
def latents() -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and log-variances of the current corpus under the current model."""
    corpus, model = current_corpus().value, current_model().value
    with progress("Encoding the sentences") as follow:
        return vae_core.encode(model.model, model.tokenizer, corpus.texts, on_progress=follow)


def measures_z_as_it_is() -> bool:
    """Whether neighbours and maps measure the current model's z as it is: every model but one with a meaning part.
    The demo has none, so asking loads nothing."""
    named = current_model()
    return named.demo or not named.value.model.config.meaning_dim


def measured(z: np.ndarray) -> np.ndarray:
    """Latent vectors (N, D) of the current model as neighbours and maps measure them: for a model with a meaning
    part, its form and its meaning each about the corpus's centre (`projection.measured_space`), else z as it is."""
    if measures_z_as_it_is():
        return z
    return measured_space(z, current_model().value.model.config.meaning_dim, latents()[0].mean(0))


@per_session()
def measured_latents() -> np.ndarray:
    """The current corpus's posterior means as neighbours and maps measure them (`measured`), found once."""
    return measured(latents()[0])


@per_session()
def coordinates(view: MapView) -> np.ndarray:
    """Map coordinates of the current corpus (of the part of z that is measured)."""
    mu = measured_latents()
    if view.method != "umap":  # instant
        return project(mu, view.method, view.dims, view.seed)
    with st.spinner(f"Computing the {view.label} map of {len(mu):,} points…"):  # the neighbour graph, then:
        with progress(f"Laying out the {view.label} map of {len(mu):,} points (epochs)") as follow:
            return project(mu, view.method, view.dims, view.seed, on_progress=follow)


@per_session()
def map_that_came_with_the_data() -> MapView | None:
    """The view of a map opened with the data (see `open_external`), else None."""
    return None


def open_external(ext: ExternalMap, name: str) -> None:
    """Make a map computed elsewhere the current dataset and model, with its latents and coordinates already in
    the session's cache, so Explore draws it without encoding or projecting anything."""
    set_corpus(ext.corpus, name)
    set_model(ext.model, name)
    current_model().opened_with = current_corpus().key  # its latents are of this dataset, whatever it trained on
    unknown_logvar = np.full_like(ext.latents, np.nan)  # `encode` writes means only: KL per sentence is unknown
    latents.put((ext.latents, unknown_logvar))
    coordinates.put(ext.coords, ext.view)
    map_that_came_with_the_data.put(ext.view)


def default_view() -> MapView:
    """The map Explore opens with: the map that came with the data if any, else UMAP 2-D, or PCA for corpora too
    large to map with UMAP here in reasonable time."""
    came_with = map_that_came_with_the_data()
    if came_with:
        return came_with
    return MapView("pca") if len(current_corpus().value) > UMAP_IN_APP_MAX else MapView("umap")


def has_coordinates(view: MapView) -> bool:
    """Whether this map is at hand without computing it (computed already, shipped with the demo, or opened with
    the data)."""
    return coordinates.has(view)


def ask_before_a_big_umap() -> None:
    """Above UMAP_IN_APP_MAX sentences, a UMAP map computed here takes many minutes: say so, and stop the page
    unless the user asks for it anyway."""
    n = len(current_corpus().value)
    if n <= UMAP_IN_APP_MAX:
        return
    st.warning(
        f"A UMAP map of {n:,} sentences takes many minutes on this machine. Make it on a GPU server with "
        "`python -m vae_core project` and open it from the Models page (see the README's section on big corpora)."
    )
    if not st.button("Compute it here anyway"):
        st.stop()


def path_map() -> MapView:
    """The map to draw a path on: UMAP 2-D when it is already at hand, else PCA (instant)."""
    return MapView("umap") if has_coordinates(MapView("umap")) else MapView("pca")


@per_session(model=False)
def pretrained_embeddings() -> np.ndarray:
    """The pretrained encoder's embeddings of the current corpus (the encoder also keeps a per-text cache for the
    whole server), with a progress bar: ~500 sentences/s on a laptop CPU."""
    encoder = vae_core.model.pretrained.DEFAULT_ENCODER
    with progress(f"Embedding sentences with {encoder}") as follow:
        return vae_core.model.pretrained.embed_texts(current_corpus().value.texts, on_progress=follow)


@per_session(model=False)
def pretrained_coordinates(view: MapView) -> np.ndarray:
    """Map of the pretrained embeddings of the current corpus."""
    with st.spinner(f"Computing the {view.label} map of the {vae_core.model.pretrained.DEFAULT_ENCODER} embeddings…"):
        return project(pretrained_embeddings(), view.method, view.dims, view.seed)


@per_session()
def neighbours(space: str, k: int = 10) -> np.ndarray:
    """Each sentence's k nearest other sentences in the "vae" latent space or the "pretrained" embedding space
    (the agreement and both accuracies are read off these)."""
    points = measured_latents() if space == "vae" else pretrained_embeddings()
    return neighbour_sets(neighbour_space(points), k)


@per_session()
def checked_space_neighbours(space: str) -> np.ndarray:
    """The space's 10 nearest neighbours among the sentences a map check measures: found once per space, whatever
    the map, seed or label checked (and, when every sentence is measured, the same as `neighbours`)."""
    points = measured_latents() if space == "vae" else pretrained_embeddings()
    rows = map_check_rows(len(points))
    return neighbours(space, 10) if len(rows) == len(points) else neighbour_sets(neighbour_space(points)[rows], 10)


@per_session()
def clusters(k: int) -> tuple[np.ndarray, dict[int, list[str]]]:
    """k-means cluster of each sentence of the current corpus and each cluster's characteristic words."""
    mu = measured_latents()
    labels = kmeans(mu, k) if len(mu) >= k else np.zeros(len(mu), dtype=int)
    return labels, characteristic_words(current_corpus().value.texts, labels)


@per_session()
def cluster_sentences(k: int) -> dict[int, str]:
    """What the decoder writes at the centre of each of the k clusters: the cluster named in the model's words."""
    return _centre_sentences(clusters(k)[0])


@per_session()
def subcluster_words(k: int, depth: int = 1) -> tuple[np.ndarray, dict[int, list[str]], dict[int, str]]:
    """Each of the k clusters split in up to three (`depth` 1), and each of those again (2): each sentence's
    sub-cluster at that depth, their words and what their centres decode to."""
    above = clusters(k)[0] if depth == 1 else subcluster_words(k, depth - 1)[0]
    sub = subclusters(measured_latents(), above)
    return sub, characteristic_words(current_corpus().value.texts, sub), _centre_sentences(sub)


def _centre_sentences(ids: np.ndarray) -> dict[int, str]:
    middle = centres(latents()[0], ids)
    model = current_model().value
    written = vae_core.decode_latents(model.model, model.tokenizer, np.stack(list(middle.values())))
    return dict(zip(middle, map(str, written)))


@per_session()
def sentence_kls() -> np.ndarray:
    """KL(q(z|x) || p(z)) of each sentence of the current corpus: how much its code carries."""
    return vae_core.explore.latent.sentence_kl(*latents())


@precomputed
def _the_demos_shipped_results() -> None:
    """When the demo corpus is open, put what assets/make_demo_model.py computed for it into the cache: the maps of
    the pretrained embeddings for the corpus alone, and with the demo model too its latents, maps, clusters and
    KLs. The demo's first map is drawn from these, without importing torch."""
    if not showing_the_demo(model_free=True) or not DEMO_MAP.is_file():
        return
    shipped = dict(np.load(DEMO_MAP))
    if len(shipped.get("pretrained_embeddings", ())) == len(current_corpus().value):
        pretrained_embeddings.put(shipped["pretrained_embeddings"].astype(np.float32))
    for name, array in shipped.items():
        if name.startswith("pretrained_") and (view := MapView.from_key(name.removeprefix("pretrained_"))):
            pretrained_coordinates.put(array, view)
    if not showing_the_demo() or len(shipped.get("latents_mu", ())) != len(current_corpus().value):
        return
    mu = shipped["latents_mu"]
    latents.put((mu, shipped["latents_logvar"]))
    sentence_kls.put(shipped["sentence_kl"])
    for name, array in shipped.items():
        if view := MapView.from_key(name):
            coordinates.put(array, view)
        if (found := re.fullmatch(r"kmeans_(\d+)", name)) and f"{name}_words" in shipped:
            k = int(found.group(1))
            clusters.put((array, words_from_table(shipped[f"{name}_words"])), k)
            if f"{name}_written" in shipped:
                cluster_sentences.put(dict(zip(centres(mu, array), map(str, shipped[f"{name}_written"]))), k)
