"""Latent vectors -> a 2-D or 3-D map (PCA at once, UMAP for the real view), exact nearest neighbours in
the latent space (measured by angle about the corpus's centre: `neighbour_space`), and placing new points onto an
existing map."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..device import resolve_device
from ..errors import InputError

METHODS = ("pca", "umap")
DIMS = (2, 3)


EXACT_KNN_MAX_CPU = 200_000  # above this many points on a CPU, UMAP uses its own approximate neighbour search


def nearest(
    latents: np.ndarray,
    queries: np.ndarray,
    k: int,
    exclude_self: bool = False,
    chunk: int = 4096,
    device: str = "cpu",
):
    """Exact Euclidean k nearest neighbours of each query row among `latents` (torch cdist + topk, in chunks
    small enough that a chunk's distance matrix stays under ~512 MB). Returns (indices, distances), each (Q, k).
    With `exclude_self`, queries are the latents themselves. `device` "auto" uses the GPU when there is one."""
    import torch

    dev = resolve_device(device)
    # copies (np.array): torch wants a writable buffer, and a map read from Parquet may hand over a read-only one
    base = torch.from_numpy(np.array(latents, dtype=np.float32)).to(dev)
    k_eff = min(k + int(exclude_self), len(base))
    chunk = max(1, min(chunk, 2**27 // max(len(base), 1)))
    idx_out, dist_out = [], []
    for start in range(0, len(queries), chunk):
        q = torch.from_numpy(np.array(queries[start : start + chunk], dtype=np.float32)).to(dev)
        dist = torch.cdist(q, base)
        if exclude_self:
            rows = torch.arange(len(q), device=dev)
            dist[rows, rows + start] = torch.inf
        d, i = torch.topk(dist, k_eff, largest=False)
        idx_out.append(i[:, :k].cpu())
        dist_out.append(d[:, :k].cpu())
    return torch.cat(idx_out).numpy(), torch.cat(dist_out).numpy()


def neighbour_space(points: np.ndarray, centre: np.ndarray | None = None) -> np.ndarray:
    """The vectors neighbours are measured between: `points` less `centre` (their own mean unless given), scaled to
    unit length, so that nearness is the angle about the corpus's centre. A corpus fills one region of a general
    model's space; what tells its sentences apart is their direction from that region's middle, not the offset they
    share (10-NN label agreement by each measure: bench/ROUNDTRIP.md). A point at the centre stays at the origin."""
    points = np.asarray(points, dtype=np.float32)
    centred = points - (points.mean(0) if centre is None else np.asarray(centre, dtype=np.float32))
    length = np.linalg.norm(centred, axis=1, keepdims=True)
    return np.divide(centred, length, out=np.zeros_like(centred), where=length > 0)


def measured_space(latents: np.ndarray, meaning_dim: int, centre: np.ndarray | None = None) -> np.ndarray:
    """The vectors the app measures a model's sentences by. For a model whose z has a meaning part (its last
    `meaning_dim` dimensions, `ModelConfig.meaning_dim`): its form part and its meaning part, each as
    `neighbour_space` makes it (about the corpus's `centre`, their own mean unless given, at unit length), side by
    side, so that each counts for half of the angle between two sentences: a question's type is carried by its form,
    a review's sentiment by its meaning, and the two together find neighbours that share a label more often than
    either alone (bench/BASE.md, "A meaning part"). Without a meaning part, z as it is."""
    latents = np.asarray(latents, dtype=np.float32)
    if not meaning_dim:
        return latents
    centre = latents.mean(0) if centre is None else np.asarray(centre, dtype=np.float32)
    k = meaning_dim
    form = neighbour_space(latents[:, :-k], centre[:-k])
    meaning = neighbour_space(latents[:, -k:], centre[-k:])
    return np.concatenate([form, meaning], axis=1) / np.sqrt(2.0)


def nearest_by_angle(latents: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`nearest` in the `neighbour_space` of `latents`, the queries measured about the same centre (the latents'
    mean): (indices, distances between unit directions, 0 to 2), each (Q, k)."""
    centre = np.asarray(latents, dtype=np.float32).mean(0)
    return nearest(neighbour_space(latents, centre), neighbour_space(np.atleast_2d(queries), centre), k)


def project(
    latents: np.ndarray,
    method: str = "pca",
    dims: int = 2,
    seed: int = 0,
    n_neighbors: int = 15,
    device: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Coordinates (N, dims) of the latents. PCA projects them as they are (so a spot on its map inverts exactly);
    UMAP lays out their `neighbour_space`, the neighbours the app lists, from an exact kNN graph computed with torch
    (on the GPU when there is one), which is faster than its own approximate search and deterministic for a given
    seed; on a CPU above EXACT_KNN_MAX_CPU points, exact search costs O(N²), so UMAP's own search is used instead.
    `on_progress(done, total)` follows UMAP's layout epochs (the long part; PCA is instant)."""
    latents = np.asarray(latents, dtype=np.float32)
    if method not in METHODS:
        raise InputError(f"unknown projection {method!r}: use one of {', '.join(METHODS)}.")
    if dims not in (2, 3):
        raise InputError(f"a map has 2 or 3 dimensions (got {dims}).")
    n = len(latents)
    if n < dims + 2:
        raise InputError(f"at least {dims + 2} sentences are needed for a {dims}-D map (got {n}).")
    if method == "pca" or n <= n_neighbors + 1:
        from sklearn.decomposition import PCA

        return PCA(n_components=dims, random_state=seed).fit_transform(latents).astype(np.float32)
    import umap

    latents = neighbour_space(latents)
    knn = None
    dev = resolve_device(device)
    if dev.type == "cuda" or n <= EXACT_KNN_MAX_CPU:
        idx, dist = nearest(latents, latents, n_neighbors - 1, exclude_self=True, device=str(dev))
        idx = np.concatenate([np.arange(n)[:, None], idx], axis=1)  # umap expects each point as its 1st neighbour
        dist = np.concatenate([np.zeros((n, 1), np.float32), dist], axis=1)
        knn = (idx, dist, None)
    reducer = umap.UMAP(
        n_components=dims,
        n_neighbors=n_neighbors,
        n_epochs=200,  # umap's own choice above 10k points; below, its 500 cost 2.4x the time for little gain
        random_state=seed,
        precomputed_knn=knn or (None, None, None),
        n_jobs=1,
        tqdm_kwds=_epochs_reported_to(on_progress),
    )
    with warnings.catch_warnings():  # "transform will be unavailable": we place new points ourselves
        warnings.simplefilter("ignore", UserWarning)
        return reducer.fit_transform(latents).astype(np.float32)


class _EpochLine:
    """A file for UMAP's tqdm bar, drawn as "done/total": each line it writes becomes `on_progress(done, total)`."""

    def __init__(self, on_progress: Callable[[int, int], None]):
        self.on_progress = on_progress

    def write(self, text: str) -> None:
        if found := re.search(r"(\d+)/(\d+)", text):
            self.on_progress(int(found.group(1)), int(found.group(2)))

    def flush(self) -> None:
        pass


def _epochs_reported_to(on_progress: Callable[[int, int], None] | None) -> dict | None:
    """UMAP's tqdm settings that hand its layout's epochs to `on_progress` (None: no bar, as UMAP's default)."""
    if on_progress is None:
        return None
    return {"disable": False, "file": _EpochLine(on_progress), "bar_format": "{n}/{total}", "mininterval": 0.25}


@dataclass(frozen=True)
class MapView:
    """Which map of a space is meant: its method ("umap" or "pca"), dimensions (2 or 3) and seed. The one spelling
    of a view for the pages, their URLs, the files maps are saved in (`key`) and the command line."""

    method: str = "umap"
    dims: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputError(f"unknown map method {self.method!r}: use one of {', '.join(METHODS)}.")
        if self.dims not in DIMS:
            raise InputError(f"a map has 2 or 3 dimensions, not {self.dims}.")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"a map's seed is a whole number from 0, not {self.seed!r}.")

    @property
    def label(self) -> str:
        """As a person reads it: "UMAP 2-D"."""
        return f"{self.method.upper()} {self.dims}-D"

    @property
    def slug(self) -> str:
        """As a URL names it (the seed apart): "umap-2d"."""
        return f"{self.method}-{self.dims}d"

    @property
    def key(self) -> str:
        """The name a map is saved under (as in assets/demo_map.npz): "umap_2d_seed0"."""
        return f"{self.method}_{self.dims}d_seed{self.seed}"

    @classmethod
    def from_key(cls, name: str) -> MapView | None:
        """The view a `key` names, or None for a name that is not one."""
        found = re.fullmatch(r"(\w+?)_([23])d_seed(\d+)", name)
        if not found or found.group(1) not in METHODS:
            return None
        return cls(found.group(1), int(found.group(2)), int(found.group(3)))


def warm_up() -> None:
    """Import umap and JIT-compile its layout on a tiny problem, so the first real map is fast.
    umap-learn compiles with numba in every new process (tens of seconds on 2 cores)."""
    project(np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32), "umap")


def ellipse(centre: np.ndarray, cov: np.ndarray, widths: float = 2.0, points: int = 65) -> np.ndarray:
    """The closed outline (points, 2) of a 2-D Gaussian's ellipse `widths` standard deviations out: e.g. a
    sentence's posterior drawn on a map."""
    values, vectors = np.linalg.eigh(cov)
    angle = np.linspace(0, 2 * np.pi, points)
    circle = np.stack([np.cos(angle), np.sin(angle)], 1)
    return centre + widths * (circle * np.sqrt(np.maximum(values, 0))) @ vectors.T


def place_points(new_latents: np.ndarray, latents: np.ndarray, coords: np.ndarray, k: int = 10) -> np.ndarray:
    """Map positions for new latent vectors: the inverse-distance-weighted mean of the map positions of their
    k nearest neighbours in the latent space, by angle about its centre (the map itself is not recomputed)."""
    idx, dist = nearest_by_angle(latents, new_latents, k)
    weights = 1.0 / (dist + 1e-6)
    weights /= weights.sum(1, keepdims=True)
    return (coords[idx] * weights[..., None]).sum(1)
