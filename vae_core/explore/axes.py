"""Concept axes: a map whose two axes are directions the user chose (from one sentence to another, from one label's
sentences to another's), as TensorFlow Projector's custom projection, with the decoder's sentences along each axis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.tokenizer import TextTokenizer
from ..errors import InputError
from ..model.decoding import DecodeConfig
from ..model.vae import SentenceVAE
from .latent import decode_latents


@dataclass(frozen=True)
class ConceptAxes:
    """Two orthonormal latent directions, each with the latent positions its two ends stand for."""

    directions: np.ndarray  # (2, D): x, then y made orthogonal to x
    ends: np.ndarray  # (2, 2): each axis's (from, to) coordinate along it
    y_is_spread: bool = False  # y is the corpus's widest spread at right angles to x, not two chosen ends

    def project(self, latents: np.ndarray) -> np.ndarray:
        """(N, D) latent vectors -> (N, 2) coordinates along the two axes."""
        latents = np.asarray(latents, np.float32)
        if latents.ndim != 2 or latents.shape[1] != self.directions.shape[1]:
            raise InputError(f"the axes are {self.directions.shape[1]}-D; these latents are {latents.shape}.")
        return latents @ self.directions.T


def concept_axes(
    x_from: np.ndarray,
    x_to: np.ndarray,
    y_from: np.ndarray,
    y_to: np.ndarray,
    spread: np.ndarray | None = None,
) -> ConceptAxes:
    """The axes from x_from to x_to and (its part at right angles to the first) from y_from to y_to. Where the second
    pair gives no direction of its own (one place, or the first axis again: a label of two classes has only one
    direction between them) and `spread` (the corpus's latents) is given, y is the corpus's widest spread at right
    angles to x, its leading principal direction there, from its 5th to its 95th percentile."""
    x_from, x_to, y_from, y_to = (np.asarray(v, np.float64).ravel() for v in (x_from, x_to, y_from, y_to))
    u = x_to - x_from
    if np.linalg.norm(u) < 1e-6:
        raise InputError("the first axis's two ends are the same place: choose two different sentences or labels.")
    u /= np.linalg.norm(u)
    v = y_to - y_from
    v -= (v @ u) * u
    x_ends = [x_from @ u, x_to @ u]
    if np.linalg.norm(v) >= 1e-6 * max(np.linalg.norm(y_to - y_from), 1.0):
        v /= np.linalg.norm(v)
        ends = np.array([x_ends, [y_from @ v, y_to @ v]], dtype=np.float32)
        return ConceptAxes(np.stack([u, v]).astype(np.float32), ends)
    if spread is None or len(spread) < 3:
        raise InputError("the second axis points the same way as the first (or its ends are one place).")
    rest = np.asarray(spread, np.float64)
    rest = rest - rest.mean(0)
    rest -= np.outer(rest @ u, u)  # what x does not explain
    v = np.linalg.svd(rest, full_matrices=False)[2][0]
    along = np.asarray(spread, np.float64) @ v
    ends = np.array([x_ends, np.percentile(along, [5, 95])], dtype=np.float32)
    return ConceptAxes(np.stack([u, v]).astype(np.float32), ends, y_is_spread=True)


def axis_sentences(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    axes: ConceptAxes,
    latents: np.ndarray,
    steps: int = 5,
    config: DecodeConfig | None = None,
) -> list[list[tuple[float, str]]]:
    """For each axis, `steps` (coordinate, sentence) pairs: the corpus's mean latent vector moved along the axis
    from its one end to the other, decoded (what "more of this direction" writes, all else typical)."""
    if steps < 2:
        raise InputError("an axis needs at least 2 steps.")
    centre = np.asarray(latents, np.float32).mean(0)
    out = []
    for direction, (start, end) in zip(axes.directions, axes.ends):
        levels = np.linspace(start, end, steps, dtype=np.float32)
        z = centre + (levels - centre @ direction)[:, None] * direction
        out.append(list(zip(levels.tolist(), decode_latents(model, tokenizer, z, config))))
    return out
