"""Training learns, reports progress, stops on request, and is reproducible from its seed."""

import threading

import pytest
import torch

from vae_core import ConfigError, SentenceVAE, TextTokenizer, TokenizerConfig, TrainConfig, train_vae
from vae_core.training import word_dropout

from .conftest import TINY, make_sentences


@pytest.fixture(scope="module")
def data():
    texts, _ = make_sentences()
    tk = TextTokenizer.train(texts, TokenizerConfig(min_frequency=1))
    return tk, texts[:170], texts[170:]


def run(data, stop=None, on_progress=None, **overrides):
    tk, train, val = data
    torch.manual_seed(0)
    model = SentenceVAE(TINY, tk.vocab_size)
    config = TrainConfig(**{"epochs": 6, "batch_size": 16, "device": "cpu", "patience": 0, **overrides})
    return model, train_vae(model, tk, train, val, config, stop=stop, on_progress=on_progress, report_every=5)


def test_the_model_learns(data):
    _, result = run(data, epochs=15, lr=3e-3)
    first, last = result.steps[0], result.history[-1]
    assert last["val_rec"] < 0.6 * first["rec"], (first, last)  # reconstruction falls by a clear margin
    assert last["val_kl"] > 0.1
    assert last["val_active_units"] >= 1
    assert result.stop_reason == "completed" and len(result.history) == 15


def test_progress_reports_every_field(data):
    seen = []
    _, result = run(data, on_progress=seen.append, epochs=2)
    assert seen[-1].step == seen[-1].total_steps == result.steps[-1]["step"]
    assert seen[-1].val is not None and seen[-1].tokens_per_s > 0 and seen[-1].eta_s == 0
    assert [p.epoch for p in seen if p.val] == [1, 2]


def test_same_seed_same_run(data):
    model_a, a = run(data, epochs=2)
    model_b, b = run(data, epochs=2)
    assert [s["rec"] for s in a.steps] == [s["rec"] for s in b.steps]
    assert all(torch.equal(x, y) for x, y in zip(model_a.state_dict().values(), model_b.state_dict().values()))


def test_stop_before_the_first_step_leaves_a_usable_model(data):
    stop = threading.Event()
    stop.set()
    model, result = run(data, stop=stop)
    assert result.stop_reason == "stopped by user" and result.steps == []
    mu, _ = model.encode(torch.tensor([[5, 6]]), torch.tensor([2]))
    assert torch.isfinite(mu).all()


def test_stop_from_another_thread_mid_run(data):
    stop = threading.Event()

    def on_progress(p):
        if p.step >= 10:
            stop.set()

    _, result = run(data, stop=stop, on_progress=on_progress)
    assert result.stop_reason == "stopped by user" and result.steps[-1]["step"] == 10


def test_early_stopping(data):
    _, result = run(data, epochs=30, patience=1, lr=0.05)
    assert result.stop_reason == "early stopping" and len(result.history) < 30
    best = min(result.history, key=lambda h: -h["val_elbo"])
    assert result.best_epoch == best["epoch"]


def test_word_dropout_spares_bos_and_padding():
    torch.manual_seed(0)
    dec_in = torch.tensor([[1, 5, 6, 7, 0, 0]] * 200)
    out = word_dropout(dec_in, 0.5, unk_id=3, pad_id=0)
    assert (out[:, 0] == 1).all() and (out[:, 4:] == 0).all()
    share = (out[:, 1:4] == 3).float().mean().item()
    assert 0.4 < share < 0.6


@pytest.mark.parametrize(
    "field, value",
    [("epochs", 0), ("batch_size", 10**9), ("lr", 0), ("word_dropout", 1.0), ("free_bits", -1), ("device", "tpu")],
)
def test_absurd_settings_are_refused(field, value):
    with pytest.raises(ConfigError):
        TrainConfig(**{field: value}).validate()
