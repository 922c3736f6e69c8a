"""Quality report: does the default sentence VAE use its latent space on real text, without paying for it
in likelihood? Writes bench/QUALITY.md (and bench/results/quality.json).

    python bench/quality.py                       # default settings, TREC + SST + PTB (~10 min on 2 cores)
    python bench/quality.py --corpora trec --variant fb0.3 --variant bn0.6   # other settings, for the table

For each corpus: the VAE trained with the chosen settings on the training file (10% held out for early
stopping), measured on the test file: IW-NLL (K=100), perplexity, KL, mutual information, active units,
reconstruction token accuracy; 10-NN and logistic-regression label accuracy of the posterior means (fit on
train, scored on test) beside TF-IDF + TruncatedSVD(32) on the same split; and a plain GRU language model of
the decoder's size (no z, no word dropout), trained the same way, as the NLL reference.
Needs ../shared/data, or the folder named by LATENT_LAB_DATA (skips cleanly without it).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

import torch

from bench.common import (
    DATA,
    RESULTS,
    ROOT,
    SPLITS,
    knn_accuracy,
    lm_nll,
    load_split,
    logistic_accuracy,
    tfidf_svd,
    train_language_model,
)
from vae_core import BetaSchedule, ModelConfig, TokenizerConfig, TrainConfig, encode, evaluate, fit
from vae_core.data.batching import to_ids

CORPORA = ["trec", "sst", "ptb"]
# Settings tried, by name. "default" is the library's defaults; every other variant starts from the first
# defaults (no BN-VAE, no pre-training, free bits 0.1, word dropout 0.25, 10 epochs) and changes what it names.
FIRST = ({"bn_gamma": 0.0}, {"epochs": 10, "pretrain_epochs": 0, "free_bits": 0.1, "word_dropout": 0.25})
CHANGES = {
    "first-defaults": ({}, {}),
    "fb0.3": ({}, {"free_bits": 0.3}),
    "fb0.5": ({}, {"free_bits": 0.5}),
    "fb0.3-wd0.4": ({}, {"free_bits": 0.3, "word_dropout": 0.4}),
    "linear-fb0.3": ({}, {"free_bits": 0.3, "beta": BetaSchedule("linear", warmup=0.3)}),
    "logistic-fb0.3": ({}, {"free_bits": 0.3, "beta": BetaSchedule("logistic", warmup=0.3)}),
    "bn0.5": ({"bn_gamma": 0.5}, {"free_bits": 0.0}),
    "bn0.7": ({"bn_gamma": 0.7}, {"free_bits": 0.0}),
    "ae3-fb0.3": ({}, {"pretrain_epochs": 3, "free_bits": 0.3}),
    "ae3-fb0.5": ({}, {"pretrain_epochs": 3, "free_bits": 0.5}),
    "ae3-bn0.6": ({"bn_gamma": 0.6}, {"pretrain_epochs": 3, "free_bits": 0.0}),
    "bn0.7-wd0": ({"bn_gamma": 0.7}, {"free_bits": 0.0, "word_dropout": 0.0}),
    "ae3-bn0.6-wd0": ({"bn_gamma": 0.6}, {"pretrain_epochs": 3, "free_bits": 0.0, "word_dropout": 0.0}),
    "ae3-bn0.6-wd0.1": ({"bn_gamma": 0.6}, {"pretrain_epochs": 3, "free_bits": 0.0, "word_dropout": 0.1}),
    "ae3-bn0.7-wd0.1": ({"bn_gamma": 0.7}, {"pretrain_epochs": 3, "free_bits": 0.0, "word_dropout": 0.1}),
    "ae3-bn0.8-wd0.1": ({"bn_gamma": 0.8}, {"pretrain_epochs": 3, "free_bits": 0.0, "word_dropout": 0.1}),
    "ae3-fb0.3-wd0": ({}, {"pretrain_epochs": 3, "free_bits": 0.3, "word_dropout": 0.0}),
    "ae3-fb0.2-wd0.1": ({}, {"pretrain_epochs": 3, "free_bits": 0.2, "word_dropout": 0.1}),
    "ae5-bn0.7-wd0.1-e15": (
        {"bn_gamma": 0.7},
        {"pretrain_epochs": 5, "free_bits": 0.0, "word_dropout": 0.1, "epochs": 15},
    ),
}
VARIANTS = {"default": ({}, {})} | {
    name: ({**FIRST[0], **model}, {**FIRST[1], **train}) for name, (model, train) in CHANGES.items()
}
SWEEP = RESULTS / "sweep-h100.json"


def run_corpus(name: str, variant: str, device: str, with_lm: bool) -> dict:
    train, test = load_split(name)
    model_changes, train_changes = VARIANTS[variant]
    model_config = replace(ModelConfig(), **model_changes)
    train_config = replace(TrainConfig(device=device), **train_changes)
    start = time.perf_counter()
    tm = fit(train, model_config, train_config, TokenizerConfig(), iw_samples=0)
    seconds = time.perf_counter() - start
    row = {
        "corpus": name,
        "variant": variant,
        "train_sentences": len(train.train_idx),
        "test_sentences": len(test),
        "train_seconds": round(seconds, 1),
        "tokens_per_s": round(tm.metrics["tokens_per_s"]),
        "epochs": len(tm.history["epochs"]),
    }
    metrics = evaluate(tm.model, tm.tokenizer, test.texts, iw_samples=100)
    row.update({k: metrics[k] for k in ("nll_iw", "ppl", "kl", "mi", "active_units", "latent_dim", "rec_accuracy")})
    if SPLITS[name][2]:
        train_z, _ = encode(tm.model, tm.tokenizer, train.texts)
        test_z, _ = encode(tm.model, tm.tokenizer, test.texts)
        base_train, base_test = tfidf_svd(train.texts, test.texts)
        row.update(
            knn=knn_accuracy(train_z, train.labels, test_z, test.labels),
            logreg=logistic_accuracy(train_z, train.labels, test_z, test.labels),
            tfidf_knn=knn_accuracy(base_train, train.labels, base_test, test.labels),
            tfidf_logreg=logistic_accuracy(base_train, train.labels, base_test, test.labels),
        )
    if with_lm:
        lm = train_language_model(train, model_config, replace(train_config, word_dropout=0.0), tm.tokenizer)
        nll, tokens = lm_nll(lm, tm.tokenizer, to_ids(tm.tokenizer, test.texts))
        row.update(lm_nll=nll, lm_ppl=math.exp(nll * len(test) / tokens), nll_gap=row["nll_iw"] / nll - 1)
    row["settings"] = {"model": asdict(model_config), "train": train_config.to_dict()}
    return row


def fmt(value, spec: str = ".2f") -> str:
    return "–" if value is None else format(value, spec)


TABLE_HEADER = [
    "| corpus | settings | IW-NLL | LM NLL | gap | PPL | KL | MI | AU | rec. acc. | 10-NN | TF-IDF 10-NN | logreg "
    "| TF-IDF logreg | epochs | train s | tokens/s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]


def table_row(r: dict) -> str:
    cells = [
        r["corpus"],
        r["variant"],
        fmt(r["nll_iw"]),
        fmt(r.get("lm_nll")),
        fmt(r.get("nll_gap"), "+.1%"),
        fmt(r["ppl"], ".1f"),
        fmt(r["kl"]),
        fmt(r["mi"]),
        f"{r['active_units']}/{r['latent_dim']}",
        fmt(r["rec_accuracy"], ".3f"),
        fmt(r.get("knn"), ".3f"),
        fmt(r.get("tfidf_knn"), ".3f"),
        fmt(r.get("logreg"), ".3f"),
        fmt(r.get("tfidf_logreg"), ".3f"),
        str(r["epochs"]),
        str(r["train_seconds"]),
        str(r["tokens_per_s"]),
    ]
    return "| " + " | ".join(cells) + " |"


def targets(r: dict) -> list[tuple[str, bool]]:
    """The quality issue's targets for one corpus's row: (what, met)."""
    au, kl = (16, 5.0) if r["corpus"] == "trec" else (8, 3.0)
    checks = [
        (f"active units ≥ {au} (got {r['active_units']})", r["active_units"] >= au),
        (f"KL ≥ {kl:g} nats (got {r['kl']:.2f})", r["kl"] >= kl),
    ]
    if r.get("nll_gap") is not None:
        checks.append((f"IW-NLL ≤ LM NLL + 2% (got {r['nll_gap']:+.1%})", r["nll_gap"] <= 0.02))
    if r["corpus"] == "trec" and r.get("knn") is not None:
        checks.append((f"10-NN ≥ TF-IDF+SVD (got {r['knn']:.3f} vs {r['tfidf_knn']:.3f})", r["knn"] >= r["tfidf_knn"]))
    return checks


def write_report(rows: list[dict], path: Path, command: str) -> None:
    device = rows[0]["settings"]["train"]["device"] if rows else "?"
    lines = [
        "# Quality report",
        "",
        f"Made by `{command}` on {date.today().isoformat()}, {platform.machine()} with "
        f"{torch.get_num_threads()} threads, torch {torch.__version__}, device `{device}`.",
        "Held-out test files; NLL in nats per sentence (IW-NLL with K=100 importance samples); PPL per token "
        "(words + `<eos>`); KL and MI in nats; AU = active units (Var of E[z|x] ≥ 0.01). Probes on posterior "
        "means: 10-NN and logistic regression, fit on the training file, scored on the test file, beside "
        "TF-IDF + TruncatedSVD(32) on the same split. LM = a plain GRU language model of the decoder's size "
        "(no z, no word dropout) trained the same way; gap = VAE IW-NLL / LM NLL − 1. TREC: train.tsv → "
        "test.tsv; SST: train.tsv → test.tsv (5 classes); PTB: valid.txt → test.txt (no labels).",
        "",
        *TABLE_HEADER,
        *(table_row(r) for r in rows),
        "",
        *(
            [
                f"The whole run took {rows[0]['run_seconds'] / 60:.1f} minutes of wall time (the quality issue "
                "asks for under 20 on 2 cores: SST, with its 7.7k-word output layer, is most of it)."
            ]
            if rows and rows[0].get("run_seconds")
            else []
        ),
        "",
        "## Targets",
        "",
    ]
    for r in rows:
        for what, met in targets(r):
            lines.append(f"- {r['corpus']} ({r['variant']}): {'met' if met else '**not met**'}: {what}")
    if SWEEP.is_file():
        sweep = json.loads(SWEEP.read_text(encoding="utf-8"))
        lines += [
            "",
            "## What was tried",
            "",
            "Each row is one run of `python bench/quality.py --corpora C --variant V` (the LM only where a gap is "
            "given) on a lent NVIDIA H100 (torch 2.11, CUDA), several runs at once, so train seconds are not "
            "comparable with the table above. Variants other than `default` start from the first defaults "
            "(cyclical β, free bits 0.1, word dropout 0.25, no BN-VAE, no pre-training, 10 epochs) and change "
            "what their name says: `fbX` free bits, `wdX` word dropout, `bnX` BN-VAE γ, `aeN` N epochs of "
            "autoencoder pre-training with the decoder reset after, `linear`/`logistic` the β schedule, `eN` "
            "epochs. Results are in `bench/results/sweep-h100.json`.",
            "",
            *TABLE_HEADER,
            *(table_row(r) for r in sweep),
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="+", default=CORPORA, choices=CORPORA)
    parser.add_argument("--variant", action="append", choices=list(VARIANTS), help="repeatable; default: default")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--no-lm", action="store_true", help="skip the language-model reference")
    parser.add_argument("--out", default=str(ROOT / "bench" / "QUALITY.md"))
    parser.add_argument("--json", default=str(RESULTS / "quality.json"))
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from --json, no training")
    args = parser.parse_args()
    if args.report_only:
        rows = json.loads(Path(args.json).read_text(encoding="utf-8"))
        write_report(rows, Path(args.out), rows[0].get("command", "python bench/quality.py"))
        print(f"wrote {args.out}")
        return 0
    if not DATA.is_dir():
        print(f"skipped: {DATA} is not here (the corpora live in ../shared/data)")
        return 0
    command = "python bench/quality.py " + " ".join(sys.argv[1:])
    start = time.perf_counter()
    rows = []
    for variant in args.variant or ["default"]:
        for name in args.corpora:
            row = run_corpus(name, variant, args.device, with_lm=not args.no_lm)
            row["command"] = command.strip()
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "settings"}), flush=True)
    rows[0]["run_seconds"] = time.perf_counter() - start
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    write_report(rows, Path(args.out), command.strip())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
