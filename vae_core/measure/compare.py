"""Comparing two embedding spaces of the same sentences: do they agree on who is near whom, and which one
separates known labels better? Used by the Compare page (VAE latents against a pretrained encoder's) and by the
map's checks (does the map keep the space's labelled neighbourhoods)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..explore.projection import nearest, neighbour_space


def neighbour_sets(x: np.ndarray, k: int = 10) -> np.ndarray:
    """Each row's k nearest other rows (exact, Euclidean): an (N, k) index array."""
    if len(x) <= k:
        raise InputError(f"comparing {k}-nearest neighbours needs more than {k} sentences (got {len(x)}).")
    idx, _ = nearest(x, x, k, exclude_self=True)
    return idx


def neighbour_agreement(na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """Per sentence, the share of its k nearest neighbours that two spaces have in common (0 to 1), from each
    space's `neighbour_sets`. Two random spaces agree on about k / N; identical ones on 1."""
    if na.shape != nb.shape:
        raise InputError(f"the two spaces hold different numbers of sentences ({len(na)} and {len(nb)}).")
    k = na.shape[1]
    return np.array([len(set(r) & set(s)) / k for r, s in zip(na.tolist(), nb.tolist())], dtype=np.float32)


def loo_knn_accuracy(neighbours: np.ndarray, labels: list) -> float:
    """Leave-one-out k-NN label accuracy within one corpus, from its `neighbour_sets`: each sentence is labelled
    by the majority of its k nearest other sentences (ties go to the label first in sorted order, as
    scikit-learn's k-NN does)."""
    y = np.asarray([str(v) for v in labels])
    classes, codes = np.unique(y, return_inverse=True)
    n, k = neighbours.shape
    votes = np.zeros((n, len(classes)), dtype=np.int64)
    np.add.at(votes, (np.repeat(np.arange(n), k), codes[neighbours].ravel()), 1)
    return float(np.mean(votes.argmax(1) == codes))


@dataclass(frozen=True)
class LabelOnMap:
    """How well a map shows one label: leave-one-out k-NN accuracy among the map's points and among the same
    sentences' latent vectors, beside what always guessing the commonest label scores."""

    on_map: float
    in_space: float
    chance: float
    sentences: int  # how many sentences were measured (a sample of a big corpus)


MAP_CHECK_MAX = 5000  # sentences measured at most: exact neighbours cost O(N²)


def map_check_rows(n: int, seed: int = 0) -> np.ndarray:
    """The sentences a map check measures: every one of `n`, or above MAP_CHECK_MAX one seeded sample."""
    if n <= MAP_CHECK_MAX:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAP_CHECK_MAX, replace=False))


def label_on_map(coords: np.ndarray, latents: np.ndarray, labels: list, k: int = 10, seed: int = 0) -> LabelOnMap:
    """Does a 2-D or 3-D map keep the neighbourhoods of a label that the full latent space keeps? A flat map cannot
    keep every neighbourhood, and a user reading colours on it should know which ones it lost. The space's neighbours
    are the app's (by angle: `neighbour_space`), the map's plain distances on it. Above MAP_CHECK_MAX sentences, the
    same seeded sample is measured in both."""
    n = len(labels)
    if len(coords) != n or len(latents) != n:
        raise InputError(f"the map, the latents and the labels hold {len(coords)}, {len(latents)} and {n} rows.")
    rows = map_check_rows(n, seed)
    on_map, in_space = neighbour_sets(np.asarray(coords)[rows], k), neighbour_sets(neighbour_space(latents)[rows], k)
    return label_kept(on_map, in_space, [labels[i] for i in rows])


def label_kept(map_neighbours: np.ndarray, space_neighbours: np.ndarray, labels: list) -> LabelOnMap:
    """`label_on_map` from the `neighbour_sets` of the same sentences on the map and in the space, for a caller
    that checks several maps or labels of one space and finds the space's neighbours once."""
    _, counts = np.unique(np.asarray([str(v) for v in labels]), return_counts=True)
    return LabelOnMap(
        on_map=loo_knn_accuracy(map_neighbours, labels),
        in_space=loo_knn_accuracy(space_neighbours, labels),
        chance=float(counts.max() / len(labels)),
        sentences=len(labels),
    )


def map_trust(latents: np.ndarray, coords: np.ndarray, k: int = 10) -> np.ndarray:
    """Per sentence, the share of its k nearest neighbours in the latent space (by angle: `neighbour_space`) that
    are also among its k nearest on the map (0 to 1): where the picture can be believed, point by point. Needs more
    than k sentences."""
    if len(latents) != len(coords):
        raise InputError(f"the map has {len(coords)} points for {len(latents)} sentences.")
    return neighbour_agreement(neighbour_sets(neighbour_space(latents), k), neighbour_sets(np.asarray(coords), k))
