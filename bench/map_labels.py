"""Which flat map keeps the demo's labels? Leave-one-out 10-NN accuracy of topic, sentiment and tense on the demo
model's shipped maps and on 2-D maps made other ways from its shipped posterior means (UMAP settings, t-SNE),
beside the full 32-D space (`vae_core.measure.compare.label_on_map`). Prints a markdown table (bench/ROUNDTRIP.md
quotes it).

    python bench/map_labels.py      # ~3 min on 2 cores
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

from bench.common import ROOT
from vae_core import CorpusOptions, load_corpus
from vae_core.measure.compare import MAP_CHECK_MAX, label_kept, neighbour_sets

LABELS = ["topic", "sentiment", "tense"]


def made_maps(mu: np.ndarray) -> dict[str, np.ndarray]:
    """2-D maps of the posterior means made here (seed 0): the app's UMAP settings and a few others, and t-SNE."""
    import umap
    from sklearn.manifold import TSNE

    settings = {
        "UMAP, the app's settings (15 neighbours, 200 epochs)": {},
        "UMAP, 500 epochs": {"n_epochs": 500},
        "UMAP, 5 neighbours": {"n_neighbors": 5},
        "UMAP, 50 neighbours": {"n_neighbors": 50},
        "UMAP, cosine": {"metric": "cosine"},
        "UMAP, min_dist 0": {"min_dist": 0.0},
    }
    maps = {}
    for name, extra in settings.items():
        kwargs = {"n_components": 2, "n_neighbors": 15, "n_epochs": 200, "random_state": 0, "n_jobs": 1, **extra}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            maps[name] = umap.UMAP(**kwargs).fit_transform(mu)
    maps["t-SNE (perplexity 30)"] = TSNE(2, perplexity=30, random_state=0, init="pca").fit_transform(mu)
    return maps


def main() -> int:
    shipped = np.load(ROOT / "assets" / "demo_map.npz")
    options = CorpusOptions(label_column="topic", extra_label_columns=("sentiment", "tense"), max_tokens=None)
    corpus = load_corpus(ROOT / "assets" / "demo_corpus.tsv", options)  # as the app opens it
    mu = shipped["latents_mu"]
    assert len(mu) <= MAP_CHECK_MAX, "every sentence is measured, as the app does at this size"
    start = time.perf_counter()
    maps = {
        "shipped UMAP 2-D (the app's map)": shipped["umap_2d_seed0"],
        "shipped UMAP 3-D": shipped["umap_3d_seed0"],
        "shipped PCA 2-D": shipped["pca_2d_seed0"],
        **made_maps(mu),
    }
    space = neighbour_sets(mu, 10)  # all 3,600 sentences (under MAP_CHECK_MAX): found once, checked against each map
    labels = [corpus.label_sets[label] for label in LABELS]
    print(f"| map | {' | '.join(LABELS)} |")
    print("|---|" + "---|" * len(LABELS))
    print("| the full 32-D space | " + " | ".join(f"{label_kept(space, space, y).in_space:.3f}" for y in labels) + " |")
    for name, coords in maps.items():
        on_map = neighbour_sets(coords, 10)
        print(f"| {name} | " + " | ".join(f"{label_kept(on_map, space, y).on_map:.3f}" for y in labels) + " |")
    shares = []
    for label, values in zip(LABELS, labels):
        y = np.asarray(values, dtype=object)
        shares.append(f"{label} {np.mean(y[space] == y[:, None]):.3f}")
    print("\nIn 32-D, the share of a sentence's 10 nearest neighbours with its label: " + ", ".join(shares))
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
