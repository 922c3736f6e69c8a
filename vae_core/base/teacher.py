"""The meaning teacher: all-MiniLM-L6-v2's embeddings of the pretraining corpus, computed once and kept with the run.

Pretraining with a meaning term (`PretrainConfig.meaning_weight`) asks, for every batch, how alike MiniLM finds its
sentences. Running MiniLM inside the loop would double a step's cost, so its embeddings are computed once, in chunks
that are each written atomically (a run killed half-way resumes at the next missing chunk), and read back into one
float16 array:

    run/teacher/
      train/chunk-00000.npy ...   (CHUNK, 384) float16 unit vectors, sentence i in chunk i // CHUNK, row i % CHUNK
      valid/chunk-00000.npy       the held-out sentences', for the curve
      projection.safetensors      the teacher's space -> the meaning part's (`Projection`), fitted once

The meaning part of z is taught the teacher's leading principal components (bench/BASE.md, "Meaning": 48 of them
keep MiniLM's own 10-NN label accuracy on TREC, SUBJ and SST to within 0.01), scaled as BN-VAE scales the form part.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save

from ..errors import ConfigError
from ..model.pretrained import DEFAULT_ENCODER, load_sentence_transformer
from ..store.atomic import atomic_write_bytes

CHUNK = 8192  # sentences a chunk file: ~6 MB, ~30 s of 2 cores


def chunk_path(folder: Path, index: int) -> Path:
    return folder / f"chunk-{index:05d}.npy"


def embed_chunk(model, texts: list[str], batch_size: int = 128) -> np.ndarray:
    """MiniLM's unit-length embeddings of `texts`, in order, as float16. Run shortest first (little padding) and in
    bfloat16 where the processor has it (twice as fast on 2 cores; cosine to float32's 0.99999)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=torch.cpu._is_avx512_bf16_supported()):
        vectors = model.encode([texts[i] for i in order], batch_size=batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)  # fmt: skip
    out = np.empty((len(texts), vectors.shape[1]), dtype=np.float16)
    out[order] = vectors.astype(np.float16)
    return out


def compute(
    folder: Path,
    texts: list[str],
    name: str = DEFAULT_ENCODER,
    log: Callable[[str], None] = print,
) -> None:
    """Write every missing chunk of `texts`' embeddings into `folder`; chunks already there are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    chunks = range((len(texts) + CHUNK - 1) // CHUNK)
    todo = [c for c in chunks if not chunk_path(folder, c).is_file()]
    if not todo:
        return
    model = load_sentence_transformer(name).eval()
    started = time.perf_counter()
    for done, c in enumerate(todo, 1):
        vectors = embed_chunk(model, texts[c * CHUNK : (c + 1) * CHUNK])
        buffer = io.BytesIO()
        np.save(buffer, vectors, allow_pickle=False)
        atomic_write_bytes(chunk_path(folder, c), buffer.getvalue())
        rate = done * CHUNK / (time.perf_counter() - started)
        left = (len(todo) - done) * CHUNK / rate / 60
        log(f"teacher: chunk {c + 1}/{len(chunks)}, {rate:,.0f} sentences/s, {left:.0f} min left")


def load(folder: Path, n: int) -> np.ndarray:
    """The first `n` sentences' embeddings, (n, dim) float16, from the chunks (which must all be there)."""
    needed = (n + CHUNK - 1) // CHUNK
    missing = [c for c in range(needed) if not chunk_path(folder, c).is_file()]
    if missing:
        raise ConfigError(f"{folder} lacks {len(missing)} of the teacher's {needed} chunks: compute them first.")
    return np.concatenate([np.load(chunk_path(folder, c), mmap_mode="r") for c in range(needed)])[:n]


@dataclass
class Projection:
    """The teacher's embedding -> the meaning part's target: centred, onto the leading principal directions, scaled
    so that a target's mean square per dimension is `scale`²."""

    mean: np.ndarray  # (dim,)
    basis: np.ndarray  # (dim, meaning_dim), scale included

    @classmethod
    def fit(cls, vectors: np.ndarray, meaning_dim: int, scale: float) -> Projection:
        vectors = np.asarray(vectors, dtype=np.float32)
        mean = vectors.mean(0)
        _, values, directions = np.linalg.svd(vectors - mean, full_matrices=False)
        kept = (values[:meaning_dim] ** 2).sum() / len(vectors)  # the leading directions' variance, in all
        basis = directions[:meaning_dim].T * scale * np.sqrt(meaning_dim / kept)
        return cls(mean, np.ascontiguousarray(basis, dtype=np.float32))  # (safetensors writes C-order bytes)

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        return (np.asarray(vectors, dtype=np.float32) - self.mean) @ self.basis

    @classmethod
    def cached(cls, path: Path, vectors: np.ndarray, meaning_dim: int, scale: float) -> Projection:
        """The projection kept at `path` (safetensors), or fitted on `vectors` and kept there, so that a resumed run
        teaches the same targets."""
        if path.is_file():
            found = load_file(path)
            if found["basis"].shape[1] == meaning_dim:
                return cls(found["mean"], found["basis"])
        projection = cls.fit(vectors, meaning_dim, scale)
        atomic_write_bytes(path, save({"mean": projection.mean, "basis": projection.basis}))
        return projection
