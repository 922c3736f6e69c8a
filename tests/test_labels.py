"""Names on the map: wrapped, placed so that none covers another, coarse names before sub-cluster names."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vae_core.errors import InputError
from vae_core.explore.clusters import characteristic_words, subclusters
from vae_core.explore.labels import BOXES, MapName, name_lines, place_names

BOUNDS = np.array([[0.0, 0.0], [10.0, 10.0]])


def boxes(placed, size=(700.0, 540.0)):
    """Each placed name's box in pixels, as `place_names` reckons it."""
    out = []
    for name, shift in placed:
        box = BOXES[name.level]
        w, h = box.char_px * max(map(len, name.lines)) / 2 + 2, box.line_px * len(name.lines) / 2 + 1
        cx, cy = name.x / 10 * size[0], (10 - name.y) / 10 * size[1] + shift
        out.append((cx - w, cy - h, cx + w, cy + h))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0, 10), st.integers(0, 1), st.text(min_size=1, max_size=40))))
def test_no_two_placed_names_overlap(specs):
    names = [MapName(x, y, name_lines(text), level=level) for x, y, level, text in specs]
    placed = place_names(names, BOUNDS)
    drawn = boxes(placed)
    for i, a in enumerate(drawn):
        for b in drawn[:i]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_a_name_on_top_of_another_moves_a_line_and_the_first_names_go_first():
    names = [MapName(5, 5, ("food · soup",)), MapName(5, 5, ("food · bread",)), MapName(5.1, 5, ("soup",), level=1)]
    placed = place_names(names, BOUNDS)
    assert [(n.lines, down) for n, down in placed][:2] == [(("food · soup",), 0), (("food · bread",), -20)]
    many = [MapName(5, 5, (f"name {i}",)) for i in range(8)]
    assert len(place_names(many, BOUNDS)) == 5  # its spot and two lines either side: the rest left out
    with pytest.raises(InputError):
        place_names(names, np.array([[0.0, 0.0], [0.0, 1.0]]))


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
