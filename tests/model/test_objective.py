"""The ELBO's KL term, free bits, β schedules and the bag-of-words term."""

import math

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from vae_core import BetaSchedule, ConfigError, ModelConfig, SentenceVAE, TextTokenizer, TokenizerConfig
from vae_core.data.batching import make_batch, to_ids
from vae_core.model.objective import bag_of_words_nll, batch_loss, kl_objective, kl_per_dim


def test_kl_matches_torch_distributions():
    torch.manual_seed(0)
    mu, logvar = torch.randn(5, 7), torch.randn(5, 7)
    expected = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0))
    assert torch.allclose(kl_per_dim(mu, logvar), expected, atol=1e-5)


def test_kl_is_zero_at_the_prior():
    assert torch.allclose(kl_per_dim(torch.zeros(3, 4), torch.zeros(3, 4)), torch.zeros(3, 4))


def test_free_bits_floor_each_dimension():
    kl = torch.tensor([[0.01, 2.0], [0.03, 4.0]])  # dim 0 averages 0.02, dim 1 averages 3.0
    assert kl_objective(kl, free_bits=0.0).item() == pytest.approx(3.02)
    assert kl_objective(kl, free_bits=0.5).item() == pytest.approx(0.5 + 3.0)


def test_free_bits_stop_the_gradient_below_the_floor():
    mu = torch.tensor([[0.1, 3.0]], requires_grad=True)
    kl_objective(kl_per_dim(mu, torch.zeros(1, 2)), free_bits=0.5).backward()
    assert mu.grad[0, 0] == 0 and mu.grad[0, 1] > 0


@pytest.mark.parametrize(
    "schedule, points",
    [
        (BetaSchedule("constant", beta_max=0.7), {0: 0.7, 50: 0.7, 99: 0.7}),
        (BetaSchedule("linear", warmup=0.5), {0: 0.0, 25: 0.5, 50: 1.0, 99: 1.0}),
        (BetaSchedule("logistic", warmup=0.3), {30: 0.5}),
        (
            BetaSchedule("cyclical", cycles=4, ratio=0.5),
            {0: 0.0, 10: 0.8, 12: 0.96, 13: 1.0, 24: 1.0, 25: 0.0, 35: 0.8},
        ),
    ],
)
def test_schedules(schedule, points):
    for step, beta in points.items():
        assert schedule(step, 100) == pytest.approx(beta, abs=1e-6)


def test_logistic_rises_from_near_zero_to_near_one():
    s = BetaSchedule("logistic", warmup=0.3)
    assert s(0, 100) < 0.01 and s(99, 100) > 0.99
    assert all(s(i, 100) <= s(i + 1, 100) for i in range(99))


def test_bad_schedule_settings():
    for bad in ({"kind": "sometimes"}, {"beta_max": -1}, {"cycles": 0}):
        with pytest.raises(ConfigError):
            BetaSchedule(**bad)


def test_bag_of_words_loss_counts_each_word_of_a_sentence_in_any_order():
    log_probs = torch.log(torch.tensor([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    targets = torch.tensor([[1, 2, 1], [2, 0, 0]])
    mask = torch.tensor([[True, True, True], [True, False, False]])  # the second sentence is one word, then padding
    expected = -(2 * math.log(0.25) + math.log(0.25) + math.log(0.8)) / 2
    assert bag_of_words_nll(log_probs, targets, mask).item() == pytest.approx(expected)
    shuffled = torch.tensor([[2, 1, 1], [2, 0, 0]])
    assert bag_of_words_nll(log_probs, shuffled, mask).item() == pytest.approx(expected)


def test_a_bag_of_words_weight_adds_to_the_loss_and_leaves_the_elbo_terms_alone():
    texts = ["the cat sat on the mat .", "a dog ran in the park .", "birds sing ."]
    tokenizer = TextTokenizer.train(texts, TokenizerConfig(min_frequency=1))
    batch = make_batch(to_ids(tokenizer, texts), [0, 1, 2], tokenizer)
    losses = {}
    for weight in (0.0, 2.0):
        torch.manual_seed(0)
        model = SentenceVAE(ModelConfig(encoder="rnn", latent_dim=4, bow_weight=weight), tokenizer.vocab_size)
        model.eval()
        torch.manual_seed(1)
        losses[weight] = batch_loss(model, batch)
    plain, with_bow = losses[0.0], losses[2.0]
    assert torch.equal(plain.rec, with_bow.rec) and torch.equal(plain.kl, with_bow.kl)
    assert with_bow.loss.item() > plain.loss.item() + 1.0  # an untrained bag of words costs log V nats a word


def test_bow_weight_is_validated():
    with pytest.raises(ConfigError, match="bow_weight"):
        ModelConfig(bow_weight=-1.0)
