"""Sentences the corpus does not contain yet: places the prior expects sentences (high prior density) where the
encoded corpus is thin (far from every encoded sentence), decoded by the model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.tokenizer import TextTokenizer
from ..errors import InputError
from ..model.decoding import DecodeConfig
from ..model.vae import SentenceVAE
from .coverage import spacings
from .latent import decode_latents
from .projection import nearest

ROOM = 0.9  # a gap lies farther from every sentence than this share of the corpus's sentences lie from their nearest


@dataclass
class Gaps:
    """Latent vectors in the corpus's thin places, the sentences decoded there, and how far each lies from its
    nearest encoded sentence (in typical nearest-neighbour spacings of the corpus; 1 is as close as sentences are
    to each other). None at all where no likely place has room (`room`: the gap a place needs, in spacings)."""

    z: np.ndarray  # (n, D), n at most the number asked for, 0 where there is no room anywhere
    sentences: list[str]
    gap: np.ndarray  # (n,)
    nearest_row: np.ndarray  # (n,) the corpus sentence closest to each
    room: float  # a place is a gap when its nearest sentence is farther than this (ROOM of the sentences' own)


def find_gaps(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    latents: np.ndarray,
    n: int = 12,
    candidates: int = 2000,
    typical_share: float = 0.5,
    seed: int = 0,
    config: DecodeConfig | None = None,
) -> Gaps:
    """Draw `candidates` vectors from the prior N(0, I), keep the `typical_share` of them the prior finds most
    likely (nearest its centre: what the decoder was trained to read), and of those decode the `n` farthest from
    every encoded sentence, each at least one typical spacing from the others picked where there are enough (so they
    do not all fill the same hole). Only places with room are gaps: farther from every sentence than ROOM of the
    corpus's sentences are from their own nearest; where none is, none is returned."""
    latents = np.asarray(latents, np.float32)
    if latents.ndim != 2 or len(latents) < 2:
        raise InputError("finding the corpus's gaps needs the latent vectors of at least two sentences.")
    if not 1 <= n <= candidates or not 0 < typical_share <= 1:
        raise InputError(f"n must be 1-{candidates} and typical_share in (0, 1].")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((candidates, latents.shape[1])).astype(np.float32)
    likely = z[np.argsort(np.linalg.norm(z, axis=1))[: max(n, int(candidates * typical_share))]]
    rows, dist = nearest(latents, likely, 1)
    own = spacings(latents, seed)
    spacing, room = float(np.median(own)) or 1.0, float(np.quantile(own, ROOM))
    farthest = [i for i in np.argsort(-dist[:, 0]).tolist() if dist[i, 0] > room]
    picked: list[int] = []
    for i in farthest:
        if all(np.linalg.norm(likely[i] - likely[j]) >= spacing for j in picked):
            picked.append(i)
        if len(picked) == n:
            break
    picked += [i for i in farthest if i not in picked][: n - len(picked)]  # too few apart: the next farthest
    picked.sort(key=lambda i: -dist[i, 0])
    chosen = likely[picked]
    sentences = [str(s) for s in decode_latents(model, tokenizer, chosen, config)] if picked else []
    return Gaps(chosen, sentences, dist[picked, 0] / spacing, rows[picked, 0], room / spacing)
