"""How long Explore's gaps and concept axes take with the base model, on the demo corpus and on 10k and 50k
vectors made from it (each demo vector repeated with a little noise): the app shows a progress bar for waits over
2 s, a spinner for shorter ones.

    python bench/explore_waits.py

Prints one JSON row a measurement and appends them to bench/results/explore-waits.jsonl, with the fp32 matmul rate
measured in the same run. Needs the shipped base model (assets/base_model); no ../shared data.
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import torch

import vae_core
from bench.common import RESULTS, ROOT, matmul_rate, record
from vae_core.base import shipped
from vae_core.data.corpus import CorpusOptions, load_corpus

OUT = RESULTS / "explore-waits.jsonl"


def timed(work, *args) -> float:
    start = time.perf_counter()
    work(*args)
    return time.perf_counter() - start


def axes_by_label(tm, ends: list[np.ndarray], z: np.ndarray) -> None:
    """What Explore's concept axes do: the axes through the label means, and the decoder's sentences along them."""
    axes = vae_core.explore.axes.concept_axes(*ends, spread=z)
    vae_core.explore.axes.axis_sentences(tm.model, tm.tokenizer, axes, z)


def main() -> None:
    if not shipped.available():
        print("skipped: no shipped base model")
        return
    corpus = load_corpus(ROOT / "assets/demo_corpus.tsv", CorpusOptions(label_column="topic", max_tokens=None))
    tm = shipped.for_corpus(shipped.load_base(), corpus.texts)
    mu = vae_core.encode(tm.model, tm.tokenizer, corpus.texts)[0]
    labels = np.array(corpus.labels)
    common = {"date": str(date.today()), "matmul_gflops": round(matmul_rate(torch.device("cpu")) / 1e9),
              "threads": torch.get_num_threads()}  # fmt: skip
    noise = np.random.default_rng(0)
    for n in (len(mu), 10_000, 50_000):
        z = mu if n == len(mu) else np.tile(mu, (n // len(mu) + 1, 1))[:n] + noise.normal(0, 0.05, (n, mu.shape[1]))
        z = z.astype(np.float32)
        gaps = timed(vae_core.explore.gaps.find_gaps, tm.model, tm.tokenizer, z, 12)
        ends = [z[: len(mu)][labels == v].mean(0) for v in sorted(set(labels))[:4]]
        axes = timed(axes_by_label, tm, ends, z)
        record(OUT, {**common, "vectors": n, "gaps_12_s": round(gaps, 2), "axes_by_label_s": round(axes, 2)})


if __name__ == "__main__":
    main()
