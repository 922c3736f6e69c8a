"""What a user waits for with the base model, on this machine: 10,000 sentences mapped at once (no training), then
the base model adapted to them as the app's Train page does it, its estimate beside the real time, phase by phase.

    python bench/adapt_time.py                 # a TREC-length and a SUBJ-length corpus of 10,000 sentences
    python bench/adapt_time.py subj --n 2000
    python bench/adapt_time.py subj --map-only   # the first map alone

A corpus is the named split's training and test sentences, repeated in order up to N lines when it has fewer
(TREC has 5,952 questions): the time per sentence is what is measured, not what is learnt. It is read as an upload
is (the library's default options: a seeded 10% validation split). "Mapped" is the app's first map: the shipped
base model loaded, every sentence encoded, a 2-D UMAP. "Adapted" is `fit` from the base model with the adaptation
recipe and the Train page's measuring (IW-NLL with 20 samples, the round trip on up to 1,000 held-out sentences);
the estimate is the Train page's `estimate_fit_seconds`, taken before. Appends to bench/results/adapt-time.jsonl.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

from bench.common import RESULTS, SPLITS, have, load_split, matmul_rate
from vae_core import CorpusOptions, encode, load_corpus
from vae_core.base.shipped import for_corpus, load_base
from vae_core.explore.projection import measured_space, project
from vae_core.train.fit import adapt_config, adapt_epochs, estimate_fit_seconds, fit
from vae_core.train.jobs import TrainingJob
from vae_core.train.loop import Progress

OUT = RESULTS / "adapt-time.jsonl"


def corpus_file(name: str, n: int, folder: Path) -> Path:
    """The split's sentences, training then test, repeated to `n` lines, as a one-column .txt upload."""
    train, test = load_split(name)
    texts = train.texts + test.texts
    lines = [texts[i % len(texts)] for i in range(n)]
    path = folder / f"{name}-{n}.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def measure(name: str, n: int, map_only: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        corpus = load_corpus(corpus_file(name, n, Path(folder)), CorpusOptions())
    start = time.perf_counter()
    base = load_base(device="cpu")
    model = for_corpus(base, corpus.texts)
    mu, _ = encode(model.model, model.tokenizer, corpus.texts)
    encoded = time.perf_counter()
    project(measured_space(mu, model.model.config.meaning_dim), "umap", 2, seed=0)  # z as the app measures it
    mapped = time.perf_counter()
    words = sum(len(t.split()) for t in corpus.texts) / len(corpus.texts)
    row = {
        "corpus": name,
        "sentences": len(corpus.texts),
        "words_per_sentence": round(words, 1),
        "map_seconds": round(mapped - start, 1),
        "encode_seconds": round(encoded - start, 1),
        "umap_seconds": round(mapped - encoded, 1),
    }
    if map_only:
        return row

    config = adapt_config(adapt_epochs(corpus))  # the app's default passes for this corpus
    estimate = estimate_fit_seconds(
        corpus, base.model.config, config, start_from=base, iw_samples=TrainingJob.iw_samples
    )
    phases: dict[str, float] = {}
    last = [time.perf_counter(), "prepare"]

    def on_progress(p: Progress) -> None:  # the time spent in each phase the progress names
        now, phase = time.perf_counter(), p.phase if p.phase in ("embed", "measure") else "train"
        phases[last[1]] = phases.get(last[1], 0.0) + now - last[0]
        last[:] = [now, phase]

    start_fit = time.perf_counter()
    tm = fit(corpus, base.model.config, config, on_progress=on_progress, start_from=base,
             iw_samples=TrainingJob.iw_samples)  # fmt: skip
    end = time.perf_counter()
    phases[last[1]] = phases.get(last[1], 0.0) + end - last[0]
    return {
        **row,
        "adapt_estimate_seconds": round(estimate, 1),
        "adapt_seconds": round(end - start_fit, 1),
        "estimate_error": round(estimate / (end - start_fit) - 1, 3),
        "adapt_phases": {k: round(v, 1) for k, v in phases.items()},
        "epochs": config.epochs,
        "train_tokens_per_s": round(tm.metrics["tokens_per_s"]),
        "val_roundtrip_exact": tm.metrics.get("roundtrip_exact"),
        "val_roundtrip_chrf": tm.metrics.get("roundtrip_chrf"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", default=["trec", "subj"], choices=sorted(SPLITS))
    parser.add_argument("--n", type=int, default=10_000, help="sentences a corpus")
    parser.add_argument("--map-only", action="store_true", help="the first map only, no adapting")
    args = parser.parse_args()
    missing = [name for name in args.corpora if not have(name)]
    if missing:
        print(f"skipped: the shared corpora are not here ({', '.join(missing)})", file=sys.stderr)
        return 0
    rate = matmul_rate(torch.device("cpu")) / 1e9
    for name in args.corpora:
        row = {
            "date": datetime.date.today().isoformat(),
            "threads": torch.get_num_threads(),
            "matmul_gflops": round(rate, 1),
            **measure(name, args.n, args.map_only),
        }
        print(json.dumps(row), flush=True)
        with OUT.open("a") as f:
            f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
