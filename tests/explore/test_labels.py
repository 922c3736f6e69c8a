"""Names on the map: wrapped and cut, from sub-clusters named by their own words (their placement at each zoom is
the browser's: tests/browser/test_journey.py)."""

import numpy as np

from vae_core.explore.clusters import characteristic_words, subclusters
from vae_core.explore.labels import name_lines


def test_long_names_are_wrapped_and_cut():
    assert name_lines("what is the capital city of the united kingdom of great britain", 20) == (
        "what is the capital",
        "city of the united…",
    )
    assert name_lines("") == ("",)


def test_sub_clusters_split_each_cluster_and_name_without_contraction_pieces():
    rng = np.random.default_rng(0)
    latents = np.concatenate([rng.normal(c, 0.1, (30, 4)) for c in (0, 5)])
    clusters = np.repeat([0, 1], 30)
    sub = subclusters(latents, clusters)
    assert set(sub[:30]) <= {0, 1, 2} and set(sub[30:]) <= {3, 4, 5} and len(set(sub)) == 6
    assert set(subclusters(latents[:3], np.array([0, 0, 1]))) == {0, 3}  # too small to split
    texts = ["I've got a camera player"] * 5 + ["i do n't like the soup , don't you ?"] * 5
    words = characteristic_words(texts, np.repeat([0, 1], 5))
    assert words == {0: ["camera", "got", "player"], 1: ["like", "soup"]}
