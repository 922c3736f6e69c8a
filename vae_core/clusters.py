"""k-means clusters of the latent vectors, and the words that characterise each cluster."""

from __future__ import annotations

import numpy as np

from .errors import InputError

FIT_MAX = 50_000  # larger corpora: centres and characteristic words are learnt from a random sample this big


def _sample(n: int, seed: int) -> np.ndarray:
    """Row indices to learn from: all of them, or FIT_MAX drawn at random (seeded)."""
    if n <= FIT_MAX:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, FIT_MAX, replace=False))


def kmeans(latents: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Cluster id (0..k-1) of each latent vector (scikit-learn KMeans, seeded). Above FIT_MAX points the centres
    are fitted on a sample and every point is then assigned to its nearest centre (seconds, not minutes, at 1M)."""
    from sklearn.cluster import KMeans

    if not 2 <= k <= min(100, len(latents)):
        raise InputError(f"choose between 2 and {min(100, len(latents))} clusters (got {k}).")
    latents = np.asarray(latents, dtype=np.float32)
    model = KMeans(n_clusters=k, random_state=seed, n_init=4).fit(latents[_sample(len(latents), seed)])
    return model.predict(latents)


def characteristic_words(texts: list[str], clusters: np.ndarray, top: int = 6, seed: int = 0) -> dict[int, list[str]]:
    """For each cluster, the words most over-represented in it compared with the whole corpus
    (the difference of mean TF-IDF weights: a cluster's c-TF-IDF, simply), from at most FIT_MAX sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = _sample(len(texts), seed)
    texts, clusters = [texts[i] for i in rows], np.asarray(clusters)[rows]

    vectorizer = TfidfVectorizer(token_pattern=r"(?u)\b\w\w+\b", min_df=2 if len(texts) > 50 else 1)
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # no word survives min_df / token pattern
        return {int(c): [] for c in np.unique(clusters)}
    vocab = np.array(vectorizer.get_feature_names_out())
    overall = np.asarray(tfidf.mean(axis=0)).ravel()
    words = {}
    for c in np.unique(clusters):
        lift = np.asarray(tfidf[clusters == c].mean(axis=0)).ravel() - overall
        order = np.argsort(-lift)[:top]
        words[int(c)] = vocab[order[lift[order] > 0]].tolist()
    return words
