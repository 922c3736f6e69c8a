"""Pretraining the base model: one long run over a large corpus of general English, resumable at any step.

The corpus is tokenised once into one flat array of ids (cached beside the run). Each epoch a seeded permutation
is cut into length-bucketed batches, so the batch at (epoch, position) is always the same one. Every few minutes
the run writes a checkpoint (weights, Adam's moments, position, random state; safetensors and JSON, swapped in
atomically) and, when the held-out -ELBO improved, the best model as an ordinary bundle. A run that is killed
resumes from its last checkpoint with `pretrain(..., resume=True)`.

    run/
      checkpoint/   model.safetensors, optimizer.safetensors, state.json, tokenizer.json
      best/         a bundle (config.json, tokenizer.json, model.safetensors, ...): the best model so far
      curve.jsonl   one line an evaluation: step, tokens, seconds, held-out ELBO terms, the round trip
      ids.npz       the tokenised corpus
"""

from __future__ import annotations

import json
import math
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from safetensors.torch import save as save_safetensors

from ..data.batching import Batch, make_batch, to_ids
from ..data.tokenizer import TextTokenizer
from ..device import resolve_device, resolve_precision
from ..errors import ConfigError
from ..measure.metrics import elbo_terms
from ..measure.roundtrip import GREEDY, round_trip
from ..model.objective import batch_loss, meaning_loss
from ..model.vae import ModelConfig, SentenceVAE, posterior
from ..store.atomic import write_dir
from ..store.bundle import save_bundle
from ..train.fit import TrainedModel
from ..train.loop import word_dropout
from .teacher import Projection

WINDOW_BATCHES = 50  # sentences are sorted by length within windows of this many batches: little padding, yet random


@dataclass
class PretrainConfig:
    """Optimisation and bookkeeping of a pretraining run. The run's length is given to `pretrain` (steps or
    seconds), not here: a run resumed later simply goes on."""

    batch_size: int = 128
    lr: float = 1e-3
    final_lr: float | None = None  # where given, the rate falls linearly from lr to this over one call's length
    grad_clip: float = 5.0
    beta: float = 1.0  # the KL's weight in the loss: below 1 the posterior narrows, so z carries more of a sentence
    # (its mean's spread is pinned by BN-VAE; bench/BASE.md, "A sharper posterior"). The curve's ELBO stays β = 1's
    meaning_weight: float = 0.0  # the meaning term's weight (objective.meaning_loss against the teacher, teacher.py);
    # 0 trains on the ELBO alone. Needs a model with a meaning part and the teacher's embeddings
    word_dropout: float = 0.15  # share of decoder input tokens replaced by <unk>, so the decoder leans on z
    lowercase_share: float = 0.25  # sentences read lower-cased (fixed per sentence), so lower-case corpora are English
    max_tokens: int = 64  # longer sentences are cut
    checkpoint_every_s: float = 600.0
    eval_sentences: int = 2000  # held-out sentences for the ELBO curve
    roundtrip_sentences: int = 200  # of them, decoded back for the round-trip curve
    seed: int = 0
    device: str = "auto"
    precision: str = "auto"

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 65536 or not 0 < self.lr < 1 or self.grad_clip <= 0:
            raise ConfigError("batch_size must be 1-65536, lr in (0, 1), grad_clip positive.")
        if self.final_lr is not None and not 0 <= self.final_lr <= self.lr:
            raise ConfigError("final_lr must be between 0 and lr.")
        if not 0 < self.beta <= 1:
            raise ConfigError(f"beta must be in (0, 1] (got {self.beta}).")
        if not 0 <= self.meaning_weight <= 100:
            raise ConfigError(f"meaning_weight must be in [0, 100] (got {self.meaning_weight}).")
        if not 0 <= self.word_dropout < 1 or not 0 <= self.lowercase_share <= 1:
            raise ConfigError("word_dropout must be in [0, 1) and lowercase_share in [0, 1].")
        if self.max_tokens < 1 or self.checkpoint_every_s <= 0 or self.eval_sentences < 1:
            raise ConfigError("max_tokens, checkpoint_every_s and eval_sentences must be positive.")


def lowercased(n: int, config: PretrainConfig) -> np.ndarray:
    """Which of n sentences are read lower-cased: a seeded share, the same for the tokenizer and the training."""
    return np.random.default_rng(config.seed).random(n) < config.lowercase_share


@dataclass
class TokenisedCorpus:
    """Token ids of many sentences in one flat array: sentence i is ids[offsets[i]:offsets[i + 1]]."""

    ids: np.ndarray  # int32
    offsets: np.ndarray  # int64, len n + 1

    @classmethod
    def build(cls, tokenizer: TextTokenizer, texts: list[str], config: PretrainConfig) -> TokenisedCorpus:
        """Tokenise `texts`, a seeded share of them lower-cased, each cut to `config.max_tokens`."""
        lower = lowercased(len(texts), config)
        seqs = to_ids(tokenizer, [t.lower() if low else t for t, low in zip(texts, lower)], config.max_tokens)
        lengths = np.array([len(s) for s in seqs], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        return cls(np.fromiter((i for s in seqs for i in s), dtype=np.int32, count=int(offsets[-1])), offsets)

    @classmethod
    def cached(cls, path: Path, tokenizer: TextTokenizer, texts: list[str], config: PretrainConfig) -> TokenisedCorpus:
        """The corpus from its cache at `path`, or built and cached there (numpy arrays only: no pickle)."""
        if path.is_file():
            with np.load(path, allow_pickle=False) as f:
                if int(f["n"]) == len(texts):
                    return cls(f["ids"], f["offsets"])
        corpus = cls.build(tokenizer, texts, config)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as f:
            np.savez(f, ids=corpus.ids, offsets=corpus.offsets, n=np.int64(len(corpus)))
        Path(f.name).replace(path)
        return corpus

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def sequences(self, index: list[int]) -> list[list[int]]:
        return [self.ids[self.offsets[i] : self.offsets[i + 1]].tolist() for i in index]

    def epoch_batches(self, epoch: int, batch_size: int, seed: int) -> list[np.ndarray]:
        """The epoch's batches of sentence indices: a permutation seeded by (seed, epoch), sorted by length within
        windows of WINDOW_BATCHES batches, and the batches shuffled within each window."""
        rng = np.random.default_rng([seed, epoch])
        order = rng.permutation(len(self))
        lengths, window = self.lengths, batch_size * WINDOW_BATCHES
        batches = []
        for start in range(0, len(order), window):
            chunk = order[start : start + window]
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            cut = [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
            batches += [cut[i] for i in rng.permutation(len(cut))]
        return [b for b in batches if len(b) > 1]  # a batch of one gives BN-VAE's BatchNorm no statistics


@dataclass
class RunState:
    """Where a run stands: what the checkpoint's state.json holds besides the tensors."""

    step: int = 0
    epoch: int = 0
    position: int = 0  # batches of this epoch already trained on
    tokens: int = 0
    seconds: float = 0.0
    best_elbo: float = -math.inf


def exported_state(bundle: TrainedModel, batches_per_epoch: int) -> RunState:
    """Where a run stood when it exported `bundle` (its card keeps the run's state), so a run that goes on from
    the shipped weights counts steps, tokens and seconds on and keeps the shipped model's ELBO as the best to beat."""
    card, step = bundle.metrics, int(bundle.info.get("pretraining_step", 0))
    return RunState(
        step=step,
        epoch=int(card.get("epoch", step // max(batches_per_epoch, 1))),
        position=int(card.get("position", 0)),
        tokens=int(bundle.info.get("tokens", card.get("tokens", 0))),
        seconds=float(card.get("seconds", 0.0)),
        best_elbo=float(card.get("best_elbo", -math.inf)),
    )


def _batch(corpus: TokenisedCorpus, index: np.ndarray, tokenizer: TextTokenizer) -> Batch:
    seqs = corpus.sequences(index.tolist())
    return make_batch(seqs, list(range(len(seqs))), tokenizer)


def save_checkpoint(
    folder: Path,
    model: SentenceVAE,
    optimizer: torch.optim.Adam,
    tokenizer: TextTokenizer,
    state: RunState,
    config: PretrainConfig,
) -> None:
    """Write the checkpoint folder atomically: a crash leaves the previous checkpoint whole."""
    moments = {"rng": torch.get_rng_state()}
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for i, p in enumerate(params):
        if p in optimizer.state:
            for key, value in optimizer.state[p].items():
                moments[f"{i}.{key}"] = torch.as_tensor(value).detach().cpu().contiguous()
    meta = {"state": asdict(state), "config": asdict(config), "model": asdict(model.config),
            "vocab_size": model.vocab_size}  # fmt: skip
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    files = {
        "model.safetensors": save_safetensors(weights),
        "optimizer.safetensors": save_safetensors(moments),
        "state.json": json.dumps(meta, indent=2).encode(),
        "tokenizer.json": tokenizer.to_json().encode(),
    }
    write_dir(folder, files)


def load_checkpoint(
    folder: Path, device: torch.device
) -> tuple[SentenceVAE, torch.optim.Adam, TextTokenizer, RunState, dict]:
    """The model, optimizer, tokenizer and state a checkpoint holds, and its saved settings."""
    meta = json.loads((folder / "state.json").read_text())
    model = SentenceVAE(ModelConfig(**meta["model"]), meta["vocab_size"])
    model.load_state_dict(load_file(folder / "model.safetensors"))
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=meta["config"]["lr"])
    moments = load_file(folder / "optimizer.safetensors")
    params = list(model.parameters())
    for name, value in moments.items():
        if name == "rng":
            continue
        i, key = name.split(".", 1)
        optimizer.state[params[int(i)]][key] = value if key == "step" else value.to(device)
    torch.set_rng_state(moments["rng"])
    tokenizer = TextTokenizer.from_json((folder / "tokenizer.json").read_text())
    return model, optimizer, tokenizer, RunState(**meta["state"]), meta


def evaluate_run(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    valid: list[str],
    config: PretrainConfig,
    meaning_targets: np.ndarray | None = None,
) -> dict:
    """Held-out ELBO terms (per sentence and per token) and the greedy round trip on the first sentences; with the
    teacher's targets for them, the held-out meaning term too."""
    texts = valid[: config.eval_sentences]
    seqs = to_ids(tokenizer, texts, config.max_tokens)
    terms = elbo_terms(model, tokenizer, seqs, seed=config.seed, accuracy=False)
    trip = round_trip(model, tokenizer, texts[: config.roundtrip_sentences], similarity=False, decoding=GREEDY)
    found = {}
    if meaning_targets is not None:
        mu, _ = posterior(model, tokenizer, seqs)
        target = torch.as_tensor(meaning_targets[: len(seqs)])
        found["val_meaning"] = float(meaning_loss(mu[:, -target.size(1) :], target))
    model.train()
    return found | {
        "val_rec": terms["rec"],
        "val_kl": terms["kl"],
        "val_elbo": terms["elbo"],
        "val_nats_per_token": -terms["elbo"] * len(seqs) / max(terms["n_tokens"], 1),
        "roundtrip_exact": float(trip.exact.mean()),
        "roundtrip_chrf": float(trip.chrf.mean()),
        "examples": [[a, b] for a, b in list(zip(trip.inputs, trip.outputs))[:3]],
    }


def grown(old: dict[str, torch.Tensor], new: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """`old` weights laid into the shapes of `new`, a model with a meaning part the old one lacks: a tensor that grew
    (the decoder's inputs from z) keeps the old values in its leading slice and zeros for the new dimensions, so the
    decoder writes what it wrote until it learns to read the meaning part; new layers keep `new`'s values."""
    weights = {}
    for name, value in new.items():
        if name not in old:
            weights[name] = value
            continue
        before = old[name].float() if old[name].is_floating_point() else old[name]
        if before.shape == value.shape:
            weights[name] = before
        else:
            weights[name] = torch.zeros_like(value)
            weights[name][tuple(slice(0, n) for n in before.shape)] = before
    return weights


def meaning_targets(
    run: Path, model: SentenceVAE, train_texts: list[str], teacher: tuple[np.ndarray, np.ndarray] | None,
    config: PretrainConfig,
) -> tuple[Projection | None, np.ndarray | None, np.ndarray | None]:  # fmt: skip
    """For a run with a meaning term: the projection into the meaning part (kept in the run), the held-out targets,
    and the teacher's training embeddings; Nones for a run without one."""
    if config.meaning_weight == 0:
        return None, None, None
    if teacher is None or not model.config.meaning_dim:
        raise ConfigError("a meaning term needs a model with a meaning part and the teacher's embeddings.")
    train, valid = teacher
    if len(train) != len(train_texts):
        raise ConfigError(f"the teacher embedded {len(train):,} sentences, not the {len(train_texts):,} trained on.")
    scale = model.config.bn_gamma or 1.0  # as spread out as the form part
    projection = Projection.cached(run / "projection.safetensors", train[:65536], model.config.meaning_dim, scale)
    return projection, projection(valid), train


def pretrain(
    run: Path,
    tokenizer: TextTokenizer,
    train_texts: list[str],
    valid_texts: list[str],
    model_config: ModelConfig,
    config: PretrainConfig,
    *,
    max_seconds: float | None = None,
    max_steps: int | None = None,
    eval_every: int = 2000,
    resume: bool = True,
    start_from: TrainedModel | None = None,
    teacher: tuple[np.ndarray, np.ndarray] | None = None,
    info: dict | None = None,
    stop: threading.Event | None = None,
    log: Callable[[str], None] = print,
) -> RunState:
    """Train (or, with `resume` and a checkpoint in `run`, go on training) until `max_seconds` of this call or
    `max_steps` in all have passed, or `stop` is set; evaluate every `eval_every` steps, checkpoint every
    `config.checkpoint_every_s` seconds and at the end. With no checkpoint, `start_from` (a bundle this run exported,
    e.g. the shipped base model on a new machine) gives the first weights and the step count; Adam starts afresh; a
    `model_config` with a meaning part its bundle lacks grows one (`grown`). `teacher`, the teacher's embeddings of
    `train_texts` and of `valid_texts` (teacher.py), gives the meaning term its targets. Returns where the run
    stands."""
    run.mkdir(parents=True, exist_ok=True)
    device = resolve_device(config.device)
    low_precision = resolve_precision(config.precision, device) == torch.bfloat16
    opened = _open_run(run, tokenizer, len(train_texts), model_config, config, device, resume, start_from, log)
    model, optimizer, tokenizer, state = opened
    corpus = TokenisedCorpus.cached(run / "ids.npz", tokenizer, train_texts, config)
    projection, valid_targets, teacher_train = meaning_targets(run, model, train_texts, teacher, config)
    log(
        f"{len(corpus):,} sentences, {len(corpus.ids):,} tokens; {sum(p.numel() for p in model.parameters()):,} "
        f"parameters; {'bf16' if low_precision else 'fp32'} on {device}"
    )

    def corrupt(dec_in: torch.Tensor) -> torch.Tensor:
        return word_dropout(dec_in, config.word_dropout, tokenizer.unk_id, tokenizer.pad_id)

    def checkpoint(evaluate: bool) -> None:
        if evaluate:
            found = evaluate_run(model, tokenizer, valid_texts, config, valid_targets)
            _record(run, TrainedModel(model=model, tokenizer=tokenizer, info=info or {}), found, state, config, log)
        save_checkpoint(run / "checkpoint", model, optimizer, tokenizer, state, config)

    model.train()
    started, seconds_before, first_step = time.perf_counter(), state.seconds, state.step

    def done(now: float) -> float:
        """The share of this call's length gone by: of its seconds, else of its steps."""
        if max_seconds is not None:
            return (now - started) / max_seconds
        return (state.step - first_step) / max((max_steps or first_step) - first_step, 1)

    last_checkpoint = tokens_since_at = started
    tokens_since = 0
    while True:
        batches = corpus.epoch_batches(state.epoch, config.batch_size, config.seed)
        while state.position < len(batches):
            over = (max_steps is not None and state.step >= max_steps) or (stop is not None and stop.is_set())
            if over or (max_seconds is not None and time.perf_counter() - started >= max_seconds):
                checkpoint(evaluate=state.step % eval_every != 0)  # (a step on the evaluation grid was just measured)
                return state
            batch = _batch(corpus, batches[state.position], tokenizer).to(device)
            for group in optimizer.param_groups:
                group["lr"] = _rate(config, done(time.perf_counter()))
            target = None
            if projection is not None:
                target = torch.as_tensor(projection(teacher_train[batches[state.position]])).to(device)
            terms = _step(model, optimizer, batch, target, config, corrupt, low_precision)
            now = time.perf_counter()
            state.step, state.position = state.step + 1, state.position + 1
            state.tokens += batch.n_tokens
            state.seconds = seconds_before + now - started
            tokens_since += batch.n_tokens
            if state.step % 100 == 0:
                pace = (
                    f"{tokens_since / (now - tokens_since_at):,.0f} tokens/s, lr {optimizer.param_groups[0]['lr']:.2e}"
                )
                log(f"step {state.step:,} epoch {state.epoch} ({state.position / len(batches):.1%}): {terms}{pace}")
                tokens_since, tokens_since_at = 0, now
            if state.step % eval_every == 0:
                checkpoint(evaluate=True)
                last_checkpoint = time.perf_counter()
            elif now - last_checkpoint >= config.checkpoint_every_s:
                checkpoint(evaluate=False)
                last_checkpoint = time.perf_counter()
        state.epoch, state.position = state.epoch + 1, 0


def _open_run(
    run: Path, tokenizer: TextTokenizer, n_train: int, model_config: ModelConfig, config: PretrainConfig,
    device: torch.device, resume: bool, start_from: TrainedModel | None, log: Callable[[str], None],
) -> tuple[SentenceVAE, torch.optim.Adam, TextTokenizer, RunState]:  # fmt: skip
    """The run's network, optimiser, tokenizer and state: from its checkpoint (at this call's rate), else new, or
    grown from `start_from`'s weights with a fresh optimiser."""
    if resume and (run / "checkpoint" / "state.json").is_file():
        model, optimizer, tokenizer, state, _ = load_checkpoint(run / "checkpoint", device)
        for group in optimizer.param_groups:
            group["lr"] = config.lr  # this call's rate rules (a run may go on at a lower one)
        log(f"resumed at step {state.step:,} (epoch {state.epoch}, batch {state.position:,}), lr {config.lr:g}")
        return model, optimizer, tokenizer, state
    torch.manual_seed(config.seed)
    model = SentenceVAE(model_config, tokenizer.vocab_size, pad_id=tokenizer.pad_id).to(device)
    state = RunState()
    if start_from is not None:
        model.load_state_dict(grown(start_from.model.state_dict(), model.state_dict()))
        tokenizer = start_from.tokenizer
        state = exported_state(start_from, n_train // config.batch_size)
        log(f"started from the exported weights of step {state.step:,} (a fresh optimizer)")
    return model, torch.optim.Adam(model.parameters(), lr=config.lr), tokenizer, state


def _rate(config: PretrainConfig, done: float) -> float:
    """The learning rate when `done` of this call has gone by: constant, or falling linearly to `final_lr`."""
    if config.final_lr is None:
        return config.lr
    return config.lr + (config.final_lr - config.lr) * min(max(done, 0.0), 1.0)


class _Terms:
    """One step's loss terms, as the log prints them: read off the device only when printed (every 100 steps), so a
    step on a GPU does not wait for its numbers."""

    def __init__(self, terms):
        self.rec, self.kl = terms.rec.detach(), terms.kl.detach()
        self.meaning = terms.meaning.detach() if terms.meaning is not None else None

    def __str__(self) -> str:
        meaning = f"meaning {self.meaning.item():.2f} " if self.meaning is not None else ""
        return f"rec {self.rec.item():.2f} KL {self.kl.item():.2f} {meaning}"


def _step(model, optimizer, batch: Batch, target, config: PretrainConfig, corrupt, low_precision: bool) -> _Terms:
    """One optimiser step on the ELBO (β = config.beta) and, with a target, the meaning term."""
    with torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=low_precision):
        terms = batch_loss(model, batch, config.beta, 0.0, corrupt, target, config.meaning_weight)
    optimizer.zero_grad(set_to_none=True)
    terms.loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
    optimizer.step()
    return _Terms(terms)


def _record(
    run: Path, trained: TrainedModel, found: dict, state: RunState, config: PretrainConfig, log: Callable[[str], None]
) -> None:
    """A held-out evaluation's row in the run's curve and its line in the log; the best bundle kept when it is the
    best by held-out ELBO so far."""
    row = {"step": state.step, "epoch": state.epoch, "tokens": state.tokens, "seconds": round(state.seconds)}
    row["beta"] = config.beta  # the KL's weight it trained with (the ELBO below is always β = 1's)
    row.update(found)
    with open(run / "curve.jsonl", "a") as f:
        f.write(json.dumps(row) + "\n")
    log(
        f"step {state.step:,}: held-out -ELBO {-found['val_elbo']:.2f} (rec {found['val_rec']:.2f}, "
        f"KL {found['val_kl']:.2f}), round trip exact {found['roundtrip_exact']:.1%}, "
        f"chrF {found['roundtrip_chrf']:.1f}"
        + (f", meaning {found['val_meaning']:.2f}" if "val_meaning" in found else "")
    )
    if found["val_elbo"] > state.best_elbo:
        state.best_elbo = found["val_elbo"]
        trained.metrics = {**found, **asdict(state)}
        trained.info = {**trained.info, "pretraining_step": state.step, "tokens": state.tokens}
        save_bundle(trained, run / "best", overwrite=True)
        trained.model.train()
