"""The bundled demo: the corpus and model ship, load, match their card, and separate the corpus's factors."""

import numpy as np
import pytest

import ui
from vae_core import CorpusOptions, encode, evaluate, load_bundle, load_corpus
from vae_core.probe import chance_accuracy, knn_accuracy

MODEL_FILES = ["config.json", "tokenizer.json", "model.safetensors", "metrics.json", "history.json"]


@pytest.fixture(scope="module")
def demo():
    options = CorpusOptions(label_column="topic", extra_label_columns=("sentiment", "tense"), seed=0)
    return load_bundle(ui.DEMO_MODEL, device="cpu"), load_corpus(ui.DEMO_CORPUS, options)


def test_the_demo_is_small_and_complete():
    sizes = {name: (ui.DEMO_MODEL / name).stat().st_size for name in MODEL_FILES}
    assert sum(sizes.values()) < 20 * 2**20
    assert np.load(ui.DEMO_MAP).files == ["pca_2d_seed0", "umap_2d_seed0", "umap_3d_seed0", "pretrained_umap_2d_seed0"]


def test_the_corpus_has_its_factors(demo):
    _, corpus = demo
    assert len(corpus) >= 3000 and len(set(corpus.texts)) == len(corpus.texts)
    assert {k: len(set(v)) for k, v in corpus.label_sets.items()} == {"topic": 6, "sentiment": 2, "tense": 3}


def test_stated_metrics_match_an_evaluate_run(demo):
    tm, corpus = demo
    card = tm.metrics
    assert card["evaluated_on"] == "validation split" and card["n_sentences"] == len(corpus.val_idx)
    fresh = evaluate(tm.model, tm.tokenizer, corpus.val_texts, iw_samples=card["iw_samples"])
    for key in ("rec", "kl", "nll_iw"):
        assert fresh[key] == pytest.approx(card[key], rel=0.02), key
    assert fresh["active_units"] == card["active_units"]
    assert fresh["mi"] == pytest.approx(card["mi"], abs=0.2)
    assert card["kl"] > 3 and card["active_units"] >= 8  # no posterior collapse


def test_the_latent_space_separates_the_factors_better_than_chance(demo):
    tm, corpus = demo
    mu, _ = encode(tm.model, tm.tokenizer, corpus.texts)
    tr, te = corpus.train_idx, corpus.val_idx
    for factor, labels in corpus.label_sets.items():
        labels = np.asarray(labels)
        accuracy = knn_accuracy(mu[tr], labels[tr], mu[te], labels[te])
        chance = chance_accuracy(labels[tr], labels[te])
        assert accuracy > chance + 0.1, (factor, accuracy, chance)
