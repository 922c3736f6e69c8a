"""Which measure of nearness finds neighbours that share a label: plain distance, or the angle about the corpus's
centre (`vae_core.explore.projection.neighbour_space`, what the app measures)?

    python bench/neighbours.py                       # TREC, SUBJ and SST with the shipped base model (~2 min)
    python bench/neighbours.py --corpora trec --model DIR

For each labelled corpus (train file -> test file): 10-NN label accuracy of the test sentences, fit on the training
sentences, for TF-IDF + TruncatedSVD(32) (the issue's baseline), all-MiniLM-L6-v2's embeddings (the yardstick) and the
base model's posterior means as the app measures them (for a model with a meaning part, its form and its meaning side
by side: `vae_core.explore.projection.measured_space`; with --whole, the meaning part alone and all of z as they are
as well), each by Euclidean distance, by cosine, and by the angle about the training sentences' centre. With --map,
also Explore's "label on the map" for the test sentences: leave-one-out 10-NN label accuracy on the app's UMAP map of
them (`project`, seed 0) beside the same in the space (`vae_core.measure.compare.label_on_map`). Rows go to
bench/results/neighbours.jsonl. Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import platform
import sys
from datetime import date
from pathlib import Path

import numpy as np
import torch

from bench.common import DATA, RESULTS, knn_accuracy, knn_accuracy_by_angle, load_split, record, tfidf_svd
from vae_core import encode, load_bundle
from vae_core.base.shipped import BASE_MODEL, for_corpus
from vae_core.explore.projection import measured_space, project
from vae_core.measure.compare import label_on_map
from vae_core.model.pretrained import embed_texts

OUT = RESULTS / "neighbours.jsonl"


def by_each_measure(train_x: np.ndarray, train_y: list, test_x: np.ndarray, test_y: list) -> dict[str, float]:
    """10-NN accuracy by Euclidean distance, by cosine (no centring) and by angle about the training centre."""
    return {
        "euclidean": knn_accuracy(train_x, train_y, test_x, test_y),
        "cosine": knn_accuracy_by_angle(train_x, train_y, test_x, test_y, centre=0.0),
        "angle_about_centre": knn_accuracy_by_angle(train_x, train_y, test_x, test_y),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", nargs="+", default=["trec", "subj", "sst"])
    parser.add_argument("--model", type=Path, default=BASE_MODEL)
    parser.add_argument("--whole", action="store_true", help="also measure all of z where a model has a meaning part")
    parser.add_argument("--no-minilm", action="store_true", help="leave out MiniLM's row (its figures do not change)")
    parser.add_argument("--map", action="store_true", help="also the label kept on the app's UMAP map (~20 s a row)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    base = load_bundle(args.model, device="cpu")
    for name in args.corpora:
        train, test = load_split(name)
        train_y = [train.labels[i] for i in train.train_idx]
        rows = {"TF-IDF + SVD(32)": tuple(np.asarray(x) for x in tfidf_svd(train.train_texts, test.texts))}
        if not args.no_minilm:
            both = (train.train_texts, test.texts)
            rows["all-MiniLM-L6-v2"] = tuple(embed_texts(texts, device="cpu") for texts in both)
        model = for_corpus(base, train.train_texts)
        mu = [np.asarray(encode(model.model.float(), model.tokenizer, t)[0]) for t in (train.train_texts, test.texts)]
        k, centre = model.model.config.meaning_dim, mu[0].mean(0)
        called = "base model" if args.model == BASE_MODEL else "model"
        rows[called] = tuple(measured_space(m, k, centre) for m in mu)
        if args.whole and k:
            rows[f"{called}, its meaning part alone"] = tuple(m[:, -k:] for m in mu)
            rows[f"{called}, all of z as it is"] = tuple(mu)
        for what, (train_x, test_x) in rows.items():
            row = {"corpus": name, "representation": what, "model": args.model.name, "test_sentences": len(test_x)}
            row.update(by_each_measure(train_x, train_y, test_x, test.labels))
            if args.map and what != "TF-IDF + SVD(32)":
                kept = label_on_map(project(test_x, "umap"), test_x, test.labels)
                row.update(label_on_map=round(kept.on_map, 3), label_in_space=round(kept.in_space, 3))
            row["machine"] = f"{torch.get_num_threads()} threads, {platform.machine()}"
            row["date"], row["command"] = str(date.today()), " ".join(["python bench/neighbours.py", *sys.argv[1:]])
            record(OUT, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
