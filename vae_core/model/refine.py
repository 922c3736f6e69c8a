"""Semi-amortised inference (Kim et al. 2018, "Semi-Amortized Variational Autoencoders"): the encoder's posterior mean
is a one-pass guess at a sentence's point; a few gradient steps on log p(x | z) move it to a point the decoder writes
the sentence back from. The steps stay inside the posterior's own reach — within `radius` posterior standard
deviations of the mean (by default √D, the distance at which a draw from q(z | x) typically lies) — so the point is
still one the encoder gives the sentence, not a code found anywhere in the space."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..data.batching import Batch
from ..errors import ConfigError
from .vae import SentenceVAE


@dataclass(frozen=True)
class RefineConfig:
    """How far to refine: Adam steps on the whitened offset from the mean, its rate, and the radius it keeps to."""

    steps: int = 20
    lr: float = 0.05
    radius: float | None = None  # in posterior standard deviations; None: √latent_dim

    def __post_init__(self) -> None:
        if not 1 <= self.steps <= 500:
            raise ConfigError(f"refining takes from 1 to 500 steps (got {self.steps}).")
        if not 0 < self.lr <= 1:
            raise ConfigError(f"the refining rate must be above 0 and at most 1 (got {self.lr}).")
        if self.radius is not None and not self.radius > 0:
            raise ConfigError(f"the refining radius must be above 0 (got {self.radius}).")


def refine(
    model: SentenceVAE, batch: Batch, mu: torch.Tensor, logvar: torch.Tensor, config: RefineConfig
) -> torch.Tensor:
    """The batch's latent points (B, D) after `config.steps` steps of ascent on log p(x | z) from `mu`, each kept
    within `radius` standard deviations of its posterior (per dimension, sigma = exp(logvar / 2)). Only z moves:
    the gradient is taken with respect to the offset alone, so no weight's gradient is computed or touched."""
    model.eval()
    sigma = torch.exp(0.5 * logvar.float()).detach()
    mu = mu.float().detach()
    radius = config.radius or math.sqrt(mu.size(1))
    offset = torch.zeros_like(mu, requires_grad=True)  # whitened: z = mu + offset * sigma
    optimiser = torch.optim.Adam([offset], lr=config.lr)
    targets = batch.dec_out[batch.mask]
    # cuDNN's RNN runs backward only in training mode; the plain kernels do it in eval mode (no dropout) too
    with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
        for _ in range(config.steps):
            nll = model.target_nll(mu + offset * sigma, batch.dec_in, batch.mask, targets).sum()
            (offset.grad,) = torch.autograd.grad(nll, [offset])
            optimiser.step()
            with torch.no_grad():
                offset.mul_(torch.clamp(radius / offset.norm(dim=1, keepdim=True).clamp_min(1e-12), max=1.0))
    return mu + offset.detach() * sigma
