"""Pretrained encoder report: how do the latent spaces of a from-scratch VAE and of a VAE built on a pretrained
sentence encoder compare with that encoder's own embeddings? Writes bench/COMPARE.md and
bench/results/compare.json.

    python bench/compare.py                    # TREC and SST (~16 min on 2 cores)
    python bench/compare.py --corpora trec

For each labelled corpus (train file → test file), 10-NN label accuracy (fit on train, scored on test) of:
TF-IDF + TruncatedSVD(32); all-MiniLM-L6-v2 embeddings (384-D); the from-scratch VAE's posterior means; the
pretrained-encoder VAE's posterior means (frozen encoder, the suggested latent size and BN-VAE γ). For the
pretrained-encoder VAE also: reconstruction token accuracy (teacher-forced from the posterior mean) on its training
sentences and on the test file, KL, MI, active units, and a decoded interpolation between two real test sentences.
Needs ../shared/data, or the folder named by LATENT_LAB_DATA (skips cleanly without it).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date

import torch

from bench.common import DATA, LABELLED, ROOT, knn_accuracy, load_split, tfidf_svd
from vae_core import (
    Corpus,
    ModelConfig,
    TokenizerConfig,
    TrainConfig,
    TrainedModel,
    encode,
    evaluate,
    fit,
)
from vae_core.explore.latent import interpolate
from vae_core.model.pretrained import DEFAULT_ENCODER, embed_texts
from vae_core.model.vae import PRETRAINED_SUGGESTED, suggested_config

TARGET_SHARE = 0.95  # the pretrained-encoder VAE's kNN accuracy, as a share of the embedding's own
TARGET_REC = 0.60  # reconstruction token accuracy on its training sentences


def measure(tm: TrainedModel, train: Corpus, test: Corpus) -> dict:
    """A trained VAE's 10-NN accuracy on test (fit on train), reconstruction accuracy on its own training sentences
    and on test, and the test file's KL, MI and active units."""
    train_z, _ = encode(tm.model, tm.tokenizer, train.texts)
    test_z, _ = encode(tm.model, tm.tokenizer, test.texts)
    on_train = evaluate(tm.model, tm.tokenizer, [train.texts[i] for i in train.train_idx], iw_samples=0)
    on_test = evaluate(tm.model, tm.tokenizer, test.texts, iw_samples=0)
    return {
        "knn": knn_accuracy(train_z, train.labels, test_z, test.labels),
        "rec_accuracy_train": on_train["rec_accuracy"],
        "rec_accuracy_test": on_test["rec_accuracy"],
        **{k: on_test[k] for k in ("kl", "mi", "active_units", "latent_dim")},
    }


def run_corpus(name: str, device: str) -> dict:
    train, test = load_split(name)
    row: dict = {"corpus": name, "train_sentences": len(train), "test_sentences": len(test)}

    def knn(train_x, test_x) -> float:
        return knn_accuracy(train_x, train.labels, test_x, test.labels)

    row["tfidf_knn"] = knn(*tfidf_svd(train.texts, test.texts))
    start = time.perf_counter()
    embedded = embed_texts(train.texts, device=device), embed_texts(test.texts, device=device)
    row["embed_sentences_per_s"] = round((len(train) + len(test)) / (time.perf_counter() - start))
    row["embedding_knn"] = knn(*embedded)

    models = {
        "scratch_vae": ModelConfig(),
        "pretrained_vae": suggested_config("pretrained"),
    }
    for kind, model_config in models.items():
        start = time.perf_counter()
        tm = fit(train, model_config, TrainConfig(device=device), TokenizerConfig(), iw_samples=0)
        row[f"{kind}_train_seconds"] = round(time.perf_counter() - start, 1)
        row.update({f"{kind}_{k}": v for k, v in measure(tm, train, test).items()})
    a, b = test.texts[0], test.texts[1]  # tm is the pretrained-encoder VAE, trained last
    row["interpolation"] = [text for _, text in interpolate(tm.model, tm.tokenizer, a, b, steps=6)]
    row["interpolation_ends"] = [a, b]
    row["share_of_embedding_knn"] = row["pretrained_vae_knn"] / row["embedding_knn"]
    return row


def report(rows: list[dict], command: str, seconds: float) -> str:
    """COMPARE.md: the table, the targets, and one decoded interpolation per corpus."""
    lines = [
        "# Pretrained encoder report",
        "",
        f"Made by `{command}` on {date.today().isoformat()}, {platform.machine()} with {torch.get_num_threads()} "
        f"threads, torch {torch.__version__}; {seconds / 60:.1f} minutes in all.",
        f"10-NN label accuracy on the test file (fit on the training file). VAEs: library defaults; the pretrained-"
        f"encoder VAE uses {DEFAULT_ENCODER}, frozen, with the suggested settings "
        f"{PRETRAINED_SUGGESTED} (the rest as the scratch VAE). Reconstruction "
        "accuracy: teacher-forced token accuracy from the posterior mean (train = the VAE's own training sentences).",
        "",
        "| corpus | TF-IDF+SVD(32) | MiniLM (384-D) | scratch VAE | pretrained-encoder VAE | share of MiniLM "
        "| rec. acc. train / test (pretrained VAE) | rec. acc. train / test (scratch VAE) | KL | MI | AU "
        "| train s (scratch / pretrained) | embedding sentences/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['tfidf_knn']:.3f} | {r['embedding_knn']:.3f} | {r['scratch_vae_knn']:.3f} "
            f"| {r['pretrained_vae_knn']:.3f} | {r['share_of_embedding_knn']:.0%} "
            f"| {r['pretrained_vae_rec_accuracy_train']:.3f} / {r['pretrained_vae_rec_accuracy_test']:.3f} "
            f"| {r['scratch_vae_rec_accuracy_train']:.3f} / {r['scratch_vae_rec_accuracy_test']:.3f} "
            f"| {r['pretrained_vae_kl']:.2f} | {r['pretrained_vae_mi']:.2f} "
            f"| {r['pretrained_vae_active_units']}/{r['pretrained_vae_latent_dim']} "
            f"| {r['scratch_vae_train_seconds']} / {r['pretrained_vae_train_seconds']} | {r['embed_sentences_per_s']} |"
        )
    lines += ["", "## Targets", ""]
    for r in rows:
        share, rec = r["share_of_embedding_knn"], r["pretrained_vae_rec_accuracy_train"]
        lines.append(
            f"- {r['corpus']}: 10-NN ≥ {TARGET_SHARE:.0%} of MiniLM's: {share:.0%} "
            f"({'met' if share >= TARGET_SHARE else 'NOT met'}); reconstruction token accuracy on training "
            f"sentences ≥ {TARGET_REC:.0%}: {rec:.1%} ({'met' if rec >= TARGET_REC else 'NOT met'})."
        )
    lines += ["", "## Interpolations between two real test sentences (pretrained-encoder VAE, slerp, greedy)", ""]
    for r in rows:
        lines.append(f"{r['corpus']}: {r['interpolation_ends'][0]!r} → {r['interpolation_ends'][1]!r}")
        lines += ["", *(f"    {t}" for t in r["interpolation"]), ""]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="+", choices=LABELLED, default=["trec", "sst"])
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: no corpora at {DATA} (set LATENT_LAB_DATA)")
        return 0
    start = time.perf_counter()
    rows = [run_corpus(name, args.device) for name in args.corpora]
    command = "python bench/compare.py" + "".join(f" {a}" for a in sys.argv[1:])
    out = ROOT / "bench"
    (out / "results").mkdir(exist_ok=True)
    (out / "results" / "compare.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    (out / "COMPARE.md").write_text(report(rows, command, time.perf_counter() - start), encoding="utf-8")
    print((out / "COMPARE.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
