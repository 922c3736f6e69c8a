"""Encoding, interpolation, neighbourhoods and attribute vectors."""

import numpy as np
import pytest

from vae_core import (
    InputError,
    apply_attribute,
    attribute_vector,
    encode,
    interpolate,
    neighbourhood,
    reconstruct,
    sample_prior,
)
from vae_core.explore.latent import lerp, slerp

from ..conftest import MEMORISED


def tokens(tm, text):
    return tm.tokenizer.tokens(text)


@pytest.mark.parametrize("method", ["slerp", "linear"])
def test_interpolation_endpoints_reconstruct_their_sentences(memorised, method):
    path = interpolate(memorised.model, memorised.tokenizer, MEMORISED[0], MEMORISED[3], steps=6, method=method)
    assert [t for t, _ in path] == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert tokens(memorised, path[0][1]) == tokens(memorised, MEMORISED[0])
    assert tokens(memorised, path[-1][1]) == tokens(memorised, MEMORISED[3])


def test_reconstruct_memorised(memorised):
    out = reconstruct(memorised.model, memorised.tokenizer, MEMORISED)
    assert [tokens(memorised, o) for o in out] == [tokens(memorised, s) for s in MEMORISED]


def test_encode_shapes_order_and_batch_independence(trained):
    texts = ["the cat sleeps .", "a baker bakes hot soup .", "the pilot flies to the coast ."]
    mu, logvar = encode(trained.model, trained.tokenizer, texts)
    assert mu.shape == logvar.shape == (3, trained.latent_dim) and mu.dtype == np.float32
    one, _ = encode(trained.model, trained.tokenizer, texts[1:2])
    assert np.allclose(one[0], mu[1], atol=1e-5)


def test_lerp_and_slerp_endpoints_and_norm():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    for mix in (lerp, slerp):
        assert np.allclose(mix(a, b, 0), a) and np.allclose(mix(a, b, 1), b)
    assert np.linalg.norm(slerp(a, b, 0.5)) == pytest.approx(1.0)  # on the circle
    assert np.linalg.norm(lerp(a, b, 0.5)) == pytest.approx(np.sqrt(0.5))  # cuts inside it
    assert np.allclose(slerp(a, a, 0.3), a)  # parallel vectors


def test_sample_prior_and_neighbourhood(trained):
    z, texts = sample_prior(trained.model, trained.tokenizer, 5, seed=0)
    assert z.shape == (5, trained.latent_dim) and len(texts) == 5
    near = neighbourhood(trained.model, trained.tokenizer, "the cat sleeps in the garden .", n=4, radius=0.0)
    assert len(set(near)) == 1  # radius 0: every sample is the sentence's own mean


def test_attribute_vector_moves_a_sentence(memorised):
    mu, _ = encode(memorised.model, memorised.tokenizer, MEMORISED)
    labels = ["a", "a", "a", "b", "b", "b"]
    vector = attribute_vector(mu, labels, "b", "a")
    assert np.allclose(vector, mu[3:].mean(0) - mu[:3].mean(0))
    shifted = apply_attribute(memorised.model, memorised.tokenizer, MEMORISED[0], vector, strengths=[0.0, 1.0])
    assert tokens(memorised, shifted[0][1]) == tokens(memorised, MEMORISED[0])
    with pytest.raises(InputError, match="no sentence has the label"):
        attribute_vector(mu, labels, "a", "c")


def test_bad_inference_inputs(trained):
    with pytest.raises(InputError, match="empty"):
        encode(trained.model, trained.tokenizer, ["fine", "   "])
    with pytest.raises(InputError):
        interpolate(trained.model, trained.tokenizer, "", "the cat sleeps .")
    with pytest.raises(InputError):
        interpolate(trained.model, trained.tokenizer, "a", "b", steps=1)
    with pytest.raises(InputError):
        sample_prior(trained.model, trained.tokenizer, 0)
    # words the model never saw are not an error: they become <unk> and still decode
    mu, _ = encode(trained.model, trained.tokenizer, ["zyzzyva quux flibbertigibbet"])
    assert np.isfinite(mu).all()


def test_nearest_sentences_go_by_angle_about_the_corpus_centre_and_leave_the_query_itself_out():
    from vae_core.explore.latent import nearest_sentences

    points = np.array([[1.0, 0.0], [6.0, 0.0], [-7.0, 0.0], [0.0, 2.0], [0.0, -2.0]], dtype=np.float32)  # mean 0
    rows = nearest_sentences(points, points[0], 2, exclude=0)  # (6, 0) is 5 away, (0, ±2) 2.2, but it points along
    assert rows[0] == (1, pytest.approx(0.0, abs=1e-6)) and rows[1][0] in (3, 4)
    rows = nearest_sentences(points, np.array([0.1, 1.0]), 2)
    assert rows[0][0] == 3 and rows[0][1] == pytest.approx(1 - 1 / np.sqrt(1.01), abs=1e-5) and rows[1][0] in (0, 1)


def test_the_neighbour_space_is_unit_directions_about_a_centre():
    from vae_core.explore.projection import neighbour_space

    points = np.array([[2.0, 1.0], [4.0, 1.0], [3.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(neighbour_space(points), [[-1, 0], [1, 0], [0, 0]], atol=1e-6)  # the centre: 0
    np.testing.assert_allclose(neighbour_space(points[:1], centre=np.zeros(2)), [[2, 1] / np.sqrt(5)], atol=1e-6)


def test_a_few_rows_run_on_one_thread_and_a_batch_keeps_every_thread(trained, monkeypatch):
    """A click's decode or a typed sentence's encode uses one torch thread (the others stay free for the
    browser, a training, another user); a corpus keeps the thread's setting (on an idle machine: the cores others
    keep busy are tested in tests/train/test_seats.py), which is restored afterwards."""
    import torch

    import vae_core.explore.latent as latent

    seen = []
    monkeypatch.setattr(latent, "free_threads", lambda most: most)  # as on an idle machine, whatever runs beside
    real_decode, real_posterior = latent.decode, latent.posterior
    monkeypatch.setattr(latent, "decode", lambda *a, **k: seen.append(torch.get_num_threads()) or real_decode(*a, **k))
    monkeypatch.setattr(
        latent, "posterior", lambda *a, **k: seen.append(torch.get_num_threads()) or real_posterior(*a, **k)
    )
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        mu, _ = encode(trained.model, trained.tokenizer, ["the cat sleeps ."])
        latent.decode_latents(trained.model, trained.tokenizer, np.repeat(mu, 4, axis=0))
        latent.decode_latents(trained.model, trained.tokenizer, np.repeat(mu, latent.FEW_ROWS + 1, axis=0))
        assert seen == [1, 1, 2] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
