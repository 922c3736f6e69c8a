"""The ELBO and what keeps it from collapsing: β schedules and free bits.

-ELBO(x) = E_q[-log p(x|z)] + KL(q(z|x) || N(0, I))      (nats per sentence)

`batch_loss` is the one place the two terms meet: training minimises its `loss`, and the metrics report its
`rec` and `kl` at β = 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..data.batching import Batch
from ..errors import ConfigError

SCHEDULES = ("constant", "linear", "logistic", "cyclical")


def kl_per_dim(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, 1)) for each sentence and latent dimension, shape (B, D)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)


def kl_objective(kl_dims: torch.Tensor, free_bits: float) -> torch.Tensor:
    """KL term used for training, per sentence. With free bits λ > 0 (per dimension, averaged over the
    batch, Kingma et al. 2016; Li et al. 2019) a dimension costs max(λ, KL_d): no pressure below λ."""
    if free_bits > 0:
        return torch.clamp(kl_dims.mean(0), min=free_bits).sum()
    return kl_dims.sum(1).mean()


@dataclass
class BetaSchedule:
    """Weight β of the KL term as training goes on.

    constant: β_max throughout. linear: 0 → β_max over the first `warmup` fraction of steps.
    logistic: Bowman et al. 2016, the sigmoid centred at `warmup` of the way through.
    cyclical: Fu et al. 2019, `cycles` cycles, each rising linearly for `ratio` of it, then held.
    """

    kind: str = "cyclical"
    beta_max: float = 1.0
    warmup: float = 0.3
    cycles: int = 4
    ratio: float = 0.5

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        if self.kind not in SCHEDULES:
            raise ConfigError(f"unknown β schedule {self.kind!r}: use one of {', '.join(SCHEDULES)}.")
        if not 0.0 <= self.beta_max <= 10.0:
            raise ConfigError(f"beta_max must be in [0, 10] (got {self.beta_max}).")
        if not 0.0 < self.warmup <= 1.0:
            raise ConfigError(f"warmup must be in (0, 1] (got {self.warmup}).")
        if self.cycles < 1 or not 0.0 < self.ratio <= 1.0:
            raise ConfigError("cyclical schedule needs cycles ≥ 1 and ratio in (0, 1].")

    def __call__(self, step: int, total_steps: int) -> float:
        """β at `step` (0-based) of `total_steps`."""
        total = max(total_steps, 1)
        progress = step / total
        if self.kind == "constant":
            return self.beta_max
        if self.kind == "linear":
            return self.beta_max * min(1.0, progress / self.warmup)
        if self.kind == "logistic":
            k = 10.0 / self.warmup  # from ~0 at the start to ~1 at twice the midpoint
            return self.beta_max / (1.0 + math.exp(-k * (progress - self.warmup)))
        period = total / self.cycles
        tau = (step % period) / period
        return self.beta_max * min(1.0, tau / self.ratio)


def token_nll(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Negative log-likelihood of each target token, computed in float32 for stability."""
    return torch.nn.functional.cross_entropy(logits.float(), targets, reduction="none")


def per_sentence(token_values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Values of the tokens at the positions where `mask` is True (N,), summed per sentence, shape (B,)."""
    sums = torch.zeros(mask.shape, device=token_values.device)
    sums[mask] = token_values
    return sums.sum(1)


def sentence_nll(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Summed NLL per sentence, shape (B,), from scores at the positions where `mask` is True."""
    return per_sentence(token_nll(logits, targets[mask]), mask)


def reconstruction(logits: torch.Tensor, targets: torch.Tensor, n_sentences: int) -> torch.Tensor:
    """E_q[-log p(x|z)] estimated with one z per sentence: the batch's summed token NLL over its sentences."""
    return token_nll(logits, targets).sum() / n_sentences


def bag_of_words_nll(log_probs: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Zhao et al. 2017's bag-of-words loss: −Σ_t log p_bow(x_t | z) per sentence, averaged over the batch, from
    (B, V) log-probabilities and the (B, T) targets where `mask` is True. Word order plays no part."""
    picked = log_probs.gather(1, targets) * mask
    return -picked.sum() / len(targets)


@dataclass
class BatchLoss:
    """One batch's ELBO terms, from one sample z ~ q(z|x) per sentence."""

    mu: torch.Tensor  # (B, D) posterior means
    rec: torch.Tensor  # reconstruction NLL, nats per sentence (a scalar)
    kl_dims: torch.Tensor  # (B, D) KL per sentence and latent dimension
    loss: torch.Tensor  # rec + β · (the KL term, free bits applied) [+ the bag-of-words term] [+ the meaning term]:
    # what training minimises
    meaning: torch.Tensor | None = None  # the meaning term before its weight, per sentence, where one was asked for

    @property
    def kl(self) -> torch.Tensor:
        """KL, nats per sentence (a scalar)."""
        return self.kl_dims.sum(1).mean()


def batch_loss(
    model: torch.nn.Module,
    batch: Batch,
    beta: float = 1.0,
    free_bits: float = 0.0,
    corrupt: Callable[[torch.Tensor], torch.Tensor] | None = None,
    meaning_target: torch.Tensor | None = None,
    meaning_weight: float = 0.0,
) -> BatchLoss:
    """The -ELBO terms of a batch (a batching.Batch on the model's device) under `model` (a SentenceVAE, or one
    wrapped for DistributedDataParallel). β = 1 with no free bits is the true -ELBO; `corrupt` is word dropout.
    A model with a bag-of-words weight adds that term to the loss only: `rec` and `kl` stay the ELBO's; so does the
    meaning term, `meaning_weight` · `meaning_loss` of the meaning part against `meaning_target` (B, meaning_dim)."""
    mu, logvar, nll, bow = model(
        batch.tokens, batch.lengths, batch.dec_in, batch.mask, batch.dec_out, batch.texts, corrupt
    )
    rec = nll.sum() / len(batch.lengths)  # E_q[-log p(x|z)] with one z per sentence
    kl_dims = kl_per_dim(mu, logvar)
    loss = rec + beta * kl_objective(kl_dims, free_bits)
    if bow is not None:
        weight = getattr(model, "module", model).config.bow_weight  # DistributedDataParallel keeps it in .module
        loss = loss + weight * bag_of_words_nll(bow, batch.dec_out, batch.mask)
    meaning = None
    if meaning_target is not None:
        meaning = meaning_loss(mu[:, -meaning_target.size(1) :], meaning_target)
        loss = loss + meaning_weight * meaning
    return BatchLoss(mu, rec, kl_dims, loss, meaning)


def meaning_loss(mu: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """How far the meaning part's means lie from where the teacher puts the sentences: squared distance, summed over
    the dimensions, averaged over the batch (a distillation of the teacher's space, Hinton et al. 2015; Reimers and
    Gurevych 2020 taught sentence encoders so)."""
    return (mu.float() - target.float()).pow(2).sum(1).mean()
