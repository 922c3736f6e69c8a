"""Maps, neighbours, clusters and probes of latent vectors."""

import numpy as np
import pytest

from vae_core import InputError
from vae_core.explore.clusters import characteristic_words, kmeans
from vae_core.explore.projection import MapView, nearest, place_points, project
from vae_core.measure.compare import loo_knn_accuracy, neighbour_sets


@pytest.fixture(scope="module")
def blobs():
    """Three well-separated clusters in 16-D, 60 points each."""
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=10, size=(3, 16))
    x = np.concatenate([c + rng.normal(size=(60, 16)) for c in centres]).astype(np.float32)
    return x, np.repeat(["a", "b", "c"], 60)


def test_nearest_matches_brute_force(blobs):
    x, _ = blobs
    idx, dist = nearest(x, x[:5], 4, chunk=2)
    brute = np.linalg.norm(x[:5, None] - x[None], axis=-1)
    assert (idx == np.argsort(brute, axis=1)[:, :4]).all()
    assert np.allclose(dist, np.sort(brute, axis=1)[:, :4], atol=0.02)  # cdist via matmul: ~1e-2 near 0
    own, _ = nearest(x, x, 3, exclude_self=True)
    assert not (own == np.arange(len(x))[:, None]).any()


def test_pca_map_is_deterministic_and_keeps_clusters_apart(blobs):
    x, labels = blobs
    a, b = project(x, "pca", 2), project(x, "pca", 2)
    assert a.shape == (180, 2) and np.array_equal(a, b)
    assert loo_knn_accuracy(neighbour_sets(a, 5), labels) == 1.0


def test_umap_map_same_seed_same_map(blobs):
    x, labels = blobs
    a = project(x, "umap", 2, seed=3)
    b = project(x, "umap", 2, seed=3)
    assert a.shape == (180, 2) and np.allclose(a, b)
    assert loo_knn_accuracy(neighbour_sets(a, 5), labels) > 0.95
    assert project(x, "umap", 3, seed=3).shape == (180, 3)


def test_a_umap_map_reports_its_layout_epochs_and_is_the_same_map(blobs):
    x, _ = blobs
    seen = []
    followed = project(x, "umap", 2, seed=3, on_progress=lambda done, total: seen.append((done, total)))
    assert np.allclose(followed, project(x, "umap", 2, seed=3))
    assert seen[0] == (0, 200) and seen[-1] == (200, 200) and {t for _, t in seen} == {200}
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    project(x, "pca", 2, on_progress=seen.append)  # PCA is instant: nothing to follow


def test_bad_projection_requests(blobs):
    x, _ = blobs
    with pytest.raises(InputError):
        project(x, "tsne")
    with pytest.raises(InputError):
        project(x, "pca", dims=4)
    with pytest.raises(InputError, match="at least"):
        project(x[:3], "pca")


def test_placed_points_land_among_their_neighbours(blobs):
    x, _ = blobs
    coords = project(x, "pca", 2)
    placed = place_points(x[:3] + 0.01, x, coords, k=5)
    assert np.allclose(placed, coords[:3], atol=1.0)


def test_kmeans_and_characteristic_words(blobs):
    x, labels = blobs
    clusters = kmeans(x, 3)
    assert len(set(zip(clusters, labels))) == 3  # each cluster is one blob
    texts = ["red apple pie"] * 20 + ["blue ocean wave"] * 20
    words = characteristic_words(texts, np.array([0] * 20 + [1] * 20), top=3)
    assert set(words[0]) == {"red", "apple", "pie"} and set(words[1]) == {"blue", "ocean", "wave"}
    with pytest.raises(InputError):
        kmeans(x, 1)


def test_a_map_view_has_one_spelling_for_files_urls_and_people():
    view = MapView("umap", 3, 7)
    assert (view.key, view.slug, view.label) == ("umap_3d_seed7", "umap-3d", "UMAP 3-D")
    assert MapView.from_key(view.key) == view and MapView.from_key("kmeans_8") is None
    assert MapView.from_key("pretrained_umap_2d_seed0") is None  # another space's map: its prefix is the caller's
    for bad in [("tsne", 2, 0), ("pca", 4, 0), ("umap", 2, -1)]:
        with pytest.raises(InputError):
            MapView(*bad)


def test_form_and_meaning_each_count_for_half_of_the_angle():
    """A model with a meaning part is measured by its two parts side by side, each about the corpus's centre at unit
    length, whatever their scales: two sentences alike in meaning but not in form sit halfway."""
    from vae_core.explore.projection import measured_space

    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(0, 10.0, (50, 6)), rng.normal(0, 0.1, (50, 3))], axis=1).astype(np.float32)
    measured = measured_space(z, 3)
    assert np.allclose(np.linalg.norm(measured[:, :6], axis=1), np.sqrt(0.5), atol=1e-5)
    assert np.allclose(np.linalg.norm(measured[:, 6:], axis=1), np.sqrt(0.5), atol=1e-5)
    twin = z[:1].copy()
    twin[0, :6] *= -1  # the opposite form, the same meaning
    both = measured_space(np.vstack([z[:1], twin]), 3, centre=np.zeros(9))
    assert float(both[0] @ both[1]) == pytest.approx(0.0, abs=1e-5)  # cos: (-1 + 1) / 2
    assert measured_space(z, 0) is not None and np.array_equal(measured_space(z, 0), z)
