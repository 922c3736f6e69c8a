"""Refining z (semi-amortised inference): from the posterior mean, a point the decoder writes the sentence back from,
within the posterior's reach; the same point whatever else is refined beside it."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from vae_core import ConfigError, encode, interpolate, load_bundle
from vae_core.base.shipped import load_base
from vae_core.cli import main
from vae_core.data.batching import make_batch, to_ids
from vae_core.explore.latent import refined_points
from vae_core.measure import roundtrip
from vae_core.measure.roundtrip import REFINED
from vae_core.model.decoding import decode
from vae_core.model.refine import RefineConfig

from ..conftest import make_sentences

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = make_sentences(40, seed=7)[0]  # drawn from the same grammar as the topic corpus, mostly not in it


def sentence_nll(tm, texts: list[str], z: np.ndarray) -> np.ndarray:
    """-log p(x | z) of each sentence, in nats."""
    seqs = to_ids(tm.tokenizer, texts)
    batch = make_batch(seqs, list(range(len(seqs))), tm.tokenizer)
    with torch.no_grad():
        nll = tm.model.target_nll(torch.as_tensor(z), batch.dec_in, batch.mask, batch.dec_out[batch.mask])
    row = torch.arange(len(texts)).unsqueeze(1).expand_as(batch.mask)[batch.mask]
    return torch.zeros(len(texts)).index_add_(0, row, nll).numpy()


def test_a_refined_point_explains_its_sentence_better_and_stays_within_the_radius(trained):
    mu, logvar = encode(trained.model, trained.tokenizer, HELD_OUT)
    z, means = refined_points(trained.model, trained.tokenizer, HELD_OUT, RefineConfig(steps=30, radius=2.0))
    assert means == pytest.approx(mu, abs=1e-5)  # the means they began from
    whitened = np.linalg.norm((z - mu) / np.exp(0.5 * logvar), axis=1)
    assert whitened.max() <= 2.0 + 1e-4 and whitened.min() > 0.1  # every point moved, none beyond the radius
    before, after = sentence_nll(trained, HELD_OUT, mu), sentence_nll(trained, HELD_OUT, z)
    assert (after < before).all(), (before - after).min()


def test_a_sentence_refined_alone_lands_where_it_does_among_others(trained):
    """Each row's steps depend on its own sentence only (Adam is per coordinate), so batching changes nothing."""
    together, _ = refined_points(trained.model, trained.tokenizer, HELD_OUT, RefineConfig(steps=10))
    alone, _ = refined_points(trained.model, trained.tokenizer, HELD_OUT[5:6], RefineConfig(steps=10))
    assert np.allclose(alone[0], together[5], atol=1e-4)


NEW_SENTENCES = [  # written for this test: in no corpus the base model read
    "Where did the old sailor hide his maps?",
    "My sister bought a red bicycle last spring.",
    "How many moons does Jupiter have?",
    "The museum closes early on Sundays.",
    "What is the capital city of Peru?",
    "The children laughed at the clumsy puppy.",
    "Rain is expected across the north by Friday.",
    "He fixed the kitchen sink with a borrowed wrench.",
]


def test_refining_brings_back_sentences_the_base_model_never_read():
    """The base model's mean decodes these back word for word rarely; the refined point does for most (the app's
    Reconstruct default: bench/ROUNDTRIP.md, "Refining z", measures it on held-out corpora)."""
    base = load_base("cpu")
    plain = roundtrip.round_trip(base.model, base.tokenizer, NEW_SENTENCES, similarity=False)
    refined = roundtrip.round_trip(base.model, base.tokenizer, NEW_SENTENCES, similarity=False, refined=REFINED)
    assert refined.exact.sum() >= plain.exact.sum() + 3, (plain.outputs, refined.outputs)
    assert refined.chrf.mean() > plain.chrf.mean() + 10


@pytest.mark.parametrize("bad", [{"steps": 0}, {"steps": 501}, {"lr": 0.0}, {"lr": 2.0}, {"radius": 0.0}])
def test_refine_config_rejects_what_cannot_run(bad):
    with pytest.raises(ConfigError):
        RefineConfig(**bad)


def test_cli_reconstruct_refines_when_asked(trained, topic_file, tmp_path, capsys):
    """--refine N writes what the library's round trip from points refined N steps writes."""
    from vae_core import CorpusOptions, load_corpus, save_bundle

    bundle, out = save_bundle(trained, tmp_path / "m"), tmp_path / "rows.csv"
    assert main(["reconstruct", str(bundle), str(topic_file), "--refine", "5", "--out", str(out)]) == 0
    assert "(greedy, z refined 5 steps)" in capsys.readouterr().err
    texts = load_corpus(topic_file, CorpusOptions(max_tokens=None, val_fraction=0.0)).texts
    expected = roundtrip.round_trip(trained.model, trained.tokenizer, texts, refined=RefineConfig(steps=5))
    assert pd.read_csv(out, keep_default_na=False)["output"].tolist() == expected.outputs


def test_a_path_between_refined_points_starts_and_ends_at_the_two_sentences():
    """Interpolate's default: the walk runs between the sentences' refined points, so its ends read as A and B."""
    base = load_base("cpu")
    a, b = NEW_SENTENCES[1], NEW_SENTENCES[2]
    path = interpolate(base.model, base.tokenizer, a, b, steps=5, config=roundtrip.RERANK, refined=REFINED)
    assert (path[0][1], path[-1][1]) == (a, b)
    from_means = interpolate(base.model, base.tokenizer, a, b, steps=5, config=roundtrip.RERANK)
    assert len(from_means) == 5 and [t for t, _ in from_means] == [t for t, _ in path]


def test_cli_interpolate_walks_between_refined_points_when_asked(capsys):
    a, b = NEW_SENTENCES[1], NEW_SENTENCES[2]
    assert main(["interpolate", "base", a, b, "--steps", "4", "--refine", "20", "--strategy", "rerank"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[0] == f"0.00\t{a}" and lines[-1] == f"1.00\t{b}"


def test_rerank_judges_a_refined_points_candidates_against_the_mean_it_came_from():
    """A refined point lies a few standard deviations from where the encoder puts its sentence; judged against the
    point itself, re-ranking once chose 'it was well well organised.' at the start of this demo path."""
    demo = load_bundle(ROOT / "assets" / "demo_model", device="cpu")
    a = "our neighbours gave a presentation at work last summer and it was well organised ."
    b = "we dislike the soup at the food market every day and we are unhappy ."
    path = interpolate(demo.model, demo.tokenizer, a, b, steps=8, config=roundtrip.RERANK, refined=REFINED)
    assert (path[0][1], path[-1][1]) == tuple(roundtrip.as_written(demo.tokenizer, [a, b]))
    trip = roundtrip.round_trip(demo.model, demo.tokenizer, [a, b], similarity=False, decoding=roundtrip.RERANK,
                                refined=REFINED)  # fmt: skip
    assert trip.exact.all()


def test_anchors_of_another_shape_are_refused(trained):
    z = torch.zeros(2, trained.latent_dim)
    with pytest.raises(ConfigError, match="anchors"):
        decode(trained.model, trained.tokenizer, z, roundtrip.RERANK, anchors=torch.zeros(3, trained.latent_dim))


def test_a_model_left_in_training_mode_refines_as_in_eval_mode(trained):
    """Refining encodes with BN-VAE's running statistics and no dropout, whatever mode the model was left in."""
    expected, _ = refined_points(trained.model, trained.tokenizer, HELD_OUT[:4], RefineConfig(steps=5))
    trained.model.train()
    try:
        found, means = refined_points(trained.model, trained.tokenizer, HELD_OUT[:4], RefineConfig(steps=5))
    finally:
        trained.model.eval()
    assert np.allclose(found, expected, atol=1e-5)
    assert means == pytest.approx(encode(trained.model, trained.tokenizer, HELD_OUT[:4])[0], abs=1e-5)


def test_an_end_the_decoder_misses_is_refined_longer(memorised, monkeypatch):
    """Interpolate's ends: where the decoder does not write a sentence back from its refined point, the point is
    refined again five times longer, and only the ends that missed are."""
    from vae_core.explore import latent

    calls = []
    real = latent.refined_points

    def counted(model, tokenizer, texts, config, batch_size=128):
        calls.append((len(texts), config.steps))
        return real(model, tokenizer, texts, config, batch_size)

    monkeypatch.setattr(latent, "refined_points", counted)
    a, b = "the cat sat on the mat .", "the zebra sat on the mat ."  # "zebra" is not in its vocabulary: b misses
    latent.walk(memorised.model, memorised.tokenizer, a, b, 4, "slerp", None, RefineConfig(steps=2))
    assert calls == [(2, 2), (1, 10)]
