"""The map figure: categories in distinct colour-blind-safe colours, numbers on a scale, hover text escaped, SVG
for a small map and WebGL for a big one."""

import numpy as np
import pandas as pd
import pytest

from ui.figures import BIG_MAP, BIG_MAP_MARKER, CATEGORY_COLOURS, HOVER_CHARS, SVG_MAX_POINTS, chart_config, map_figure
from ui.layers import add_density
from vae_core.explore.labels import MapName


def coords(n: int) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 2)).astype(np.float32)


def test_each_category_gets_its_own_colour():
    labels = pd.Series([f"topic {i % 6}" for i in range(60)])
    fig = map_figure(coords(60), ["a sentence"] * 60, labels, "topic")
    colours = [trace.marker.color for trace in fig.data]
    assert len(fig.data) == 6 and len(set(colours)) == 6
    assert set(colours) <= set(CATEGORY_COLOURS[:6])
    assert "#0072B2" in colours and "#56B4E9" not in colours  # one blue among the first six, not two


def test_numbers_get_a_scale_and_group_numbers_get_categories():
    lengths = pd.Series(np.arange(30))
    fig = map_figure(coords(30), ["s"] * 30, lengths, "length")
    assert len(fig.data) == 1 and fig.data[0].marker.showscale
    clusters = pd.Series(pd.Categorical(np.arange(30) % 3))
    fig = map_figure(coords(30), ["s"] * 30, clusters, "cluster")
    assert [t.name for t in fig.data] == ["0", "1", "2"]


def test_hover_text_is_escaped():
    fig = map_figure(coords(2), ["<b>bold</b>", "fine"])
    assert "&lt;b&gt;bold&lt;/b&gt;" in list(fig.data[0].hovertext)


def test_a_small_map_is_svg_and_a_big_one_webgl_click_grid_included():
    """SVG draws a few thousand points at once (a click redraws the map); WebGL keeps a big map usable. The
    invisible click grid is drawn the same way as the sentences, so a small map needs no WebGL at all."""
    small = map_figure(coords(300), ["s"] * 300, clickable=True)
    assert {t.type for t in small.data} == {"scatter"} and small.data[0].name == "click to decode"
    assert small.layout.margin.autoexpand is False  # no second drawing to make room for the legend
    assert map_figure(coords(300), ["s"] * 300).layout.margin.autoexpand is not False  # drawn once: legend fitted
    n = SVG_MAX_POINTS + 1
    big = map_figure(coords(n), ["s"] * n, clickable=True)
    assert {t.type for t in big.data} == {"scattergl"}


def test_a_big_map_draws_smaller_points_with_shorter_hover_text():
    """Above BIG_MAP points drawn, each point fills fewer pixels (a software-WebGL frame costs about its pixels) and
    carries less hover text (most of a big figure's bytes); a ring round a selection keeps its own size."""
    text = "w" * (2 * HOVER_CHARS)
    small = map_figure(coords(BIG_MAP), [text] * BIG_MAP)
    assert small.data[0].marker.size == 4 and len(small.data[0].hovertext[0]) == HOVER_CHARS
    n = BIG_MAP + 1
    big = map_figure(coords(n), [text] * n, highlight=[0])
    sentences, ring = big.data
    assert sentences.marker.size == BIG_MAP_MARKER < 4 and len(sentences.hovertext[0]) == HOVER_CHARS // 2
    assert ring.meta == "ring" and ring.marker.size == 9
    assert big.layout.legend.itemsizing == "constant"  # the legend's symbols stay readable
    assert chart_config(small) == {} and chart_config(big) == {"plotGlPixelRatio": 1}  # a quarter of the pixels


def test_a_score_measured_on_a_sample_colours_those_points_and_draws_the_rest_grey():
    coords = np.random.default_rng(0).standard_normal((6, 2))
    scores = pd.Series([0.1, np.nan, 0.5, 0.9, np.nan, 0.3])
    fig = map_figure(coords, [f"s{i}" for i in range(6)], scores, "round trip chrF")
    traces = {t.name: t for t in fig.data}
    assert list(traces["not measured"].customdata) == [1, 4] and traces["not measured"].marker.color == "#BBBBBB"
    assert list(traces["round trip chrF"].customdata) == [0, 2, 3, 5]


def test_the_standalone_map_opens_offline_and_writes_user_text_as_text():
    """One HTML file with plotly.js inside, the points and a search box; a sentence or a title holding markup is
    shown as text, never run."""
    from ui.standalone import standalone_html

    texts = ["<script>alert(1)</script> soup", "the team won", "<img src=x onerror=alert(2)>"]
    fig = map_figure(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]]), texts, pd.Series(["a", "b", "a"]), "topic")
    page = standalone_html(fig, "</script><script>alert(3)</script>")
    assert page.startswith("<!doctype html>") and '<script src="http' not in page and len(page) > 1_000_000  # inline
    assert "alert(1)</script>" not in page and "<img src=x" not in page and "<script>alert(3)" not in page
    assert "&lt;script&gt;alert(1)&lt;\\u002fscript&gt; soup" in page and "the team won" in page
    assert "Search sentences" in page and "Plotly.restyle" in page
    named = standalone_html(fig, "map", [MapName(0.0, 0.0, ("</script><b>soup",), "<i>hover</i>")])
    assert "</script><b>soup" not in named and "<i>hover" not in named  # the names go in as a JavaScript value
    assert "\\u003c/script>\\u003cb>soup" in named and "label.title = name.hover" in named  # written as text


def test_in_decode_mode_the_sentences_leave_every_click_to_the_grid_and_the_export_still_hovers():
    """Decode mode mutes the sentences' hover and clicks (plotly's "skip"), so a click in a dense blob lands on the
    click grid; a map exported as HTML from that mode shows its sentences on hover again."""
    from ui.standalone import standalone_html

    coords, texts = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]]), ["a cat", "a dog", "a fox"]
    fig = map_figure(coords, texts, pd.Series(["x", "y", "x"]), "topic", clickable=True, decode_mode=True)
    sentences = [t for t in fig.data if t.meta == "sentences"]
    assert fig.data[0].name == "click to decode" and fig.data[0].hoverinfo == "none"  # the grid still takes clicks
    assert sentences and all(t.hoverinfo == "skip" for t in sentences)
    assert all(t.hoverinfo == "text" for t in map_figure(coords, texts).data if t.meta == "sentences")
    page = standalone_html(fig, "map")
    assert '"hoverinfo":"skip"' not in page.replace(" ", "") and all(t.hoverinfo == "skip" for t in sentences)


def test_a_map_bigger_than_it_draws_shades_every_point_beneath_its_sample_and_the_density_is_a_grid():
    rng = np.random.default_rng(0)
    coords = np.concatenate([rng.normal(0, 1, (900, 2)), rng.normal(8, 1, (100, 2))])
    fig = map_figure(coords, [f"s{i}" for i in range(1000)], max_points=300, clickable=True)
    assert [t.type for t in fig.data[:2]] == ["scatter", "heatmap"]  # the click grid first, the shade beneath
    shade = np.asarray(fig.data[1].z, dtype=float)
    assert np.nansum(np.expm1(shade)) == pytest.approx(1000)  # log counts of every point, not the 300 drawn
    assert sum(len(t.x) for t in fig.data if t.meta == "sentences") == 300
    assert all(t.type != "heatmap" for t in map_figure(coords, ["s"] * 1000, max_points=1000).data)
    fig = map_figure(coords, ["s"] * 1000)
    add_density(fig, coords)
    contour = fig.data[-1]
    assert contour.type == "contour" and np.asarray(contour.z).sum() == 1000 and len(contour.x) == 60


def test_the_learn_page_describes_the_loaded_models_own_encoder():
    from ui.cards import encoder_description

    assert "recurrent" in encoder_description({"encoder": "rnn"}) and "MiniLM" not in encoder_description(
        {"encoder": "rnn"}
    )
    assert "meaning part" in encoder_description({"encoder": "rnn", "meaning_dim": 48, "latent_dim": 112})
    assert "twice" in encoder_description({"encoder": "hybrid"})
    assert "pretrained sentence encoder" in encoder_description({"encoder": "pretrained"})


def test_the_learn_page_says_what_z_keeps_in_the_models_own_numbers():
    from ui.cards import what_z_keeps

    card = {"kl": 88.8, "nll_iw": 126.7, "n_sentences": 1000, "n_tokens": 20693, "roundtrip_exact": 0.158,
            "roundtrip_chrf": 49.3, "roundtrip_similarity": 0.576, "roundtrip_similarity_random": 0.056}  # fmt: skip
    text = what_z_keeps(card)
    assert "6.1 nats" in text and "about **15 pieces**" in text and "21 on average" in text and "0.58" in text
    assert what_z_keeps({"kl": 10.0}) is None
