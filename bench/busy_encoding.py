"""Encoding beside a program that is not Latent Lab's: sentences/s of the base model encoding the demo corpus
alone, then beside a busy loop that keeps one core busy, with the threads adapting to it (the default:
`device.free_threads`) and at every core's threads (the old behaviour).

    python bench/busy_encoding.py [--sentences 3600]

Prints and appends a row to bench/results/busy-encoding.jsonl, with the fp32 matmul rate measured in the same run.
Needs the shipped base model (assets/base_model); no ../shared data.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import date

import torch

import vae_core
from bench.common import RESULTS, ROOT, matmul_rate, record
from vae_core.base import shipped
from vae_core.data.corpus import CorpusOptions, load_corpus
from vae_core.explore import latent

HOG = "while True: pass"  # a plain Python busy loop: one core, as long as it runs


def rate(tm, texts: list[str]) -> float:
    """Sentences encoded a second, in chunks as the app encodes (following the progress)."""
    start = time.perf_counter()
    vae_core.encode(tm.model, tm.tokenizer, texts, on_progress=lambda done, total: None)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=3600)
    args = parser.parse_args()
    if not shipped.available():
        print("skipped: no shipped base model")
        return
    corpus = load_corpus(ROOT / "assets/demo_corpus.tsv", CorpusOptions(label_column="topic", max_tokens=None))
    texts = corpus.texts[: args.sentences]
    tm = shipped.for_corpus(shipped.load_base(), texts)
    rate(tm, texts[:300])  # warm up
    row = {"date": str(date.today()), "sentences": len(texts), "cores": torch.get_num_threads(),
           "matmul_gflops": round(matmul_rate(torch.device("cpu")) / 1e9)}  # fmt: skip
    row["alone"] = round(rate(tm, texts))
    hog = subprocess.Popen([sys.executable, "-c", HOG])
    try:
        time.sleep(1)
        row["beside_a_busy_core"] = round(rate(tm, texts))
        adapting = latent.free_threads
        latent.free_threads = lambda most: most  # the old behaviour: every core's threads
        try:
            row["beside_a_busy_core_every_core"] = round(rate(tm, texts))
        finally:
            latent.free_threads = adapting
    finally:
        hog.kill()
    row["share_of_alone"] = round(row["beside_a_busy_core"] / row["alone"], 2)
    row["command"] = "python bench/busy_encoding.py"
    record(RESULTS / "busy-encoding.jsonl", row)


if __name__ == "__main__":
    main()
