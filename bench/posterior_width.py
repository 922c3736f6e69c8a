"""How much of a sentence can pass through z? The posterior's width against its means' spread.

    python bench/posterior_width.py                          # the shipped base model
    python bench/posterior_width.py --model DIR              # a bundle (or a pretraining run's checkpoint folder)

On the first `--sentences` of the base corpus's valid.tsv (or `--file`, a text or TSV file with a `text` column):
the mean posterior variance σ² a dimension, the variance of the posterior means across sentences, the KL, and an
upper bound on the information z carries about a sentence,
I(x; z) ≤ Σ_d ½ ln Var(z_d) − E ½ ln σ_d²(x) (a Gaussian has the most entropy for its variance). BN-VAE pins the
means' spread, so the KL floor it sets is paid whatever the width: a wide posterior spends it on noise. Rows go to
bench/results/posterior-width.jsonl. Needs ../shared/data/base (or --file).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import torch

from bench.common import RESULTS, ROOT
from vae_core import load_bundle
from vae_core.base.pretraining import load_checkpoint
from vae_core.data.batching import to_ids
from vae_core.model.objective import kl_per_dim
from vae_core.model.vae import posterior

OUT = RESULTS / "posterior-width.jsonl"
VALID = ROOT.parent / "shared" / "data" / "base" / "valid.tsv"


def load(path: Path):
    """(model, tokenizer, step) from a bundle or a pretraining checkpoint folder."""
    if (path / "state.json").is_file():
        model, _, tokenizer, state, _ = load_checkpoint(path, torch.device("cpu"))
        return model, tokenizer, state.step
    tm = load_bundle(path, device="cpu")
    return tm.model.float(), tm.tokenizer, tm.info.get("pretraining_step")


@torch.no_grad()
def width(model, tokenizer, texts: list[str]) -> dict:
    """Posterior variances, the means' spread, the KL and the information bound over `texts`, in nats."""
    mu, logvar = posterior(model, tokenizer, to_ids(tokenizer, texts, 64), texts=texts)
    variance = logvar.exp()
    z_variance = mu.var(0) + variance.mean(0)  # Var(z_d) = Var(E[z_d|x]) + E[Var(z_d|x)]
    return {
        "sentences": len(texts),
        "posterior_variance": variance.mean().item(),
        "mean_variance": mu.var(0).mean().item(),
        "kl": kl_per_dim(mu, logvar).sum(1).mean().item(),
        "information_bound": (0.5 * z_variance.log() - 0.5 * logvar.mean(0)).sum().item(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "assets" / "base_model")
    parser.add_argument("--file", type=Path, default=VALID)
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"skipped: {args.file} not found")
        return 0
    torch.manual_seed(0)
    texts = pd.read_csv(args.file, sep="\t", keep_default_na=False).text.astype(str).tolist()[: args.sentences]
    model, tokenizer, step = load(args.model)
    where = args.model.resolve()
    row = {"model": str(where.relative_to(ROOT) if where.is_relative_to(ROOT) else where), "step": step}
    row["file"] = args.file.name
    row.update(width(model, tokenizer, texts))
    row.update({"machine": f"{torch.get_num_threads()} threads, {platform.machine()}", "date": str(date.today())})
    row["command"] = "python bench/posterior_width.py " + " ".join(sys.argv[1:])
    print(json.dumps(row, indent=1))
    with OUT.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
