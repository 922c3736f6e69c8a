"""Does adapting the base model to a corpus cost it its general English? The base model adapted to a corpus's
training split at several anchor strengths (TrainConfig.anchor, L2-SP), each measured on the corpus's test
sentences and on held-out general English (the base corpus's valid.tsv), beside the base model as shipped.

    python bench/general_english.py                     # TREC, anchors 0, 30, 300
    python bench/general_english.py sst --anchors 0 100

Held-out figures: -ELBO per token (nats) on the first 1,000 valid.tsv sentences; greedy round trip (exact, chrF,
meaning kept) on the first 300 of them and on up to 500 test sentences. Appends to
bench/results/general-english.jsonl.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from dataclasses import replace

import pandas as pd
import torch

from bench.common import DATA, RESULTS, SPLITS, have, load_split
from vae_core.base.shipped import for_corpus, load_base
from vae_core.data.batching import to_ids
from vae_core.measure import roundtrip
from vae_core.measure.metrics import elbo_terms
from vae_core.train.fit import adapt_config, fit

OUT = RESULTS / "general-english.jsonl"
VALID = DATA / "base" / "valid.tsv"


def held_out(tm, texts: list[str], limit: int) -> dict:
    """The greedy round trip on up to `limit` of `texts`: exact, chrF, meaning kept."""
    summary = roundtrip.measure(tm.model, tm.tokenizer, texts, limit=limit)
    return {key: round(summary[f"roundtrip_{key}"], 4) for key in ("exact", "chrf", "similarity")}


def figures(tm, general: list[str], test: list[str]) -> dict:
    """General English written back in its own style (not the corpus's), the test sentences in theirs."""
    test_model, tm = tm, for_corpus(tm, general)
    seqs = to_ids(tm.tokenizer, general)
    terms = elbo_terms(tm.model, tm.tokenizer, seqs, accuracy=False)
    per_token = -terms["elbo"] * len(seqs) / max(terms["n_tokens"], 1)
    return {
        "general_nats_per_token": round(per_token, 3),
        "general": held_out(tm, general[:300], 300),
        "test": held_out(test_model, test, 500),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="trec", choices=sorted(SPLITS))
    parser.add_argument("--anchors", type=float, nargs="+", default=[0.0, 30.0, 300.0])
    args = parser.parse_args()
    if not (have(args.corpus) and VALID.is_file()):
        print("skipped: the shared corpora are not here", file=sys.stderr)
        return 0
    general = pd.read_csv(VALID, sep="\t", keep_default_na=False).text.astype(str).tolist()[:1000]
    train, test = load_split(args.corpus)
    base = load_base(device="cpu")
    rows = [{"model": "base", **figures(for_corpus(base, test.texts), general, test.texts)}]
    print(json.dumps(rows[-1]), flush=True)
    for anchor in args.anchors:
        start = time.perf_counter()
        tm = fit(train, base.model.config, replace(adapt_config(), anchor=anchor), start_from=base, iw_samples=0,
                 roundtrip_limit=0)  # fmt: skip
        seconds = time.perf_counter() - start
        rows.append({"model": "adapted", "anchor": anchor, "seconds": round(seconds, 1),
                     **figures(tm, general, test.texts)})  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)
    with OUT.open("a") as f:
        for row in rows:
            head = {
                "date": datetime.date.today().isoformat(),
                "corpus": args.corpus,
                "threads": torch.get_num_threads(),
            }
            f.write(json.dumps({**head, **row}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
