"""Background training jobs: `fit` runs in a worker thread while a UI (or anything else) polls a snapshot.

The worker never touches the UI; it writes progress under a lock, and a `threading.Event` asks it to stop.
A registry keeps one job per owner key (the app uses one key per browser session)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..data.corpus import Corpus
from ..data.tokenizer import TokenizerConfig
from ..device import OtherLoad
from ..errors import LatentLabError
from ..model.vae import ModelConfig
from .fit import TrainedModel, check_trainable, fit
from .loop import Progress, TrainConfig
from .replay import Replay
from .seats import FOLDER as SEATS
from .seats import Seat
from .tradeoff import GAMMAS, TradeoffPoint, rate_distortion


@dataclass
class JobSnapshot:
    """A consistent copy of a job's state at one moment."""

    status: str  # "running", "stopping", "done", "failed"
    progress: Progress | None
    steps: list[dict]
    epochs: list[dict]
    result: TrainedModel | None
    error: str | None
    replay: Replay | None = None  # the training replay's frames so far


class BackgroundWork:
    """A piece of work run in a daemon thread: `start` it, poll it, `wait` for it. A subclass sets `_work` (what
    the thread computes) and calls `_init_work`; errors become a message in `_error`, never a dead server."""

    failure = "the work failed"  # how an unexpected error is introduced to the user

    def _init_work(self, name: str) -> None:
        self._lock = threading.Lock()
        self._status, self._result, self._error = "running", None, None
        self.finished_at: float | None = None
        self.registry: JobRegistry | None = None  # set by the registry that starts it: where its seat goes
        self._seat: Seat | None = None  # held while the work runs, so the machine's trainings split its cores
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self):
        self._thread.start()
        return self

    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _take_share_of_threads(self) -> None:
        """Run torch on this job's share of the cores: its seat's, counted with every other job and every CLI
        training on the machine (seats.py). torch's intra-op thread count belongs to the calling thread, so each
        worker sets its own; jobs that each took every core would spin against each other."""
        if self._seat is not None:
            self._seat.share()

    def _work(self):
        raise NotImplementedError

    def _run(self) -> None:
        registry = self.registry
        seat = Seat(registry.seats, cores=registry.cores, load=registry.other_load()) if registry else nullcontext()
        try:
            with seat as self._seat:  # taking the seat sets this worker's share
                result = self._work()
            with self._lock:
                self._result, self._status = result, "done"
        except LatentLabError as e:
            with self._lock:
                self._error, self._status = str(e), "failed"
        except Exception as e:  # a bug or out of memory: report it, never kill the server
            with self._lock:
                self._error, self._status = f"{self.failure}: {type(e).__name__}: {e}", "failed"
        finally:
            self.finished_at = time.time()
            if self.registry is not None:  # threads started later (the app's script runs) inherit this setting
                torch.set_num_threads(self.registry.cores)


@dataclass
class TrainingJob(BackgroundWork):
    failure = "training failed"
    corpus: Corpus
    model_config: ModelConfig
    train_config: TrainConfig
    tokenizer_config: TokenizerConfig = field(default_factory=TokenizerConfig)
    iw_samples: int = 20
    start_from: TrainedModel | None = None  # the base model, to adapt (fit's `start_from`); None: from scratch

    def __post_init__(self):
        self._init_work("latent-lab-training")
        self._stop = threading.Event()
        self._progress: Progress | None = None
        self._replay: Replay | None = None
        self._steps: list[dict] = []
        self._epochs: list[dict] = []

    def validate(self) -> None:
        """Refuse a corpus too small to train on before the worker starts (the settings were checked when built)."""
        check_trainable(self.corpus)

    def _on_progress(self, p: Progress) -> None:
        self._take_share_of_threads()  # called on the worker thread: follows jobs starting and ending
        with self._lock:
            self._progress = p
            if p.replay is not None:
                self._replay = p.replay
            if p.val:
                self._epochs.append({"epoch": p.epoch, **{f"val_{k}": v for k, v in p.val.items()}})
            elif p.phase not in ("embed", "measure"):
                self._steps.append(p.chart_row())

    def _work(self) -> TrainedModel:
        return fit(
            self.corpus,
            self.model_config,
            self.train_config,
            self.tokenizer_config,
            on_progress=self._on_progress,
            stop=self._stop,
            iw_samples=self.iw_samples,
            start_from=self.start_from,
        )

    def stop(self) -> None:
        """Ask the worker to stop after its current step; it still evaluates and returns a usable model."""
        self._stop.set()
        with self._lock:
            if self._status == "running":
                self._status = "stopping"

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            return JobSnapshot(
                self._status,
                self._progress,
                list(self._steps),
                list(self._epochs),
                self._result,
                self._error,
                self._replay.so_far() if self._replay is not None else None,
            )


class TradeoffJob(BackgroundWork):
    """`tradeoff.rate_distortion` in the background, one γ after another; `snapshot` gives the points so far."""

    failure = "the rate–distortion trainings failed"

    def __init__(
        self,
        corpus: Corpus,
        gammas: tuple[float, ...] = GAMMAS,
        model_config: ModelConfig | None = None,
        train_config: TrainConfig | None = None,
    ):
        self._init_work("latent-lab-tradeoff")
        self.corpus, self.gammas, self.model_config, self.train_config = corpus, gammas, model_config, train_config
        self.points: list[TradeoffPoint] = []

    def _work(self) -> list[TradeoffPoint]:
        for gamma in self.gammas:
            (point,) = rate_distortion(self.corpus, (gamma,), self.model_config, self.train_config)
            with self._lock:
                self.points.append(point)
        return self.points

    def snapshot(self) -> tuple[str, list[TradeoffPoint], str | None]:
        """(status, the points so far, the error if it failed)."""
        with self._lock:
            return self._status, list(self.points), self._error


class JobRegistry:
    """One training job per owner key, and at most `max_running` running at once on the server; thread-safe."""

    def __init__(
        self,
        max_running: int = 2,
        keep_finished_s: float = 86400.0,
        cores: int | None = None,
        seats: Path = SEATS,
        other_load: Callable[[], OtherLoad] = OtherLoad,
    ):
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainingJob] = {}
        self.max_running = max_running
        self.keep_finished_s = keep_finished_s
        self.cores = cores or len(os.sched_getaffinity(0))
        self.seats = seats  # the folder of the machine's training seats, shared with CLI trainings
        self.other_load = other_load  # how a job's seat measures what other programs keep busy

    def _prune(self) -> None:
        """Forget jobs finished a day ago or more: the unsaved models of sessions that have ended do not pile up."""
        cutoff = time.time() - self.keep_finished_s
        for owner in [o for o, j in self._jobs.items() if j.finished_at is not None and j.finished_at < cutoff]:
            del self._jobs[owner]

    def start(self, owner: str, job: BackgroundWork) -> BackgroundWork:
        with self._lock:
            self._prune()
            current = self._jobs.get(owner)
            if current is not None and not current.finished:
                raise LatentLabError("a training run is already going; stop it first.")
            running = sum(not j.finished for j in self._jobs.values())
            if running >= self.max_running:
                raise LatentLabError(
                    f"{running} training runs are already going on this server (the limit is {self.max_running}); "
                    "try again when one finishes."
                )
            job.registry = self
            self._jobs[owner] = job.start()
            return job

    def get(self, owner: str) -> BackgroundWork | None:
        with self._lock:
            self._prune()
            return self._jobs.get(owner)
