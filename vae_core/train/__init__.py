"""Making a model: the training loop (loop), corpus to TrainedModel in one call (fit), data-parallel training
(distributed), the training replay (replay), background jobs (jobs), the rate-distortion sweep (tradeoff)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
