"""The explorer's library: how far each point of a map can be believed, the corpus's gaps decoded, concept axes."""

import numpy as np
import pytest

from vae_core import InputError, encode
from vae_core.explore.axes import axis_sentences, concept_axes
from vae_core.explore.gaps import find_gaps
from vae_core.explore.projection import neighbour_space
from vae_core.measure.compare import map_trust

from ..conftest import MEMORISED


def test_map_trust_is_one_where_the_map_keeps_the_neighbours_and_low_where_it_scrambles_them():
    rng = np.random.default_rng(0)
    latents = rng.standard_normal((300, 8)).astype(np.float32)
    kept = map_trust(latents, neighbour_space(latents) * 3.0)  # the space's own measure, scaled: every one kept
    scrambled = map_trust(latents, rng.standard_normal((300, 2)))  # a map unrelated to the space
    assert kept.shape == (300,) and np.all(kept == 1.0)
    assert scrambled.mean() < 0.15  # chance is k / N = 0.03
    with pytest.raises(InputError, match="300 sentences"):
        map_trust(latents, latents[:10])


def test_map_trust_marks_the_points_a_map_tore_apart():
    """Two tight groups drawn on the map each in its own place, except five points thrown into the other group."""
    rng = np.random.default_rng(1)
    plane = np.concatenate([rng.normal(0, 1, (100, 2)), rng.normal(20, 1, (100, 2))])
    latents = np.concatenate([plane, rng.normal(0, 1e-3, (200, 2))], 1).astype(np.float32)  # a flat 4-D space
    coords = neighbour_space(latents)[:, :2] * 10  # the groups' directions from the centre: the space's own measure
    coords[:5] *= -1  # torn from their group on the map
    trust = map_trust(latents, coords)
    assert trust[:5].max() < 0.2 and np.median(trust[5:]) >= 0.9


def test_gaps_lie_far_from_the_corpus_at_likely_places_and_are_decoded(trained):
    mu, _ = encode(trained.model, trained.tokenizer, [f"the cat number {i} sleeps ." for i in range(40)])
    gaps = find_gaps(trained.model, trained.tokenizer, mu, n=5, candidates=400, seed=0)
    assert len(gaps.sentences) == 5 and all(isinstance(s, str) for s in gaps.sentences)
    assert gaps.z.shape == (5, mu.shape[1]) and np.all(np.diff(gaps.gap) <= 1e-6)  # farthest first
    typical = np.median(np.linalg.norm(np.random.default_rng(0).standard_normal((400, mu.shape[1])), axis=1))
    assert np.all(np.linalg.norm(gaps.z, axis=1) <= typical + 1e-5)  # from the likelier half of the prior
    nearest_dist = np.linalg.norm(mu[gaps.nearest_row] - gaps.z, axis=1)
    all_dist = np.linalg.norm(mu[None] - gaps.z[:, None], axis=2).min(1)
    assert np.allclose(nearest_dist, all_dist, atol=1e-4)
    with pytest.raises(InputError):
        find_gaps(trained.model, trained.tokenizer, mu[:1])


def test_a_corpus_that_fills_the_likely_places_has_no_gap_and_says_so(trained):
    """Sentences spread like the prior itself leave no room: nothing is decoded, and the room a gap needs is told."""
    dense = np.random.default_rng(1).standard_normal((4000, trained.model.config.latent_dim)).astype(np.float32)
    gaps = find_gaps(trained.model, trained.tokenizer, dense, n=5, candidates=400, seed=0)
    assert gaps.sentences == [] and gaps.z.shape[0] == 0 and gaps.room > 1.0


def test_concept_axes_put_each_end_where_it_belongs_and_decode_along_the_way(memorised):
    mu, _ = encode(memorised.model, memorised.tokenizer, MEMORISED)
    axes = concept_axes(mu[0], mu[1], mu[2], mu[3])
    assert np.allclose(axes.directions @ axes.directions.T, np.eye(2), atol=1e-5)
    xy = axes.project(mu)
    assert xy[1, 0] > xy[0, 0]  # from the first sentence towards the second along x
    assert np.allclose(xy[[0, 1], 0], axes.ends[0], atol=1e-4)
    along = axis_sentences(memorised.model, memorised.tokenizer, axes, mu, steps=4)
    assert [len(a) for a in along] == [4, 4] and all(isinstance(s, str) and s for a in along for _, s in a)
    assert along[0][0][0] == pytest.approx(axes.ends[0, 0]) and along[0][-1][0] == pytest.approx(axes.ends[0, 1])
    with pytest.raises(InputError, match="same place"):
        concept_axes(mu[0], mu[0], mu[2], mu[3])
    with pytest.raises(InputError, match="same way"):
        concept_axes(mu[0], mu[1], mu[0], mu[1])


def test_a_two_class_label_gets_its_one_direction_and_the_widest_spread_left():
    """Two labels have one direction between them: with y's ends the same label, y is the corpus's leading spread at
    right angles to x (here the long axis of an elongated cloud), not an error."""
    rng = np.random.default_rng(0)
    cloud = rng.normal(size=(500, 4)) * np.array([1.0, 5.0, 0.5, 0.2])  # widest along the 2nd dimension
    labels = cloud[:, 0] > 0
    neg, pos = cloud[~labels].mean(0), cloud[labels].mean(0)
    axes = concept_axes(neg, pos, pos, pos, spread=cloud)
    assert axes.y_is_spread and abs(axes.directions[1, 1]) > 0.95
    assert abs(float(axes.directions[0] @ axes.directions[1])) < 1e-5
    assert axes.ends[1, 0] < axes.ends[1, 1]
