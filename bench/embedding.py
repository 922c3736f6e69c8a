"""How long the pretrained sentence encoder takes to embed a corpus: the library's way (new texts shortest first, so
each batch of 64 is padded little) against the same batches in corpus order, on ../shared/data (skipped without it).
Prints one JSON line a corpus and appends them to bench/results/embedding.jsonl.

    python bench/embedding.py [--sentences 3000]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date

import torch

from bench.common import DATA, RESULTS
from vae_core import CorpusOptions, load_corpus
from vae_core.model.pretrained import DEFAULT_ENCODER, get_embedder

CORPORA = ["trec", "subj"]


def both_ways(embedder, texts: list[str]) -> tuple[float, float]:
    """Seconds to embed `texts` in batches in corpus order, then the library's way (shortest first); cold cache."""
    size = embedder.batch_size
    embedder._run(texts[:size])  # a first call pays one-off costs: neither way is timed with them
    start = time.perf_counter()
    for i in range(0, len(texts), size):
        embedder._run(texts[i : i + size])
    middle = time.perf_counter()
    embedder._cache.clear()
    embedder.embed(texts)
    end = time.perf_counter()
    embedder._cache.clear()
    return round(middle - start, 2), round(end - middle, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=3000, help="the first N training sentences of each corpus")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is missing")
        return 0
    embedder = get_embedder(DEFAULT_ENCODER, "cpu")
    rows = []
    for name in CORPORA:
        texts = load_corpus(DATA / name / "train.tsv", CorpusOptions(label_column="label")).texts[: args.sentences]
        corpus_order, shortest_first = both_ways(embedder, texts)
        rows.append(
            {
                "corpus": name,
                "sentences": len(texts),
                "corpus_order_s": corpus_order,
                "shortest_first_s": shortest_first,
                "threads": torch.get_num_threads(),
                "machine": platform.machine(),
                "date": date.today().isoformat(),
                "command": f"python bench/embedding.py --sentences {args.sentences}",
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    with open(RESULTS / "embedding.jsonl", "a", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
