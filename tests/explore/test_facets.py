"""Cross-filter facets: columns cut into bars, and the rows that pass the bars chosen on every facet."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vae_core import InputError
from vae_core.explore.facets import OTHER, facet, passing


def test_a_category_column_gets_a_bar_per_value_and_the_rarest_share_other():
    f = facet("topic", ["food", "sport", "food", "work"])
    assert f.labels == ["food", "sport", "work"] and f.bars.tolist() == [0, 1, 0, 2]
    many = facet("word", [f"w{i % 5}" for i in range(50)] + ["rare", "odd"], max_bars=6)
    assert many.labels == ["w0", "w1", "w2", "w3", "w4", OTHER] and many.counts().tolist() == [10] * 5 + [2]


def test_whole_numbers_get_whole_number_bars_and_missing_values_none():
    f = facet("length", [3, 4, 5, 9, 9])
    assert f.labels == ["3", "4", "5", "6", "7", "8", "9"] and f.counts().tolist() == [1, 1, 1, 0, 0, 0, 2]
    wide = facet("length", list(range(1, 41)), max_bars=20)
    assert wide.labels[:2] == ["1–2", "3–4"] and wide.counts().tolist() == [2] * 20
    scores = facet("chrF", [0.5, np.nan, 99.0, 50.0], max_bars=4)
    assert scores.bars.tolist()[1] == -1 and scores.counts().sum() == 3 and len(scores.labels) == 4
    assert facet("same", [2.5, 2.5]).labels == ["2.5–2.5"]
    assert facet("nothing", [np.nan, np.nan]).counts().tolist() == []
    with pytest.raises(InputError):
        facet("empty", [])


def test_rows_pass_every_facets_choice_and_a_facet_counts_what_the_others_let_through():
    topic = facet("topic", ["a", "b", "a", "b", "a"])
    length = facet("length", [1, 1, 2, 2, 3])
    chosen = {"topic": {0}, "length": {1}}  # topic a, length 2
    assert passing([topic, length], chosen).tolist() == [False, False, True, False, False]
    assert passing([topic, length], chosen, besides="topic").tolist() == [False, False, True, True, False]
    assert topic.counts(passing([topic, length], chosen, besides="topic")).tolist() == [1, 1]
    assert passing([topic, length], {}).all()
    with pytest.raises(InputError):
        passing([], {})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-5, 200), st.floats(-1e3, 1e3, allow_nan=False)), min_size=1, max_size=80))
def test_every_number_falls_in_exactly_one_bar_that_holds_it(values):
    f = facet("x", values, max_bars=7)
    assert len(f.labels) <= 7 and f.counts().sum() == len(values) and f.bars.min() >= 0
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(f.bars[order]) >= 0)  # bars are ranges in order: a larger value never in a lower bar
