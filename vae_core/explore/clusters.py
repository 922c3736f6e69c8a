"""k-means clusters of the latent vectors, and the words that characterise each cluster."""

from __future__ import annotations

import numpy as np

from ..errors import InputError

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


PLACEHOLDERS = frozenset({"unk", "num", "eos", "bos", "pad"})  # corpus markup such as PTB's <unk> and _num_


def characteristic_words(texts: list[str], clusters: np.ndarray, top: int = 6, seed: int = 0) -> dict[int, list[str]]:
    """For each cluster, its most characteristic words by class-based TF-IDF (c-TF-IDF, as BERTopic computes it):
    a word's share of the cluster's words times log(1 + mean words per cluster / the word's count in the corpus).
    English stop words (scikit-learn's list), numbers, corpus markup and the pieces of contractions ("ve" of
    "I've", "don" of "don't", "nt" of "do n't") are left out; at most FIT_MAX sentences."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    rows = _sample(len(texts), seed)
    texts, clusters = [texts[i] for i in rows], np.asarray(clusters)[rows]
    ids = np.unique(clusters)
    stop = sorted(ENGLISH_STOP_WORDS | PLACEHOLDERS)
    whole_words = r"(?u)(?<![\w'’])[^\W\d_]{2,}(?![\w'’])"  # letters only, never touching an apostrophe
    vectorizer = CountVectorizer(token_pattern=whole_words, stop_words=stop, lowercase=True)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # not one word left: numbers, markup or stop words only
        return {int(c): [] for c in ids}
    vocab = np.array(vectorizer.get_feature_names_out())
    per_cluster = np.vstack([np.asarray(counts[clusters == c].sum(axis=0)).ravel() for c in ids]).astype(float)
    share = per_cluster / np.maximum(per_cluster.sum(axis=1, keepdims=True), 1)
    idf = np.log1p(per_cluster.sum(axis=1).mean() / np.maximum(per_cluster.sum(axis=0), 1))
    score = share * idf
    words = {}
    for row, c in enumerate(ids):
        order = np.argsort(-score[row], kind="stable")[:top]
        words[int(c)] = vocab[order[score[row, order] > 0]].tolist()
    return words


def subclusters(latents: np.ndarray, clusters: np.ndarray, parts: int = 3, seed: int = 0) -> np.ndarray:
    """Each point's sub-cluster: every cluster split by k-means into `parts` (fewer for a small cluster; one for a
    cluster under 2 x `parts` points), numbered `cluster * parts + part`, so names can refine a coarse map."""
    clusters = np.asarray(clusters)
    sub = clusters.astype(int) * parts
    for c in np.unique(clusters):
        members = np.flatnonzero(clusters == c)
        k = min(parts, len(members) // 2)
        if k >= 2:
            sub[members] += kmeans(latents[members], k, seed)
    return sub


def words_to_table(words: dict[int, list[str]]) -> np.ndarray:
    """Characteristic words as a (clusters, words) array of strings, row c for cluster c, padded with "": a form
    numpy saves without pickling (the demo ships its clusters' words in assets/demo_map.npz)."""
    if not words:
        return np.empty((0, 0), dtype=str)
    table = np.full((max(words) + 1, max(1, max(map(len, words.values())))), "", dtype=object)
    for c, row in words.items():
        table[c, : len(row)] = row
    return table.astype(str)


def words_from_table(table: np.ndarray) -> dict[int, list[str]]:
    """The words `words_to_table` saved, as `characteristic_words` gives them."""
    return {c: [str(w) for w in row if w] for c, row in enumerate(np.asarray(table))}


def centres(latents: np.ndarray, clusters: np.ndarray) -> dict[int, np.ndarray]:
    """Each cluster's centre in the latent space (the mean of its members' vectors): what the decoder writes there
    names the cluster in the model's own words."""
    latents = np.asarray(latents, dtype=np.float32)
    return {int(c): latents[clusters == c].mean(axis=0) for c in np.unique(clusters)}


def label_spots(coords: np.ndarray, clusters: np.ndarray) -> dict[int, np.ndarray]:
    """Where to write each cluster's name on a map: the member nearest the cluster's median position, so a label
    sits on the cluster even when the cluster is not round (its mean could fall in a gap)."""
    spots = {}
    for c in np.unique(clusters):
        members = np.asarray(coords)[clusters == c]
        spots[int(c)] = members[np.argmin(((members - np.median(members, axis=0)) ** 2).sum(axis=1))]
    return spots
