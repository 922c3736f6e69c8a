"""A replay of training, for a class to watch: the posterior means of a fixed sample of sentences, recorded a few
times in the first epoch (where the most happens) and at the end of every epoch, and a few of those sentences
followed closely (their posterior spread and what the decoder wrote back from them at that point).

Every frame is drawn in one shared 2-D frame: the PCA of the last frame's means. A linear map moves each point
exactly as its mean moves (projected), so a point's motion between frames is the model's, not the projection's;
a map fitted per frame (UMAP, or PCA per frame) would jump, flip and rescale between frames. Early frames, before
z carries much, sit small at the centre, and a posterior collapse shows as the cloud shrinking to a point."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays

from ..data.batching import to_ids
from ..data.tokenizer import TextTokenizer
from ..errors import BundleError
from ..explore.projection import ellipse
from ..model.decoding import decode
from ..model.objective import kl_per_dim
from ..model.vae import SentenceVAE, posterior

FIRST_EPOCH_POINTS = (1 / 8, 1 / 4, 1 / 2)  # extra frames in the very first epoch, as fractions of it
MAX_EPOCH_FRAMES = 50  # a longer training is recorded every few epochs (and at its last step)


@dataclass
class Replay:
    """The recorded frames: frame f shows `means[f]` (S, D) after `steps[f]` optimiser steps."""

    texts: list[str]  # the S sentences of the sample
    rows: list[int]  # their rows among the training sentences
    followed: list[int]  # indices into `texts` of the K sentences followed closely
    steps: list[int] = field(default_factory=list)  # (F,) optimiser steps before each frame
    epochs: list[float] = field(default_factory=list)  # (F,) epochs done; ≤ 0 during autoencoder pre-training
    means: list[np.ndarray] = field(default_factory=list)  # F arrays (S, D)
    followed_logvar: list[np.ndarray] = field(default_factory=list)  # F arrays (K, D)
    decoded: list[list[str]] = field(default_factory=list)  # F lists of K sentences: the decoder's from each mean
    kl: list[float] = field(default_factory=list)  # (F,) the sample's mean KL(q(z|x) || p(z)), nats per sentence
    labels: list[str] | None = None  # (S,) the sample's labels, when the corpus has them

    def __len__(self) -> int:
        return len(self.steps)

    def so_far(self) -> Replay:
        """The frames recorded so far, as their own Replay (safe to read while training goes on: see `record`)."""
        return self.pick(range(len(self.steps)))

    def pick(self, frames) -> Replay:
        """A Replay of these frames only (e.g. the last one, for a live view)."""
        frames = list(frames)
        return Replay(
            self.texts,
            self.rows,
            self.followed,
            [self.steps[f] for f in frames],
            [self.epochs[f] for f in frames],
            [self.means[f] for f in frames],
            [self.followed_logvar[f] for f in frames],
            [self.decoded[f] for f in frames],
            [self.kl[f] for f in frames],
            self.labels,
        )

    def frame_name(self, f: int) -> str:
        """How a frame is called on screen: "start", "pre-training epoch 0.12", "epoch 3"."""
        if self.steps[f] == 0:
            return "start"
        epoch = self.epochs[f]
        if epoch <= 0:  # autoencoder pre-training, counted from its start
            return f"pre-training epoch {_amount(epoch - self.epochs[0])}"
        return f"epoch {_amount(epoch)}"

    def _frame(self):
        """The shared 2-D frame: the PCA of the last frame's means (None when there is too little to fit one)."""
        from sklearn.decomposition import PCA

        last = self.means[-1].astype(np.float32)
        return PCA(n_components=2).fit(last) if len(last) > 2 and last.shape[1] > 1 else None

    def coordinates(self) -> np.ndarray:
        """(F, S, 2): every frame's means in the shared frame."""
        pca = self._frame()
        if pca is None:
            return np.zeros((len(self), len(self.texts), 2), np.float32)
        return np.stack([pca.transform(m.astype(np.float32)) for m in self.means]).astype(np.float32)

    def followed_on_map(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Followed sentence `k` in every frame: its mean (F, 2) and its posterior's 2σ ellipse (F, 65, 2). The
        frame is linear, so the projected posterior is exactly N(W mu, W diag(σ²) Wᵀ)."""
        pca = self._frame()
        i = self.followed[k]
        if pca is None:
            return np.zeros((len(self), 2), np.float32), np.zeros((len(self), 65, 2), np.float32)
        w = pca.components_
        centres, ellipses = [], []
        for means, logvar in zip(self.means, self.followed_logvar):
            centre = pca.transform(means[i : i + 1].astype(np.float32))[0]
            centres.append(centre)
            ellipses.append(ellipse(centre, w @ np.diag(np.exp(logvar[k].astype(np.float64))) @ w.T))
        return np.asarray(centres, np.float32), np.asarray(ellipses, np.float32)

    def to_files(self) -> dict[str, bytes]:
        """The replay as bundle files: the arrays (float16) in replay.safetensors, the text in replay.json."""
        arrays = {
            "means": np.stack(self.means).astype(np.float16),
            "followed_logvar": np.stack(self.followed_logvar).astype(np.float16),
            "steps": np.asarray(self.steps, np.int64),
            "epochs": np.asarray(self.epochs, np.float32),
            "rows": np.asarray(self.rows, np.int64),
            "kl": np.asarray(self.kl, np.float32),
        }
        text = {"texts": self.texts, "followed": self.followed, "decoded": self.decoded, "labels": self.labels}
        return {"replay.safetensors": save_arrays(arrays), "replay.json": json.dumps(text).encode()}

    @classmethod
    def from_files(cls, files: dict[str, bytes], source: str = "bundle") -> Replay:
        """The replay saved by `to_files`; BundleError when it is damaged or inconsistent."""
        try:
            arrays = load_arrays(files["replay.safetensors"])
            text = json.loads(files["replay.json"])
            means, logvar = arrays["means"], arrays["followed_logvar"]
            replay = cls(
                texts=[str(t) for t in text["texts"]],
                rows=arrays["rows"].tolist(),
                followed=[int(i) for i in text["followed"]],
                steps=arrays["steps"].tolist(),
                epochs=arrays["epochs"].tolist(),
                means=list(means),
                followed_logvar=list(logvar),
                decoded=[[str(s) for s in frame] for frame in text["decoded"]],
                kl=arrays["kl"].tolist(),
                labels=[str(v) for v in text["labels"]] if text.get("labels") is not None else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError, SafetensorError) as e:  # any shape, any bytes
            raise BundleError(f"{source}: the training replay is damaged ({e}).") from e
        f, s, k = len(replay.steps), len(replay.texts), len(replay.followed)
        consistent = means.ndim == 3 and means.shape[:2] == (f, s) and logvar.shape[:2] == (f, k)
        consistent &= len(replay.epochs) == f and len(replay.decoded) == f and all(0 <= i < s for i in replay.followed)
        consistent &= replay.labels is None or len(replay.labels) == s
        consistent &= len(replay.rows) == s and len(replay.kl) == f
        if not consistent:
            raise BundleError(f"{source}: the training replay's parts do not fit together.")
        return replay


def _amount(epochs: float) -> str:
    """Whole epochs as "3", parts as "0.12"."""
    return f"{epochs:g}" if epochs == int(epochs) else f"{epochs:.2f}"


class ReplayRecorder:
    """Records a Replay while `train_vae` runs: `record` at the start, `after_step` after each step (a few frames
    in the first epoch, at FIRST_EPOCH_POINTS, and one at the end of every epoch, or of every few epochs in a long
    run), `finish` at the last step. Recording encodes the sample in eval mode without drawing random numbers, so
    training goes on exactly as it would without it."""

    def __init__(
        self,
        tokenizer: TextTokenizer,
        texts: list[str],
        size: int,
        steps_per_epoch: int,
        epochs: int,
        pretrain_epochs: int = 0,
        follow: int = 8,
        seed: int = 0,
    ):
        rows = torch.randperm(len(texts), generator=torch.Generator().manual_seed(seed))[:size].sort().values
        sample = [texts[i] for i in rows.tolist()]
        self.tokenizer, self.seqs, self.steps_per_epoch = tokenizer, to_ids(tokenizer, sample), steps_per_epoch
        self.replay = Replay(
            texts=sample,
            rows=rows.tolist(),
            followed=list(range(0, len(sample), max(1, len(sample) // follow)))[:follow],
        )
        self.pretrain_epochs = pretrain_epochs
        every = -(-(epochs + pretrain_epochs) // MAX_EPOCH_FRAMES) * steps_per_epoch
        first = {max(1, round(f * steps_per_epoch)) for f in FIRST_EPOCH_POINTS}
        self.due = lambda step: step in first or step % every == 0

    def frames(self, total_steps: int) -> int:
        """How many frames a training of `total_steps` steps records: the start, those due, the last step's."""
        due = sum(self.due(step) for step in range(1, total_steps + 1))
        return 1 + due + (not self.due(total_steps))

    def after_step(self, model: SentenceVAE, step: int) -> None:
        """After optimiser step `step`: record when a frame is due."""
        if self.due(step):
            self.record(model, step)

    def finish(self, model: SentenceVAE, step: int) -> None:
        """At the end of training (early stopping and Stop included): the last step's frame, if not yet recorded."""
        if not self.replay.steps or self.replay.steps[-1] != step:
            self.record(model, step)

    def record(self, model: SentenceVAE, step: int) -> None:
        """A frame of the model as it is after `step` optimiser steps."""
        was_training = model.training
        mu, logvar = posterior(model, self.tokenizer, self.seqs, texts=self.replay.texts)
        followed = self.replay.followed
        r = self.replay
        r.epochs.append(round(step / self.steps_per_epoch - self.pretrain_epochs, 4))
        r.means.append(mu.numpy().astype(np.float16))
        r.followed_logvar.append(logvar[followed].numpy().astype(np.float16))
        r.decoded.append(decode(model, self.tokenizer, mu[followed].to(model.device)))
        r.kl.append(float(kl_per_dim(mu, logvar).sum(1).mean()))
        r.steps.append(step)  # last: a reader on another thread takes len(steps) frames, all of them complete
        model.train(was_training)
