"""The names written on a 2-D map: each cluster's, and its sub-clusters', by its words or by what the decoder writes at
its centre."""

from __future__ import annotations

from vae_core.explore.clusters import label_spots
from vae_core.explore.labels import MapName, name_lines
from vae_core.explore.projection import MapView

from .cache import per_session
from .latents import cluster_sentences, clusters, coordinates, subcluster_words

NAMERS = ("words", "decoder")  # a cluster named by its characteristic words, or by what its centre decodes to


@per_session()
def map_names(k: int, view: MapView, by: str = "words", sub: bool = False) -> list[MapName]:
    """The names to write on a 2-D map, coarse first: the k clusters' and, with `sub`, their sub-clusters' and
    theirs in turn (smaller; the browser writes each where it covers no other at the current zoom). Each is named
    `by` its words (c-TF-IDF) or by the decoder (the sentence its centre decodes to); hovering shows the other."""
    coords = coordinates(view)
    labels, words = clusters(k)
    levels = [(labels, words, cluster_sentences(k), 3, 30)]
    if sub:
        levels += [(*subcluster_words(k, 1), 2, 24), (*subcluster_words(k, 2), 2, 20)]
    names = []
    for level, (ids, level_words, sentences, n_words, width) in enumerate(levels):
        for c, spot in sorted(label_spots(coords, ids).items()):
            said = " · ".join(level_words.get(c, [])[:n_words]) or f"cluster {c}"
            wrote = sentences.get(c, "")
            text, other = (said, f"its centre decodes to: {wrote}") if by == "words" else (wrote, f"its words: {said}")
            names.append(MapName(float(spot[0]), float(spot[1]), name_lines(text, width), other, level))
    return names
