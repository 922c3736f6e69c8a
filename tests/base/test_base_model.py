"""The base model's parts: a byte-level tokenizer that reads any English in either style, an exact adaptive
softmax, a pretraining run that resumes where it stopped, and the base model wherever a model is taken."""

from __future__ import annotations

import json
import string
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.torch import load_file

from tests.conftest import make_sentences
from vae_core import CorpusOptions, load_bundle, load_corpus, save_bundle
from vae_core.base import shipped as base_model
from vae_core.base.pretraining import PretrainConfig, TokenisedCorpus, grown, load_checkpoint, pretrain
from vae_core.base.teacher import Projection
from vae_core.cli import main
from vae_core.data.batching import iterate_batches, to_ids
from vae_core.data.style import Style, detect, restyle
from vae_core.data.tokenizer import TextTokenizer, TokenizerConfig
from vae_core.errors import ConfigError
from vae_core.model.vae import ModelConfig, SentenceVAE, posterior
from vae_core.train import fit as fit_module
from vae_core.train.fit import TrainedModel, adapt_epochs

NATURAL = [
    "Don't panic.",
    "It's a long way to Tipperary, isn't it?",
    "Zoë met Mr. O'Brien in Reykjavík (Iceland) on 5 May 2021.",
    "What is the capital of France?",
    "The recipe needs 2.5 cups of flour and a pinch of salt!",
]
SMALL = ModelConfig(embed_dim=16, hidden_dim=32, latent_dim=4, dropout=0.0, encoder="rnn", bn_gamma=1.0,
                    output="adaptive", adaptive_cutoffs=(40, 120))  # fmt: skip


@pytest.fixture(scope="module")
def byte_tokenizer() -> TextTokenizer:
    texts, _ = make_sentences()
    return TextTokenizer.train(texts + NATURAL, TokenizerConfig(kind="byte-bpe", subword_vocab=400, min_frequency=1))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_is_spelt_without_an_unknown_piece(byte_tokenizer, text):
    ids = byte_tokenizer.encode([text])[0]
    assert byte_tokenizer.unk_id not in ids
    assert byte_tokenizer.decode(ids) == byte_tokenizer.tk.normalizer.normalize_str(text).strip()


def test_research_style_reads_as_natural_text_and_is_written_back_in_its_own_style(byte_tokenizer):
    pairs = [
        ("do n't panic .", "don't panic."),
        ("it 's fine , is n't it ?", "it's fine, isn't it?"),
        ("-lrb- sic -rrb- he said `` no '' .", '(sic) he said "no".'),
    ]
    for tokenised, natural in pairs:
        assert byte_tokenizer.encode([tokenised]) == byte_tokenizer.encode([natural])
    styled = byte_tokenizer.with_style(detect([t for t, _ in pairs]))
    assert styled.style == Style(lowercase=True, spaced_punctuation=True, split_clitics=True, ptb_brackets=True)
    for tokenised, natural in pairs[:2]:
        assert styled.decode(byte_tokenizer.encode([natural])[0]) == tokenised
    assert detect(NATURAL) == Style() and restyle("Don't panic.", Style()) == "Don't panic."


def test_a_word_tokenizer_writes_back_in_its_corpus_style_too():
    """A model trained from scratch writes as its file does, as the base model does ("panic ." stays spaced)."""
    corpus = ["do n't panic .", "panic , then ."]
    word = TextTokenizer.train(corpus, TokenizerConfig(min_frequency=1)).with_style(detect(corpus))
    assert [word.decode(ids) for ids in word.encode(corpus)] == corpus


def test_the_adaptive_softmax_gives_exact_likelihoods(byte_tokenizer):
    torch.manual_seed(0)
    model = SentenceVAE(SMALL, byte_tokenizer.vocab_size).eval()
    tokens = torch.randint(4, byte_tokenizer.vocab_size, (3, 6))
    mask = torch.ones(3, 6, dtype=torch.bool)
    z = torch.randn(3, SMALL.latent_dim)
    log_probs = model.target_logits(z, tokens, mask)
    assert torch.allclose(log_probs.exp().sum(-1), torch.ones(18), atol=1e-5)  # a distribution over the vocabulary
    nll = model.target_nll(z, tokens, mask, tokens[mask])
    assert torch.allclose(nll, -log_probs.gather(1, tokens[mask][:, None])[:, 0], atol=1e-5)


def tiny_run(tmp_path, byte_tokenizer, steps: int, resume_at: int | None = None):
    texts, _ = make_sentences(200)
    config = PretrainConfig(batch_size=16, eval_sentences=20, roundtrip_sentences=4, device="cpu", precision="fp32")
    kwargs = dict(eval_every=10, log=lambda _: None)
    if resume_at is not None:
        pretrain(tmp_path, byte_tokenizer, texts, texts[:20], SMALL, config, max_steps=resume_at, **kwargs)
    state = pretrain(tmp_path, byte_tokenizer, texts, texts[:20], SMALL, config, max_steps=steps, **kwargs)
    return state, load_bundle(tmp_path / "best", device="cpu")


def test_a_pretraining_run_resumed_from_its_checkpoint_ends_as_one_that_never_stopped(tmp_path, byte_tokenizer):
    """17 steps of 13 batches an epoch: the stop falls mid-epoch, and the second call resumes there."""
    whole, _ = tiny_run(tmp_path / "whole", byte_tokenizer, 17)
    resumed, best = tiny_run(tmp_path / "resumed", byte_tokenizer, 17, resume_at=7)
    assert (whole.step, whole.epoch, whole.position, whole.tokens) == (
        resumed.step, resumed.epoch, resumed.position, resumed.tokens)  # fmt: skip
    first = load_file(tmp_path / "whole" / "checkpoint" / "model.safetensors")
    second = load_file(tmp_path / "resumed" / "checkpoint" / "model.safetensors")
    assert all(torch.equal(first[k], second[k]) for k in first)
    curve = [json.loads(line) for line in (tmp_path / "resumed" / "curve.jsonl").read_text().splitlines()]
    assert [row["step"] for row in curve] == [7, 10, 17]
    assert best.model.config.output == "adaptive" and best.info["pretraining_step"] <= 17


def test_a_resumed_run_goes_on_at_the_rate_it_is_given(tmp_path, byte_tokenizer):
    """Late in a run the rate is lowered: the resumed call's rate is the one the optimizer and checkpoint hold."""
    texts, _ = make_sentences(60)
    config = PretrainConfig(batch_size=16, eval_sentences=8, roundtrip_sentences=2, device="cpu", precision="fp32")
    kwargs = dict(eval_every=10, log=lambda _: None)
    pretrain(tmp_path, byte_tokenizer, texts, texts[:8], SMALL, config, max_steps=3, **kwargs)
    before = load_file(tmp_path / "checkpoint" / "model.safetensors")
    pretrain(tmp_path, byte_tokenizer, texts, texts[:8], SMALL, replace(config, lr=1e-9), max_steps=5, **kwargs)
    after = load_file(tmp_path / "checkpoint" / "model.safetensors")
    assert json.loads((tmp_path / "checkpoint" / "state.json").read_text())["config"]["lr"] == 1e-9
    moved = [k for k in before if not torch.allclose(before[k], after[k], atol=1e-6)]
    assert moved and all("running" in k or "num_batches" in k for k in moved)  # statistics move, weights barely


def test_the_tokenised_corpus_lowercases_a_fixed_share_and_cuts_long_sentences(byte_tokenizer):
    texts = [f"The Cat number {i} sat on the mat." for i in range(400)]
    config = PretrainConfig(lowercase_share=0.25, max_tokens=6)
    corpus = TokenisedCorpus.build(byte_tokenizer, texts, config)
    assert len(corpus) == 400 and corpus.lengths.max() == 6
    lowered = sum(byte_tokenizer.decode(s).startswith("the") for s in corpus.sequences(list(range(400))))
    assert 60 < lowered < 140
    batches = corpus.epoch_batches(0, 32, seed=0)
    assert sorted(int(i) for b in batches for i in b) == list(range(400))
    assert [list(b) for b in batches] == [list(b) for b in corpus.epoch_batches(0, 32, seed=0)]


@pytest.fixture()
def tiny_base(tmp_path, byte_tokenizer, monkeypatch):
    """A tiny model standing in for the shipped base model (the command line's and the app's `base`)."""
    torch.manual_seed(0)
    tm = TrainedModel(SentenceVAE(SMALL, byte_tokenizer.vocab_size).eval(), byte_tokenizer,
                      info={"general_english": True})  # fmt: skip
    path = save_bundle(tm, tmp_path / "base_model")
    monkeypatch.setattr(base_model, "BASE_MODEL", path)
    return path


def test_the_command_line_takes_base_wherever_it_takes_a_model(tiny_base, topic_file, tmp_path, capsys):
    latents, table = tmp_path / "z.csv", tmp_path / "rt.csv"
    assert main(["encode", "base", str(topic_file), "--out", str(latents)]) == 0
    assert main(["reconstruct", "base", str(topic_file), "--out", str(table)]) == 0
    assert main(["sample", "base", "-n", "3"]) == 0
    assert main(["interpolate", "base", "the cat sleeps .", "a dog runs .", "--steps", "3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 6
    assert main(["evaluate", "base", str(topic_file), "--iw-samples", "2"]) == 0


def test_fp16_weights_load_into_the_float32_network(tiny_base, tmp_path):
    """The shipped base model keeps its weights in float16 (half the size); they load into float32."""
    tm = base_model.load_base("cpu")
    full = {k: v.clone() for k, v in tm.model.state_dict().items()}
    tm.model.half()
    save_bundle(tm, tmp_path / "half")
    again = load_bundle(tmp_path / "half", device="cpu")
    assert all(v.dtype == torch.float32 for v in again.model.state_dict().values() if v.is_floating_point())
    assert all(torch.allclose(again.model.state_dict()[k].float(), full[k].float(), atol=1e-2) for k in full)


def test_punctuation_spacing_is_restyled_for_any_natural_sentence():
    style = Style(lowercase=True, spaced_punctuation=True, split_clitics=True)
    for text in NATURAL:
        styled = restyle(text, style)
        assert styled == styled.lower() and "  " not in styled
        assert not any(styled.endswith(p) and not styled.endswith(" " + p) for p in string.punctuation)


def test_a_run_on_a_new_machine_goes_on_from_the_exported_weights(tmp_path, byte_tokenizer):
    """No checkpoint, only the shipped bundle: the run starts from its weights and its step count."""
    _, best = tiny_run(tmp_path / "first", byte_tokenizer, 10)
    texts, _ = make_sentences(200)
    config = PretrainConfig(batch_size=16, eval_sentences=20, roundtrip_sentences=4, device="cpu", precision="fp32")
    state = pretrain(tmp_path / "second", byte_tokenizer, texts, texts[:20], SMALL, config, max_steps=14,
                     eval_every=10, start_from=best, log=lambda _: None)  # fmt: skip
    assert best.info["pretraining_step"] == 10 and state.step == 14
    assert state.tokens > best.info["tokens"] and state.seconds > best.metrics["seconds"]  # counted on, not afresh
    assert state.best_elbo >= best.metrics["best_elbo"]  # a worse evaluation does not replace the shipped model


def test_an_annealed_run_lowers_its_rate_to_the_final_one(tmp_path, byte_tokenizer):
    texts, _ = make_sentences(200)
    config = PretrainConfig(batch_size=16, lr=1e-3, final_lr=1e-4, eval_sentences=20, roundtrip_sentences=4,
                            device="cpu", precision="fp32")  # fmt: skip
    lines: list[str] = []
    pretrain(tmp_path, byte_tokenizer, texts, texts[:20], SMALL, config, max_steps=300, eval_every=1000,
             log=lines.append)  # fmt: skip
    rates = [float(line.rsplit("lr ", 1)[1]) for line in lines if "tokens/s" in line]
    assert len(rates) == 3 and rates == sorted(rates, reverse=True)
    assert rates[0] < 1e-3 and abs(rates[-1] - (1e-3 - 0.9e-3 * 299 / 300)) < 1e-6
    with pytest.raises(ConfigError):
        PretrainConfig(lr=1e-3, final_lr=2e-3)


def test_a_run_that_weighs_the_kl_less_narrows_the_posterior(tmp_path, byte_tokenizer):
    """β < 1 (PretrainConfig.beta) lets the encoder pay for a sharper q(z|x): the same steps from the same seed end
    with smaller posterior variances than β = 1's, while the curve still records the true (β = 1) ELBO."""
    texts, _ = make_sentences(200)
    variances = {}
    for beta in (1.0, 0.05):
        config = PretrainConfig(batch_size=16, beta=beta, eval_sentences=20, roundtrip_sentences=4, device="cpu",
                                precision="fp32")  # fmt: skip
        run = tmp_path / str(beta)
        kwargs = dict(max_steps=120, eval_every=120, log=lambda _: None)
        pretrain(run, byte_tokenizer, texts, texts[:20], SMALL, config, **kwargs)
        model, _, tokenizer, _, _ = load_checkpoint(run / "checkpoint", torch.device("cpu"))
        _, logvar = posterior(model, tokenizer, to_ids(tokenizer, texts[:64]))
        variances[beta] = logvar.exp().mean().item()
        curve = json.loads((run / "curve.jsonl").read_text().splitlines()[-1])
        assert curve["val_elbo"] == pytest.approx(-(curve["val_rec"] + curve["val_kl"]), rel=1e-6)
    assert variances[0.05] < 0.9 * variances[1.0]
    with pytest.raises(ConfigError):
        PretrainConfig(beta=0.0)


def test_the_shipped_base_model_is_marked_general_and_reads_every_style():
    """What the app and the CLI rely on, in the bundle as shipped (its card is read without loading weights)."""
    config = json.loads((base_model.SHIPPED / "config.json").read_text())
    assert config["info"]["general_english"] is True
    shipped = TextTokenizer.from_json((base_model.SHIPPED / "tokenizer.json").read_text())
    for tokenised, natural in [("do n't panic .", "don't panic."), ("he said `` no '' .", 'he said "no".')]:
        assert shipped.encode([tokenised]) == shipped.encode([natural])


def test_adapting_reads_a_budget_of_words_whatever_the_sentence_length(tiny_base, topic_file, tmp_path, monkeypatch):
    """The default passes: up to four over a small corpus, fewer where the corpus holds more words (the CLI's
    `train --from base` and the Train page's default)."""
    corpus = load_corpus(topic_file, CorpusOptions())
    words = sum(len(corpus.texts[i].split()) for i in corpus.train_idx)
    assert adapt_epochs(corpus) == fit_module.ADAPT_MAX_EPOCHS
    monkeypatch.setattr(fit_module, "ADAPT_WORDS", 2 * words)
    assert adapt_epochs(corpus) == 2
    monkeypatch.setattr(fit_module, "ADAPT_WORDS", words // 10)
    assert adapt_epochs(corpus) == 1
    assert main(["train", str(topic_file), "--out", str(tmp_path / "m"), "--iw-samples", "2", "--quiet"]) == 0
    assert load_bundle(tmp_path / "m").train_config.epochs == 1
    assert main(["train", str(topic_file), "--out", str(tmp_path / "n"), "--iw-samples", "2", "--quiet",
                 "--epochs", "2"]) == 0  # fmt: skip
    assert load_bundle(tmp_path / "n").train_config.epochs == 2


def test_the_base_models_card_is_read_from_its_json_alone(tmp_path, monkeypatch):
    """The Learn page tells what the base model read and how it does from its card: info and metrics merged; a
    missing or damaged card gives nothing to tell, not an error."""
    monkeypatch.setattr(base_model, "BASE_MODEL", tmp_path)
    assert base_model.card() == {}
    (tmp_path / "config.json").write_text(json.dumps({"info": {"sentences": 12}}))
    (tmp_path / "metrics.json").write_text(json.dumps({"roundtrip_exact": 0.25}))
    assert base_model.card() == {"sentences": 12, "roundtrip_exact": 0.25}
    (tmp_path / "metrics.json").write_text("{not json")
    assert base_model.card() == {}
    shipped = base_model.SHIPPED / "metrics.json"
    if shipped.is_file():  # the shipped card holds what the page says
        monkeypatch.setattr(base_model, "BASE_MODEL", base_model.SHIPPED)
        card = base_model.card()
        assert card["sentences"] > 1_000_000 and 0 < card["roundtrip_exact"] < 1 and card["roundtrip_n"] > 0


MEANING = replace(SMALL, latent_dim=SMALL.latent_dim + 3, meaning_dim=3)


def teacher_of(texts: list[str]) -> np.ndarray:
    """A stand-in teacher that sees one thing in a sentence: whether it speaks of a topic word (8-D unit vectors)."""
    rng = np.random.default_rng(0)
    topics = rng.normal(size=(4, 8))
    vectors = np.stack([topics[sum(map(ord, t.split()[1])) % 4] + 0.05 * rng.normal(size=8) for t in texts])
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float16)


def test_a_grown_model_writes_what_it_wrote_until_it_learns_to_read_its_meaning_part(tmp_path, byte_tokenizer):
    """Growing a meaning part keeps the form part's posterior and the decoder's every likelihood."""
    _, best = tiny_run(tmp_path / "first", byte_tokenizer, 10)
    grown_model = SentenceVAE(MEANING, byte_tokenizer.vocab_size).eval()
    grown_model.load_state_dict(grown(best.model.state_dict(), grown_model.state_dict()))
    texts, _ = make_sentences(20)
    mu, _ = posterior(best.model.float(), byte_tokenizer, to_ids(byte_tokenizer, texts))
    mu_grown, _ = posterior(grown_model, byte_tokenizer, to_ids(byte_tokenizer, texts))
    assert torch.allclose(mu_grown[:, :4], mu, atol=1e-6)
    batch = next(iterate_batches(to_ids(byte_tokenizer, texts), byte_tokenizer, 32))
    targets = batch.dec_out[batch.mask]
    with torch.no_grad():
        before = best.model.target_nll(mu[batch.index], batch.dec_in, batch.mask, targets)
        anywhere = torch.cat([mu, 5 * torch.randn(len(mu), 3)], 1)[batch.index]  # any meaning part at all
        after = grown_model.target_nll(anywhere, batch.dec_in, batch.mask, targets)
    assert torch.allclose(before, after, atol=1e-5)


def test_the_meaning_term_teaches_the_meaning_part_the_teachers_view(tmp_path, byte_tokenizer):
    """With the teacher's targets the meaning part's held-out distance to them falls step by step, and the run
    resumes with the projection it fitted."""
    texts, _ = make_sentences(200)
    config = PretrainConfig(batch_size=16, eval_sentences=40, roundtrip_sentences=4, device="cpu", precision="fp32",
                            meaning_weight=1.0)  # fmt: skip
    taught = (teacher_of(texts), teacher_of(texts[:40]))
    kwargs = dict(eval_every=60, log=lambda _: None, teacher=taught)
    pretrain(tmp_path, byte_tokenizer, texts, texts[:40], MEANING, config, max_steps=240, **kwargs)
    curve = [json.loads(line) for line in (tmp_path / "curve.jsonl").read_text().splitlines()]
    meaning = [row["val_meaning"] for row in curve]
    assert len(meaning) == 4 and meaning[-1] < 0.5 * meaning[0]
    projection = Projection.cached(tmp_path / "projection.safetensors", taught[0], 3, 1.0)
    targets = projection(taught[0])
    assert np.mean(targets**2) == pytest.approx(1.0, rel=1e-4)  # as spread out as BN-VAE's form part (γ = 1 here)
    with pytest.raises(ConfigError, match="teacher"):
        pretrain(tmp_path / "none", byte_tokenizer, texts, texts[:40], MEANING, config, max_steps=2,
                 log=lambda _: None)  # fmt: skip
    with pytest.raises(ConfigError, match="meaning_dim"):
        replace(SMALL, meaning_dim=4)


def test_adapting_keeps_the_meaning_part_as_the_teacher_taught_it(byte_tokenizer, topic_file):
    """With no teacher at hand, adapting trains the form part and the decoder but not what reads the meaning part
    (bench/BASE.md: trained too, it followed the wording and lost its neighbours)."""
    torch.manual_seed(0)
    base = TrainedModel(SentenceVAE(MEANING, byte_tokenizer.vocab_size).eval(), byte_tokenizer,
                        info={"general_english": True})  # fmt: skip
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    config = fit_module.adapt_config(1)
    adapted = fit_module.fit(corpus, train_config=config, start_from=base, iw_samples=0, roundtrip_limit=0)
    before, after = base.model.state_dict(), adapted.model.state_dict()
    held = [k for k in before if k.startswith(("encoder.", "meaning"))]
    assert held and all(torch.equal(before[k], after[k]) for k in held)
    assert not torch.equal(before["decoder.weight_hh_l0"], after["decoder.weight_hh_l0"])  # the rest did learn
