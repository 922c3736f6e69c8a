"""Where the decoder can go: how far a place in the latent space is from every encoded sentence, and how sure the
decoder is of what it writes there. Along an interpolation, the stretches that cross empty regions show."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.batching import make_batch, to_ids
from ..data.tokenizer import TextTokenizer
from ..model.vae import SentenceVAE
from .projection import nearest

OFF_THE_DATA = 2.0  # a place further from every sentence than this many typical neighbour spacings
SPACING_SAMPLE = 5000  # the typical spacing is measured on at most this many sentences


@dataclass
class StepCheck:
    """One latent vector and the sentence decoded from it."""

    gap: float  # distance to the nearest encoded sentence, in typical nearest-neighbour spacings of the corpus
    off_the_data: bool  # gap > OFF_THE_DATA
    confidence: float  # the decoder's geometric-mean probability of the words it wrote (0-1)


def spacings(latents: np.ndarray, seed: int = 0) -> np.ndarray:
    """The distance from each encoded sentence to its nearest other one (on a seeded sample of them)."""
    latents = np.asarray(latents, np.float32)
    if len(latents) > SPACING_SAMPLE:
        latents = latents[np.random.default_rng(seed).choice(len(latents), SPACING_SAMPLE, replace=False)]
    _, dist = nearest(latents, latents, 1, exclude_self=True)
    return dist[:, 0]


def typical_spacing(latents: np.ndarray, seed: int = 0) -> float:
    """The median distance from an encoded sentence to its nearest other one (on a seeded sample)."""
    return float(np.median(spacings(latents, seed))) or 1.0


@torch.no_grad()
def confidence(model: SentenceVAE, tokenizer: TextTokenizer, z: np.ndarray, sentences: list[str]) -> np.ndarray:
    """For each row of z, the geometric-mean probability the decoder gives, from z, to the words of its sentence
    (and the end of it)."""
    model.eval()
    seqs = to_ids(tokenizer, sentences)
    out = []
    for i in range(len(seqs)):
        batch = make_batch(seqs, [i], tokenizer).to(model.device)
        zi = torch.as_tensor(np.asarray(z[i : i + 1], np.float32), device=model.device)
        logits = model.target_logits(zi, batch.dec_in, batch.mask)
        logp = torch.log_softmax(logits.float(), -1).gather(1, batch.dec_out[batch.mask][:, None])
        out.append(float(logp.mean().exp()))
    return np.asarray(out)


def check_path(
    model: SentenceVAE, tokenizer: TextTokenizer, z_path: np.ndarray, sentences: list[str], latents: np.ndarray
) -> list[StepCheck]:
    """Each step of a path through the latent space (e.g. an interpolation), against the encoded corpus."""
    _, dist = nearest(latents, np.asarray(z_path, np.float32), 1)
    gaps = dist[:, 0] / typical_spacing(latents)
    sure = confidence(model, tokenizer, z_path, sentences)
    return [StepCheck(float(g), bool(g > OFF_THE_DATA), float(c)) for g, c in zip(gaps, sure)]
