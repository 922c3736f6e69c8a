"""The CUDA path: runs only where a GPU is present (skipped in CI, which has none)."""

import numpy as np
import pytest
import torch

from vae_core import (
    CorpusOptions,
    DecodeConfig,
    TrainConfig,
    encode,
    fit,
    interpolate,
    load_bundle,
    load_corpus,
    save_bundle,
)
from vae_core.explore.latent import refined_points, sample_prior
from vae_core.model.refine import RefineConfig

from ..conftest import TINY

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")


def test_train_save_and_reload_on_cpu(topic_file, tmp_path):
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    tm = fit(corpus, TINY, TrainConfig(epochs=3, batch_size=32, device="auto", precision="bf16"), iw_samples=5)
    assert tm.model.device.type == "cuda" and tm.metrics["device"].startswith("cuda")
    assert tm.metrics["kl"] > 0 and np.isfinite(tm.metrics["nll_iw"])
    texts = ["the cat sleeps in the garden .", "a tourist visits the coast ."]
    mu_gpu, _ = encode(tm.model, tm.tokenizer, texts)
    save_bundle(tm, tmp_path / "m")
    cpu = load_bundle(tmp_path / "m", device="cpu")
    mu_cpu, _ = encode(cpu.model, cpu.tokenizer, texts)
    assert np.allclose(mu_gpu, mu_cpu, atol=1e-2, rtol=1e-2)  # cuDNN may use TF32 for fp32 RNN matmuls
    for strategy in ("greedy", "sample", "beam"):
        _, samples = sample_prior(tm.model, tm.tokenizer, 3, DecodeConfig(strategy=strategy))
        assert len(samples) == 3
    assert len(interpolate(tm.model, tm.tokenizer, texts[0], texts[1], steps=4)) == 4
    # refining needs a backward pass through the decoder in eval mode, which cuDNN's RNN does not do
    refined, means = refined_points(tm.model, tm.tokenizer, texts, RefineConfig(steps=5))
    assert refined.shape == means.shape == mu_gpu.shape and np.isfinite(refined).all()
