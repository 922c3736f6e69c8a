"""Interpolation paths from the posterior means against paths from refined points: does the path start and end at
the two sentences, and does it read well on the way?

    python bench/paths.py trec --model base       # the shipped base model as it is
    python bench/paths.py trec --model DIR        # a bundle trained (or adapted) on that corpus's training file

100 seeded pairs of test sentences, slerp paths of 8 steps between their points: the posterior means, or the points
refined from them (`vae_core.model.refine`, the app's `REFINED`), decoded greedily and by re-ranking (the Interpolate
page's default). Per setting: the share of paths whose first and last steps are the two sentences word for word,
and the share of ends written back; the midpoints' (step 4) fluency as a plain GRU language model's NLL per token
(trained once per corpus, cached under bench/.cache, as in bench/roundtrip.py; real test sentences beside it); how
monotonically meaning moves from A to B (Spearman ρ of the step against the pretrained encoder's similarity to B
minus to A, on 50 of the pairs); seconds a path. Rows go to bench/results/paths.jsonl. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import torch

from bench.common import RESULTS, SPLITS, corpus_model, load_split, model_argument, nll_per_token, reference_lm
from bench.roundtrip import SHORT_GREEDY, SHORT_RERANK, monotonicity
from vae_core.explore.latent import walk
from vae_core.measure.roundtrip import REFINED, as_written
from vae_core.model.decoding import DecodeConfig

OUT = RESULTS / "paths.jsonl"
STEPS = 8
DECODINGS = {"greedy": SHORT_GREEDY, "rerank": SHORT_RERANK}


def measure(tm, texts: list[str], pairs: np.ndarray, lm, lm_tokenizer, decoding: DecodeConfig, refined) -> dict:
    """One setting's figures over the pairs (see the module docstring)."""
    written = as_written(tm.tokenizer, texts)
    ends_kept, both_kept, midpoints, monotone = [], [], [], []
    start = time.perf_counter()
    for k, (a, b) in enumerate(pairs):
        _, decoded = walk(tm.model, tm.tokenizer, texts[a], texts[b], STEPS, config=decoding, refined=refined)
        kept = [decoded[0] == written[a], decoded[-1] == written[b]]
        ends_kept += kept
        both_kept.append(all(kept))
        midpoints.append(decoded[STEPS // 2])
        if k < 50:
            monotone.append(monotonicity(decoded, texts[a], texts[b]))
    seconds = (time.perf_counter() - start) / len(pairs)
    return {
        "paths_from_a_to_b": float(np.mean(both_kept)),
        "ends_kept": float(np.mean(ends_kept)),
        "lm_nll_midpoints": nll_per_token(lm, lm_tokenizer, midpoints),
        "monotone": float(np.mean(monotone)),
        "seconds_a_path": seconds,  # with the monotonicity's embeddings on half of the pairs
        "midpoint_examples": midpoints[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", choices=sorted(n for n in SPLITS if n != "demo"))
    parser.add_argument("--model", required=True, help="a bundle trained on the corpus's training file, or `base`")
    args = parser.parse_args()
    if not SPLITS[args.corpus][0].is_file():
        print(f"skipped: no {SPLITS[args.corpus][0]}")
        return
    train, test = load_split(args.corpus)
    tm = corpus_model(args.model, train)
    lm, lm_tokenizer = reference_lm(args.corpus, train)
    pairs = np.random.default_rng(0).choice(len(test.texts), size=(100, 2), replace=False)
    real = nll_per_token(lm, lm_tokenizer, test.texts)
    print(f"real test sentences: {real:.2f} nats/token")
    print("| decoding | ends | paths from A to B | ends kept | NLL midpoints | monotone | s / path |")
    print("|---|---|---|---|---|---|---|")
    for name, decoding in DECODINGS.items():
        for ends, refined in (("means", None), (f"refined {REFINED.steps} steps", REFINED)):
            row = measure(tm, test.texts, pairs, lm, lm_tokenizer, decoding, refined)
            print(
                f"| {name} | {ends} | {row['paths_from_a_to_b']:.0%} | {row['ends_kept']:.0%} "
                f"| {row['lm_nll_midpoints']:.2f} | {row['monotone']:.2f} | {row['seconds_a_path']:.2f} |",
                flush=True,
            )
            row = {
                "corpus": args.corpus,
                "model": model_argument(args.model).removeprefix(" --model "),
                "decoding": name,
                "ends": ends,
                "lm_nll_real": real,
                **row,
                "machine": f"{torch.get_num_threads()} threads, {platform.machine()}",
                "date": time.strftime("%Y-%m-%d"),
                "command": f"python bench/paths.py {args.corpus}{model_argument(args.model)}",
            }
            with OUT.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
