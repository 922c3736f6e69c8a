"""Reading a map backwards: the latent vector behind a spot, what the decoder writes there, a sentence's posterior
on the map, and the names written on clusters."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ui.layers import clicked_spot
from vae_core import InputError, load_bundle
from vae_core.data.corpus import load_corpus
from vae_core.explore.clusters import (
    centres,
    characteristic_words,
    kmeans,
    label_spots,
    words_from_table,
    words_to_table,
)
from vae_core.explore.coverage import OFF_THE_DATA, check_path, typical_spacing
from vae_core.explore.inverse import LatentMap, read_spot, spread_on_map, write_grid
from vae_core.explore.latent import decode_latents
from vae_core.explore.projection import project

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@pytest.fixture(scope="module")
def demo():
    """The demo model with its shipped latents and maps (as the app shows them)."""
    saved = np.load(ASSETS / "demo_map.npz")
    return load_bundle(ASSETS / "demo_model"), {k: saved[k] for k in saved.files}


def test_a_pca_map_is_inverted_exactly():
    x = np.random.default_rng(0).normal(size=(200, 12)).astype(np.float32)
    lmap = LatentMap(x, project(x, "pca", 2), "pca")
    spots = lmap.grid(6)
    assert lmap.exact
    assert np.allclose(lmap.to_map(lmap.to_latent(spots)), spots, atol=1e-4)


def test_a_map_made_elsewhere_is_not_taken_for_pca():
    x = np.random.default_rng(0).normal(size=(200, 12)).astype(np.float32)
    assert not LatentMap(x, x[:, :2] * 3 + 1, "pca").exact  # labelled PCA, but not the PCA of these vectors


def test_the_demo_umap_map_read_backwards_lands_where_it_started(demo):
    """The UMAP inverse (a kernel-weighted mean of the spot's map neighbours' vectors), placed back on the map:
    within 2% of the map's diagonal for half the sentences' spots and within 4% for nine in ten (measured on
    the shipped demo map: median 0.7%, 90th percentile 1.6%)."""
    _, saved = demo
    lmap = LatentMap(saved["latents_mu"], saved["umap_2d_seed0"], "umap", saved["latents_logvar"])
    spots = lmap.coords[::20]
    error = np.hypot(*(lmap.to_map(lmap.to_latent(spots)) - spots).T) / lmap.size
    assert not lmap.exact
    assert np.median(error) < 0.02 and np.percentile(error, 90) < 0.04


def test_a_spot_between_the_sentences_decodes_to_a_sentence_with_its_drift(demo):
    model, saved = demo
    lmap = LatentMap(saved["latents_mu"], saved["umap_2d_seed0"], "umap", saved["latents_logvar"])
    reading = read_spot(model.model, model.tokenizer, lmap, lmap.grid(5)[7], n_samples=3)
    assert reading.sentence.strip() and len(reading.samples) == 3
    assert np.isfinite(reading.landed).all() and 0 <= reading.drift < 1 and 0 <= reading.gap < 1
    again = read_spot(model.model, model.tokenizer, lmap, lmap.grid(5)[7], n_samples=3)
    assert again.sentence == reading.sentence and again.samples == reading.samples  # seeded


def test_the_whole_map_written_on_a_grid(demo):
    model, saved = demo
    lmap = LatentMap(saved["latents_mu"], saved["pca_2d_seed0"], "pca")
    spots, sentences = write_grid(model.model, model.tokenizer, lmap, 3)
    assert spots.shape == (9, 2) and len(sentences) == 9 and all(s.strip() for s in sentences)
    assert spots[0, 1] > spots[-1, 1]  # rows from the top of the map down
    with pytest.raises(InputError):
        lmap.grid(0)


def test_a_sentence_posterior_on_the_map_is_its_2_sigma_ellipse(demo):
    """On a PCA map the posterior's projection is known exactly, N(W mu, W diag(sigma^2) W^T): the ellipse drawn
    from 400 draws lies at Mahalanobis distance 2 from its centre, within sampling error."""
    _, saved = demo
    lmap = LatentMap(saved["latents_mu"], saved["pca_2d_seed0"], "pca")
    mu, logvar = saved["latents_mu"][0], saved["latents_logvar"][0]
    cloud, ellipse = spread_on_map(lmap, mu, logvar, n=400)
    w = lmap.pca.components_
    cov = w @ np.diag(np.exp(logvar)) @ w.T
    offset = ellipse - lmap.to_map(mu)[0]
    distance = np.sqrt(np.einsum("ni,ij,nj->n", offset, np.linalg.inv(cov), offset))
    assert cloud.shape == (400, 2) and np.allclose(ellipse[0], ellipse[-1])
    assert np.all(np.abs(distance - 2) < 0.3)


def test_maps_too_small_or_misshapen_are_refused():
    with pytest.raises(InputError):
        LatentMap(np.zeros((2, 4)), np.zeros((2, 2)), "pca")
    with pytest.raises(InputError):
        LatentMap(np.zeros((5, 4)), np.zeros((5, 4)), "umap")
    with pytest.raises(InputError):  # a 3-D map places points, but a grid of spots is drawn on a plane
        LatentMap(np.random.default_rng(0).normal(size=(5, 4)), np.zeros((5, 3)), "umap").grid(3)


def test_a_pca_map_places_new_vectors_by_its_own_projection_in_2_and_3_dimensions():
    """Added sentences, gaps and paths land where the PCA that drew the map puts them, exactly as a typed sentence
    does, on a 2-D and a 3-D map alike; a UMAP map places them among their nearest neighbours."""
    from vae_core.explore.projection import place_points, project

    rng = np.random.default_rng(0)
    latents, new = rng.normal(size=(60, 8)).astype(np.float32), rng.normal(size=(5, 8)).astype(np.float32)
    for dims in (2, 3):
        coords = project(latents, "pca", dims)
        lmap = LatentMap(latents, coords, "pca")
        assert lmap.exact
        np.testing.assert_allclose(lmap.to_map(latents), coords, atol=1e-4)
        np.testing.assert_allclose(
            lmap.to_latent(lmap.to_map(new)), lmap.pca.inverse_transform(lmap.pca.transform(new)), atol=1e-4
        )
        umap_like = LatentMap(latents, coords, "umap")  # (coordinates from elsewhere: no projection to invert)
        np.testing.assert_allclose(umap_like.to_map(new), place_points(new, latents, coords), atol=1e-5)


def test_cluster_names_are_words_that_set_the_cluster_apart_never_stop_words():
    texts = ["the soup was hot and the bread was fresh"] * 15 + ["the match was won and the team is happy"] * 15
    texts += ["it is 42 <unk> and it was cold"] * 5
    words = characteristic_words(texts, np.array([0] * 15 + [1] * 15 + [1] * 5), top=4)
    assert set(words[0]) == {"soup", "hot", "bread", "fresh"}
    assert {"match", "won", "team"} <= set(words[1]) | {"happy"}
    assert not (set(words[0]) | set(words[1])) & (ENGLISH_STOP_WORDS | {"unk", "42"})
    assert characteristic_words(["the and is", "was it"], np.array([0, 1])) == {0: [], 1: []}


def test_cluster_names_on_the_demo_and_where_they_are_written(demo):
    _, saved = demo
    corpus = load_corpus(ASSETS / "demo_corpus.tsv")
    labels = kmeans(saved["latents_mu"], 8)
    words = characteristic_words(corpus.texts, labels)
    assert sorted(words) == list(range(8)) and all(words[c] for c in words)
    assert not set().union(*words.values()) & ENGLISH_STOP_WORDS
    spots = label_spots(saved["umap_2d_seed0"], labels)
    for c, spot in spots.items():  # each name sits on a member of its cluster
        assert any(np.array_equal(spot, p) for p in saved["umap_2d_seed0"][labels == c])
    middle = centres(saved["latents_mu"], labels)
    assert np.allclose(middle[0], saved["latents_mu"][labels == 0].mean(0), atol=1e-5)


def test_the_demo_ships_its_clusters_words_as_they_are_computed(demo):
    """Explore's first map names the demo's clusters from assets/demo_map.npz (no scikit-learn text import on
    the way): what ships is what `characteristic_words` gives for the shipped clusters, through a table numpy
    saves without pickling."""
    _, saved = demo
    corpus = load_corpus(ASSETS / "demo_corpus.tsv")
    fresh = characteristic_words(corpus.texts, saved["kmeans_8"])
    assert words_from_table(saved["kmeans_8_words"]) == fresh
    assert words_from_table(words_to_table({0: ["a", "b"], 1: [], 2: ["c"]})) == {0: ["a", "b"], 1: [], 2: ["c"]}


def test_a_click_on_the_grid_is_a_spot_and_a_click_on_a_sentence_is_not():
    def event(*points):
        return {"selection": {"points": list(points)}}

    assert clicked_spot(event({"curve_number": 0, "x": 1.5, "y": -2.0})) == (1.5, -2.0)
    assert clicked_spot(event({"curve_number": 2, "x": 1.5, "y": 2.0, "customdata": 7})) is None
    assert clicked_spot(event({"curve_number": 0, "x": 1, "y": 2}, {"curve_number": 0, "x": 2, "y": 2})) is None
    assert clicked_spot(None) is None and clicked_spot(event()) is None


def test_a_path_step_far_from_every_sentence_is_flagged_and_the_decoder_is_surer_on_the_data(demo):
    model, saved = demo
    mu = saved["latents_mu"]
    far = mu[0] + 40 * np.sign(mu[0])  # well outside the encoded sentences
    z = np.stack([mu[0], far])
    sentences = decode_latents(model.model, model.tokenizer, z)
    near_check, far_check = check_path(model.model, model.tokenizer, z, sentences, mu)
    assert near_check.gap == pytest.approx(0, abs=1e-3) and not near_check.off_the_data
    assert far_check.off_the_data and far_check.gap > OFF_THE_DATA
    assert 0 < far_check.confidence <= 1 and 0.5 < near_check.confidence <= 1
    assert typical_spacing(mu) > 0


def test_the_kernel_behind_a_umap_spot_is_umaps_own():
    """The weights `to_latent` gives a UMAP spot's neighbours are UMAP's output kernel at umap-learn's defaults
    (spread 1, min_dist 0.1), written as two constants so that a click does not import umap."""
    from umap.umap_ import find_ab_params

    from vae_core.explore.inverse import UMAP_A, UMAP_B

    a, b = find_ab_params(1.0, 0.1)
    assert abs(a - UMAP_A) < 1e-3 and abs(b - UMAP_B) < 1e-3
