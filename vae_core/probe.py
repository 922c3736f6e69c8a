"""How well do latent vectors separate known labels? k-nearest-neighbour and logistic-regression probes."""

from __future__ import annotations

import numpy as np

from .errors import InputError


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
