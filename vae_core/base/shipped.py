"""The shipped base model: a sentence VAE pretrained once on 1.16M sentences of general English
(assets/make_base_model.py; how and what it reached: bench/BASE.md), so any corpus can be mapped, read back and
decoded at once, with no training, and a model of one's own starts from it.

`BASE` is the name the command line and the app know it by.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from ..data.style import detect
from ..errors import BundleError
from ..store.bundle import load_bundle
from ..train.fit import TrainedModel

BASE = "base"
SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "base_model"
BASE_MODEL = Path(os.environ.get("LATENT_LAB_BASE_MODEL", SHIPPED))


def available() -> bool:
    """Whether this installation has the base model."""
    return (BASE_MODEL / "config.json").is_file()


def card() -> dict:
    """What the base model read (its config's info) and its held-out figures (metrics.json), from its JSON files
    alone, for a page to tell; empty when this installation lacks it or its files cannot be read."""
    try:
        config = json.loads((BASE_MODEL / "config.json").read_text(encoding="utf-8"))
        metrics = json.loads((BASE_MODEL / "metrics.json").read_text(encoding="utf-8"))
        return {**config.get("info", {}), **metrics} if isinstance(metrics, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def load_base(device: str = "auto") -> TrainedModel:
    """The base model; BundleError when this installation does not have it."""
    if not available():
        raise BundleError(f"the base model is not here ({BASE_MODEL}); rebuild it: python assets/make_base_model.py")
    return load_bundle(BASE_MODEL, device=device)


def load_model(name: str, device: str = "auto") -> TrainedModel:
    """A model by the name a user gives: `base` for the base model, else a bundle folder."""
    return load_base(device) if name == BASE else load_bundle(name, device=device)


def for_corpus(base: TrainedModel, texts: list[str]) -> TrainedModel:
    """The base model writing back in the corpus's own style (lower-cased, tokenised; see style.py); the network and
    its weights are shared, not copied."""
    return replace(base, tokenizer=base.tokenizer.with_style(detect(texts)))


def is_general(tm: TrainedModel) -> bool:
    """Whether a model was trained on general English (the base model), not on one corpus."""
    return bool(tm.info.get("general_english"))
