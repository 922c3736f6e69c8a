"""Training learns, reports progress, stops on request, and is reproducible from its seed."""

import dataclasses
import threading

import pytest
import torch

from vae_core import (
    BetaSchedule,
    ConfigError,
    ModelConfig,
    SentenceVAE,
    TextTokenizer,
    TokenizerConfig,
    TrainConfig,
    train_vae,
)
from vae_core.data.batching import make_batch, to_ids
from vae_core.device import resolve_precision, torch_threads
from vae_core.model.objective import BatchLoss, bag_of_words_nll
from vae_core.train.loop import word_dropout

from ..conftest import TINY, make_sentences


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


def test_the_best_epoch_can_be_judged_by_reconstruction_alone(data):
    """keep_best="rec" keeps the epoch with the lowest validation reconstruction (for runs whose KL has no price,
    where the ELBO would pick the wrong one)."""
    _, result = run(data, epochs=5, keep_best="rec", beta=BetaSchedule("constant", beta_max=0.0))
    best = min(result.history, key=lambda h: h["val_rec"])
    assert result.best_epoch == best["epoch"]
    with pytest.raises(ConfigError, match="keep_best"):
        TrainConfig(keep_best="luck")


def test_a_saved_setting_that_no_longer_exists_is_ignored():
    saved = {**TrainConfig(epochs=7).to_dict(), "mixed_precision": False}  # as bundles saved before 2026-11-25 hold
    assert TrainConfig.from_dict(saved) == TrainConfig(epochs=7)


def test_bf16_steps_learn_as_fp32_ones_do(data):
    _, fp32 = run(data, epochs=4, lr=3e-3, precision="fp32")
    _, bf16 = run(data, epochs=4, lr=3e-3, precision="bf16")
    assert (fp32.precision, bf16.precision) == ("fp32", "bf16")
    assert [s["rec"] for s in fp32.steps] != [s["rec"] for s in bf16.steps]  # the steps really ran in bfloat16
    assert bf16.history[-1]["val_rec"] == pytest.approx(fp32.history[-1]["val_rec"], rel=0.05)
    assert bf16.history[-1]["val_kl"] == pytest.approx(fp32.history[-1]["val_kl"], rel=0.2)


def test_auto_precision_is_bf16_only_on_a_cpu_with_native_bfloat16(monkeypatch):
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    for native in (True, False):
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda native=native: native)
        assert resolve_precision("auto", cpu) == (torch.bfloat16 if native else torch.float32)
        assert resolve_precision("auto", cuda) == torch.float32  # these small GRUs ran slower in bf16 on a GPU
    assert resolve_precision("bf16", cuda) == torch.bfloat16 and resolve_precision("fp32", cpu) == torch.float32


def test_word_dropout_spares_bos_and_padding():
    torch.manual_seed(0)
    dec_in = torch.tensor([[1, 5, 6, 7, 0, 0]] * 200)
    out = word_dropout(dec_in, 0.5, unk_id=3, pad_id=0)
    assert (out[:, 0] == 1).all() and (out[:, 4:] == 0).all()
    share = (out[:, 1:4] == 3).float().mean().item()
    assert 0.4 < share < 0.6


@pytest.mark.parametrize(
    "field, value",
    [
        ("epochs", 0),
        ("batch_size", 10**9),
        ("lr", 0),
        ("word_dropout", 1.0),
        ("free_bits", -1),
        ("device", "tpu"),
        ("precision", "fp16"),
        ("anchor", -1.0),
    ],
)
def test_absurd_settings_are_refused(field, value):
    with pytest.raises(ConfigError):
        TrainConfig(**{field: value}).validate()


def test_autoencoder_pretraining_then_vae(data):
    seen = []
    model, result = run(data, epochs=2, pretrain_epochs=2, on_progress=seen.append)
    phases = [p.phase for p in seen]
    assert phases[0] == "pretrain" and phases[-1] == "vae"
    assert all(p.beta == 0 for p in seen if p.phase == "pretrain")
    assert [h["epoch"] for h in result.history] == [1, 2]  # validation and early stopping count VAE epochs only
    assert seen[-1].step == seen[-1].total_steps == 4 * 11


def test_bn_vae_pins_the_spread_of_the_posterior_means(data):
    from vae_core import ModelConfig
    from vae_core.data.batching import make_batch, to_ids

    tk, train, _ = data
    model = SentenceVAE(
        ModelConfig(embed_dim=16, hidden_dim=16, latent_dim=6, bn_gamma=0.7, encoder="rnn"), tk.vocab_size
    ).train()
    batch = make_batch(to_ids(tk, train), list(range(64)), tk)
    mu, _ = model.encode(batch.tokens, batch.lengths)
    # per dimension, batch std of μ is γ: the expected KL can never fall below d·γ²/2 (Zhu et al. 2020)
    assert torch.allclose(mu.std(0, unbiased=False), torch.full((6,), 0.7), atol=0.01)
    with torch.no_grad():  # however small the raw means' spread becomes (training once drove it to 2e-6)
        model.to_mu.weight.mul_(1e-2)
        model.to_mu.bias.mul_(1e-2)
    mu, _ = model.encode(batch.tokens, batch.lengths)
    assert torch.allclose(mu.std(0, unbiased=False), torch.full((6,), 0.7), atol=0.01)


def test_default_settings_do_not_collapse(data):
    """Guards the defaults (hybrid encoder, BN-VAE, autoencoder pre-training, cyclical β, word dropout) against
    collapse, at a small size."""
    tk, train, val = data
    torch.manual_seed(0)
    default = ModelConfig()
    model = SentenceVAE(dataclasses.replace(TINY, encoder=default.encoder, bn_gamma=default.bn_gamma), tk.vocab_size)
    result = train_vae(model, tk, train, val, TrainConfig(device="cpu"))
    last = result.history[-1]
    assert last["val_kl"] > 1.0 and last["val_active_units"] >= 4, last
    from vae_core.explore.latent import encode
    from vae_core.measure.metrics import mutual_information

    mu, logvar = encode(model, tk, val)
    assert mutual_information(torch.as_tensor(mu), torch.as_tensor(logvar)) > 0.5


def test_every_corpus_size_from_two_trains():
    """A corpus of any size ≥ 2 trains, whatever its last batch holds (64k+1 sentences once ended on a batch of one
    that BN-VAE's BatchNorm refused), through the same `fit` the app and the CLI call, at the default batch size."""
    from vae_core import Corpus, CorpusReport, fit
    from vae_core.data.corpus import split_indices

    texts = (make_sentences()[0] * 2)[:200]
    tiny = ModelConfig(embed_dim=8, hidden_dim=8, latent_dim=2, dropout=0.0, encoder="rnn")
    for n in range(2, 201):
        train_idx, val_idx = split_indices(n, 0.1, 0)
        corpus = Corpus(texts[:n], {}, CorpusReport("sizes", "txt", "utf-8"), train_idx, val_idx)
        config = TrainConfig(epochs=1, pretrain_epochs=0, device="cpu")
        tm = fit(corpus, tiny, config, TokenizerConfig(min_frequency=1), iw_samples=1, roundtrip_limit=0)
        assert tm.history["epochs"], n


def test_fit_follows_its_closing_measurements_sentence_by_sentence(topic_file):
    """After training, `fit` reports the measuring phase counting the held-out sentences measured (the likelihood's,
    then the round trip's) up to all of them, so the app and the CLI show a bar, not "ETA 0 s"."""
    from vae_core import CorpusOptions, fit, load_corpus

    corpus = load_corpus(topic_file, CorpusOptions(label_column="label", seed=0))
    seen = []
    config = TrainConfig(epochs=1, pretrain_epochs=0, device="cpu")
    fit(corpus, TINY, config, on_progress=seen.append, iw_samples=2, roundtrip_limit=5)
    first = next(i for i, p in enumerate(seen) if p.phase == "measure")
    measuring = seen[first:]
    assert all(p.phase == "measure" for p in measuring) and len(measuring) >= 3
    total = len(corpus.val_texts) + 5
    assert {p.total_steps for p in measuring} == {total} and measuring[0].step == 0 and measuring[-1].step == total
    assert [p.step for p in measuring] == sorted(p.step for p in measuring)
    assert measuring[-1].eta_s == 0 and all(p.eta_s >= 0 for p in measuring)


def test_fewer_than_two_sentences_are_refused():
    from vae_core import Corpus, CorpusReport, fit

    corpus = Corpus(["only one"], {}, CorpusReport("one", "txt", "utf-8"), [0], [])
    with pytest.raises(ConfigError, match="at least 2 sentences"):
        fit(corpus, TINY, TrainConfig(epochs=1, device="cpu"))


def test_a_batch_of_one_trains_with_bn_vae(data):
    """batch_size 1 (and a one-sentence DDP shard or streamed chunk) normalises μ with the running statistics."""
    _, result = run(data, epochs=1, batch_size=1, pretrain_epochs=0)
    assert result.history and result.stop_reason == "completed"


def test_durations_read_as_minutes_and_seconds():
    from vae_core.train.loop import format_duration

    assert [format_duration(s) for s in (4.4, 65, 3725)] == ["4 s", "1 min 05 s", "1 h 02 min"]


def test_the_time_estimate_scales_with_the_work(topic_file):
    """The estimate comes from real steps timed on a sample: ten more epochs cost several times as much."""
    from vae_core import CorpusOptions, load_corpus
    from vae_core.train.fit import estimate_fit_seconds

    corpus = load_corpus(topic_file, CorpusOptions())
    quick = dict(iw_samples=0, roundtrip_limit=0)  # the measuring, timed apart below
    short = estimate_fit_seconds(corpus, TINY, TrainConfig(epochs=1, pretrain_epochs=0, device="cpu"), **quick)
    long = estimate_fit_seconds(corpus, TINY, TrainConfig(epochs=11, pretrain_epochs=0, device="cpu"), **quick)
    assert 0 < short < long and long > 2 * short


def test_the_time_estimate_counts_the_measuring_after_training(topic_file, monkeypatch):
    """The held-out likelihood's samples and the round trip are timed, not assumed: each adds to the estimate. The
    clock is the decoder's own work (its forward passes), so the test holds on a busy machine too."""
    from vae_core import CorpusOptions, load_corpus
    from vae_core.train import fit as fit_module

    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    tokenizer = TextTokenizer.train(corpus.train_texts, TokenizerConfig())
    model = SentenceVAE(TINY, tokenizer.vocab_size, pad_id=tokenizer.pad_id)
    passes = []
    model.decoder.register_forward_hook(lambda *_: passes.append(1))

    def work_done(work) -> float:
        before = len(passes)
        work()
        return float(len(passes) - before)

    monkeypatch.setattr(fit_module, "timed", work_done)
    none = fit_module.estimate_measure_seconds(model, tokenizer, corpus, iw_samples=0, roundtrip_limit=0)
    many = fit_module.estimate_measure_seconds(model, tokenizer, corpus, iw_samples=200, roundtrip_limit=0)
    with_trip = fit_module.estimate_measure_seconds(model, tokenizer, corpus, iw_samples=0, roundtrip_limit=1000)
    assert 0 < none < many and with_trip > none


def test_a_bag_of_words_loss_trains_its_head_with_the_rest(data):
    tk, train, val = data
    texts = val[:16]
    batch = make_batch(to_ids(tk, texts), list(range(len(texts))), tk)

    def bow_nll(model: SentenceVAE) -> float:
        model.eval()
        with torch.no_grad():
            mu, _ = model.encode(batch.tokens, batch.lengths)
            return bag_of_words_nll(torch.log_softmax(model.bow(mu), -1), batch.dec_out, batch.mask).item()

    torch.manual_seed(0)
    model = SentenceVAE(dataclasses.replace(TINY, bow_weight=1.0), tk.vocab_size)
    before = bow_nll(model)
    train_vae(model, tk, train, val, TrainConfig(epochs=8, batch_size=16, lr=3e-3, device="cpu", patience=0))
    assert bow_nll(model) < 0.85 * before  # held-out sentences' words, predicted from z alone (untrained: log V each)


def test_an_anchor_keeps_the_weights_near_where_training_started(data):
    def drift(**overrides) -> float:
        tk, train, val = data
        torch.manual_seed(0)
        model = SentenceVAE(dataclasses.replace(TINY, bn_gamma=0.5), tk.vocab_size)
        start = torch.cat([p.detach().flatten().clone() for p in model.parameters()])
        stats = model.mu_bn.running_mean.clone()
        config = TrainConfig(epochs=3, batch_size=16, device="cpu", patience=0, replay_size=0, **overrides)
        train_vae(model, tk, train, val, config)
        moved = torch.cat([p.detach().flatten() for p in model.parameters()]) - start
        return float(moved.norm()), float((model.mu_bn.running_mean - stats).norm())

    (free, free_stats), (held, held_stats) = drift(), drift(anchor=300.0)
    assert held < 0.5 * free and held_stats < 0.5 * free_stats, (free, held, free_stats, held_stats)


def test_the_estimate_follows_the_recent_rate_and_says_when_it_slowed(monkeypatch):
    """A run that went at 1 step/s, then at 0.1 step/s once another program took a core: the estimate is the steps
    left at the new rate (not at the average), and the progress says the pace fell."""
    from vae_core.train import loop

    clock = [0.0]
    monkeypatch.setattr(loop.time, "perf_counter", lambda: clock[0])
    meter = loop.ProgressMeter(200, 0, lambda step: 1.0, TrainConfig(epochs=1, batch_size=16), report_every=1)
    terms = BatchLoss(torch.zeros(16, 4), torch.tensor(30.0), torch.zeros(16, 4), torch.tensor(30.0))
    for seconds in [1.0] * 60 + [10.0] * 10:
        clock[0] += seconds
        meter.add(terms, n_tokens=100)
        p = meter.report(epoch=1)
        if len(meter.rows) == 60:
            assert p.eta_s == pytest.approx(140.0) and not p.slowed and p.tokens_per_s == pytest.approx(100.0)
    assert p.eta_s == pytest.approx(130 * 10.0, rel=0.01) and p.tokens_per_s == pytest.approx(10.0, rel=0.01)
    assert p.slowed and p.pace == pytest.approx(0.1 / (70 / 160))  # the recent rate against the whole run's


def test_torch_threads_holds_a_setting_inside_a_block_and_restores_it_after():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), torch_threads(1):
        assert torch.get_num_threads() == 1
        raise RuntimeError("whatever happens inside")
    assert torch.get_num_threads() == before
