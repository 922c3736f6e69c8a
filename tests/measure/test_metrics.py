"""Metrics computed the standard way."""

import math

import torch

from vae_core import evaluate
from vae_core.data.batching import to_ids
from vae_core.measure.metrics import active_units, elbo_terms, iw_nll, mutual_information

from ..conftest import make_sentences


def test_active_units_counts_dimensions_that_vary():
    mu = torch.zeros(100, 4)
    mu[:, 0] = torch.linspace(-1, 1, 100)  # variance ~0.34
    mu[:, 1] = torch.linspace(-0.05, 0.05, 100)  # variance ~0.0009
    assert active_units(mu) == 1


def test_mutual_information_is_zero_when_posteriors_are_identical():
    mu, logvar = torch.zeros(200, 3), torch.zeros(200, 3)
    assert abs(mutual_information(mu, logvar)) < 0.05


def test_mutual_information_approaches_log_n_for_separated_posteriors():
    mu = torch.arange(400, dtype=torch.float32)[:, None].repeat(1, 8) * 10
    logvar = torch.full((400, 8), -4.0)
    assert abs(mutual_information(mu, logvar) - math.log(400)) < 0.3  # the estimate's sampling noise is ~0.1


def test_iw_nll_is_tighter_than_the_elbo(trained):
    texts, _ = make_sentences(60, seed=1)
    seqs = to_ids(trained.tokenizer, texts)
    neg_elbo = -elbo_terms(trained.model, trained.tokenizer, seqs)["elbo"]
    nll = iw_nll(trained.model, trained.tokenizer, seqs, k=50).mean().item()
    assert nll < neg_elbo
    assert nll > 0


def test_the_elbo_without_the_accuracy_pass_is_the_same_elbo(trained):
    seqs = to_ids(trained.tokenizer, make_sentences(60, seed=1)[0])
    full = elbo_terms(trained.model, trained.tokenizer, seqs)
    lean = elbo_terms(trained.model, trained.tokenizer, seqs, accuracy=False)
    assert "rec_accuracy" in full and "rec_accuracy" not in lean
    assert lean == {key: full[key] for key in lean}


def test_evaluate_reports_the_standard_keys(trained):
    texts, _ = make_sentences(40, seed=2)
    m = evaluate(trained.model, trained.tokenizer, texts, iw_samples=10)
    for key in ("elbo", "rec", "kl", "nll_iw", "ppl", "mi", "active_units", "latent_dim", "n_sentences"):
        assert key in m
    assert m["n_sentences"] == 40 and m["latent_dim"] == 8
    assert math.isclose(m["elbo"], -(m["rec"] + m["kl"]), rel_tol=1e-9)
    assert math.isclose(m["ppl"], math.exp(m["nll_iw"] * 40 / m["n_tokens"]), rel_tol=1e-6)
    assert 0 <= m["rec_accuracy"] <= 1 and m["kl"] >= 0


def test_evaluation_is_repeatable(trained):
    texts, _ = make_sentences(30, seed=3)
    a = evaluate(trained.model, trained.tokenizer, texts, iw_samples=5)
    b = evaluate(trained.model, trained.tokenizer, texts, iw_samples=5)
    assert a == b


def test_one_collapse_rule_for_a_finished_model_and_a_running_one():
    from vae_core.measure.metrics import collapsed, collapsing

    assert collapsed(0.1, 5) and collapsed(7.0, 0) and not collapsed(7.0, 5)
    healthy, dead = {"kl": 7.0, "active_units": 5}, {"kl": 0.1, "active_units": 0}
    assert not collapsing([dead] * 19)  # too early to tell
    assert collapsing([healthy] * 20 + [dead] * 5)
    assert not collapsing([dead] * 24 + [healthy])
