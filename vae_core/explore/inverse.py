"""From a 2-D map back to the latent space: the latent vector behind any spot of the map, what the decoder writes
there, and how far that sentence's own encoding lands from the spot, so a user can judge how much to trust it.

PCA is inverted exactly (the spot's point on the PCA plane). A UMAP map has no exact inverse; we use the weighted
mean of the latent vectors of the spot's nearest map points, weighted by UMAP's own output-space kernel
1 / (1 + a d^2b): the starting point of umap-learn's `inverse_transform`, whose further refinement needs the fitted
reducer (the app keeps maps as coordinates, and the demo's ships precomputed) and runs for seconds, not a click."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..data.tokenizer import TextTokenizer
from ..errors import InputError
from ..model.decoding import DecodeConfig
from ..model.vae import SentenceVAE
from .latent import decode_latents, encode
from .projection import ellipse, nearest, place_points

UMAP_A, UMAP_B = 1.577, 0.895  # umap.umap_.find_ab_params(spread=1.0, min_dist=0.1): umap-learn's defaults


def _matching_pca(latents: np.ndarray, coords: np.ndarray):
    """The PCA of `latents` whose projection is `coords` (as `projection.project` makes a PCA map), else None
    (a map made some other way, e.g. one that came with the data)."""
    from sklearn.decomposition import PCA

    if latents.shape[1] < coords.shape[1]:
        return None
    pca = PCA(n_components=coords.shape[1]).fit(latents)
    scale = float(np.abs(coords).max()) or 1.0
    return pca if np.allclose(pca.transform(latents), coords, atol=1e-3 * scale) else None


class LatentMap:
    """A 2-D (or 3-D) map of latent vectors, readable both ways: `to_map` places latent vectors on it (every vector
    that is not one of the map's own: a typed sentence, an added one, a gap, a path), `to_latent` gives the latent
    vector behind a spot. Distances on it are reported as fractions of the map's diagonal (`size`). A map
    drawn from z as `measure` measures it (a model with a meaning part: projection.measured_space) places new
    vectors as measured so; behind a spot lies the whole z."""

    def __init__(
        self,
        latents: np.ndarray,
        coords: np.ndarray,
        method: str,
        logvar: np.ndarray | None = None,
        k: int = 10,
        measure: Callable[[np.ndarray], np.ndarray] | None = None,
    ):
        latents, coords = np.asarray(latents, np.float32), np.asarray(coords, np.float32)
        if coords.ndim != 2 or coords.shape[1] not in (2, 3) or len(coords) != len(latents):
            raise InputError("a map to read needs one 2-D or 3-D position for every latent vector.")
        if len(latents) < 3:
            raise InputError(f"a map needs at least 3 sentences to read (got {len(latents)}).")
        self.latents, self.coords, self.k, self.measure = latents, coords, min(k, len(latents)), measure
        self.measured = measure(latents) if measure else latents  # what new vectors are placed among, found once
        self.logvar = None if logvar is None or not np.isfinite(logvar).all() else np.asarray(logvar, np.float32)
        plain = measure is None  # a PCA of z measured another way has no inverse to z: read it as UMAP's is read
        self.pca = _matching_pca(latents, coords) if method == "pca" and plain else None
        self.size = float(np.linalg.norm(coords.max(0) - coords.min(0))) or 1.0

    @property
    def exact(self) -> bool:
        """Whether `to_latent` is the exact inverse of `to_map` (a PCA map)."""
        return self.pca is not None

    def to_map(self, z: np.ndarray) -> np.ndarray:
        """Map positions (M, 2) of latent vectors (M, D): the PCA projection, or placed among their nearest
        latent neighbours' positions (`projection.place_points`)."""
        z = np.atleast_2d(np.asarray(z, np.float32))
        if self.pca is not None:
            return self.pca.transform(z).astype(np.float32)
        measured = self.measure(z) if self.measure else z
        return place_points(measured, self.measured, self.coords, self.k).astype(np.float32)

    def to_latent(self, spots: np.ndarray) -> np.ndarray:
        """Latent vectors (M, D) behind map spots (M, 2)."""
        spots = np.atleast_2d(np.asarray(spots, np.float32))
        if self.pca is not None:
            return self.pca.inverse_transform(spots).astype(np.float32)
        idx, dist = nearest(self.coords, spots, self.k)
        weights = 1.0 / (1.0 + UMAP_A * dist ** (2 * UMAP_B))
        weights /= weights.sum(1, keepdims=True)
        return (self.latents[idx] * weights[..., None]).sum(1)

    def gap(self, spots: np.ndarray) -> np.ndarray:
        """How far each spot is from the nearest sentence on the map, as a fraction of the map's diagonal."""
        _, dist = nearest(self.coords, np.atleast_2d(np.asarray(spots, np.float32)), 1)
        return dist[:, 0] / self.size

    def spread(self, spot: np.ndarray) -> np.ndarray:
        """A typical posterior standard deviation (D,) near a spot: the mean posterior variance of its nearest
        sentences, or the spread of their means when variances are unknown."""
        idx, _ = nearest(self.coords, np.atleast_2d(np.asarray(spot, np.float32)), self.k)
        if self.logvar is not None:
            return np.sqrt(np.exp(self.logvar[idx[0]]).mean(0))
        return self.latents[idx[0]].std(0)

    def grid(self, n: int, margin: float = 0.08) -> np.ndarray:
        """An n x n grid of spots (n², 2) spanning a 2-D map, rows from top to bottom."""
        if self.coords.shape[1] != 2:
            raise InputError("a grid of spots is drawn on a 2-D map.")
        if not 1 <= n <= 20:
            raise InputError(f"a grid is 1 to 20 spots a side (got {n}).")
        low, high = self.coords.min(0), self.coords.max(0)
        pad = (high - low) * margin
        xs = np.linspace(low[0] + pad[0], high[0] - pad[0], n)
        ys = np.linspace(high[1] - pad[1], low[1] + pad[1], n)
        return np.array([(x, y) for y in ys for x in xs], dtype=np.float32)


@dataclass
class Reading:
    """What the decoder writes at one spot of a map."""

    spot: np.ndarray  # (2,) where the user clicked
    z: np.ndarray  # (D,) the latent vector behind it
    sentence: str  # decoded from z
    samples: list[str]  # decoded from vectors drawn around z (the neighbourhood's posterior spread)
    landed: np.ndarray  # (2,) where the sentence's own encoding lands on the map (NaN for an empty sentence)
    drift: float  # distance from spot to landed, as a fraction of the map's diagonal
    gap: float  # distance from the spot to the nearest sentence, as a fraction of the map's diagonal


def read_spot(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    latent_map: LatentMap,
    spot: np.ndarray,
    n_samples: int = 3,
    seed: int = 0,
    config: DecodeConfig | None = None,
) -> Reading:
    """Decode the spot's latent vector and `n_samples` vectors drawn around it, and place the decoded sentence's
    own encoding back on the map: a short drift means the map, the decoder and the encoder agree about this spot."""
    spot = np.asarray(spot, np.float32).reshape(2)
    z = latent_map.to_latent(spot)[0]
    noise = np.random.default_rng(seed).standard_normal((n_samples, len(z))).astype(np.float32)
    around = z + noise * latent_map.spread(spot)
    sentence, *samples = decode_latents(model, tokenizer, np.vstack([z, around]), config)
    landed = np.full(2, np.nan, np.float32)
    if sentence.strip():
        landed = latent_map.to_map(encode(model, tokenizer, [sentence])[0])[0]
    drift = float(np.hypot(*(landed - spot)) / latent_map.size)
    return Reading(spot, z, sentence, samples, landed, drift, float(latent_map.gap(spot)[0]))


def write_grid(
    model: SentenceVAE, tokenizer: TextTokenizer, latent_map: LatentMap, n: int, config: DecodeConfig | None = None
) -> tuple[np.ndarray, list[str]]:
    """ "Decode the whole map": the sentences the decoder writes at an n x n grid of spots, with the spots."""
    spots = latent_map.grid(n)
    return spots, decode_latents(model, tokenizer, latent_map.to_latent(spots), config)


def spread_on_map(
    latent_map: LatentMap, mu: np.ndarray, logvar: np.ndarray, n: int = 200, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A sentence's posterior q(z|x) on the map: `n` vectors drawn from it, placed (n, 2), and the ellipse two
    standard deviations wide that their positions fill (a closed polygon, (65, 2))."""
    rng = np.random.default_rng(seed)
    z = mu + rng.standard_normal((n, len(mu))).astype(np.float32) * np.exp(0.5 * np.asarray(logvar, np.float32))
    cloud = latent_map.to_map(z)
    return cloud, ellipse(latent_map.to_map(mu)[0], np.cov(cloud.T) + 1e-12 * np.eye(2))
