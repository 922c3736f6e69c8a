"""Sentences the corpus does not contain yet: places the prior expects sentences (high prior density) where the
encoded corpus is thin (far from every encoded sentence), decoded by the model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.tokenizer import TextTokenizer
from ..errors import InputError
from ..model.decoding import DecodeConfig
from ..model.vae import SentenceVAE
from .coverage import typical_spacing
from .latent import decode_latents
from .projection import nearest


@dataclass
class Gaps:
    """Latent vectors in the corpus's thin places, the sentences decoded there, and how far each lies from its
    nearest encoded sentence (in typical nearest-neighbour spacings of the corpus; 1 is as close as sentences are
    to each other)."""

    z: np.ndarray  # (n, D)
    sentences: list[str]
    gap: np.ndarray  # (n,)
    nearest_row: np.ndarray  # (n,) the corpus sentence closest to each


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
    do not all fill the same hole)."""
    latents = np.asarray(latents, np.float32)
    if latents.ndim != 2 or len(latents) < 2:
        raise InputError("finding the corpus's gaps needs the latent vectors of at least two sentences.")
    if not 1 <= n <= candidates or not 0 < typical_share <= 1:
        raise InputError(f"n must be 1-{candidates} and typical_share in (0, 1].")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((candidates, latents.shape[1])).astype(np.float32)
    likely = z[np.argsort(np.linalg.norm(z, axis=1))[: max(n, int(candidates * typical_share))]]
    rows, dist = nearest(latents, likely, 1)
    spacing = typical_spacing(latents, seed)
    farthest = np.argsort(-dist[:, 0]).tolist()
    picked: list[int] = []
    for i in farthest:
        if all(np.linalg.norm(likely[i] - likely[j]) >= spacing for j in picked):
            picked.append(i)
        if len(picked) == n:
            break
    picked += [i for i in farthest if i not in picked][: n - len(picked)]  # too few apart: the next farthest
    picked.sort(key=lambda i: -dist[i, 0])
    chosen = likely[picked]
    sentences = [str(s) for s in decode_latents(model, tokenizer, chosen, config)]
    return Gaps(chosen, sentences, dist[picked, 0] / spacing, rows[picked, 0])
