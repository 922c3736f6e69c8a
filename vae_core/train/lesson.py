"""A live lesson: a small sentence VAE whose z is 2-D, trained a step at a time under a teacher's hand. The plane a
class watches is the latent space itself, with no projection in between: each sentence at its posterior mean, its
spread an ellipse, the prior N(0, I) a set of circles. The knobs (β and its schedule, word dropout, free bits) act on
the next step, so a collapse can be made and undone while it trains."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import torch

from ..data.batching import make_batch, to_ids
from ..data.style import detect
from ..data.tokenizer import TextTokenizer, TokenizerConfig
from ..device import torch_threads
from ..errors import ConfigError
from ..measure.metrics import active_units
from ..model.decoding import DecodeConfig, decode
from ..model.objective import BetaSchedule, batch_loss, kl_per_dim
from ..model.vae import ModelConfig, SentenceVAE, posterior
from .loop import word_dropout

LATENT_DIM = 2  # the plane on the screen
MAX_TOKENS = 40  # longer sentences are cut: a lesson's corpus is short sentences
SCHEDULES = ("constant", "warm-up", "cyclical")
UNWATCHED_S = 30.0  # a playing lesson no one has looked at for this long stops (a closed tab, a lost session)
THREADS = 1  # a lesson's network is small: a second torch thread barely speeds a step (bench/lesson.py), and on a
# small server the other core draws the plane in the browser


@dataclass
class LessonSetup:
    """What a restart fixes: how many sentences, the network's width, the optimiser and the seed."""

    sentences: int = 400  # drawn (seeded) from the corpus: an epoch of 400 takes a fraction of a second on 2 cores
    hidden_dim: int = 96  # the encoder's and decoder's recurrent width: a wider decoder writes more without z
    embed_dim: int = 64
    batch_size: int = 32
    lr: float = 3e-3
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        for name in ("sentences", "hidden_dim", "embed_dim", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive whole number (got {value!r}).")
        if self.hidden_dim > 1024 or self.embed_dim > 1024:
            raise ConfigError("a lesson's model is small: keep hidden_dim and embed_dim ≤ 1024.")
        if not 0 < self.lr < 1:
            raise ConfigError(f"the learning rate must be in (0, 1) (got {self.lr}).")


@dataclass
class Knobs:
    """What acts on the next training step."""

    beta: float = 1.0  # the KL's weight at its full height
    schedule: str = "constant"  # constant; warm-up: 0 → β over `period` steps; cyclical: rising over the first
    # half of every `period` steps, then held (Fu et al. 2019)
    period: int = 200  # steps
    word_dropout: float = 0.0  # the share of the decoder's input words hidden from it: it must lean on z
    free_bits: float = 0.0  # nats per dimension that cost nothing (Kingma et al. 2016)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ConfigError(f"unknown β schedule {self.schedule!r}: use one of {', '.join(SCHEDULES)}.")
        if not 0.0 <= self.beta <= 10.0:
            raise ConfigError(f"β must be in [0, 10] (got {self.beta}).")
        if not isinstance(self.period, int) or self.period < 1:
            raise ConfigError(f"the schedule's period must be a positive number of steps (got {self.period!r}).")
        if not 0.0 <= self.word_dropout <= 1.0:
            raise ConfigError(f"word dropout must be in [0, 1] (got {self.word_dropout}).")
        if not 0.0 <= self.free_bits <= 10.0:
            raise ConfigError(f"free bits must be in [0, 10] nats (got {self.free_bits}).")

    def beta_at(self, step: int) -> float:
        """β at training step `step` (0-based) under the schedule."""
        if self.schedule == "constant":
            return self.beta
        if self.schedule == "warm-up":
            return BetaSchedule("linear", self.beta, warmup=1.0)(step, self.period)
        return BetaSchedule("cyclical", self.beta, cycles=1, ratio=0.5)(step % self.period, self.period)


@dataclass
class Snapshot:
    """Where every lesson sentence sits at this moment of training."""

    step: int
    mu: np.ndarray  # (N, 2) posterior means
    logvar: np.ndarray  # (N, 2)
    active_units: int  # dimensions of z whose mean varies across the sentences (0, 1 or 2)

    def ellipse_axes(self, widths: float = 2.0) -> np.ndarray:
        """Each posterior's ellipse half-widths along z's two axes, `widths` standard deviations (q is diagonal)."""
        return widths * np.exp(0.5 * self.logvar)


class Lesson:
    """A 2-D sentence VAE being trained on a few hundred sentences, one step at a time (`step`, `epoch`), with the
    curves of every step and the decoder answering for any spot of the plane (`decode_at`)."""

    def __init__(
        self,
        texts: list[str],
        labels: dict[str, list] | None = None,
        setup: LessonSetup | None = None,
        knobs: Knobs | None = None,
    ):
        """A fresh lesson on a seeded sample of `texts` (and their label columns, name -> a label per text, for
        colour)."""
        self.setup, self.knobs = setup or LessonSetup(), knobs or Knobs()
        s = self.setup
        keep = [i for i, t in enumerate(texts) if t.strip()]
        if not keep:
            raise ConfigError("a lesson needs at least one sentence.")
        pick = sorted(keep[i] for i in np.random.default_rng(s.seed).permutation(len(keep))[: s.sentences])
        self.texts = [texts[i] for i in pick]
        self.labels = {name: [str(column[i]) for i in pick] for name, column in (labels or {}).items()}
        words = TextTokenizer.train(self.texts, TokenizerConfig(kind="word", min_frequency=1))
        self.tokenizer = words.with_style(detect(self.texts))  # it writes back as the corpus is written
        config = ModelConfig(
            embed_dim=s.embed_dim, hidden_dim=s.hidden_dim, latent_dim=LATENT_DIM, dropout=0.0, encoder="rnn",
            bn_gamma=0.0,
        )  # fmt: skip
        with torch.random.fork_rng(devices=[]):  # the lesson's own random numbers: the same seed trains the same
            torch.manual_seed(s.seed)  # way, whatever else the server does meanwhile
            self.model = SentenceVAE(config, self.tokenizer.vocab_size, self.tokenizer.pad_id)
            self._random = torch.get_rng_state()
        self._optimizer: torch.optim.Adam | None = None  # made at the first step (see `optimizer`)
        self.seqs = to_ids(self.tokenizer, self.texts, MAX_TOKENS)
        self.generator = torch.Generator().manual_seed(s.seed)
        self.history: list[dict] = []  # a row per step: step, rec, kl, beta
        self._left: list[list[int]] = []  # the batches this epoch has still to train on
        self.lock = threading.Lock()  # one step or one look at the model at a time (`play` trains in a thread)
        self.pace: float | None = None
        self._thread: threading.Thread | None = None
        self._watched = time.monotonic()

    @property
    def optimizer(self) -> torch.optim.Adam:
        """Adam, made at the first step: the first optimiser a process builds imports torch._dynamo (about two
        seconds of a core), which the untrained plane need not wait on (`warm_up_training` does it meanwhile)."""
        if self._optimizer is None:
            self._optimizer = torch.optim.Adam(self.model.parameters(), lr=self.setup.lr)
        return self._optimizer

    @property
    def steps(self) -> int:
        return len(self.history)

    @property
    def steps_per_epoch(self) -> int:
        return max(1, -(-len(self.texts) // self.setup.batch_size))

    @property
    def epochs(self) -> float:
        return self.steps / self.steps_per_epoch

    def _next_batch(self) -> list[int]:
        if not self._left:  # a new epoch: the sentences in a new random order
            order = torch.randperm(len(self.texts), generator=self.generator).tolist()
            size = self.setup.batch_size
            self._left = [order[i : i + size] for i in range(0, len(order), size)]
        return self._left.pop(0)

    def step(self, n: int = 1) -> None:
        """`n` optimiser steps on the -ELBO (β from the knobs' schedule, word dropout, free bits), each recorded."""
        for _ in range(n):
            with self.lock, torch_threads(THREADS), torch.random.fork_rng(devices=[]):
                torch.set_rng_state(self._random)
                self._train_step(self.knobs)
                self._random = torch.get_rng_state()

    def _train_step(self, knobs: Knobs) -> None:
        self.model.train()
        pad, unk = self.tokenizer.pad_id, self.tokenizer.unk_id
        batch = make_batch(self.seqs, self._next_batch(), self.tokenizer)
        beta = knobs.beta_at(self.steps)
        terms = batch_loss(
            self.model, batch, beta, knobs.free_bits, lambda x: word_dropout(x, knobs.word_dropout, unk, pad)
        )
        self.optimizer.zero_grad(set_to_none=True)
        terms.loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
        self.optimizer.step()
        self.history.append({"step": self.steps + 1, "rec": terms.rec.item(), "kl": terms.kl.item(), "beta": beta})

    def play(self, steps_per_second: float | None = None) -> None:
        """Train on in a background thread, `steps_per_second` (None: as fast as one core goes), until `pause` or
        until no one has looked (`snapshot`) for `UNWATCHED_S`: the page only draws what it finds."""
        self.pace = steps_per_second
        self._watched = time.monotonic()
        if self.playing:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, args=(self._stop,), name="lesson", daemon=True)
        self._thread.start()

    def _play(self, stop: threading.Event) -> None:
        while not stop.is_set() and time.monotonic() - self._watched < UNWATCHED_S:
            started = time.monotonic()
            self.step()
            if self.pace:
                stop.wait(max(0.0, 1.0 / self.pace - (time.monotonic() - started)))

    def pause(self) -> None:
        """Stop the background training after the step it is on."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def epoch(self) -> None:
        """Train to the end of the current epoch (a whole epoch if one has just ended)."""
        self.step(len(self._left) or self.steps_per_epoch)

    def curves(self, window: int = 20) -> dict[str, np.ndarray]:
        """Each step's reconstruction and KL (nats per sentence), averaged over the last `window` steps so a batch's
        noise does not hide the trend, and β as it was."""
        rows = list(self.history)  # as it is now: a playing lesson appends to it meanwhile
        out = {"step": np.array([r["step"] for r in rows]), "beta": np.array([r["beta"] for r in rows])}
        for name in ("rec", "kl"):
            values = np.array([r[name] for r in rows], dtype=np.float64)
            sums = np.cumsum(np.concatenate([[0.0], values]))
            starts = np.maximum(np.arange(len(values)) + 1 - window, 0)
            out[name] = (sums[1:] - sums[starts]) / (np.arange(len(values)) + 1 - starts)
        return out

    def snapshot(self) -> Snapshot:
        """Every sentence's posterior now (a look that keeps a playing lesson going)."""
        self._watched = time.monotonic()
        with self.lock, torch_threads(THREADS):
            mu, logvar = posterior(self.model, self.tokenizer, self.seqs)
            steps = self.steps
        return Snapshot(steps, mu.numpy(), logvar.numpy(), active_units(mu))

    def place(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A typed sentence's posterior mean and log-variance, (2,) each (words the lesson never saw read as <unk>)."""
        with self.lock, torch_threads(THREADS):
            mu, logvar = posterior(self.model, self.tokenizer, to_ids(self.tokenizer, [text], MAX_TOKENS))
        return mu[0].numpy(), logvar[0].numpy()

    def decode_at(self, points: np.ndarray, max_len: int = 30) -> list[str]:
        """What the decoder writes, greedily, at each spot (N, 2) of the plane at this moment of training."""
        points = np.asarray(points, dtype=np.float32).reshape(-1, LATENT_DIM)
        with self.lock, torch_threads(THREADS):
            return decode(self.model, self.tokenizer, torch.from_numpy(points), DecodeConfig(max_len=max_len))

    def kl_of(self, mu: np.ndarray, logvar: np.ndarray) -> float:
        """One posterior's KL from the prior, nats: the price of its ellipse sitting away from the circles."""
        return float(kl_per_dim(torch.as_tensor(mu), torch.as_tensor(logvar)).sum())


def grid(low: float, high: float, n: int) -> np.ndarray:
    """An n × n grid of spots over the square [low, high]², row by row: where the plane is decoded."""
    xs, ys = np.meshgrid(np.linspace(low, high, n), np.linspace(low, high, n))
    return np.stack([xs.ravel(), ys.ravel()], 1)


def warm_up_training() -> None:
    """Import what a first optimiser step needs (torch._dynamo, imported by torch's optimisers when the first is
    built), so that a first Play does not wait on it."""
    import torch._dynamo  # noqa: F401
