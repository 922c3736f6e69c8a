"""The round trip of one trained model under each decoding strategy: which way of turning z back into words keeps
the most of a sentence?

    python bench/decoding.py trec                 # trains the default recipe with `fit` first (~6 min on 2 cores)
    python bench/decoding.py trec --model DIR     # a bundle already trained on that corpus's training file
    python bench/decoding.py trec --model base --only refined   # the base model as it is; some strategies only
    python bench/decoding.py sst --model base --only greedy "rerank 10, z refined 20 steps" --splits test

On 500 seeded test sentences and 500 of the training file's own validation split (held out from training, and
harder than TREC's test questions), each strategy decodes the posterior means (or, "z refined", the points refined
from them: vae_core/model/refine.py): exact match, chrF, meaning kept (the
pretrained encoder's cosine of input and output) and the agreement of a TF-IDF label judge fit on the training
split, with seconds per sentence (decoding and, for rerank, encoding the candidates). Rows go to
bench/results/decoding.jsonl. Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from bench.common import RESULTS, SPLITS, corpus_model, load_split, model_argument
from vae_core import fit
from vae_core.measure.roundtrip import GREEDY, REFINED, RERANK, LabelJudge, round_trip
from vae_core.model.decoding import DecodeConfig
from vae_core.model.refine import RefineConfig

OUT = RESULTS / "decoding.jsonl"
STRATEGIES = [  # (name, decoding, refining of z or None: the posterior mean); max_len as the round trip uses it
    ("greedy", GREEDY, None),
    ("beam 5", DecodeConfig(strategy="beam", beam_size=5, max_len=80), None),
    ("rerank 5", DecodeConfig(strategy="rerank", candidates=5, max_len=80), None),
    ("rerank 10", RERANK, None),
    ("rerank 20", DecodeConfig(strategy="rerank", candidates=20, max_len=80), None),
    ("greedy, z refined 10 steps", GREEDY, RefineConfig(steps=10, lr=0.1)),
    ("greedy, z refined 20 steps", GREEDY, REFINED),
    ("greedy, z refined 40 steps", GREEDY, RefineConfig(steps=40)),
    ("rerank 10, z refined 20 steps", RERANK, REFINED),  # Generate -> Reconstruct
    # not for the app: how much the decoder could write back from some point, however far from the mean
    ("greedy, z refined 60 steps at any distance", GREEDY, RefineConfig(steps=60, radius=1e6)),
]


def picks(text: str, name: str) -> bool:
    """Whether `--only TEXT` picks the strategy `name`: its very name, or, where no strategy has that name, text the
    name holds."""
    exact = any(text == n for n, _, _ in STRATEGIES)
    return text == name if exact else text in name


def sampled(texts: list[str], labels: list[str], n: int = 500) -> tuple[list[str], list[str]]:
    idx = sorted(np.random.default_rng(0).choice(len(texts), min(n, len(texts)), replace=False).tolist())
    return [texts[i] for i in idx], [labels[i] for i in idx]


def held_out_setup(description: str, choosing: bool = False) -> tuple | None:
    """What the decoding benches share: the command line `CORPUS [--model DIR]`, then (args, the training corpus,
    the test corpus, the model — loaded, or the default recipe trained here —, a label judge fit on the training
    split). None, after saying so, when the corpus is not there."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("corpus", choices=sorted(n for n in SPLITS if n != "demo"))
    parser.add_argument(
        "--model", help="a bundle trained on the corpus's training file, or `base` (default: train the default recipe)"
    )
    if choosing:
        parser.add_argument("--only", nargs="+", help="only these strategies: a name, or text some names hold")
        parser.add_argument("--splits", nargs="+", choices=["test", "validation"], default=["test", "validation"])
    args = parser.parse_args()
    if not SPLITS[args.corpus][0].is_file():
        print(f"skipped: no {SPLITS[args.corpus][0]}")
        return None
    train, test = load_split(args.corpus)
    tm = corpus_model(args.model, train) if args.model else fit(train, iw_samples=0, roundtrip_limit=0)
    judge = LabelJudge(train.train_texts, [train.labels[i] for i in train.train_idx])
    return args, train, test, tm, judge


def append_row(path: Path, row: dict, args, script: str) -> None:
    """One result as a JSON line, with where it came from: the model, the machine, the date and the command."""
    row = {
        **row,
        "model": args.model or "the default recipe, trained here",
        "machine": f"{torch.get_num_threads()} threads, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
        "command": f"python {script} {args.corpus}{model_argument(args.model)}",
    }
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")


def main() -> None:
    setup = held_out_setup(__doc__.splitlines()[0], choosing=True)
    if setup is None:
        return
    args, train, test, tm, judge = setup
    chosen = [s for s in STRATEGIES if args.only is None or any(picks(text, s[0]) for text in args.only)]
    held_out = {
        "test": sampled(test.texts, test.labels),
        "validation": sampled(train.val_texts, [train.labels[i] for i in train.val_idx]),
    }
    held_out = {split: held_out[split] for split in args.splits}
    print("| sentences | decoding | exact | chrF | meaning kept | same label | s / sentence |")
    print("|---|---|---|---|---|---|---|")
    for split, (texts, labels) in held_out.items():
        for name, config, refined in chosen:
            start = time.perf_counter()
            result = round_trip(
                tm.model, tm.tokenizer, texts, labels=labels, judge=judge, decoding=config, refined=refined
            )
            seconds = time.perf_counter() - start
            s = result.summary()
            row = {
                "corpus": args.corpus,
                "split": split,
                "decoding": name,
                "n": len(texts),
                "exact": s["roundtrip_exact"],
                "chrf": s["roundtrip_chrf"],
                "similarity": s.get("roundtrip_similarity"),
                "similarity_ceiling": s.get("roundtrip_similarity_ceiling"),
                "label_agreement": s.get("roundtrip_label_agreement"),
                "seconds_per_sentence": seconds / len(texts),  # with the similarity and judge measurements
            }
            append_row(OUT, row, args, "bench/decoding.py")
            sim = f"{row['similarity']:.3f}" if row["similarity"] is not None else "–"
            print(
                f"| {split} {len(texts)} | {name} | {row['exact']:.1%} | {row['chrf']:.1f} | {sim} "
                f"| {row['label_agreement']:.1%} | {row['seconds_per_sentence']:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
