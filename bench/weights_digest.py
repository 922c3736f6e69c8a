"""Digests of seeded training runs, to check that a refactor left training bit for bit the same: run it before and
after the change and compare the lines (a sha256 of every weight, and of the per-step and per-epoch figures).

    python bench/weights_digest.py > before.txt; (change the code); python bench/weights_digest.py | diff before.txt -

Four small runs on the first 400 demo sentences, one thread each: the RNN encoder with autoencoder pre-training;
free bits with a linear β and early stopping at an odd batch size; the hybrid encoder; a streamed corpus.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import torch

from bench.common import ROOT
from vae_core import CorpusOptions, ModelConfig, TokenizerConfig, TrainConfig, fit, load_corpus
from vae_core.data.streaming import StreamedCorpus
from vae_core.model.objective import BetaSchedule

SMALL = ModelConfig(embed_dim=32, hidden_dim=64, latent_dim=8, dropout=0.0, encoder="rnn", bn_gamma=0.7)
RUNS = {
    "rnn": (SMALL, TrainConfig(epochs=3, batch_size=32, device="cpu", pretrain_epochs=1, patience=3)),
    "free bits": (
        SMALL,
        TrainConfig(
            epochs=2,
            batch_size=17,
            device="cpu",
            pretrain_epochs=0,
            free_bits=0.5,
            patience=1,
            beta=BetaSchedule(kind="linear"),
        ),
    ),  # fmt: skip
    "hybrid": (
        replace(SMALL, encoder="hybrid"),
        TrainConfig(epochs=2, batch_size=32, device="cpu", pretrain_epochs=1, patience=3),
    ),
}


def digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def describe(name: str, tm) -> str:
    tensors = sorted(tm.model.state_dict().items())
    weights = digest(*(t.detach().cpu().contiguous().numpy().tobytes() for _, t in tensors))
    steps = digest([{k: v for k, v in row.items() if k != "tokens_per_s"} for row in tm.history["steps"]])
    return f"{name}: weights {weights} steps {steps}"


def main() -> int:
    torch.set_num_threads(1)
    lines = (ROOT / "assets" / "demo_corpus.tsv").read_text(encoding="utf-8").splitlines()[:401]
    options = CorpusOptions(label_column="topic", max_tokens=64)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "small.tsv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        corpus = load_corpus(path, options)
        for name, (model_config, train_config) in RUNS.items():
            tokenizer_config = TokenizerConfig(min_frequency=1)
            tm = fit(corpus, model_config, train_config, tokenizer_config, iw_samples=0, roundtrip_limit=0)
            print(describe(name, tm), flush=True)
        streamed = StreamedCorpus.scan(path, options, chunk_rows=90)
        config = TrainConfig(epochs=2, batch_size=16, pretrain_epochs=1, device="cpu", patience=0)
        tm = fit(streamed, SMALL, config, TokenizerConfig(min_frequency=1), iw_samples=0, roundtrip_limit=0)
        print(describe("streamed", tm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
