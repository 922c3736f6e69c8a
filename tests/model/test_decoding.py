"""Greedy, sampling and beam-search decoding."""

import copy

import pytest
import torch

from vae_core import ConfigError, DecodeConfig, decode
from vae_core.model.decoding import filter_logits

from ..conftest import MEMORISED


def z_of(tm, texts):
    from vae_core.explore.latent import encode

    return torch.as_tensor(encode(tm.model, tm.tokenizer, texts)[0])


def same_tokens(tm, a: str, b: str) -> bool:
    return tm.tokenizer.tokens(a) == tm.tokenizer.tokens(b)


@pytest.mark.parametrize("strategy", ["greedy", "beam", "rerank"])
def test_memorised_sentences_come_back(memorised, strategy):
    out = decode(memorised.model, memorised.tokenizer, z_of(memorised, MEMORISED), DecodeConfig(strategy=strategy))
    assert all(same_tokens(memorised, o, s) for o, s in zip(out, MEMORISED)), out


def test_reranking_picks_the_sentence_whose_encoding_lands_nearest_z(trained):
    """Greedy's and the beam's answers are among the candidates: re-ranking never lands farther from z than
    either, and does land nearer for some of these points."""
    z = torch.randn(12, trained.latent_dim, generator=torch.Generator().manual_seed(0))

    def distance(strategy: str) -> torch.Tensor:
        out = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy=strategy, beam_size=5, candidates=5))
        return (z_of(trained, [o or "?" for o in out]) - z).pow(2).sum(1)

    greedy, beam, reranked = distance("greedy"), distance("beam"), distance("rerank")
    assert (reranked <= torch.minimum(greedy, beam) + 1e-4).all(), (reranked, greedy, beam)
    assert (reranked < torch.minimum(greedy, beam) - 1e-3).any()


def test_sampling_is_seeded_and_varied(trained):
    z = torch.zeros(6, trained.latent_dim)
    cfg = DecodeConfig(strategy="sample", temperature=1.5, seed=1)
    a, b = decode(trained.model, trained.tokenizer, z, cfg), decode(trained.model, trained.tokenizer, z, cfg)
    assert a == b
    assert len(set(a)) > 1  # the same z gives different sentences when sampling
    c = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy="sample", temperature=1.5, seed=2))
    assert c != a


def test_top_k_one_is_greedy(trained):
    z = torch.randn(5, trained.latent_dim, generator=torch.Generator().manual_seed(0))
    greedy = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy="greedy"))
    top1 = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy="sample", top_k=1, seed=5))
    assert greedy == top1


def test_beam_of_one_without_length_penalty_is_greedy(trained):
    z = torch.randn(5, trained.latent_dim, generator=torch.Generator().manual_seed(1))
    greedy = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy="greedy"))
    beam = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy="beam", beam_size=1, length_penalty=0))
    assert greedy == beam


def test_max_len_bounds_the_output(trained):
    z = torch.randn(4, trained.latent_dim)
    for strategy in ("greedy", "sample", "beam"):
        out = decode(trained.model, trained.tokenizer, z, DecodeConfig(strategy=strategy, max_len=3))
        assert all(len(trained.tokenizer.tokens(t)) <= 3 for t in out)


def test_filter_logits():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    assert torch.isinf(filter_logits(logits, top_k=2)).tolist() == [[False, False, True, True]]
    # nucleus 0.7: 0.5 alone is not enough, 0.5 + 0.3 crosses it, the rest goes
    assert torch.isinf(filter_logits(logits, top_p=0.7)).tolist() == [[False, False, True, True]]
    assert torch.isinf(filter_logits(logits, top_p=0.4)).tolist() == [[False, True, True, True]]


def test_bad_decoding_settings(trained):
    z = torch.zeros(1, trained.latent_dim)
    for bad in ({"strategy": "psychic"}, {"temperature": 0}, {"top_p": 0}, {"beam_size": 0}, {"candidates": 0}):
        with pytest.raises(ConfigError):
            decode(trained.model, trained.tokenizer, z, DecodeConfig(**bad))
    with pytest.raises(ConfigError, match="shape"):
        decode(trained.model, trained.tokenizer, torch.zeros(1, trained.latent_dim + 1))


@pytest.mark.parametrize("strategy", ["greedy", "beam", "rerank"])
def test_known_words_only_never_writes_the_unknown_word(trained, strategy):
    model = copy.deepcopy(trained.model)
    with torch.no_grad():
        model.out.bias[trained.tokenizer.unk_id] += 50.0  # a decoder that would write ▢ at every step
    z = torch.randn(4, trained.latent_dim, generator=torch.Generator().manual_seed(0))
    assert all("▢" in s for s in decode(model, trained.tokenizer, z, DecodeConfig(strategy=strategy, max_len=8)))
    known = decode(model, trained.tokenizer, z, DecodeConfig(strategy=strategy, unknown_words=False))
    assert all(known) and not any("▢" in s for s in known), known
    if strategy == "greedy":  # the other words' scores are untouched: what the model writes without ▢ either way
        assert known == decode(trained.model, trained.tokenizer, z, DecodeConfig(unknown_words=False))
