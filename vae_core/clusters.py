"""k-means clusters of the latent vectors, and the words that characterise each cluster."""

from __future__ import annotations

import numpy as np

from .errors import InputError


def kmeans(latents: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Cluster id (0..k-1) of each latent vector (scikit-learn KMeans, seeded)."""
    from sklearn.cluster import KMeans

    if not 2 <= k <= min(100, len(latents)):
        raise InputError(f"choose between 2 and {min(100, len(latents))} clusters (got {k}).")
    return KMeans(n_clusters=k, random_state=seed, n_init=4).fit_predict(np.asarray(latents, dtype=np.float32))


def characteristic_words(texts: list[str], clusters: np.ndarray, top: int = 6) -> dict[int, list[str]]:
    """For each cluster, the words most over-represented in it compared with the whole corpus
    (the difference of mean TF-IDF weights: a cluster's c-TF-IDF, simply)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

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
