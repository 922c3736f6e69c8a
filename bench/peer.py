"""Training speed against the first-minute issue's peer, both measured in one run on this machine.

    python bench/peer.py                 # TREC, 2 epochs each (~3 min on 2 cores)

The peer is timbmg/Sentence-VAE, the popular PyTorch sentence VAE, at its defaults with z = 32 (as the issue ran
it). Its code is not part of this repository; `PeerStandIn` and `peer_tokens_per_s` are written here from its
published design, to do the same work a step: 300-wide embeddings, a one-way GRU 256 encoder, z = 32 as the
decoder GRU's initial state only, embedding dropout 0.5, log-softmax over every position up to each batch's longest
sentence (padding included), a summed NLL plus a logistically annealed KL, Adam at 1e-3, batches of 32 in a random
order, fp32, one validation pass an epoch (TREC's test questions, as its train/valid pair). The stand-in leaves out
the peer's per-epoch DataLoader worker processes and its per-batch bookkeeping, so it is, if anything, faster than
the peer itself.

Tokens/s counts training tokens (words and the end token) over the seconds of the epochs, validation included,
the same way `TrainResult.tokens_per_s` does; this library's side is `bench/speed.py`'s default training (2 epochs
with validation and replay frames; the pretrained encoder's one embedding of the corpus before them is left out: a
one-time cost the peer has no counterpart of: 8-10 s per 3,000 TREC questions in bench/embedding.py).
A last row adapts the shipped base model to the same questions (`base_adapting`): its tokens are subword pieces,
so it is compared in sentences a second too (the other rows' sentences/s are their tokens/s over the peer's tokens
a sentence: both count words). Writes bench/results/peer.json. Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import sys
import time
from datetime import date

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from bench.common import DATA, RESULTS, matmul_rate
from bench.speed import bench_training
from vae_core import CorpusOptions, TextTokenizer, TokenizerConfig, load_corpus
from vae_core.base.shipped import load_base
from vae_core.train.fit import adapt_config, fit

OUT = RESULTS / "peer.json"


class PeerStandIn(nn.Module):
    """The peer's network at its defaults (see the module docstring)."""

    def __init__(self, vocab_size: int, embed: int = 300, hidden: int = 256, latent: int = 32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.drop = nn.Dropout(0.5)
        self.encoder = nn.GRU(embed, hidden, batch_first=True)
        self.decoder = nn.GRU(embed, hidden, batch_first=True)
        self.to_mu, self.to_logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.to_hidden = nn.Linear(latent, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, inputs: torch.Tensor, lengths: torch.Tensor):
        emb = self.embed(inputs)
        _, h = self.encoder(pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False))
        mu, logvar = self.to_mu(h[0]), self.to_logvar(h[0])
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        packed = pack_padded_sequence(self.drop(emb), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.decoder(packed, self.to_hidden(z).unsqueeze(0))
        out, _ = pad_packed_sequence(out, batch_first=True)  # back to (B, longest, H): padding positions included
        return torch.log_softmax(self.out(out), dim=-1), mu, logvar


def as_pairs(tokenizer: TextTokenizer, texts: list[str]) -> list[tuple[list[int], list[int]]]:
    """(input, target) ids: <sos> + words and words + <eos>, as the peer's dataset builds them."""
    return [([tokenizer.bos_id, *ids], [*ids, tokenizer.eos_id]) for ids in tokenizer.encode(texts) if ids]


def padded(pairs: list[tuple[list[int], list[int]]], pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(i) for i, _ in pairs])
    inputs = torch.full((len(pairs), int(lengths.max())), pad)
    targets = inputs.clone()
    for row, (i, t) in enumerate(pairs):
        inputs[row, : len(i)], targets[row, : len(t)] = torch.tensor(i), torch.tensor(t)
    return inputs, targets, lengths


def peer_tokens_per_s(tokenizer: TextTokenizer, train: list[str], valid: list[str], epochs: int) -> dict:
    """Train the stand-in as the peer trains and time it; tokens/s over the epochs, validation included."""
    torch.manual_seed(0)
    rng = random.Random(0)
    model = PeerStandIn(tokenizer.vocab_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    pad = tokenizer.pad_id
    train_pairs, valid_pairs = as_pairs(tokenizer, train), as_pairs(tokenizer, valid)

    def loss_of(batch, step: int) -> torch.Tensor:
        inputs, targets, lengths = padded(batch, pad)
        logp, mu, logvar = model(inputs, lengths)
        nll = nn.functional.nll_loss(
            logp.reshape(-1, logp.size(-1)), targets[:, : logp.size(1)].reshape(-1), ignore_index=pad, reduction="sum"
        )
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        weight = 1 / (1 + math.exp(-0.0025 * (step - 2500)))  # its logistic annealing, k = 0.0025, x0 = 2500
        return (nll + weight * kl) / len(batch)

    tokens, step, start = 0, 0, time.perf_counter()
    for _ in range(epochs):
        model.train()
        rng.shuffle(train_pairs)
        for first in range(0, len(train_pairs), 32):
            batch = train_pairs[first : first + 32]
            loss = loss_of(batch, step)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            tokens += sum(len(t) for _, t in batch)
        model.eval()
        with torch.no_grad():
            for first in range(0, len(valid_pairs), 32):
                loss_of(valid_pairs[first : first + 32], step)
    seconds = time.perf_counter() - start
    return {
        "what": "peer stand-in (timbmg/Sentence-VAE's defaults, z 32), fp32",
        "tokens_per_s": round(tokens / seconds),
        "sentences_per_s": round(epochs * len(train_pairs) / seconds, 1),
        "seconds_per_epoch": round(seconds / epochs, 2),
        "train_sentences": len(train_pairs),
        "vocab": tokenizer.vocab_size,
    }


def base_adapting(train_file) -> dict:
    """The shipped base model adapted to the same questions, as the Train page adapts it by default (its precision
    left to the library), 2 epochs. Its tokens are subword pieces, more of them a sentence than the peer's words:
    sentences/s compares the two on the same work."""
    corpus = load_corpus(train_file, CorpusOptions(label_column="label", seed=0))
    base = load_base(device="cpu")
    tm = fit(corpus, base.model.config, adapt_config(2), start_from=base, iw_samples=0, roundtrip_limit=0)
    return {
        "what": "the base model adapted (Train's default), 2 epochs",
        "tokens_per_s": round(tm.metrics["tokens_per_s"]),
        "sentences_per_s": round(2 * len(corpus.train_idx) / tm.metrics["train_seconds"], 1),
        "vocab": tm.tokenizer.vocab_size,
    }


def main() -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    train_file, test_file = DATA / "trec" / "train.tsv", DATA / "trec" / "test.tsv"
    if not train_file.is_file():
        print(f"skipped: {train_file} not found (set LATENT_LAB_DATA)")
        return 0
    device = torch.device("cpu")
    native_bf16 = torch.cpu._is_avx512_bf16_supported()  # without it auto keeps fp32 (emulated bf16 is slower)
    fp32 = matmul_rate(device)
    bf16 = matmul_rate(device, torch.bfloat16) if native_bf16 else 0.0
    options = CorpusOptions(label_column="label", seed=0)
    train, valid = load_corpus(train_file, options).texts, load_corpus(test_file, options).texts
    tokenizer = TextTokenizer.train(train, TokenizerConfig(kind="word"))  # its vocabulary: words seen twice or more
    rows = [peer_tokens_per_s(tokenizer, train, valid, epochs=2)]  # as many as bench_training runs
    for precision, peak in (("fp32", fp32), ("bf16", bf16)):
        if precision == "bf16" and not native_bf16:
            continue
        row = bench_training("trec", "trec/train.tsv", "cpu", peak, precision=precision)
        rows.append({"what": f"vae_core defaults, {precision}", **{k: row[k] for k in ("tokens_per_s", "vocab")}})
    rows.append(base_adapting(train_file))
    peer = rows[0]["tokens_per_s"]
    per_sentence = rows[0]["tokens_per_s"] / rows[0]["sentences_per_s"]
    for row in rows:
        row["against_peer"] = round(row["tokens_per_s"] / peer, 2)
        row.setdefault("sentences_per_s", round(row["tokens_per_s"] / per_sentence, 1))  # the same words a token
        row["sentences_against_peer"] = round(row["sentences_per_s"] / rows[0]["sentences_per_s"], 2)
    threads = torch.get_num_threads()
    bf16_text = f"bf16 {bf16 / 1e9:.1f} GFLOP/s" if native_bf16 else "no native bf16"
    print(f"matmul 2048²: fp32 {fp32 / 1e9:.1f} GFLOP/s, {bf16_text} ({threads} threads)")
    for row in rows:
        print(
            f"{row['what']:<60} {row['tokens_per_s']:>8,} tokens/s  {row['against_peer']:.2f}× the peer stand-in; "
            f"{row['sentences_per_s']:,.1f} sentences/s  {row['sentences_against_peer']:.2f}×"
        )
    record = {
        "date": date.today().isoformat(),
        "machine": f"{threads} threads, {platform.machine()}",
        "matmul_gflops": {"fp32": round(fp32 / 1e9, 1), "bf16": round(bf16 / 1e9, 1) if native_bf16 else None},
        "command": "python bench/peer.py",
        "rows": rows,
    }
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
