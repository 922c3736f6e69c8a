"""The general-English base model: its resumable pretraining (pretraining) and the shipped bundle, found and loaded
(shipped)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
