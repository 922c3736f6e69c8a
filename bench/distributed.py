"""Data-parallel scaling: the same training run with 1 process and with N under torchrun (DDP).

    python bench/distributed.py                        # 1 vs 2 CPU processes (gloo) on TREC
    python bench/distributed.py --device cuda --procs 1 2 4 8   # on a machine with that many GPUs (NCCL)

Each run is `python -m vae_core train` on ../shared/data/trec/train.tsv for a fixed number of epochs (no early
stopping, no pre-training, no final IW-NLL), so every run does the same work; the figure is training tokens per
second over all processes, as the library reports it, and the scaling efficiency = speed-up / processes.
On a CPU the cores are shared: N processes get cores / N threads each. Writes bench/results/distributed-<device>.json.
Needs ../shared/data, or the folder named by LATENT_LAB_DATA (skips cleanly without it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import DATA, RESULTS, ROOT


def run(procs: int, device: str, epochs: int, cores: int) -> dict:
    out = Path(tempfile.mkdtemp()) / "model"
    train = ["-m", "vae_core", "train", str(DATA / "trec" / "train.tsv"), "--out", str(out), "--from", "scratch"]
    train += ["--device", device]
    train += ["--epochs", str(epochs), "--pretrain-epochs", "0", "--patience", "0", "--iw-samples", "0", "--quiet"]
    threads = max(1, cores // procs) if device == "cpu" else 1
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    launcher = [sys.executable] if procs == 1 else [sys.executable, "-m", "torch.distributed.run", "--standalone",
                                                    "--nproc-per-node", str(procs)]  # fmt: skip
    subprocess.run(launcher + train, check=True, env=env, cwd=ROOT, capture_output=True)
    metrics = json.loads((out / "metrics.json").read_text())
    return {
        "processes": procs,
        "threads_per_process": threads,
        "tokens_per_s": round(metrics["tokens_per_s"]),
        "train_seconds": round(metrics["train_seconds"], 1),
        "val_elbo": round(metrics["elbo"], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if not (DATA / "trec" / "train.tsv").is_file():
        print(f"skipped: no TREC corpus under {DATA} (set LATENT_LAB_DATA)")
        return 0
    cores = os.cpu_count() or 1
    rows = [run(p, args.device, args.epochs, cores) for p in args.procs]
    base = rows[0]["tokens_per_s"] / rows[0]["processes"]
    for r in rows:
        r["speed_up"] = round(r["tokens_per_s"] / rows[0]["tokens_per_s"], 2)
        r["efficiency"] = round(r["tokens_per_s"] / (base * r["processes"]), 2)
        print(json.dumps(r))
    out = RESULTS / f"distributed-{args.device}.json"
    out.write_text(json.dumps({"cores": cores, "epochs": args.epochs, "runs": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
