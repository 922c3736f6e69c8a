"""Which flat map keeps the demo's labels? Leave-one-out 10-NN accuracy of topic, sentiment and tense on the demo
model's shipped maps and on 2-D maps made other ways from its shipped posterior means (UMAP settings, t-SNE),
beside the full 32-D space (`vae_core.compare.label_on_map`). Prints a markdown table (bench/ROUNDTRIP.md quotes it).

    python bench/map_labels.py      # ~3 min on 2 cores
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vae_core import CorpusOptions, load_corpus  # noqa: E402
from vae_core.compare import label_on_map, neighbour_sets  # noqa: E402

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
    start = time.perf_counter()
    maps = {
        "shipped UMAP 2-D (the app's map)": shipped["umap_2d_seed0"],
        "shipped UMAP 3-D": shipped["umap_3d_seed0"],
        "shipped PCA 2-D": shipped["pca_2d_seed0"],
        **made_maps(mu),
    }
    print(f"| map | {' | '.join(LABELS)} |")
    print("|---|" + "---|" * len(LABELS))
    space = [label_on_map(mu, mu, corpus.label_sets[label]).in_space for label in LABELS]
    print("| the full 32-D space | " + " | ".join(f"{v:.3f}" for v in space) + " |")
    for name, coords in maps.items():
        kept = [label_on_map(coords, mu, corpus.label_sets[label]).on_map for label in LABELS]
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in kept) + " |")
    neighbours, shares = neighbour_sets(mu, 10), []
    for label in LABELS:
        y = np.asarray(corpus.label_sets[label], dtype=object)
        shares.append(f"{label} {np.mean(y[neighbours] == y[:, None]):.3f}")
    print("\nIn 32-D, the share of a sentence's 10 nearest neighbours with its label: " + ", ".join(shares))
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
