"""Training loop: bucketed batches, annealed ELBO with free bits and word dropout, Adam with clipping,
early stopping on validation -ELBO, progress callbacks, and a stop Event another thread may set."""

from __future__ import annotations

import copy
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace

import torch

from ..data.batching import Batch, bucket_batches, iterate_batches, n_batches, to_ids
from ..data.streaming import StreamedCorpus
from ..data.tokenizer import TextTokenizer
from ..device import check_device_name, resolve_device, resolve_precision
from ..errors import ConfigError
from ..measure.metrics import active_units, elbo_terms
from ..model.objective import BatchLoss, BetaSchedule, batch_loss
from ..model.vae import SentenceVAE, posterior
from . import distributed
from .replay import Replay, ReplayRecorder

KEEP_BEST = ("elbo", "rec")
PRECISIONS = ("auto", "fp32", "bf16")


@dataclass
class TrainConfig:
    """Optimisation and anti-collapse settings. bench/quality.py chose them for held-out likelihood with no collapse;
    with ModelConfig's hybrid encoder and BN-VAE γ they also keep a sentence's meaning through z
    (bench/ROUNDTRIP.md)."""

    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    grad_clip: float = 5.0
    beta: BetaSchedule = field(default_factory=BetaSchedule)
    free_bits: float = 0.0  # nats per latent dimension; 0 turns it off (BN-VAE keeps the KL up instead)
    word_dropout: float = 0.1  # share of decoder input words replaced by <unk>
    patience: int = 8  # epochs without validation improvement before stopping (0: never). At least one cyclical β
    # cycle (epochs / cycles), or a cycle's rising β is taken for the end of learning (bench/ROUNDTRIP.md)
    keep_best: str = "elbo"  # which epoch's weights to keep: lowest validation -ELBO, or "rec" (reconstruction alone)
    pretrain_epochs: int = 5  # Li et al. 2019: first train as an autoencoder (β = 0), then reset the decoder
    seed: int = 0
    device: str = "auto"  # "auto" (CUDA if present, else CPU), "cpu", "cuda", "cuda:1", ...
    encoder_lr: float = 2e-5  # learning rate of a fine-tuned pretrained encoder (ModelConfig.finetune_encoder)
    anchor: float = 0.0  # pull toward the starting weights, w -= lr * anchor * (w - w0) after each step (L2-SP, Li
    # et al. 2018, decoupled as in AdamW): adapting the base model moves what it knows of English less (0: off)
    replay_size: int = 2000  # sentences whose posterior means are recorded for a replay of training (0: none)
    precision: str = "auto"  # of a training step's matrix multiplies: "fp32", or "bf16" (torch.autocast; the loss,
    # μ and log σ² stay float32). "auto": bf16 on a CPU with native bfloat16 instructions (twice its fp32 matmul
    # rate), fp32 elsewhere (on a GPU these small GRUs ran slower in bf16). Validation and inference are fp32

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        if not isinstance(self.epochs, int) or not 1 <= self.epochs <= 10000:
            raise ConfigError(f"epochs must be a whole number from 1 to 10000 (got {self.epochs!r}).")
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= 65536:
            raise ConfigError(f"batch_size must be a whole number from 1 to 65536 (got {self.batch_size!r}).")
        if not 0 < self.lr < 1 or not 0 < self.encoder_lr < 1:
            raise ConfigError(f"learning rates must be in (0, 1) (got {self.lr}, {self.encoder_lr}).")
        if self.grad_clip <= 0:
            raise ConfigError(f"grad_clip must be positive (got {self.grad_clip}).")
        if not 0 <= self.free_bits <= 10:
            raise ConfigError(f"free_bits must be in [0, 10] nats (got {self.free_bits}).")
        if not 0 <= self.word_dropout < 1:
            raise ConfigError(f"word_dropout must be in [0, 1) (got {self.word_dropout}).")
        if self.patience < 0:
            raise ConfigError(f"patience must be 0 or more (got {self.patience}).")
        if not 0 <= self.pretrain_epochs <= 1000:
            raise ConfigError(f"pretrain_epochs must be from 0 to 1000 (got {self.pretrain_epochs}).")
        if not 0 <= self.anchor <= 1e4:
            raise ConfigError(f"anchor must be from 0 to 10000 (got {self.anchor}).")
        if not isinstance(self.replay_size, int) or not 0 <= self.replay_size <= 20000:
            raise ConfigError(f"replay_size must be a whole number from 0 to 20000 (got {self.replay_size!r}).")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)} (got {self.precision!r}).")
        if self.keep_best not in KEEP_BEST:
            raise ConfigError(f"keep_best must be one of {', '.join(KEEP_BEST)} (got {self.keep_best!r}).")
        check_device_name(self.device)  # whether that device is here is checked when training starts

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        """The config saved by `to_dict`; settings that no longer exist (e.g. an old bundle's) are ignored."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["beta"] = BetaSchedule(**data.get("beta", {}))
        return cls(**data)


RECENT_S = 30.0  # the rate and the estimate follow the last half minute
SLOWED = 0.7  # a recent rate under this share of the rate so far is said to have slowed


@dataclass
class Progress:
    """A snapshot sent to the progress callback."""

    step: int
    total_steps: int
    epoch: int  # 1-based
    epochs: int
    rec: float  # mean over recent steps, nats per sentence
    kl: float
    beta: float
    active_units: int  # on recent training batches
    tokens_per_s: float  # over the last RECENT_S seconds: what the machine gives now
    elapsed_s: float
    eta_s: float  # the steps left at the recent rate
    val: dict | None = None  # set at the end of an epoch
    phase: str = "vae"  # "embed" while a pretrained encoder embeds the corpus, "pretrain" during AE pre-training,
    # "measure" once training is over and the model is measured (fit)
    replay: Replay | None = None  # the training replay so far, at the end of an epoch (when one is recorded)
    pace: float = 1.0  # the recent rate against the rate so far: well under 1 when the machine got busier

    @classmethod
    def of_phase(cls, phase: str, step: int, total: int, elapsed_s: float, eta_s: float = 0.0) -> Progress:
        """A snapshot of a phase with no training figures: embedding the corpus, or measuring the trained model."""
        return cls(step=step, total_steps=total, epoch=0, epochs=0, rec=0.0, kl=0.0, beta=0.0, active_units=0,
                   tokens_per_s=0.0, elapsed_s=elapsed_s, eta_s=eta_s, phase=phase)  # fmt: skip

    @property
    def slowed(self) -> bool:
        """Whether training runs markedly slower now than it did (another program took cores), so the estimate
        changed: what the progress line says beside it."""
        return self.pace < SLOWED

    def epoch_row(self) -> dict:
        """The history row of an epoch's end: training figures and the validation ones (prefixed val_)."""
        return {
            "epoch": self.epoch,
            "step": self.step,
            "train_rec": self.rec,
            "train_kl": self.kl,
            "beta": self.beta,
            "seconds": self.elapsed_s,
            **{f"val_{k}": v for k, v in (self.val or {}).items()},
        }

    def chart_row(self) -> dict:
        """The fields a live chart plots, one row per reported step."""
        return {
            "step": self.step,
            "epoch": self.epoch,
            "rec": self.rec,
            "kl": self.kl,
            "beta": self.beta,
            "active_units": self.active_units,
            "tokens_per_s": self.tokens_per_s,
        }


@dataclass
class TrainResult:
    history: list[dict]  # one row per epoch: train and validation terms
    steps: list[dict]  # one row per reported step, for live charts
    stop_reason: str  # "completed", "early stopping" or "stopped by user"
    best_epoch: int | None
    seconds: float
    tokens: int
    replay: Replay | None = None
    precision: str = "fp32"  # of the training steps' matrix multiplies: "fp32" or "bf16"


def word_dropout(dec_in: torch.Tensor, rate: float, unk_id: int, pad_id: int) -> torch.Tensor:
    """Replace a share `rate` of the decoder's input words (not <bos>, not padding) with <unk>
    (Bowman et al. 2016), so the decoder must lean on z."""
    if rate <= 0:
        return dec_in
    drop = torch.rand(dec_in.shape, device=dec_in.device) < rate
    drop[:, 0] = False
    drop &= dec_in != pad_id
    return dec_in.masked_fill(drop, unk_id)


def train_vae(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    train_texts: list[str] | StreamedCorpus,
    val_texts: list[str],
    config: TrainConfig,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    report_every: int = 10,
) -> TrainResult:
    """Train `model` in place on `train_texts` (a list, or a StreamedCorpus read from disk chunk by chunk each
    epoch). Stopping (by `stop`, early stopping or the end) keeps the weights of the best epoch by
    `config.keep_best`, or the current ones if no epoch has finished.
    Under torchrun (see `distributed`), each rank trains on its shard of the sentences, gradients are averaged by
    DistributedDataParallel, validation is summed over all ranks, and only rank 0 reports progress."""
    if not train_texts:
        raise ConfigError("there are no training sentences.")
    device = resolve_device(config.device)
    low_precision = resolve_precision(config.precision, device) == torch.bfloat16
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)  # the same batch order on every rank: fine, shards differ
    model.to(device)
    on_progress = on_progress if distributed.is_main() else None
    val_texts = distributed.shard(val_texts)  # every rank measures its share; the sums are combined
    val_seqs = to_ids(tokenizer, val_texts)
    batches = EpochBatches(train_texts, tokenizer, config.batch_size, generator)
    if batches.in_memory:  # a frozen pretrained encoder embeds every sentence once, up front
        _prepare(model, batches.in_memory[0][0] + val_texts, on_progress)
    net = _data_parallel(model, device)
    optimizer = torch.optim.Adam(model.param_groups(config.lr, config.encoder_lr))
    pretrain_steps = config.pretrain_epochs * batches.steps_per_epoch
    vae_steps = config.epochs * batches.steps_per_epoch

    def beta_at(step: int) -> float:
        return 0.0 if step < pretrain_steps else config.beta(step - pretrain_steps, vae_steps)

    def corrupt(dec_in: torch.Tensor) -> torch.Tensor:
        return word_dropout(dec_in, config.word_dropout, tokenizer.unk_id, tokenizer.pad_id)

    anchored = _Anchor(model, config.lr * config.anchor) if config.anchor > 0 else None
    meter = ProgressMeter(pretrain_steps + vae_steps, pretrain_steps, beta_at, config, report_every)
    recorder = _recorder(tokenizer, batches, config)
    if recorder:
        recorder.record(model, 0)
    best = BestEpoch(config.keep_best, config.patience)
    history: list[dict] = []
    stop_reason = "completed"
    for epoch in range(1 - config.pretrain_epochs, config.epochs + 1):  # epochs ≤ 0: autoencoder pre-training
        pretraining = epoch <= 0
        if epoch == 1 and config.pretrain_epochs:  # keep the encoder, start the decoder afresh (Li et al. 2019)
            _reset_decoder(model)
            optimizer = torch.optim.Adam(model.param_groups(config.lr, config.encoder_lr))
        model.train()
        for batch in batches:
            if stop is not None and stop.is_set():
                stop_reason = "stopped by user"
                break
            beta = beta_at(meter.step)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=low_precision):
                terms = batch_loss(net, batch.to(device), beta, 0.0 if pretraining else config.free_bits, corrupt)
            optimizer.zero_grad(set_to_none=True)
            terms.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            if anchored and not pretraining:
                anchored.pull()
            if meter.add(terms, batch.n_tokens):
                progress = meter.report(epoch)
                if on_progress:
                    on_progress(progress)
            if recorder:
                recorder.after_step(model, meter.step)
        if stop_reason == "stopped by user":
            break
        if pretraining:
            continue
        val = _validation(model, tokenizer, val_seqs, val_texts, config.seed)
        p = meter.snapshot(epoch, val)
        p.replay = recorder.replay if recorder else None
        history.append(p.epoch_row())
        if on_progress:
            on_progress(p)
        if best.update(model, epoch, val):
            stop_reason = "early stopping"
            break

    if recorder:
        recorder.finish(model, meter.step)
    best.restore(model)
    model.eval()
    tokens = meter.tokens * distributed.world_size()
    replay = recorder.replay if recorder else None
    precision = "bf16" if low_precision else "fp32"
    return TrainResult(history, meter.rows, stop_reason, best.epoch, meter.elapsed(), tokens, replay, precision)


class _Anchor:
    """The weights a training started from, and the pull back toward them after each step (L2-SP). BN-VAE's running
    statistics of μ are pulled too: they place every sentence's z, and a corpus's batches would move them alone."""

    def __init__(self, model: SentenceVAE, rate: float):
        weights = [p for p in model.parameters() if p.requires_grad]
        kept = weights + [b for b in model.buffers() if b.is_floating_point()]
        self.pairs = [(t, t.detach().clone()) for t in kept]
        self.rate = rate

    @torch.no_grad()
    def pull(self) -> None:
        for weight, start in self.pairs:
            weight.lerp_(start, self.rate)  # w + rate * (w0 - w)


def _recorder(tokenizer: TextTokenizer, batches: EpochBatches, config: TrainConfig) -> ReplayRecorder | None:
    """A recorder of the training replay: for sentences held in memory, in a single process, unless turned off."""
    if not config.replay_size or not batches.in_memory or distributed.active():
        return None
    texts, spe = batches.in_memory[0][0], batches.steps_per_epoch
    return ReplayRecorder(
        tokenizer, texts, config.replay_size, spe, config.epochs, config.pretrain_epochs, seed=config.seed
    )


class EpochBatches:
    """The training batches of one epoch, shuffled, wherever the sentences are: in memory (tokenised once) or
    streamed from disk chunk by chunk (read and tokenised every epoch); under torchrun, this rank's shard."""

    def __init__(self, texts: list[str] | StreamedCorpus, tokenizer: TextTokenizer, batch_size: int, generator):
        self.tokenizer, self.batch_size, self.generator = tokenizer, batch_size, generator
        if isinstance(texts, list):
            shard = distributed.shard(texts)
            self.source, self.in_memory = texts, [(shard, to_ids(tokenizer, shard))]
            chunk_sizes = [len(shard)]
        else:
            self.source, self.in_memory = texts, None
            chunk_sizes = [size // distributed.world_size() for size in texts.chunk_sizes]
        self.steps_per_epoch = sum(n_batches(n, batch_size) for n in chunk_sizes)

    def __iter__(self) -> Iterator[Batch]:
        chunks = self.in_memory or _tokenised_chunks(self.source, self.tokenizer)
        for texts, seqs in chunks:
            yield from iterate_batches(
                seqs, self.tokenizer, self.batch_size, shuffle=True, generator=self.generator, texts=texts
            )


class ProgressMeter:
    """Steps, tokens and time since the start and the last steps' terms, read out as Progress snapshots; the
    reported ones are kept as rows for the live charts."""

    def __init__(
        self,
        total_steps: int,
        pretrain_steps: int,
        beta_at: Callable[[int], float],
        config: TrainConfig,
        report_every: int,
    ):
        self.total_steps, self.pretrain_steps, self.beta_at = total_steps, pretrain_steps, beta_at
        self.epochs = config.epochs
        self.report_every = max(report_every, 1)
        self.recent = deque(maxlen=self.report_every)  # (rec, kl) of the last steps
        self.recent_mu = deque(maxlen=max(1, 1024 // config.batch_size))  # posterior means for the AU estimate
        self.step, self.tokens, self.rows, self.start = 0, 0, [], time.perf_counter()
        self.marks: deque[tuple[float, int, int]] = deque()  # (time, step, tokens) of the last RECENT_S seconds

    def add(self, terms: BatchLoss, n_tokens: int) -> bool:
        """Count one step; True when it is time to report (every `report_every` steps and at the last one)."""
        self.step += 1
        self.tokens += n_tokens
        self.recent.append((terms.rec.detach(), terms.kl.detach()))  # tensors: no GPU sync until reported
        self.recent_mu.append(terms.mu.detach())
        return self.step % self.report_every == 0 or self.step == self.total_steps

    def report(self, epoch: int) -> Progress:
        """A snapshot, kept as a chart row."""
        p = self.snapshot(epoch)
        self.rows.append(p.chart_row())
        return p

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def recent_rates(self, now: float) -> tuple[float, float, float]:
        """Steps/s and tokens/s over the last RECENT_S seconds, and steps/s over the whole run so far."""
        self.marks.append((now, self.step, self.tokens))
        while len(self.marks) > 2 and now - self.marks[1][0] >= RECENT_S:
            self.marks.popleft()
        elapsed = now - self.start
        overall = self.step / elapsed if elapsed > 0 else 0.0
        t0, step0, tokens0 = self.marks[0] if len(self.marks) > 1 else (self.start, 0, 0)
        span = now - t0
        if span <= 0:
            return overall, self.tokens / elapsed if elapsed > 0 else 0.0, overall
        return (self.step - step0) / span, (self.tokens - tokens0) / span, overall

    def snapshot(self, epoch: int, val: dict | None = None) -> Progress:
        """The figures now (with the validation figures at the end of an epoch): the rate and the estimate from the
        last RECENT_S seconds, so that they follow the machine when another program takes or gives back cores."""
        now = time.perf_counter()
        elapsed = now - self.start
        steps_per_s, tokens_per_s, overall = self.recent_rates(now)
        tokens_per_s *= distributed.world_size()  # shards are equal: ≈ the tokens of all ranks
        n = max(len(self.recent), 1)
        mus = torch.cat(list(self.recent_mu)).float().cpu() if self.recent_mu else torch.empty(0, 1)
        p = Progress(
            step=self.step,
            total_steps=self.total_steps,
            epoch=epoch,
            epochs=self.epochs,
            rec=float(sum(r for r, _ in self.recent)) / n,
            kl=float(sum(k for _, k in self.recent)) / n,
            beta=self.beta_at(max(self.step - 1, 0)),
            active_units=active_units(mus),
            tokens_per_s=tokens_per_s,
            elapsed_s=elapsed,
            eta_s=(self.total_steps - self.step) / steps_per_s if steps_per_s > 0 else 0.0,
            pace=steps_per_s / overall if overall > 0 else 1.0,
            val=val,
            phase="pretrain" if self.pretrain_steps and self.step <= self.pretrain_steps else "vae",
        )
        return p


class BestEpoch:
    """Early stopping and the best weights: an epoch is better when its validation score under `rule` is lower
    ("elbo": -ELBO, "rec": reconstruction alone); `patience` epochs without one stop training (0: never)."""

    def __init__(self, rule: str, patience: int):
        self.rule, self.patience = rule, patience
        self.score, self.epoch, self.state, self.bad_epochs = math.inf, None, None, 0

    def update(self, model: SentenceVAE, epoch: int, val: dict) -> bool:
        """Record an epoch's validation figures; True when training should stop."""
        if not val:
            return False
        score = -val["elbo"] if self.rule == "elbo" else val["rec"]
        if score < self.score:
            self.score, self.epoch, self.bad_epochs = score, epoch, 0
            self.state = copy.deepcopy(model.state_dict())
            return False
        self.bad_epochs += 1
        return bool(self.patience) and self.bad_epochs >= self.patience

    def restore(self, model: SentenceVAE) -> None:
        if self.state is not None:
            model.load_state_dict(self.state)


def _reset_decoder(model: SentenceVAE) -> None:
    """Start the decoder afresh after autoencoder pre-training; every rank keeps rank 0's new weights."""
    for module in model.decoder_modules():
        for layer in module.modules():
            if hasattr(layer, "reset_parameters"):
                layer.reset_parameters()
    distributed.broadcast_parameters(model)  # every rank drew its own random numbers: keep rank 0's


def _tokenised_chunks(stream, tokenizer: TextTokenizer):
    """(texts, token ids) of this rank's share of each chunk of a streamed corpus."""
    for chunk in stream.chunks():
        texts = distributed.shard(chunk)
        yield texts, to_ids(tokenizer, texts)


def _data_parallel(model: SentenceVAE, device: torch.device) -> torch.nn.Module:
    """The model itself, or under torchrun the model wrapped in DistributedDataParallel (which also copies
    rank 0's initial weights to every rank)."""
    if not distributed.active():
        return model
    from torch.nn.parallel import DistributedDataParallel

    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)


def _prepare(model: SentenceVAE, texts: list[str], on_progress: Callable[[Progress], None] | None) -> None:
    """Let a frozen pretrained encoder embed every sentence once, up front, reporting as phase "embed"."""
    start = time.perf_counter()

    def report(done: int, total: int) -> None:
        if on_progress:
            elapsed = time.perf_counter() - start
            eta = elapsed / max(done, 1) * (total - done)
            on_progress(Progress.of_phase("embed", done, total, elapsed, eta))

    model.prepare(texts, report)


def _validation(
    model: SentenceVAE, tokenizer: TextTokenizer, seqs: list[list[int]], texts: list[str], seed: int
) -> dict:
    """ELBO terms and active units on the validation sentences (empty dict when there are none); under torchrun
    each rank measures its shard and the sums are combined, so every rank sees the same numbers."""
    n = distributed.all_sum([len(seqs)], model.device)[0]
    if not n:
        return {}
    terms = {"rec": 0.0, "kl": 0.0}
    if seqs:  # the ELBO only: the token-accuracy pass is for the final measures
        terms = elbo_terms(model, tokenizer, seqs, seed=seed, texts=texts, accuracy=False)
    rec, kl = (s / n for s in distributed.all_sum([terms["rec"] * len(seqs), terms["kl"] * len(seqs)], model.device))
    mu, _ = posterior(model, tokenizer, seqs, texts=texts)
    return {"rec": rec, "kl": kl, "elbo": -(rec + kl), "active_units": active_units(distributed.all_gather_rows(mu))}


def format_duration(seconds: float) -> str:
    """A duration for a person: '45 s', '3 min 05 s', '1 h 02 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def timed(work: Callable[[], object]) -> float:
    """Seconds `work()` takes (the time estimates' stopwatch)."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _padded_tokens(tokenizer: TextTokenizer, texts: list[str], batch_size: int) -> int:
    """Token positions an epoch's length-bucketed batches of `texts` compute on, padding included."""
    lengths = [len(ids) + 1 for ids in tokenizer.encode(texts)]
    batches = bucket_batches(lengths, batch_size, shuffle=False)
    return sum(max(lengths[i] for i in batch) * len(batch) for batch in batches)


def estimate_seconds(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    texts: list[str],
    config: TrainConfig,
    val_texts: list[str] | None = None,
    sample_batches: int = 4,
) -> float:
    """How long `train_vae` will take at most (all epochs, no early stop) on this machine, each part timed on a
    sample and scaled: a frozen pretrained encoder's embedding pass, the training steps (after one warm-up step, so
    what is loaded on first use is not scaled up), each epoch's validation pass and the replay's frames. The model
    is trained a little by this: pass a fresh one that is then thrown away. The measuring after training is not
    counted here (fit.estimate_measure_seconds)."""
    rng = torch.Generator().manual_seed(config.seed)
    sample = [texts[i] for i in torch.randperm(len(texts), generator=rng)[: sample_batches * config.batch_size]]
    val_texts = val_texts or []
    val_sample = val_texts[: 2 * config.batch_size]

    embed_s = timed(lambda: _prepare(model, sample, None)) * (len(texts) + len(val_texts)) / max(len(sample), 1)
    quiet = replace(config, epochs=1, pretrain_epochs=0, patience=0, replay_size=0)
    train_vae(model, tokenizer, sample[: config.batch_size], [], quiet)  # the warm-up
    trial = train_vae(model, tokenizer, sample, [], quiet)
    # a step's cost follows its padded length: a sample's few batches hold more padding than a corpus's many
    rate = _padded_tokens(tokenizer, sample, config.batch_size) / max(trial.seconds, 1e-9)
    epochs = config.epochs + config.pretrain_epochs
    train_s = epochs * _padded_tokens(tokenizer, texts, config.batch_size) / max(rate, 1.0)
    val_seqs = to_ids(tokenizer, val_sample)
    val_s = timed(lambda: _validation(model, tokenizer, val_seqs, val_sample, config.seed)) if val_sample else 0.0
    val_s *= config.epochs * len(val_texts) / max(len(val_sample), 1)
    replay_s = 0.0
    if config.replay_size:
        steps_per_epoch = n_batches(len(texts), config.batch_size)
        recorder = ReplayRecorder(tokenizer, texts, config.replay_size, steps_per_epoch, config.epochs,
                                  config.pretrain_epochs, seed=config.seed)  # fmt: skip
        replay_s = timed(lambda: recorder.record(model, 0)) * recorder.frames(epochs * steps_per_epoch)
    return embed_s + train_s + val_s + replay_s
