"""Meaning and form taken apart (vae_core/explore/meaning.py), measured on held-out sentences of labelled corpora.

    python bench/meaning_form.py                      # TREC, SST and SUBJ with the shipped base model (~10 min)
    python bench/meaning_form.py --corpora trec --model DIR --sentences 100

For each of the first --sentences test sentences x and a seeded other test sentence y (its partner):
- rewrite: x's meaning in y's form. Meaning kept = cosine of all-MiniLM-L6-v2's embeddings of x and the output, with
  the same for y (how much of the partner's meaning leaked in); chrF against x (how much of x's wording stayed: low
  is a real rewording) and against y (how much of y's form was taken); whether a TF-IDF judge fit on the training
  sentences gives the output x's label.
- restate: x's form with y's meaning: the same figures the other way round (meaning of y kept, x's form kept).
- the round trip of x (greedy from its mean) beside them: what the model writes when nothing is swapped.
Greedy decoding throughout. Rows go to bench/results/meaning-form.jsonl. Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import platform
import sys
from datetime import date
from pathlib import Path

import numpy as np
import torch

from bench.common import DATA, RESULTS, corpus_model, load_split, model_argument, record
from vae_core.base.shipped import BASE
from vae_core.explore.latent import decode_latents, encode
from vae_core.explore.meaning import joined
from vae_core.measure.roundtrip import chrf_scores, label_judge, meaning_similarity

OUT = RESULTS / "meaning-form.jsonl"


def scores(outputs: list[str], meaning_from: list[str], form_from: list[str], judge, labels: list) -> dict:
    """Meaning kept from `meaning_from`, wording kept from each side, and the label of `meaning_from` kept."""
    kept = meaning_similarity(meaning_from, outputs).cosine
    leaked = meaning_similarity(form_from, outputs).cosine
    return {
        "meaning_kept": round(float(kept.mean()), 3),
        "meaning_of_the_other": round(float(leaked.mean()), 3),
        "chrf_to_meaning_source": round(float(chrf_scores(outputs, meaning_from).mean()), 1),
        "chrf_to_form_source": round(float(chrf_scores(outputs, form_from).mean()), 1),
        "label_kept": round(float((judge.predict(outputs) == np.asarray(labels)).mean()), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", nargs="+", default=["trec", "sst", "subj"])
    parser.add_argument("--model", default=BASE, help="base (the shipped base model) or a bundle folder")
    parser.add_argument("--sentences", type=int, default=200)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    for name in args.corpora:
        train, test = load_split(name)
        tm = corpus_model(args.model, train)
        if not tm.model.config.meaning_dim:
            print(f"skipped: {args.model} has no meaning part")
            return 0
        model, tokenizer, k = tm.model.float(), tm.tokenizer, tm.model.config.meaning_dim
        judge = label_judge(train.train_texts, [train.labels[i] for i in train.train_idx])
        x = test.texts[: args.sentences]
        x_labels = test.labels[: args.sentences]
        partner = (np.arange(len(x)) + np.random.default_rng(0).integers(1, len(x), len(x))) % len(x)
        y, y_labels = [x[i] for i in partner], [x_labels[i] for i in partner]
        mu = encode(model, tokenizer, x)[0]
        written = {
            "round trip": decode_latents(model, tokenizer, mu),
            "rewrite": decode_latents(model, tokenizer, joined(mu[partner], mu, k)),  # y's form, x's meaning
            "restate": decode_latents(model, tokenizer, joined(mu, mu[partner], k)),  # x's form, y's meaning
        }
        measured = {
            "round trip": scores(written["round trip"], x, x, judge, x_labels),
            "rewrite": scores(written["rewrite"], x, y, judge, x_labels),
            "restate": scores(written["restate"], y, x, judge, y_labels),
        }
        for what, figures in measured.items():
            row = {"corpus": name, "what": what, "model": Path(args.model).name, "sentences": len(x), **figures}
            row["examples"] = [[x[i], y[i], written[what][i]] for i in range(3)]
            row["machine"] = f"{torch.get_num_threads()} threads, {platform.machine()}"
            row["date"] = str(date.today())
            row["command"] = f"python bench/meaning_form.py --corpora {name}{model_argument(args.model)}"
            record(OUT, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
