"""Comparing two embedding spaces of the same sentences: do they agree on who is near whom, and which one
separates known labels better? Used by the Compare page (VAE latents against a pretrained encoder's) and by the
label probes of the benchmarks and the demo's tests (k-NN and logistic regression fit on one split, scored on
another)."""

from __future__ import annotations

import numpy as np

from .errors import InputError
from .projection import nearest


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


def knn_accuracy(train_x: np.ndarray, train_y: list, test_x: np.ndarray, test_y: list, k: int = 10) -> float:
    """Accuracy of a k-NN classifier (Euclidean) fit on (train_x, train_y) and scored on (test_x, test_y)."""
    from sklearn.neighbors import KNeighborsClassifier

    if len(train_x) < k:
        raise InputError(f"a {k}-NN probe needs at least {k} training points (got {len(train_x)}).")
    return float(KNeighborsClassifier(n_neighbors=k).fit(train_x, train_y).score(test_x, test_y))


def logistic_accuracy(train_x: np.ndarray, train_y: list, test_x: np.ndarray, test_y: list) -> float:
    """Accuracy of a standardised logistic-regression probe."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    return float(probe.fit(train_x, train_y).score(test_x, test_y))


def chance_accuracy(train_y: list, test_y: list) -> float:
    """Accuracy of always answering the most frequent training label."""
    values, counts = np.unique(np.asarray(train_y), return_counts=True)
    return float(np.mean(np.asarray(test_y) == values[np.argmax(counts)]))
