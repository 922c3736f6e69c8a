"""Two trainings at once on one server, as the app runs them: each job's tokens/s against one job alone.

    python bench/concurrent_training.py [--epochs 1]

Trains the default model on ../shared/data/trec/train.tsv (no pre-training, no early stopping) as background
TrainingJobs in one process: first one alone, then two together started by a JobRegistry (each takes its share of
the cores), then two together started without a registry (each keeps every core's threads: the old behaviour).
Then the same as processes: one `python -m vae_core train` alone, two at once with `--threads` = cores / 2, and two
at once with the CLI's default threads (since 2026-12-03 each takes a seat, vae_core/train/seats.py, and
runs on its share of the cores; before, each took every core's threads).
Prints and writes bench/results/concurrent-training.json, with the fp32 matmul rate measured in the same run.
Needs ../shared/data, or the folder named by LATENT_LAB_DATA (skips cleanly without it).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

from bench.common import DATA, RESULTS, ROOT, matmul_rate
from vae_core import CorpusOptions, ModelConfig, TrainConfig, load_corpus
from vae_core.train.jobs import JobRegistry, TrainingJob


def tokens_per_s(jobs: list[TrainingJob]) -> list[float]:
    for j in jobs:
        j.wait()
        if j.snapshot().error:
            raise SystemExit(j.snapshot().error)
    return [round(j.snapshot().result.metrics["tokens_per_s"]) for j in jobs]


def cli_runs(procs: int, threads: int | None, epochs: int) -> list[float]:
    """tokens/s of `procs` CLI trainings started together (each with `threads` torch threads, None = default)."""
    out = Path(tempfile.mkdtemp())
    command = [sys.executable, "-m", "vae_core", "train", str(DATA / "trec" / "train.tsv"), "--from", "scratch",
               "--device", "cpu"]  # fmt: skip
    command += ["--epochs", str(epochs), "--pretrain-epochs", "0", "--patience", "0", "--iw-samples", "0", "--quiet"]
    command += ["--threads", str(threads)] if threads else []
    running = [
        subprocess.Popen([*command, "--out", str(out / f"m{i}"), "--seed", str(i)], cwd=ROOT, stdout=subprocess.DEVNULL)
        for i in range(procs)
    ]
    if any(p.wait() for p in running):
        raise SystemExit("a training process failed")
    return [round(json.loads((out / f"m{i}" / "metrics.json").read_text())["tokens_per_s"]) for i in range(procs)]


def each_vs(runs: list[float], solo: float) -> list[float]:
    """Each run's tokens/s as a share of one run alone."""
    return [round(r / solo, 3) for r in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--cli-only", action="store_true", help="only the CLI's runs (the file's other rows stay)")
    args = parser.parse_args()
    if not (DATA / "trec" / "train.tsv").is_file():
        print(f"skipped: no {DATA / 'trec' / 'train.tsv'}")
        return
    corpus = load_corpus(DATA / "trec" / "train.tsv", CorpusOptions(label_column="label"))
    config = TrainConfig(epochs=args.epochs, pretrain_epochs=0, patience=0, device="cpu")

    def new_job(seed: int) -> TrainingJob:
        return TrainingJob(corpus, ModelConfig(), replace(config, seed=seed), iw_samples=1)

    gflops = matmul_rate(torch.device("cpu")) / 1e9
    registry = JobRegistry()
    out = RESULTS / "concurrent-training.json"
    run = {
        "machine": f"{registry.cores}-core {platform.machine()}, fp32 matmul {gflops:.0f} GFLOP/s",
        "date": time.strftime("%Y-%m-%d"),
        "command": "python bench/concurrent_training.py " + " ".join(sys.argv[1:]),
    }
    if args.cli_only:  # the app's rows keep their own date and machine; the CLI's rows say theirs
        result = {**json.loads(out.read_text()), **{f"cli_{key}": value for key, value in run.items()}}
    else:
        (solo,) = tokens_per_s([registry.start("solo", new_job(0))])
        registry = JobRegistry()
        shared = tokens_per_s([registry.start(who, new_job(i)) for i, who in enumerate(("alice", "bob"))])
        fighting = tokens_per_s([new_job(i).start() for i in range(2)])
        result = {
            **run,
            "solo_tokens_per_s": solo,
            "two_at_once_shared_threads": shared,
            "shared_each_vs_solo": each_vs(shared, solo),
            "two_at_once_every_core_each (before)": fighting,
            "before_each_vs_solo": each_vs(fighting, solo),
        }
    (cli_solo,) = cli_runs(1, None, args.epochs)
    cli_half = cli_runs(2, max(1, registry.cores // 2), args.epochs)
    cli_default = cli_runs(2, None, args.epochs)  # the default: each takes a seat (vae_core/train/seats.py)
    result |= {
        "cli_solo_tokens_per_s": cli_solo,
        "cli_two_at_once_threads_half": cli_half,
        "cli_half_each_vs_solo": each_vs(cli_half, cli_solo),
        "cli_two_at_once_default_threads": cli_default,
        "cli_default_each_vs_solo": each_vs(cli_default, cli_solo),
    }
    print(json.dumps(result, indent=2))
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
