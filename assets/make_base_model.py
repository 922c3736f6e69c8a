"""Pretrain the base model on ../shared/data/base/ and ship its best weights in assets/base_model/.

    python assets/make_base_model.py --hours 2          # train (or resume) for two hours, then export
    python assets/make_base_model.py --hours 2 --lr 3e-4 --final-lr 3e-5   # ... annealing the rate as it goes
    python assets/make_base_model.py --hours 1 --beta 0.3  # ... weighing the KL less: a sharper posterior
    python assets/make_base_model.py --hours 2 --meaning-weight 1 --beta 0.3   # go on with a meaning part (below)
    python assets/make_base_model.py --export-only      # export the run's best model as it stands
    python assets/make_base_model.py --export-only --last   # ... or its last weights (compare the cards)

The run lives outside the project (default ../base-run, or --run): its tokenised corpus, checkpoints and curve.
It resumes from its last checkpoint, so a run can span many sessions (`kill PID` stops it after the step it is on,
with a checkpoint); each evaluation appends to its curve and the
export copies that curve to bench/results/base-pretrain.jsonl. The shipped bundle keeps its weights in float16
(half the size; decoding is unchanged to the figures in bench/). Skips cleanly when the corpus is not there.

What it builds (the choices and their measurements: bench/BASE.md):
- a byte-level BPE tokenizer of 16,000 pieces, trained on the base corpus with a quarter of its sentences also
  lower-cased, that reads research corpora's "do n't panic ." as "don't panic." (vae_core.data.tokenizer);
- a sentence VAE: bi-GRU 512 encoder, 64-D z with BN-VAE γ 1.5, GRU 512 decoder, an adaptive softmax;
- with --meaning-weight, 48 more dimensions of z, its meaning part, taught all-MiniLM-L6-v2's view of the first
  --teacher-sentences sentences (its embeddings computed once into the run's teacher/ folder, ~25 min of 2 cores a
  400,000; vae_core/base/teacher.py), on the shipped weights grown to hold them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd
import torch

from vae_core.base import teacher
from vae_core.base.pretraining import PretrainConfig, evaluate_run, load_checkpoint, lowercased, pretrain
from vae_core.data.tokenizer import TextTokenizer, TokenizerConfig, natural_text_normalizer
from vae_core.measure import roundtrip
from vae_core.measure.metrics import evaluate
from vae_core.model.pretrained import DEFAULT_ENCODER
from vae_core.model.vae import ModelConfig
from vae_core.store.atomic import atomic_write_bytes
from vae_core.store.bundle import load_bundle, save_bundle
from vae_core.train.fit import TrainedModel

ROOT = Path(__file__).resolve().parents[1]

DATA = ROOT.parent / "shared" / "data" / "base"
OUT = ROOT / "assets" / "base_model"
CURVE = ROOT / "bench" / "results" / "base-pretrain.jsonl"
PROJECTION = ROOT / "assets" / "meaning_projection.safetensors"  # the teacher's space -> the shipped meaning part's
TOKENIZER = TokenizerConfig(kind="byte-bpe", subword_vocab=16000, min_frequency=2)
MODEL = ModelConfig(
    embed_dim=256,
    hidden_dim=512,
    latent_dim=64,
    dropout=0.0,  # a corpus this size is not memorised in a few passes; word dropout still makes the decoder use z
    encoder="rnn",
    bn_gamma=1.5,
    output="adaptive",
)
MEANING_MODEL = replace(MODEL, latent_dim=MODEL.latent_dim + 48, meaning_dim=48)  # the form part stays 64-D
CONFIG = PretrainConfig()
CARD_SENTENCES, CARD_IW_SAMPLES, CARD_ROUNDTRIP = 1000, 50, 500  # the card's held-out measure
SOURCES = "Wikipedia, Project Gutenberg, Schema-Guided Dialogue, Topical-Chat, WikiTableQuestions/NQ-open, NLTK's SOTU"


def read(name: str) -> list[str]:
    return pd.read_csv(DATA / name, sep="\t", keep_default_na=False).text.astype(str).tolist()


def tokenizer_for(run: Path, texts: list[str]) -> TextTokenizer:
    """The run's frozen tokenizer: trained once (~1 min) on the corpus plus a lower-cased quarter of it."""
    path = run / "tokenizer.json"
    if path.is_file():
        return TextTokenizer.from_json(path.read_text())
    lower = lowercased(len(texts), CONFIG)
    tokenizer = TextTokenizer.train(texts + [t.lower() for t, low in zip(texts, lower) if low], TOKENIZER)
    atomic_write_bytes(path, tokenizer.to_json().encode())
    return tokenizer


def card_figures(tm: TrainedModel, valid: list[str]) -> dict:
    """The model card's figures (IW-NLL, KL, MI, active units, the round trip) on held-out sentences of the base
    corpus, as every trained bundle has them."""
    texts = valid[:CARD_SENTENCES]
    figures = evaluate(tm.model, tm.tokenizer, texts, iw_samples=CARD_IW_SAMPLES)
    figures.update(roundtrip.measure(tm.model, tm.tokenizer, texts, limit=CARD_ROUNDTRIP))
    return {**figures, "evaluated_on": f"the first {len(texts):,} sentences of the base corpus's valid.tsv"}


def last_model(run: Path) -> TrainedModel:
    """The run's last weights (its checkpoint), as the bundle `best` would be: the held-out -ELBO that picks `best`
    wanders with BN-VAE's running statistics of mu (bench/BASE.md), so the card may rank the last weights higher."""
    model, _, tokenizer, state, meta = load_checkpoint(run / "checkpoint", torch.device("cpu"))
    best = run / "best" if (run / "best").is_dir() else OUT  # a run from the shipped weights may have no best yet
    info = {**load_bundle(best, device="cpu").info, "pretraining_step": state.step, "tokens": state.tokens}
    info["pretraining_beta"] = meta["config"].get("beta", 1.0)  # the KL's weight the last call trained with
    found = evaluate_run(model, tokenizer, read("valid.tsv"), CONFIG)
    return TrainedModel(model=model, tokenizer=tokenizer, metrics={**found, **asdict(state)}, info=info)


def export(run: Path, last: bool = False, out: Path = OUT) -> None:
    """The run's best model (or its `last` weights) into assets/base_model/ (float16 weights, measured as shipped)
    and its curve into bench/results/; with another `out`, the bundle alone there (a candidate to measure before it
    is shipped: LATENT_LAB_BASE_MODEL=DIR makes every bench and the app take it for the base model)."""
    if not last and not (run / "best").is_dir():
        print(f"nothing exported: {run} has not beaten the shipped model's held-out ELBO (--last exports its last"
              " weights)", file=sys.stderr)  # fmt: skip
        return
    tm = last_model(run) if last else load_bundle(run / "best", device="cpu")
    tm.model.half().float()  # the values users will load: the card measures those
    tm.tokenizer.tk.normalizer = natural_text_normalizer()  # the library's current reading of research styles
    start = time.perf_counter()
    tm.metrics = {**tm.metrics, **card_figures(tm, read("valid.tsv"))}
    print(f"measured the card in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    tm.model.half()
    tm.info = {**tm.info, "corpus": "base (../shared/data/base)", "sources": SOURCES, "general_english": True}
    if tm.model.config.meaning_dim:
        tm.info["meaning_teacher"] = f"{DEFAULT_ENCODER}'s {tm.model.config.meaning_dim} leading principal components"
    save_bundle(tm, out, overwrite=True)
    if out == OUT:
        shutil.copyfile(run / "curve.jsonl", CURVE)
        if tm.model.config.meaning_dim and (run / "projection.safetensors").is_file():
            shutil.copyfile(run / "projection.safetensors", PROJECTION)
    size = sum(f.stat().st_size for f in out.iterdir()) / 2**20
    print(f"exported {out} ({size:.1f} MB) from step {tm.info.get('pretraining_step')}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=ROOT.parent / "base-run", help="the run's folder")
    parser.add_argument("--hours", type=float, default=2.0, help="how long this call trains")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: every core)")
    parser.add_argument("--lr", type=float, default=CONFIG.lr, help="learning rate from now on (lower late in a run)")
    parser.add_argument("--final-lr", type=float, default=None, help="anneal linearly to this over --hours")
    parser.add_argument("--beta", type=float, default=CONFIG.beta, help="the KL's weight in the loss (< 1: sharper z)")
    parser.add_argument("--meaning-weight", type=float, default=CONFIG.meaning_weight,
                        help="the meaning term's weight (> 0: grow and teach the meaning part)")  # fmt: skip
    parser.add_argument("--teacher-sentences", type=int, default=48 * teacher.CHUNK,
                        help="with --meaning-weight: the sentences to train on, which the teacher embeds")  # fmt: skip
    parser.add_argument("--eval-every", type=int, default=1000, help="steps between evaluations")
    parser.add_argument("--export-only", action="store_true")
    parser.add_argument("--last", action="store_true", help="export the last weights, not the best by held-out ELBO")
    parser.add_argument("--no-export", action="store_true", help="train only: leave assets/base_model as it is")
    parser.add_argument("--out", type=Path, default=OUT, help="where to export (default: ship it in assets/)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} is not here", file=sys.stderr)
        return 0
    args.run.mkdir(parents=True, exist_ok=True)
    if not args.export_only:
        if args.threads:
            torch.set_num_threads(args.threads)
        train, valid, taught = read("train.tsv.gz"), read("valid.tsv"), None
        if args.meaning_weight > 0:  # the teacher's embeddings, computed where missing (resumable, chunk by chunk)
            train = train[: args.teacher_sentences]
            if PROJECTION.is_file() and not (args.run / "projection.safetensors").exists():  # the shipped targets
                shutil.copyfile(PROJECTION, args.run / "projection.safetensors")  # (an SVD's signs may differ)
            valid_taught = valid[: CONFIG.eval_sentences]
            for name, texts in (("train", train), ("valid", valid_taught)):
                teacher.compute(args.run / "teacher" / name, texts, log=lambda line: print(line, flush=True))
            taught = (teacher.load(args.run / "teacher" / "train", len(train)),
                      teacher.load(args.run / "teacher" / "valid", len(valid_taught)))  # fmt: skip
        info = {"corpus": "base", "sentences": len(train), "tokenizer": json.dumps(TOKENIZER.__dict__)}
        fresh_machine = not (args.run / "checkpoint").is_dir() and (OUT / "config.json").is_file()
        shipped = load_bundle(OUT, device="cpu") if fresh_machine else None  # go on from what was shipped
        tokenizer = shipped.tokenizer if shipped is not None else tokenizer_for(args.run, train)
        if shipped is not None and CURVE.is_file() and not (args.run / "curve.jsonl").exists():
            shutil.copyfile(CURVE, args.run / "curve.jsonl")
        stop = threading.Event()  # SIGTERM: stop after this step, checkpointed (a killed run loses nothing)
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        pretrain(
            args.run,
            tokenizer,
            train,
            valid,
            MEANING_MODEL if args.meaning_weight > 0 else MODEL,
            replace(CONFIG, lr=args.lr, final_lr=args.final_lr, beta=args.beta, meaning_weight=args.meaning_weight),
            max_seconds=args.hours * 3600,
            eval_every=args.eval_every,
            start_from=shipped,
            teacher=taught,
            stop=stop,
            info=info,
            log=lambda line: print(line, flush=True),
        )
    if not args.no_export:
        export(args.run, last=args.last, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
