"""Decoding away from the data with and without ▢: how fluent are prior samples and interpolation midpoints when
the decoder may not write the unknown word (`DecodeConfig(unknown_words=False)`, Generate's "Known words only")?

    python bench/unknown_words.py trec --model DIR    # DIR: a bundle trained on that corpus's training file

200 seeded prior samples (`sample_prior`) and the midpoints (step 4 of 8 of `interpolation_path`) of 100 seeded pairs
of test sentences, as bench/roundtrip.py draws them, decoded greedily and with rerank, each with ▢ allowed (as
before) and banned: the share of outputs holding ▢, distinct prior samples, and the
reference language model's NLL per token (bench/roundtrip.py's, trained once per corpus and cached; it keeps every
training word, so a written ▢ costs what an unseen word costs). Rows go to bench/results/unknown-words.jsonl.
Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date

import numpy as np
import torch

from bench.common import RESULTS, SPLITS, load_split, nll_per_token, reference_lm
from vae_core import DecodeConfig, decode_latents, load_bundle
from vae_core.data.tokenizer import UNKNOWN_SHOWN
from vae_core.explore.latent import interpolation_path, sample_prior

OUT = RESULTS / "unknown-words.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", choices=[name for name in SPLITS if name != "demo"])
    parser.add_argument("--model", required=True, help="a bundle trained on the corpus's training file")
    args = parser.parse_args()
    if not SPLITS[args.corpus][0].is_file():
        print(f"skipped: {SPLITS[args.corpus][0]} not found (set LATENT_LAB_DATA)")
        return 0
    train, test = load_split(args.corpus)
    lm, lm_tokenizer = reference_lm(args.corpus, train)
    tm = load_bundle(args.model)
    pairs = np.random.default_rng(0).choice(len(test.texts), size=(100, 2), replace=False)
    midpoints = np.vstack(
        [interpolation_path(tm.model, tm.tokenizer, test.texts[a], test.texts[b], steps=8)[4] for a, b in pairs]
    )
    real = nll_per_token(lm, lm_tokenizer, test.texts[:500])
    print(f"real test sentences: {real:.2f} nats/token under the reference LM")
    with OUT.open("a", encoding="utf-8") as out:
        for strategy in ("greedy", "rerank"):
            for allowed in (True, False):
                config = DecodeConfig(strategy=strategy, max_len=60, unknown_words=allowed)  # roundtrip.py's length
                start = time.perf_counter()
                _, samples = sample_prior(tm.model, tm.tokenizer, 200, config, seed=0)
                middles = decode_latents(tm.model, tm.tokenizer, midpoints, config)
                row = {
                    "corpus": args.corpus,
                    "decoding": strategy,
                    "unknown_words": allowed,
                    "prior_nll": round(nll_per_token(lm, lm_tokenizer, samples), 3),
                    "prior_with_unknown": float(np.mean([UNKNOWN_SHOWN in s for s in samples])),
                    "prior_distinct": len(set(samples)),
                    "midpoint_nll": round(nll_per_token(lm, lm_tokenizer, middles), 3),
                    "midpoints_with_unknown": float(np.mean([UNKNOWN_SHOWN in s for s in middles])),
                    "real_nll": round(real, 3),
                    "seconds": round(time.perf_counter() - start, 1),
                    "examples": samples[:3],
                    "model": args.model,
                    "machine": f"{torch.get_num_threads()} threads, {platform.machine()}",
                    "date": date.today().isoformat(),
                    "command": f"python bench/unknown_words.py {args.corpus} --model DIR",
                }
                print(json.dumps(row, ensure_ascii=False))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
