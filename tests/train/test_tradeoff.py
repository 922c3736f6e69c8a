"""The rate–distortion points: more room for z (a larger BN-VAE γ) means more KL and a better reconstruction."""

import pytest

from tests.conftest import TINY
from vae_core import CorpusOptions, InputError, TrainConfig, load_corpus
from vae_core.train.tradeoff import from_json, rate_distortion, to_json


def test_kl_rises_and_reconstruction_improves_as_the_knob_allows_more_rate(topic_file):
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label", seed=0))
    config = TrainConfig(epochs=4, pretrain_epochs=0, batch_size=32, patience=0, replay_size=0, device="cpu")
    points = rate_distortion(corpus, (0.05, 1.5), TINY, config, sentence=3)
    low, high = points
    assert low.kl < 0.1 < 1 < high.kl
    assert high.rec < low.rec
    assert low.sentence == high.sentence == corpus.texts[3] and all(p.written_back and p.from_prior for p in points)
    assert from_json(to_json(points)) == points
    with pytest.raises(InputError):
        rate_distortion(corpus, (1.0,), TINY, config, sentence=10**6)
    with pytest.raises(InputError):
        from_json('{"gamma": 1}')
