"""The bundled demo: the corpus and model ship, load, match their card, and separate the corpus's factors."""

import numpy as np
import pytest

from ui import state
from vae_core import CorpusOptions, decode_latents, encode, evaluate, interpolate, load_bundle, load_corpus
from vae_core.explore.clusters import centres
from vae_core.explore.latent import sentence_kl
from vae_core.measure.compare import loo_knn_accuracy, neighbour_sets
from vae_core.measure.roundtrip import RERANK, as_written, round_trip

MODEL_FILES = ["config.json", "tokenizer.json", "model.safetensors", "metrics.json", "history.json"]
MODEL_FILES += ["replay.safetensors", "replay.json"]  # its training replay


@pytest.fixture(scope="module")
def demo():
    options = CorpusOptions(label_column="topic", extra_label_columns=("sentiment", "tense"), seed=0)
    return load_bundle(state.DEMO_MODEL, device="cpu"), load_corpus(state.DEMO_CORPUS, options)


def test_the_demo_is_small_and_complete():
    sizes = {name: (state.DEMO_MODEL / name).stat().st_size for name in MODEL_FILES}
    assert sum(sizes.values()) < 20 * 2**20
    assert sorted(np.load(state.DEMO_MAP).files) == sorted(
        [  # in any order: --maps-only adds what is missing last
            "pca_2d_seed0",
            "umap_2d_seed0",
            "umap_3d_seed0",
            "pretrained_umap_2d_seed0",
            "latents_mu",
            "latents_logvar",
            "pretrained_embeddings",
            "kmeans_8",
            "kmeans_8_words",
            "sentence_kl",
            "kmeans_8_written",
        ]
    )


def test_the_shipped_pretrained_embeddings_are_the_encoders_own(demo):
    """Compare opens on the demo without loading the pretrained encoder: what ships is what it would compute."""
    from vae_core.model.pretrained import embed_texts

    _, corpus = demo
    shipped = np.load(state.DEMO_MAP)["pretrained_embeddings"].astype(np.float32)
    fresh = embed_texts(corpus.texts[:64], device="cpu")
    np.testing.assert_allclose(shipped[:64], fresh, atol=2e-3)  # float16 keeps ~3 significant digits


def test_the_shipped_latents_are_the_models_own(demo):
    tm, corpus = demo
    saved = np.load(state.DEMO_MAP)
    mu, logvar = encode(tm.model, tm.tokenizer, corpus.texts)
    np.testing.assert_allclose(saved["latents_mu"], mu, atol=1e-4)
    np.testing.assert_allclose(saved["latents_logvar"], logvar, atol=1e-4)
    np.testing.assert_allclose(saved["sentence_kl"], sentence_kl(mu, logvar), rtol=1e-4)


def test_the_shipped_cluster_sentences_are_the_decoders_own(demo):
    """Explore writes the 8 clusters' centre sentences on its first map from the file, without loading the model."""
    tm, _ = demo
    saved = np.load(state.DEMO_MAP)
    middle = centres(saved["latents_mu"], saved["kmeans_8"])
    assert list(saved["kmeans_8_written"]) == decode_latents(tm.model, tm.tokenizer, np.stack(list(middle.values())))


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
    neighbours = neighbour_sets(mu, 10)
    for factor, labels in corpus.label_sets.items():
        accuracy = loo_knn_accuracy(neighbours, labels)
        chance = np.unique(np.asarray(labels), return_counts=True)[1].max() / len(labels)
        assert accuracy > chance + 0.1, (factor, accuracy, chance)


def test_the_demo_gives_its_sentences_back(demo):
    """The round trip on every demo sentence: at least 90% come back word for word greedily from the mean, and
    re-ranking (as Generate -> Reconstruct decodes) brings back most of the rest."""
    tm, corpus = demo
    greedy = round_trip(tm.model, tm.tokenizer, corpus.texts, similarity=False)
    assert greedy.exact.mean() >= 0.90, greedy.exact.mean()
    missed = [text for text, exact in zip(corpus.texts, greedy.exact) if not exact]
    reranked = round_trip(tm.model, tm.tokenizer, missed, similarity=False, decoding=RERANK)
    assert reranked.exact.mean() >= 0.75, (len(missed), reranked.exact.mean())


def test_the_demo_map_separates_every_factor(demo):
    """Leave-one-out 10-NN accuracy of the posterior means: topic ≥ 0.95, sentiment and tense ≥ 0.90."""
    tm, corpus = demo
    mu, _ = encode(tm.model, tm.tokenizer, corpus.texts)
    neighbours = neighbour_sets(mu, 10)
    found = {factor: loo_knn_accuracy(neighbours, labels) for factor, labels in corpus.label_sets.items()}
    assert found["topic"] >= 0.95 and found["sentiment"] >= 0.90 and found["tense"] >= 0.90, found


def test_the_default_interpolation_ends_on_its_own_sentences(demo):
    """The Interpolate page's default pair (the first sentence and the 1,001st) decodes to itself at both ends."""
    tm, corpus = demo
    a, b = corpus.texts[0], corpus.texts[1000]
    path = interpolate(tm.model, tm.tokenizer, a, b, steps=8)
    assert path[0][1] == as_written(tm.tokenizer, [a])[0] and path[-1][1] == as_written(tm.tokenizer, [b])[0]
