"""Round-trip report: does sentence -> z -> sentence keep what a sentence says, and what does it cost?

    python bench/roundtrip.py trec old new            # train and measure recipes on a corpus (appends rows)
    python bench/roundtrip.py trec new --curve        # one training, the round trip measured after every epoch
    python bench/roundtrip.py trec base --decoding app  # measured as the app decodes (Reconstruct, Interpolate)
    python bench/roundtrip.py --ceilings --report     # (fill older rows' ceiling columns and) write bench/ROUNDTRIP.md

Corpora: trec, subj, sst (train.tsv -> test.tsv), ptb (valid.txt -> test.txt, no label) and demo
(assets/demo_corpus.tsv, its own seeded split, topic label). Recipes: "base" (the shipped base model as it is),
"adapted" (`train --from base`) and those in RECIPES.
For each recipe (a named set of ModelConfig / TrainConfig changes, listed in RECIPES), one `fit` on the training file,
then, greedy from the posterior mean (`GREEDY`: recipes are compared under one fixed decoding; bench/decoding.py
compares decodings) or, with `--decoding app`, as the app's pages decode (Reconstruct: re-ranked from the point
refined from the mean; Interpolate: re-ranked, between refined ends), on up to 500 training and 500 test sentences:
exact match, chrF (sacrebleu), the pretrained encoder's similarity of input and output (beside it: random pairs, and a
perfect round trip — each input against itself as the model can write it, unknown words as ▢ — with the share of test
sentences that hold an unknown word) and, on test, the agreement of a TF-IDF + logistic-regression label judge fit on
the training file; 10-NN label accuracy of test posterior means (fit on train; by Euclidean distance, and by the angle
about the training sentences' centre, as the app measures neighbours: `neighbour_space`); KL, MI and active units on
test; fluency as a plain GRU language model's NLL per token (trained once per corpus, cached under bench/.cache) of
real test sentences, of interpolation midpoints between 100 random pairs of test sentences and of 200 greedy prior
samples; how monotonically meaning moves along 50 interpolations (Spearman ρ of step against the pretrained encoder's
similarity to B minus to A; 1 = steadily from A to B); training seconds.
With --curve, one training per recipe instead, measured after every epoch on 300 training and 300 test sentences
(exact, similarity, label agreement; the measuring time left out of the training seconds): what each minute of
training buys. Rows go to bench/results/roundtrip.jsonl, curves to bench/results/roundtrip-curve.jsonl.
Needs ../shared/data (or LATENT_LAB_DATA) for all but demo.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from bench.common import (
    RESULTS,
    ROOT,
    SPLITS,
    knn_accuracy,
    knn_accuracy_by_angle,
    load_split,
    nll_per_token,
    reference_lm,
)
from vae_core import (
    Corpus,
    ModelConfig,
    SentenceVAE,
    TextTokenizer,
    TokenizerConfig,
    TrainConfig,
    encode,
    evaluate,
    fit,
)
from vae_core.base.shipped import for_corpus, load_base
from vae_core.explore.latent import reconstruct, sample_prior, walk
from vae_core.measure.roundtrip import GREEDY, REFINED, RERANK, LabelJudge, round_trip
from vae_core.model.decoding import DecodeConfig
from vae_core.model.pretrained import embed_texts
from vae_core.train.fit import TrainedModel, adapt_config, adapt_epochs
from vae_core.train.loop import train_vae

ROUNDTRIP = RESULTS / "roundtrip.jsonl"
CURVES = RESULTS / "roundtrip-curve.jsonl"
OLD_DEFAULT = (
    {"latent_dim": 32, "bn_gamma": 0.7, "encoder": "rnn"},
    {"epochs": 15, "pretrain_epochs": 5, "word_dropout": 0.1, "patience": 3},
)
# name: (ModelConfig changes, TrainConfig changes[, TokenizerConfig changes]), applied on top of the old default
RECIPES = {
    "old": ({}, {}),
    "new": ({}, {}),  # the library's defaults at the time of the run
    "gamma2": ({"bn_gamma": 2.0}, {}),
    "gamma3": ({"bn_gamma": 3.0}, {}),
    "hybrid-gamma1.5": ({"encoder": "hybrid", "bn_gamma": 1.5}, {}),
    "hybrid-gamma2": ({"encoder": "hybrid", "bn_gamma": 2.0}, {}),
    "hybrid-64-gamma2": ({"encoder": "hybrid", "bn_gamma": 2.0, "latent_dim": 64}, {}),
    "hybrid-gamma2-wd0": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"word_dropout": 0.0}),
    "hybrid-gamma2-wd0.3": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"word_dropout": 0.3}),
    "hybrid-gamma2-short": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"epochs": 8, "pretrain_epochs": 2}),
    "hybrid-gamma2-long": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"epochs": 30, "patience": 0}),
    "hybrid-gamma2-long-rec": (  # all 30 epochs, keeping the epoch of the best held-out reconstruction, not -ELBO
        {"encoder": "hybrid", "bn_gamma": 2.0},
        {"epochs": 30, "patience": 0, "keep_best": "rec"},
    ),
    "hybrid-gamma2-30": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"epochs": 30}),  # early stopping kept
    "hybrid-gamma2-30-p8": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"epochs": 30, "patience": 8}),  # ≥ a β cycle
    "pretrained-64-gamma1.5": ({"encoder": "pretrained", "bn_gamma": 1.5, "latent_dim": 64}, {}),
    "hybrid-gamma2-bpe": ({"encoder": "hybrid", "bn_gamma": 2.0}, {}, {"kind": "bpe"}),
    "hybrid-gamma3-bpe": ({"encoder": "hybrid", "bn_gamma": 3.0}, {}, {"kind": "bpe"}),
    "hybrid-gamma2-30-p8-bpe": ({"encoder": "hybrid", "bn_gamma": 2.0}, {"epochs": 30, "patience": 8}, {"kind": "bpe"}),
    "hybrid-gamma3-30-p8": ({"encoder": "hybrid", "bn_gamma": 3.0}, {"epochs": 30, "patience": 8}),
    "hybrid-gamma2-30-p8-wd0.3": (
        {"encoder": "hybrid", "bn_gamma": 2.0},
        {"epochs": 30, "patience": 8, "word_dropout": 0.3},
    ),
    "hybrid-gamma2-30-p8-bow1": (
        {"encoder": "hybrid", "bn_gamma": 2.0, "bow_weight": 1.0},
        {"epochs": 30, "patience": 8},
    ),
    "hybrid-gamma2-30-p8-b128": (  # the default at twice the batch, the learning rate scaled by √2
        {"encoder": "hybrid", "bn_gamma": 2.0},
        {"epochs": 30, "patience": 8, "batch_size": 128, "lr": 1.4e-3},
    ),
    "hybrid-gamma2-30-p8-b256": (  # four times the batch, the learning rate doubled
        {"encoder": "hybrid", "bn_gamma": 2.0},
        {"epochs": 30, "patience": 8, "batch_size": 256, "lr": 2e-3},
    ),
    "hybrid-gamma2-30-p8-h512": (  # decoder capacity: twice the default's hidden units (encoder RNN too)
        {"encoder": "hybrid", "bn_gamma": 2.0, "hidden_dim": 512},
        {"epochs": 30, "patience": 8},
    ),
    "hybrid-gamma2-30-p8-mf1": (
        {"encoder": "hybrid", "bn_gamma": 2.0},
        {"epochs": 30, "patience": 8},
        {"min_frequency": 1},
    ),
}


# How the round trips and the interpolations are decoded: (round trip, the refining of z before it, interpolations).
# "greedy" is the fixed measure every recipe is compared under; "app" is what Reconstruct and Interpolate write by
# default. Prior samples are greedy under both.
SHORT_GREEDY = DecodeConfig(strategy="greedy", max_len=60)  # prior samples, and greedy paths
SHORT_RERANK = DecodeConfig(strategy="rerank", max_len=60)  # paths as Interpolate decodes them
DECODINGS = {
    "greedy": (GREEDY, None, SHORT_GREEDY),
    "app": (RERANK, REFINED, SHORT_RERANK),
}


# Recipes that start from the shipped base model (its own sizes and tokenizer): "base" measures it as it ships,
# untrained on the corpus (what a user sees right after an upload); "adapted" is `train --from base`, the default.
FROM_BASE = ("base", "adapted")


def configs(
    recipe: str, base: TrainedModel | None = None, corpus: Corpus | None = None
) -> tuple[ModelConfig, TrainConfig, TokenizerConfig]:
    """A recipe's settings; those of FROM_BASE are the loaded `base` model's own, under the adaptation recipe, in
    the passes the app gives `corpus` (`adapt_epochs`)."""
    if recipe == "new":
        return ModelConfig(), TrainConfig(), TokenizerConfig()
    if recipe in FROM_BASE:
        return base.model.config, adapt_config(adapt_epochs(corpus)), base.tokenizer_config
    model_changes, train_changes, *tokenizer_changes = RECIPES[recipe]
    model = ModelConfig(**{**OLD_DEFAULT[0], **model_changes})
    tokenizer = TokenizerConfig(**(tokenizer_changes[0] if tokenizer_changes else {"kind": "word"}))
    return model, replace(TrainConfig(), **{**OLD_DEFAULT[1], **train_changes}), tokenizer


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    value = spearmanr(x, y).statistic
    return 0.0 if np.isnan(value) else float(value)


def monotonicity(decoded: list[str], a: str, b: str) -> float:
    """How steadily a decoded path moves from a to b: Spearman ρ of the step against the pretrained encoder's
    similarity to b minus to a (1 = steadily)."""
    e = embed_texts(decoded + [a, b])
    n = len(decoded)
    return spearman(np.arange(n), e[:n] @ e[n + 1] - e[:n] @ e[n])


def measure(name: str, recipe: str, decoding: str = "greedy") -> dict:
    train, test = load_split(name)
    base = load_base("cpu") if recipe in FROM_BASE else None  # loaded once: its settings, and the model itself
    model_config, train_config, tokenizer_config = configs(recipe, base, train)
    start = time.perf_counter()
    if recipe == "base":
        tm = for_corpus(base, train.train_texts)
    else:
        tm = fit(train, model_config, train_config, tokenizer_config, iw_samples=0, roundtrip_limit=0,
                 start_from=base)  # fmt: skip
    seconds = time.perf_counter() - start
    model, tokenizer = tm.model.float(), tm.tokenizer
    rng = np.random.default_rng(0)

    def sample(size: int, n: int = 500) -> list[int]:
        return sorted(rng.choice(size, min(n, size), replace=False).tolist())

    train_texts = train.train_texts
    labelled = train.labels is not None
    train_labels = [train.labels[i] for i in train.train_idx] if labelled else None
    judge = LabelJudge(train_texts, train_labels) if labelled else None
    on_test_idx = sample(len(test.texts))
    rt_decoding, refined, path_decoding = DECODINGS[decoding]
    on_train = round_trip(
        model, tokenizer, [train_texts[i] for i in sample(len(train_texts))], decoding=rt_decoding, refined=refined
    ).summary()
    on_test = round_trip(
        model,
        tokenizer,
        [test.texts[i] for i in on_test_idx],
        labels=[test.labels[i] for i in on_test_idx] if labelled else None,
        judge=judge,
        decoding=rt_decoding,
        refined=refined,
    ).summary()
    train_z, _ = encode(model, tokenizer, train_texts)
    test_z, _ = encode(model, tokenizer, test.texts)
    held_out = evaluate(model, tokenizer, test.texts, iw_samples=0)

    lm, lm_tokenizer = reference_lm(name, train)
    pairs = rng.choice(len(test.texts), size=(100, 2), replace=False)
    midpoints, monotone = [], []
    for k, (a, b) in enumerate(pairs):
        _, decoded = walk(model, tokenizer, test.texts[a], test.texts[b], 8, config=path_decoding, refined=refined)
        midpoints.append(decoded[4])
        if k < 50:
            monotone.append(monotonicity(decoded, test.texts[a], test.texts[b]))
    shown = [test.texts[i] for i in on_test_idx[:3]]
    _, prior = sample_prior(model, tokenizer, 200, SHORT_GREEDY, seed=0)
    return {
        "corpus": name,
        "recipe": recipe,
        "decoding": decoding,
        "model": {k: getattr(model_config, k) for k in ("encoder", "latent_dim", "bn_gamma", "hidden_dim")},
        "train": {k: getattr(train_config, k) for k in ("epochs", "pretrain_epochs", "word_dropout", "patience")},
        "tokenizer": tokenizer_config.kind if tokenizer_config else None,
        "train_sentences": len(train.train_idx),
        "train_seconds": round(seconds, 1),
        "best_epoch": tm.metrics.get("best_epoch"),
        "kl": held_out["kl"],
        "mi": held_out["mi"],
        "active_units": held_out["active_units"],
        "knn10": knn_accuracy(train_z, train_labels, test_z, test.labels) if labelled else None,
        "knn10_angle": knn_accuracy_by_angle(train_z, train_labels, test_z, test.labels) if labelled else None,
        "train_exact": on_train["roundtrip_exact"],
        "train_chrf": on_train["roundtrip_chrf"],
        "train_similarity": on_train.get("roundtrip_similarity"),
        "test_exact": on_test["roundtrip_exact"],
        "test_chrf": on_test["roundtrip_chrf"],
        "test_similarity": on_test.get("roundtrip_similarity"),
        "random_similarity": on_test.get("roundtrip_similarity_random"),
        "ceiling_similarity": on_test.get("roundtrip_similarity_ceiling"),
        "test_unknown": on_test["roundtrip_unknown"],
        "test_label_agreement": on_test.get("roundtrip_label_agreement"),
        "judge_accuracy": on_test.get("roundtrip_judge_accuracy"),
        "lm_nll_real": nll_per_token(lm, lm_tokenizer, test.texts),
        "lm_nll_midpoints": nll_per_token(lm, lm_tokenizer, midpoints),
        "lm_nll_prior": nll_per_token(lm, lm_tokenizer, prior),
        "interpolation_monotone": float(np.mean(monotone)),
        "examples": list(zip(shown, reconstruct(model, tokenizer, shown, rt_decoding, refined))),
        "midpoint_examples": midpoints[:3],
        "prior_examples": prior[:3],
        "machine": f"{torch.get_num_threads()} threads, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
        "command": f"python bench/roundtrip.py {name} {recipe}"
        + (f" --decoding {decoding}" if decoding != "greedy" else ""),
    }


def curve(name: str, recipe: str, n: int = 300) -> dict:
    """One training of `recipe` (as `fit` trains it), the round trip measured after every epoch: what each extra
    minute of training buys. The measuring time is left out of the training seconds."""
    train, test = load_split(name)
    model_config, train_config, tokenizer_config = configs(recipe)
    tokenizer = TextTokenizer.train(train.train_texts, tokenizer_config)
    torch.manual_seed(train_config.seed)
    model = SentenceVAE(model_config, tokenizer.vocab_size, pad_id=tokenizer.pad_id)
    rng = np.random.default_rng(0)
    train_texts, train_labels = train.train_texts, [train.labels[i] for i in train.train_idx]
    judge = LabelJudge(train_texts, train_labels)
    on_train = [train_texts[i] for i in sorted(rng.choice(len(train_texts), min(n, len(train_texts)), replace=False))]
    test_idx = sorted(rng.choice(len(test.texts), min(n, len(test.texts)), replace=False))
    on_test, test_labels = [test.texts[i] for i in test_idx], [test.labels[i] for i in test_idx]
    points, measuring, start = [], 0.0, time.perf_counter()

    def after_epoch(p) -> None:
        nonlocal measuring
        if p.val is None:
            return
        began = time.perf_counter()
        trained = round_trip(model, tokenizer, on_train, similarity=False, decoding=GREEDY).summary()
        held_out = round_trip(model, tokenizer, on_test, labels=test_labels, judge=judge, decoding=GREEDY).summary()
        points.append(
            {
                "epoch": p.epoch,
                "train_seconds": round(began - start - measuring, 1),
                "val_elbo": p.val.get("elbo"),
                "train_exact": trained["roundtrip_exact"],
                "test_exact": held_out["roundtrip_exact"],
                "test_similarity": held_out.get("roundtrip_similarity"),
                "test_label_agreement": held_out.get("roundtrip_label_agreement"),
            }
        )
        measuring += time.perf_counter() - began
        print(json.dumps(points[-1]), flush=True)

    train_vae(model, tokenizer, train_texts, train.val_texts, train_config, on_progress=after_epoch)
    return {
        "corpus": name,
        "recipe": recipe,
        "points": points,
        "ceiling_similarity": held_out_ceiling(tokenizer, on_test),
        "machine": f"{torch.get_num_threads()} threads, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
        "command": f"python bench/roundtrip.py {name} {recipe} --curve",
    }


def held_out_ceiling(tokenizer: TextTokenizer, texts: list[str]) -> float | None:
    """What a perfect round trip scores on meaning kept: each text against itself as the model can write it."""
    from vae_core.measure.roundtrip import as_written, meaning_similarity

    found = meaning_similarity(texts, as_written(tokenizer, texts))
    return None if found is None else float(found.cosine.mean())


COLUMNS = [  # (key, heading, format)
    ("corpus", "corpus", "{}"),
    ("recipe", "recipe", "{}"),
    ("kl", "KL", "{:.1f}"),
    ("train_exact", "exact (train)", "{:.1%}"),
    ("test_exact", "exact (test)", "{:.1%}"),
    ("test_chrf", "chrF (test)", "{:.1f}"),
    ("test_similarity", "similarity (test)", "{:.3f}"),
    ("random_similarity", "random pairs", "{:.3f}"),
    ("ceiling_similarity", "perfect round trip", "{:.3f}"),
    ("test_unknown", "unknown word (test)", "{:.0%}"),
    ("test_label_agreement", "same label (test)", "{:.1%}"),
    ("knn10", "10-NN", "{:.3f}"),
    ("knn10_angle", "10-NN (angle)", "{:.3f}"),
    ("lm_nll_real", "LM NLL/token real", "{:.2f}"),
    ("lm_nll_midpoints", "midpoints", "{:.2f}"),
    ("lm_nll_prior", "prior samples", "{:.2f}"),
    ("interpolation_monotone", "A→B monotone ρ", "{:.2f}"),
    ("train_seconds", "train s", "{:.0f}"),
]


def table(rows: list[dict]) -> list[str]:
    lines = ["| " + " | ".join(h for _, h, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = [fmt.format(r[k]) if r.get(k) is not None else "–" for k, _, fmt in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def tradeoff_svg(rows: list[dict], y_key: str, y_label: str) -> str:
    """A small scatter plot (SVG) of rate (KL, nats) against `y_key`, one colour per corpus, each point named."""
    width, height, pad = 640, 400, 50
    colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]  # Okabe-Ito: colour-blind safe
    corpora = sorted({r["corpus"] for r in rows})
    max_kl = max(r["kl"] for r in rows) * 1.1

    def x(kl: float) -> float:
        return pad + (width - 2 * pad) * kl / max_kl

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * v

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<line x1="{pad}" y1="{y(0)}" x2="{width - pad}" y2="{y(0)}" stroke="black"/>',
        f'<line x1="{pad}" y1="{y(0)}" x2="{pad}" y2="{y(1)}" stroke="black"/>',
        f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">rate: KL on test (nats / sentence)</text>',
        f'<text x="14" y="{height / 2}" transform="rotate(-90 14 {height / 2})" text-anchor="middle">{y_label}</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<text x="{pad - 6}" y="{y(tick) + 4}" text-anchor="end">{tick:.2f}</text>')
    for tick in range(0, int(max_kl) + 1, max(1, int(max_kl) // 6 // 10 * 10 or 10)):
        parts.append(f'<text x="{x(tick)}" y="{y(0) + 16}" text-anchor="middle">{tick}</text>')
    for r in rows:
        value = r.get(y_key)
        if value is None:
            continue
        colour = colours[corpora.index(r["corpus"]) % len(colours)]
        parts.append(f'<circle cx="{x(r["kl"]):.1f}" cy="{y(value):.1f}" r="5" fill="{colour}"/>')
        parts.append(f'<text x="{x(r["kl"]) + 7:.1f}" y="{y(value) + 4:.1f}" fill="{colour}">{r["recipe"]}</text>')
    for i, corpus in enumerate(corpora):
        colour = colours[i % len(colours)]
        parts.append(f'<text x="{width - pad}" y="{pad + 14 * i}" text-anchor="end" fill="{colour}">{corpus}</text>')
    return "\n".join([*parts, "</svg>"]) + "\n"


def fill_ceilings(results: Path) -> None:
    """Add the perfect-round-trip similarity and the unknown-word share to rows measured before they existed: both
    depend only on the corpus, the tokenizer and the test sentences drawn (the same seeded draw as `measure`)."""
    from vae_core.measure.roundtrip import has_unknown

    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row.get("ceiling_similarity") is not None or row["corpus"] not in SPLITS:
            continue
        train, test = load_split(row["corpus"])
        tokenizer = TextTokenizer.train(train.train_texts, configs(row["recipe"])[2])
        drawn = np.random.default_rng(0).choice(len(test.texts), min(500, len(test.texts)), replace=False)
        texts = [test.texts[i] for i in sorted(drawn.tolist())]
        row["ceiling_similarity"] = held_out_ceiling(tokenizer, texts)
        row["test_unknown"] = float(has_unknown(tokenizer, texts).mean())
    results.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def curve_table(row: dict) -> list[str]:
    """A curve (see `curve`) as a table: the round trip after each epoch against the training time so far."""
    ceiling = row.get("ceiling_similarity")
    lines = [
        f"## After every epoch: {row['corpus']} / {row['recipe']} (`{row['command']}`, {row['date']})",
        "",
        f"A perfect round trip scores {ceiling:.3f} on meaning kept here." if ceiling else "",
        "",
        "| epoch | train s | exact (train) | exact (test) | similarity (test) | same label (test) |",
        "|---|---|---|---|---|---|",
    ]
    for p in row["points"]:
        similarity = "–" if p["test_similarity"] is None else f"{p['test_similarity']:.3f}"
        agreement = "–" if p["test_label_agreement"] is None else f"{p['test_label_agreement']:.1%}"
        lines.append(
            f"| {p['epoch']} | {p['train_seconds']:.0f} | {p['train_exact']:.1%} | {p['test_exact']:.1%} "
            f"| {similarity} | {agreement} |"
        )
    return [*lines, ""]


def examples(rows: list[dict]) -> list[str]:
    """Each row's first test sentences and what came back, a midpoint and a prior sample."""
    lines = []
    for r in rows:
        lines.append(f"**{r['corpus']} / {r['recipe']}**")
        lines += [f"- `{a}` → `{b}`" for a, b in r["examples"]]
        lines += [f"- midpoint: `{r['midpoint_examples'][0]}`; prior sample: `{r['prior_examples'][0]}`", ""]
    return lines


def write_report(results: Path, out: Path) -> None:
    """bench/ROUNDTRIP.md: the table of every row measured (the newest row per corpus and recipe), greedy from the
    mean, then the rows measured as the app decodes."""
    rows = {}
    for line in results.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[(row.get("decoding", "greedy"), row["corpus"], row["recipe"])] = row
    newest = sorted(rows.items())
    ordered = [row for (decoding, *_), row in newest if decoding == "greedy"]
    as_app = [row for (decoding, *_), row in newest if decoding == "app"]
    text = [
        "# The round trip: sentence → z → sentence",
        "",
        "Made by `python bench/roundtrip.py CORPUS RECIPE ...` (rows in `bench/results/roundtrip.jsonl`) and "
        "`python bench/roundtrip.py --report`. What each column means is in the script's docstring.",
        "",
        *table(ordered),
        "",
        "![rate against exact match](results/roundtrip-train_exact.svg)",
        "![rate against meaning kept](results/roundtrip-test_similarity.svg)",
        "![rate against label agreement](results/roundtrip-test_label_agreement.svg)",
        "",
        *(
            [
                "## As the app decodes",
                "",
                "`python bench/roundtrip.py CORPUS RECIPE --decoding app`: the round trips re-ranked from the point "
                "refined from the mean (Generate → Reconstruct), the midpoints and A→B re-ranked between refined ends "
                "(Interpolate); prior samples greedy, as above.",
                "",
                *table(as_app),
                "",
            ]
            if as_app
            else []
        ),
        "## Examples (test sentences, greedy from the posterior mean)",
        "",
        *examples(ordered),
        *(["## Examples as the app decodes", "", *examples(as_app)] if as_app else []),
    ]
    if CURVES.is_file():
        for line in CURVES.read_text(encoding="utf-8").splitlines():
            text += curve_table(json.loads(line))
    marker = "<!-- findings: written by hand, kept by --report -->"
    if out.is_file() and marker in (previous := out.read_text(encoding="utf-8")):
        text += ["", marker + previous.split(marker, 1)[1].rstrip("\n")]
    plots = [
        ("train_exact", "exact match (training sentences)"),
        ("test_similarity", "meaning kept"),
        ("test_label_agreement", "same label (test)"),
    ]
    for key, label in plots:
        (out.parent / "results" / f"roundtrip-{key}.svg").write_text(tradeoff_svg(ordered, key, label), "utf-8")
    out.write_text("\n".join(text) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", choices=sorted(SPLITS))
    parser.add_argument("recipes", nargs="*", help=f"default: old new; one of {', '.join([*RECIPES, *FROM_BASE])}")
    parser.add_argument("--curve", action="store_true", help="measure the round trip after every epoch of one training")
    parser.add_argument("--ceilings", action="store_true", help="add the perfect-round-trip columns to older rows")
    parser.add_argument("--report", action="store_true", help="write bench/ROUNDTRIP.md from the rows")
    parser.add_argument(
        "--decoding", choices=sorted(DECODINGS), default="greedy", help="greedy from the mean, or as the app decodes"
    )
    args = parser.parse_args()
    unknown = [r for r in args.recipes if r not in RECIPES and r not in FROM_BASE]
    if unknown:
        parser.error(f"unknown recipe {unknown[0]!r}: use one of {', '.join([*RECIPES, *FROM_BASE])}")
    if args.curve and args.decoding != "greedy":
        parser.error("--curve measures greedy from the mean only")
    if args.curve and set(args.recipes) & set(FROM_BASE):
        parser.error("--curve trains a new model from scratch; the base-model recipes have no curve here")
    if args.corpus:
        train_file = SPLITS[args.corpus][0]
        if not train_file.is_file():
            print(f"skipped: no {train_file}")
            return
        for recipe in args.recipes or ["old", "new"]:
            row = curve(args.corpus, recipe) if args.curve else measure(args.corpus, recipe, args.decoding)
            print(json.dumps(row), flush=True)
            with (CURVES if args.curve else ROUNDTRIP).open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")
    if args.ceilings:
        fill_ceilings(ROUNDTRIP)
    if args.report:
        write_report(ROUNDTRIP, ROOT / "bench" / "ROUNDTRIP.md")


if __name__ == "__main__":
    main()
