"""Shared fixtures: small corpora the tests build themselves, and small trained models."""

from __future__ import annotations

import itertools
import random

import pytest
import torch

from vae_core import (
    BetaSchedule,
    CorpusOptions,
    ModelConfig,
    TextTokenizer,
    TokenizerConfig,
    TrainConfig,
    TrainedModel,
    fit,
    load_corpus,
    train_vae,
)
from vae_core.data.style import detect
from vae_core.model.vae import SentenceVAE

torch.set_num_threads(2)

# A small RNN model for tests of the mechanics (the library's default encoder reads a pretrained embedding too)
TINY = ModelConfig(embed_dim=32, hidden_dim=64, latent_dim=8, dropout=0.0, encoder="rnn", bn_gamma=0.7)

MEMORISED = [
    "the cat sat on the mat .",
    "a dog ran in the park .",
    "my sister plays the old piano .",
    "where is the nearest train station ?",
    "birds sing loudly every morning .",
    "we ate fresh bread for lunch .",
]


def make_sentences(n: int = 240, seed: int = 0) -> tuple[list[str], list[str]]:
    """Sentences with a visible factor (the topic) as the label: animals, food or travel."""
    rng = random.Random(seed)
    parts = {
        "animals": (
            ["the cat", "a dog", "the horse", "my rabbit"],
            ["sleeps", "runs", "eats", "jumps"],
            ["in the garden", "near the barn", "on the grass", "under the tree"],
        ),
        "food": (
            ["the chef", "my mother", "a baker", "the waiter"],
            ["cooks", "serves", "tastes", "bakes"],
            ["fresh bread", "hot soup", "a sweet cake", "green salad"],
        ),
        "travel": (
            ["the pilot", "a tourist", "my uncle", "the driver"],
            ["flies to", "drives to", "visits", "leaves"],
            ["the airport", "a small town", "the coast", "the old city"],
        ),
    }
    combos = [(label, " ".join(words) + " .") for label, lists in parts.items() for words in itertools.product(*lists)]
    rng.shuffle(combos)
    combos = combos[:n]
    return [t for _, t in combos], [lab for lab, _ in combos]


@pytest.fixture(scope="session")
def topic_file(tmp_path_factory):
    """A labelled TSV corpus of 192 sentences."""
    texts, labels = make_sentences()
    path = tmp_path_factory.mktemp("data") / "topics.tsv"
    path.write_text("label\ttext\n" + "".join(f"{lab}\t{t}\n" for t, lab in zip(texts, labels)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def trained(topic_file) -> TrainedModel:
    """A tiny model trained briefly on the topic corpus (for shape, save/load and CLI tests)."""
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label", seed=0))
    return fit(
        corpus, TINY, TrainConfig(epochs=3, batch_size=32, device="cpu"), TokenizerConfig(min_frequency=1), iw_samples=5
    )


@pytest.fixture(scope="session")
def memorised() -> TrainedModel:
    """A tiny model that has memorised six sentences: decoding their posterior means gives them back, written in their
    own style (as `fit` sets it)."""
    tokenizer = TextTokenizer.train(MEMORISED, TokenizerConfig(min_frequency=1)).with_style(detect(MEMORISED))
    torch.manual_seed(0)
    model = SentenceVAE(TINY, tokenizer.vocab_size)
    config = TrainConfig(
        epochs=300,
        batch_size=6,
        lr=3e-3,
        beta=BetaSchedule("constant", beta_max=0.05),
        free_bits=0.0,
        word_dropout=0.0,
        patience=0,
        device="cpu",
    )
    train_vae(model, tokenizer, MEMORISED, [], config)
    return TrainedModel(model, tokenizer, config)
