"""Settings sweep for the pretrained-encoder VAE: one line of figures per setting, to choose its suggested settings.

    python bench/pretrained_sweep.py sst latent_dim=64,bn_gamma=1.5 latent_dim=32,bn_gamma=1.0
    python bench/pretrained_sweep.py --ceiling sst latent_dim=128,bn_gamma=0,beta=0,patience=0,epochs=10

A setting is comma-separated key=value pairs of ModelConfig or TrainConfig fields over the suggested pretrained
settings (model.suggested_config("pretrained")); `beta=B` makes β a constant B. `--ceiling` keeps the epoch with the
best validation reconstruction rather than the best ELBO: with β = 0 and no BN-VAE it measures how much of a
sentence the decoder can read back from the frozen embedding at all (an autoencoder, no KL price).
Each row: 10-NN label accuracy on the test file (fit on train), reconstruction token accuracy on the training
sentences and on the test file, KL, active units; printed and appended to bench/results/pretrained-sweep.jsonl.
Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import fields, replace
from datetime import date

from bench.common import DATA, LABELLED, RESULTS, ROOT, load_split
from bench.compare import measure
from vae_core import ModelConfig, TrainConfig, fit
from vae_core.model.objective import BetaSchedule
from vae_core.model.vae import suggested_config

OUT = RESULTS / "pretrained-sweep.jsonl"


def parse_setting(text: str) -> tuple[ModelConfig, TrainConfig]:
    """'latent_dim=64,bn_gamma=1.5,epochs=10' -> (model config, train config) over the suggested settings."""
    model_keys = {f.name: f.type for f in fields(ModelConfig)}
    train_keys = {f.name: f.type for f in fields(TrainConfig)}
    model_changes, train_changes = {}, {}
    for pair in filter(None, text.split(",")):
        key, value = pair.split("=", 1)
        if key == "beta":
            train_changes["beta"] = BetaSchedule(kind="constant", beta_max=float(value))
            continue
        target = model_changes if key in model_keys else train_changes if key in train_keys else None
        if target is None:
            raise SystemExit(f"unknown setting {key!r}")
        kind = (model_keys | train_keys)[key]
        target[key] = value == "1" if kind == "bool" else int(value) if kind == "int" else float(value)
    return suggested_config("pretrained", **model_changes), replace(TrainConfig(), **train_changes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", choices=LABELLED)
    parser.add_argument("settings", nargs="+")
    parser.add_argument("--ceiling", action="store_true")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: no corpora at {DATA} (set LATENT_LAB_DATA)")
        return 0
    train, test = load_split(args.corpus)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    for setting in args.settings:
        model_config, train_config = parse_setting(setting)
        if args.ceiling:  # judge epochs by validation reconstruction alone: at β = 0 the KL grows without bound
            train_config = replace(train_config, keep_best="rec")
        start = time.perf_counter()
        tm = fit(train, model_config, train_config, iw_samples=0)
        seconds = time.perf_counter() - start
        figures = measure(tm, train, test)
        row = {
            "corpus": args.corpus,
            "setting": setting + (" --ceiling" if args.ceiling else ""),
            **{k: round(figures[k], 4) for k in ("knn", "rec_accuracy_train", "rec_accuracy_test")},
            "kl": round(figures["kl"], 2),
            "active_units": figures["active_units"],
            "best_epoch": tm.metrics.get("best_epoch"),
            "train_seconds": round(seconds),
            "date": date.today().isoformat(),
            "commit": commit.strip(),
        }
        print(json.dumps(row), flush=True)
        OUT.parent.mkdir(exist_ok=True)
        with OUT.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
