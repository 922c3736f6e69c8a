"""A training beside a program that is not Latent Lab's: its tokens/s alone, then beside a busy loop that keeps one
core busy, at the default threads (which measure the machine and leave that core to the loop:
vae_core/train/seats.py) and at every core's threads (the old behaviour, `--threads` = cores).

    python bench/busy_machine.py [--sentences 2000] [--epochs 2]

Each run is `python -m vae_core train` on the first sentences of ../shared/data/trec/train.tsv, adapting the base
model as the defaults do, with the closing likelihood skipped (`--iw-samples 0`); its tokens/s is the training's own
(metrics.json). Prints and writes bench/results/busy-machine.json with the fp32 matmul rate measured in the same run.
Skips cleanly without ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import torch

from bench.common import DATA, RESULTS, ROOT, matmul_rate

OUT = RESULTS / "busy-machine.json"
HOG = "while True: pass"  # a plain Python busy loop: one core, as long as it runs


def train(data: Path, out: Path, epochs: int, threads: int | None) -> float:
    """Tokens/s of one `python -m vae_core train` run on `data`."""
    command = [sys.executable, "-m", "vae_core", "train", str(data), "--label-column", "label", "--out", str(out),
               "--epochs", str(epochs), "--iw-samples", "0", "--quiet", "--overwrite"]  # fmt: skip
    if threads:
        command += ["--threads", str(threads)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return float(json.loads(done.stdout[: done.stdout.rindex("}") + 1])["tokens_per_s"])


def beside_a_busy_loop(data: Path, out: Path, epochs: int, threads: int | None) -> float:
    hog = subprocess.Popen([sys.executable, "-c", HOG])
    try:
        return train(data, out, epochs, threads)
    finally:
        hog.kill()
        hog.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    source = DATA / "trec" / "train.tsv"
    if not source.is_file():
        print(f"skipped: {source} not found")
        return 0
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "trec.tsv", Path(tmp) / "model"
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        data.write_text("".join(lines[: args.sentences + 1]), encoding="utf-8")  # the header and the first sentences
        rate = matmul_rate(torch.device("cpu")) / 1e9
        alone = train(data, out, args.epochs, None)
        adaptive = beside_a_busy_loop(data, out, args.epochs, None)
        every_core = beside_a_busy_loop(data, out, args.epochs, cores)
    row = {
        "sentences": args.sentences,
        "epochs": args.epochs,
        "cores": cores,
        "alone_tokens_per_s": round(alone),
        "beside_busy_loop_default_tokens_per_s": round(adaptive),
        "beside_busy_loop_every_core_tokens_per_s": round(every_core),
        "default_share_of_alone": round(adaptive / alone, 3),
        "every_core_share_of_alone": round(every_core / alone, 3),
        "matmul_gflops": round(rate, 1),
        "machine": platform.machine(),
        "date": str(date.today()),
        "command": " ".join(["python bench/busy_machine.py", *sys.argv[1:]]),
    }
    print(json.dumps(row, indent=2))
    OUT.write_text(json.dumps(row, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
