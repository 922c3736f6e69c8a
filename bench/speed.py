"""Speed benchmarks: training throughput and model FLOP utilisation, encoding and decoding latency, maps and
nearest neighbours at 5k-100k points. Prints a table and writes bench/results/speed-<device>.json.

    python bench/speed.py                 # everything (~10 min on 2 cores; the 100k map is most of it)
    python bench/speed.py --quick         # skip the 100k map
    python bench/speed.py --device cuda   # on a GPU
    python bench/speed.py --batch-sizes 64 128 256   # only: TREC training throughput at each batch size
    python bench/speed.py --quick --precisions fp32 bf16   # training with fp32 and with bf16 matrix multiplies

Training runs on ../shared/data (TREC, SST) at the app's default settings for 2 epochs, skipped without it.
The map timings use synthetic latents with cluster structure (the map's cost depends on N and D, not on
where the vectors came from); a cold map runs in a new process, so it pays umap's JIT compilation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date

import numpy as np
import torch

from bench.common import DATA, ROOT, matmul_rate
from vae_core import (
    CorpusOptions,
    DecodeConfig,
    ModelConfig,
    TrainConfig,
    encode,
    fit,
    interpolate,
    load_bundle,
    load_corpus,
    sample_prior,
)
from vae_core.explore.projection import nearest, project

DEMO = ROOT / "assets" / "demo_model"


def flops_per_token(config: ModelConfig, vocab: int) -> float:
    """Training FLOPs per target token (forward x3 for forward + backward): the bidirectional encoder GRU,
    the decoder GRU (input = embedding + z) and the output layer; 3 gates, 2 multiply-adds each."""
    e, h, z = config.embed_dim, config.hidden_dim, config.latent_dim
    gates = 3 if config.cell == "gru" else 4
    encoder = 2 * 2 * gates * (e * h + h * h)
    decoder = 2 * gates * ((e + z) * h + h * h)
    output = 2 * h * vocab
    return 3 * (encoder + decoder + output)


def bench_training(
    name: str, path: str, device: str, peak: float, batch_size: int | None = None, precision: str = "fp32"
) -> dict:
    """Tokens/s and model FLOP utilisation of a default training (2 epochs; 1 when a batch size is given), its
    matrix multiplies at `precision`; `peak` is the measured matmul rate at that precision."""
    corpus = load_corpus(DATA / path, CorpusOptions(label_column="label", seed=0))
    config = TrainConfig(
        epochs=2 if batch_size is None else 1, pretrain_epochs=0, patience=0, device=device, precision=precision
    )
    if batch_size is not None:
        config = replace(config, batch_size=batch_size)
    tm = fit(corpus, train_config=config, iw_samples=0, roundtrip_limit=0)
    rate = tm.metrics["tokens_per_s"]
    model_flops = flops_per_token(tm.model.config, tm.tokenizer.vocab_size) * rate
    return {
        "what": f"training, {name}, {precision}" + (f", batch {batch_size}" if batch_size else ""),
        "tokens_per_s": round(rate),
        "model_gflops": round(model_flops / 1e9, 1),
        "mfu": round(model_flops / peak, 3),
        "vocab": tm.tokenizer.vocab_size,
    }


def bench_inference(device: str) -> list[dict]:
    tm = load_bundle(DEMO, device=device)
    texts = load_corpus(ROOT / "assets" / "demo_corpus.tsv", CorpusOptions(max_tokens=None)).texts
    rows = []
    encode(tm.model, tm.tokenizer, texts[:256])  # warm-up
    start = time.perf_counter()
    encode(tm.model, tm.tokenizer, texts)
    seconds = time.perf_counter() - start
    rows.append(
        {
            "what": f"encode {len(texts)} sentences",
            "seconds": round(seconds, 3),
            "sentences_per_s": round(len(texts) / seconds),
        }
    )
    for strategy in ("greedy", "beam"):
        interpolate(tm.model, tm.tokenizer, texts[0], texts[1], steps=10, config=DecodeConfig(strategy=strategy))
        start = time.perf_counter()
        interpolate(tm.model, tm.tokenizer, texts[2], texts[3], steps=10, config=DecodeConfig(strategy=strategy))
        rows.append({"what": f"interpolate, 10 steps, {strategy}", "seconds": round(time.perf_counter() - start, 3)})
    start = time.perf_counter()
    sample_prior(tm.model, tm.tokenizer, 20, DecodeConfig(strategy="sample", top_p=0.9))
    rows.append({"what": "20 samples, top-p 0.9", "seconds": round(time.perf_counter() - start, 3)})
    return rows


def synthetic_latents(n: int, d: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3, size=(20, d))
    return (centres[rng.integers(0, 20, n)] + rng.normal(size=(n, d))).astype(np.float32)


COLD = """
import json, resource, sys, time
start = time.perf_counter()
import numpy as np
from vae_core.explore.projection import project
from bench.speed import synthetic_latents
x = synthetic_latents(int(sys.argv[1]))
ready = time.perf_counter()
project(x, "umap", 2)
print(json.dumps({"seconds": time.perf_counter() - ready, "with_imports": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_maps(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(n)], cwd=ROOT / "bench", capture_output=True, text=True, check=True
        )
        cold = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(
            {
                "what": f"UMAP map of {n:,} points, new process",
                "seconds": round(cold["seconds"], 1),
                "with_imports": round(cold["with_imports"], 1),
                "peak_mb": round(cold["peak_mb"]),
            }
        )
    project(synthetic_latents(300), "umap", 2)  # warm this process
    for n in sizes:
        x = synthetic_latents(n)
        start = time.perf_counter()
        project(x, "pca", 2)
        pca = time.perf_counter() - start
        start = time.perf_counter()
        project(x, "umap", 2)
        rows.append(
            {
                "what": f"UMAP map of {n:,} points, warm process",
                "seconds": round(time.perf_counter() - start, 1),
                "pca_seconds": round(pca, 2),
            }
        )
        start = time.perf_counter()
        nearest(x, x[:1], 10)
        rows.append({"what": f"10 nearest neighbours among {n:,}", "seconds": round(time.perf_counter() - start, 4)})
    rows.append(
        {
            "what": "peak memory of this process",
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--quick", action="store_true", help="maps up to 20k points only")
    parser.add_argument("--no-maps", action="store_true", help="skip the map benchmarks (they run on the CPU)")
    parser.add_argument("--batch-sizes", type=int, nargs="+", help="only: TREC at these batch sizes")
    parser.add_argument(
        "--precisions",
        nargs="+",
        choices=("fp32", "bf16"),
        default=["fp32", "bf16"],
        help="training at each (TrainConfig.precision; its default, auto, is bf16 on a CPU with native bfloat16)",
    )
    args = parser.parse_args()
    device = torch.device(
        "cuda"
        if args.device == "auto" and torch.cuda.is_available()
        else ("cpu" if args.device == "auto" else args.device)
    )
    dtypes = {"fp32": torch.float32, "bf16": torch.bfloat16}
    wanted = dict.fromkeys(args.precisions)
    peaks = {p: matmul_rate(device, dtypes[p]) for p in wanted}
    rows = [{"what": f"{p} matmul 2048x2048", "gflops": round(peaks[p] / 1e9, 1)} for p in args.precisions]
    if not DATA.is_dir():
        print(f"training benchmarks skipped: {DATA} is not here")
    elif args.batch_sizes:
        rows += [
            bench_training("TREC", "trec/train.tsv", str(device), peaks[precision], size, precision)
            for precision in args.precisions
            for size in args.batch_sizes
        ]
    else:
        for name, path in (("TREC", "trec/train.tsv"), ("SST", "sst/train.tsv")):
            for precision in args.precisions:  # one after the other, so both meet the same machine
                rows.append(bench_training(name, path, str(device), peaks[precision], precision=precision))
    if not args.batch_sizes:
        rows += bench_inference(str(device))
    if not args.no_maps and not args.batch_sizes:
        rows += bench_maps([5000, 20000] if args.quick else [5000, 20000, 100000])
    header = {
        "date": date.today().isoformat(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
        "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None,
        "command": "python bench/speed.py " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(header))
    for row in rows:
        print(json.dumps(row))
    out = ROOT / "bench" / "results" / f"speed-{device.type}{'-batch-sizes' if args.batch_sizes else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"header": header, "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
