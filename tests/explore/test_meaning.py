"""Meaning and form taken apart: z = [form ; meaning] for a model with a meaning part."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from vae_core import InputError, TextTokenizer, TokenizerConfig
from vae_core.explore import meaning
from vae_core.explore.latent import encode
from vae_core.model.vae import SentenceVAE

from ..conftest import MEMORISED, TINY

SPLIT = dataclasses.replace(TINY, encoder="rnn", latent_dim=TINY.latent_dim + 3, meaning_dim=3)


@pytest.fixture(scope="module")
def split_model() -> tuple[SentenceVAE, TextTokenizer]:
    tokenizer = TextTokenizer.train(MEMORISED, TokenizerConfig(min_frequency=1))
    torch.manual_seed(0)
    return SentenceVAE(SPLIT, tokenizer.vocab_size).eval(), tokenizer


def test_joined_takes_the_form_from_one_and_the_meaning_from_the_other():
    form, sense = np.arange(10.0).reshape(2, 5) + 0.5, -np.arange(10.0).reshape(2, 5)
    z = meaning.joined(form, sense, 3)  # 2 form dimensions, 3 of meaning
    assert z.tolist() == [[0.5, 1.5, -2.0, -3.0, -4.0], [5.5, 6.5, -7.0, -8.0, -9.0]]
    assert meaning.joined(form[:1], sense, 3).shape == (2, 5)  # one form for every meaning


def test_rewrite_restate_and_walk_keep_the_part_they_are_asked_to(split_model):
    model, tokenizer = split_model
    a, b = MEMORISED[0], MEMORISED[1]
    mu, _ = encode(model, tokenizer, [a, b])
    assert len(meaning.rewrite(model, tokenizer, a, mu)) == 2 and len(meaning.restate(model, tokenizer, a, mu)) == 2
    path, written = meaning.walk_meaning(model, tokenizer, a, b, steps=4)
    assert len(written) == 4 and np.allclose(path[:, :-3], mu[0, :-3])  # a's form all the way
    assert np.allclose(path[0, -3:], mu[0, -3:], atol=1e-5) and np.allclose(path[-1, -3:], mu[1, -3:], atol=1e-5)


def test_a_model_without_a_meaning_part_says_so(memorised):
    with pytest.raises(InputError, match="no meaning part"):
        meaning.rewrite(memorised.model, memorised.tokenizer, MEMORISED[0], np.zeros((1, TINY.latent_dim)))
