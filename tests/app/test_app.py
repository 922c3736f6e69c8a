"""The Streamlit app, driven by AppTest: every page renders, and the main flow works end to end."""

import base64
import json
import os
import time

import numpy as np
import pandas as pd
import pytest

os.environ["LATENT_LAB_WARMUP"] = "0"  # no background umap compile competing for the CPU in tests

from streamlit.testing.v1 import AppTest  # noqa: E402

import vae_core  # noqa: E402
from ui import figures, selection, state, workspace  # noqa: E402
from vae_core.measure.compare import label_on_map, map_trust  # noqa: E402

PAGES = ["learn", "lesson", "data", "train", "models", "explore", "interpolate", "generate", "compare"]
TIMEOUT = 120


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def written_names(at: AppTest) -> list[dict]:
    """The cluster names handed to the browser to write over the map (ui/zoom_names.py)."""
    (layer,) = [e for e in at.get("bidi_component") if e.proto.component_name == "latent_lab_zoom_names"]
    return json.loads(layer.proto.json)["names"]


def array_length(values) -> int:
    """Length of a plotly array, plain or binary-encoded ({"dtype": ..., "bdata": base64})."""
    if isinstance(values, dict):
        return len(base64.b64decode(values["bdata"])) // np.dtype(values["dtype"]).itemsize
    return len(values)


def map_points(at: AppTest) -> int:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return sum(array_length(trace["x"]) for trace in spec["data"] if trace.get("meta") == "sentences")


def map_traces(at: AppTest) -> dict[str, dict]:
    """The first map's traces by name."""
    return {trace.get("name"): trace for trace in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo(app, page):
    open_page(app, page)
    assert not app.error, [e.value for e in app.error]


def test_main_flow_upload_train_explore_interpolate_generate(app):
    sentences = [f"the {a} {v} the {o} ." for a in ("cat", "dog", "bird", "fox") for v in ("sees", "likes", "finds")
                 for o in ("ball", "tree", "house", "river")]  # fmt: skip
    open_page(app, "data")
    app.radio[0].set_value("Upload a file").run()
    app.get("file_uploader")[0].set_value(("mine.txt", "\n".join(sentences).encode(), "text/plain")).run()
    app.button[0].click().run()  # the form's "Load this file"
    assert not app.error, [e.value for e in app.error]
    current = app.session_state["corpus"]
    assert current.name == "mine.txt" and len(current.value) == 48
    assert app.session_state["model"].name == "base model"  # mapped at once by the base model, no training
    open_page(app, "explore")
    assert map_points(app) == 48 and not any("trained on" in i.value for i in app.info)

    open_page(app, "train")
    by_label(app.radio, "Start from").set_value("Learn from scratch (this dataset alone)").run()
    by_label(app.number_input, "Epochs").set_value(2)
    by_label(app.number_input, "Hidden size").set_value(32)
    by_label(app.number_input, "Word embedding size").set_value(16)
    by_label(app.number_input, "Latent dimensions").set_value(4)
    by_label(app.button, "Start training").click().run()
    job = state.job_registry().get(app.session_state["session_id"])
    job.wait(TIMEOUT)
    app.run()
    assert job.snapshot().status == "done", job.snapshot().error
    assert any("Training finished" in s.value for s in app.success)
    assert any("not in use yet: the other pages show base model" in c.value for c in app.caption)
    assert "Watch it learn" in [h.value for h in app.subheader]  # the run's replay, at its end
    replay = json.loads(next(c for c in app.get("plotly_chart") if '"frames"' in c.proto.spec).proto.spec)
    assert len(replay["frames"]) == len(job.snapshot().result.replay) >= 4
    by_label(app.text_input, "Model name").set_value("my model")
    by_label(app.button, "Save and use this model").click().run()
    assert any("Saved as my-model" in s.value for s in app.success)
    assert not any("not in use yet" in c.value for c in app.caption)

    open_page(app, "explore")
    assert map_points(app) == 48  # one point per sentence
    assert not any("trained on" in i.value for i in app.info)

    open_page(app, "interpolate")
    by_label(app.text_input, "Sentence A").set_value("the cat sees the ball .")
    by_label(app.text_input, "Sentence B").set_value("the fox finds the river .")
    by_label(app.button, "Interpolate").click().run()
    assert not app.error and len(app.dataframe[0].value) == 8
    assert {"decoder's confidence", "where"} <= set(app.dataframe[0].value.columns)
    path_map = {t.get("name") for t in json.loads(app.get("plotly_chart")[0].proto.spec)["data"]}
    assert {"A", "B", "q(z|x), 2σ of A", "q(z|x), 2σ of B", "path"} <= path_map  # both ends with their spread

    open_page(app, "generate")
    by_label(app.button, "Generate").click().run()
    assert not app.error and len(app.dataframe[0].value) == 10

    open_page(app, "models")
    assert "my-model" in [h.value for h in app.subheader]
    by_label(app.toggle, "Watch it learn: the training replay").set_value(True).run()  # my-model's saved replay
    assert not app.error and any('"frames"' in c.proto.spec for c in app.get("plotly_chart"))


def test_a_reconstruction_lands_on_the_map_beside_its_input(app):
    """Generate → Reconstruct draws the input and, encoded again, its reconstruction on the demo's map, each with
    its posterior spread: the round trip seen as two places on the map."""
    open_page(app, "generate")
    app.text_input(key="rec-sentence").set_value(
        "the new student loved the soup in the kitchen last week and we were pleased ."
    )
    by_label(app.button, "Reconstruct").click().run()
    assert not app.error, [e.value for e in app.error]
    traces = map_traces(app)
    assert {"input", "reconstruction", "q(z|x), 2σ of input", "q(z|x), 2σ of reconstruction"} <= set(traces)
    assert sum(array_length(t["x"]) for t in traces.values() if t.get("meta") == "sentences") == 3600
    # the demo model keeps this sentence: its reconstruction lands where the input did (within a hair of the map)
    gap = np.hypot(
        traces["input"]["x"][0] - traces["reconstruction"]["x"][0],
        traces["input"]["y"][0] - traces["reconstruction"]["y"][0],
    )
    assert gap < 0.5


def test_around_a_sentence_and_attributes_decode_by_reranking(app):
    """Both tabs decode with rerank by default (bench/ROUNDTRIP.md): ten neighbours around a sentence, and five
    attribute steps whose first (strength 0) is the demo model's own sentence back."""
    open_page(app, "generate")
    assert app.selectbox(key="near-strategy").value == "rerank"
    sentence = "the new student loved the soup in the kitchen last week and we were pleased ."
    app.text_input(key="near-sentence").set_value(sentence)
    by_label(app.button, "Explore around it").click().run()
    assert not app.error and len(app.dataframe[0].value) == 10
    app.text_input(key="attr-sentence").set_value(sentence)
    by_label(app.button, "Move it").click().run()
    steps = app.dataframe[-1].value
    assert not app.error and len(steps) == 5 and steps["decoded sentence"][0] == sentence


def test_the_data_page_suggests_the_text_and_label_columns(app):
    lines = [f"{i},the food was {w} today,{w}" for i, w in enumerate(["good", "bad"] * 10)]
    rows = "id,review,sentiment\n" + "\n".join(lines)
    open_page(app, "data")
    app.radio[0].set_value("Upload a file").run()
    app.get("file_uploader")[0].set_value(("reviews.csv", rows.encode(), "text/csv")).run()
    assert by_label(app.selectbox, "Text column").value == "review"
    assert by_label(app.selectbox, "Label column (optional)").value == "sentiment"


def test_the_explore_scene_lives_in_the_url(tmp_path, monkeypatch):
    """A bookmarked or sent link opens Explore as it was (view, seed, colouring, search); what the user changes goes
    back into the URL; a hand-edited value that makes no sense is ignored."""
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.query_params.update({"view": "pca", "seed": "3", "colour": "sentiment", "search": "soup", "junk": "x"})
    at.run()
    open_page(at, "explore")
    assert not at.error, [e.value for e in at.error]
    assert by_label(at.radio, "Map").value == "PCA (instant)" and by_label(at.number_input, "Seed").value == 3
    assert by_label(at.selectbox, "Colour by").value == "sentiment"
    assert by_label(at.text_input, "Search sentences").value == "soup"
    by_label(at.selectbox, "Colour by").set_value("tense").run()
    assert (
        at.query_params["colour"] == "tense" and at.query_params["view"] == "pca-2d"
    )  # an older link's "pca", written anew

    again = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    again.query_params.update({"view": "sideways", "seed": "-5", "colour": "<script>"})
    again.run()
    open_page(again, "explore")
    assert not again.error and by_label(again.selectbox, "Colour by").value == "topic"  # the defaults
    assert by_label(again.radio, "Map").value == "UMAP 2-D" and by_label(again.number_input, "Seed").value == 0


def test_explore_says_how_much_of_the_coloured_label_the_flat_map_keeps(app):
    """The demo's 32-D space keeps its topics' neighbourhoods, its 2-D UMAP much less: a user reading the colours
    is told both figures, measured on the shipped map and latents."""
    open_page(app, "explore")
    shipped = np.load(state.DEMO_MAP)
    topics = pd.read_csv(state.DEMO_CORPUS, sep="\t")["topic"].tolist()
    kept = label_on_map(shipped["umap_2d_seed0"], shipped["latents_mu"], topics)
    told = next(t.value for t in app.text if t.value.startswith("Coloured by topic"))
    assert f"{kept.on_map:.0%} of sentences" in told and f"{kept.in_space:.0%} in the full 32-D" in told
    assert kept.in_space - kept.on_map >= 0.1 and "The flat map loses part" in told
    by_label(app.selectbox, "Colour by").set_value("length").run()
    assert not [t for t in app.text if t.value.startswith("Coloured by")]  # a number, not a label: nothing to say


def test_explore_decodes_a_spot_names_the_clusters_and_draws_a_typed_sentence(tmp_path, monkeypatch):
    """A spot sent in a link is decoded and starred; the clusters are named on the map; the decoder's grid and the
    density are drawn on request; a typed sentence lands with its posterior ellipse and its neighbours ringed."""
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.query_params.update({"spot": "umap-2d,0,1.0,7.0", "grid": "3", "density": "on", "known": "on", "decode": "on"})
    at.run()
    open_page(at, "explore")
    assert not at.error, [e.value for e in at.error]
    assert by_label(at.toggle, "Known words only").value  # restored from the link, and kept in it
    assert at.query_params["known"] == "on" and at.query_params["decode"] == "on"
    traces = map_traces(at)
    assert {t["hoverinfo"] for t in traces.values() if t.get("meta") == "sentences"} == {"skip"}  # decode mode
    assert "Decoded at the clicked spot" in [h.value for h in at.subheader]
    assert traces["decoded spot"]["x"] == [1.0] and traces["decoded spot"]["y"] == [7.0]
    names = written_names(at)
    assert len(names) == 8 and all(n["lines"][0] for n in names)  # one name for each of the 8 k-means clusters
    assert array_length(traces["decoded grid"]["x"]) == 9 and "density" in traces
    assert at.query_params["spot"] == "umap-2d,0,1.000,7.000"

    field = by_label(at.text_input, "Type a sentence, or leave empty to use the clicked / first selected point")
    field.set_value("the chef loved the soup at the restaurant yesterday and we were delighted.").run()
    traces = map_traces(at)
    assert {"your sentence", "q(z|x), 2σ", "q(z|x) draws"} <= set(traces)
    assert array_length(traces["neighbours"]["x"]) == 10
    assert "topic" in at.dataframe[-2].value.columns  # the neighbour table shows the label column

    by_label(at.radio, "Map").set_value("PCA (instant)").run()
    assert "decoded spot" not in map_traces(at)  # the spot was clicked on another map


def test_the_learn_page_shows_the_loaded_model_in_its_own_numbers(app):
    """The demo's KL and active units from its metrics (the model card's figures, as Train and Models show them),
    and a real round trip and interpolation decoded from it."""
    assert not app.error
    metrics = {m.label: m.value for m in app.metric}
    card = app.session_state["model"].value.metrics
    assert metrics["Active units"] == "32/32" and metrics["KL"] == f"{card['kl']:.2f}"
    texts = [t.value for t in app.text]
    round_trip = next(t for t in texts if t.startswith("in:"))
    assert round_trip.split("\n")[0].removeprefix("in:").strip() == app.session_state["corpus"].value.texts[0]
    walk = next(t for t in texts if t.startswith("0. "))
    assert len(walk.splitlines()) == 5


def test_the_learn_page_tells_what_the_base_model_read_and_keeps(app):
    """The base model's story with the figures of its own card (what it read, its round trip), not typed in."""
    card = vae_core.base.shipped.card()
    assert "The base model: English before your sentences" in [h.value for h in app.subheader]
    story = next(m.value for m in app.markdown if "sentences of general English" in m.value)
    assert f"{card['sentences']:,}" in story and f"**{card['roundtrip_exact']:.0%}**" in story


def test_the_learn_page_draws_the_shipped_rate_distortion_points(app):
    """Four short trainings of the demo at rising γ: KL rises and the reconstruction's cost falls along the curve."""
    chart = next(json.loads(c.proto.spec) for c in app.get("plotly_chart") if "rate" in c.proto.spec)
    kl, rec = chart["data"][0]["x"], chart["data"][0]["y"]
    assert len(kl) == 4 and kl == sorted(kl) and rec == sorted(rec, reverse=True)


def test_the_learn_page_plays_the_demo_training_beside_a_collapse(app):
    """Both shipped replays: the demo model's KL stays up, the no-defence training's falls towards zero."""
    by_label(app.toggle, "Play the two trainings").set_value(True).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    charts = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    charts = [chart for chart in charts if chart.get("frames")]  # the replays (the trade-off chart has none)
    assert len(charts) == 2 and all(len(chart["frames"]) >= 5 for chart in charts)
    last_kl = [
        float(chart["layout"]["sliders"][0]["steps"][-1]["label"].split("KL ")[1].split()[0]) for chart in charts
    ]
    assert last_kl[0] > 20 and last_kl[1] < 2  # the defaults keep z in use; no defence lets it collapse


def test_presenter_mode_folds_the_controls_and_enlarges_the_map(tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.query_params.update({"present": "on"})
    at.run()
    open_page(at, "explore")
    assert not at.error and by_label(at.toggle, "Presenter mode").value is True
    assert [e.label for e in at.expander] == ["Map controls"]  # the controls, folded away
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["height"] == 820 and spec["layout"]["font"]["size"] == 18
    headings = [h.value for h in at.subheader]
    assert "Nearest neighbours in the latent space" in headings and "Download" not in headings
    by_label(at.toggle, "Presenter mode").set_value(False).run()
    assert "Download" in [h.value for h in at.subheader] and "present" not in at.query_params


def test_bad_upload_shows_an_error_and_the_app_keeps_working(app):
    open_page(app, "data")
    app.radio[0].set_value("Upload a file").run()
    app.get("file_uploader")[0].set_value(("empty.txt", b"", "text/plain")).run()
    if app.button:
        app.button[0].click().run()
    assert app.error and "empty" in app.error[0].value
    open_page(app, "learn")
    assert not app.exception


def test_stop_before_the_first_step(app):
    open_page(app, "train")
    by_label(app.number_input, "Epochs").set_value(50)
    by_label(app.button, "Start training").click().run()
    job = state.job_registry().get(app.session_state["session_id"])
    job.stop()
    deadline = time.time() + TIMEOUT
    job.wait(TIMEOUT)
    assert time.time() < deadline and job.snapshot().status == "done"
    assert job.snapshot().result.metrics["stop_reason"] == "stopped by user"


def test_the_app_opens_on_the_demo_with_its_map(app):
    assert app.session_state["model"].name == "demo model"
    assert app.session_state["corpus"].name == "demo corpus"
    open_page(app, "explore")
    assert map_points(app) == 3600


def test_a_hostile_bundle_upload_is_refused_and_nothing_is_written(app, tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../../escaped.txt", "x")
        zf.writestr("model.safetensors", "x")
    open_page(app, "models")
    app.get("file_uploader")[0].set_value(("evil.zip", buffer.getvalue(), "application/zip")).run()
    by_label(app.button, "Add this model").click().run()
    assert app.error and "unsafe path" in app.error[0].value
    assert not list((tmp_path / "models").glob("*/evil"))  # no bundle saved
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
    open_page(app, "learn")  # still usable


def test_compare_page_sets_the_two_spaces_side_by_side_on_the_demo(app):
    open_page(app, "compare")
    assert not app.error, [e.value for e in app.error]
    labels = [m.label for m in app.metric]
    assert labels == ["10-NN agreement", "10-NN accuracy: topic", "10-NN accuracy: sentiment", "10-NN accuracy: tense"]
    agreement = float(app.metric[0].value)
    assert 10 / 3599 < agreement < 1  # better than chance, and the two spaces are not the same
    charts = app.get("plotly_chart")
    assert len(charts) == 2
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert sum(array_length(t["x"]) for t in spec["data"]) == 3600
    shipped = np.load(state.DEMO_MAP)
    topics = pd.read_csv(state.DEMO_CORPUS, sep="\t")["topic"].tolist()
    told = [t.value for t in app.text if t.value.startswith("topic: ")]  # under each map, what it keeps of topic
    for text, coords, space in zip(
        told, ["umap_2d_seed0", "pretrained_umap_2d_seed0"], ["latents_mu", "pretrained_embeddings"]
    ):
        kept = label_on_map(shipped[coords], shipped[space].astype(np.float32), topics)
        assert text.startswith(f"topic: {kept.on_map:.0%} of sentences") and f"map, {kept.in_space:.0%} in the" in text
    assert len(told) == 2


class _Event:
    def __init__(self, rows):
        self.selection = type("Selection", (), {"points": [{"customdata": r} for r in rows]})()


def test_a_selection_on_either_linked_map_is_shown_on_both(monkeypatch):
    state = {}
    monkeypatch.setattr(selection.st, "session_state", state)
    keys = ("left", "right")
    assert selection.linked_selection(keys) == []
    state["left"] = _Event([3, 1])
    assert selection.linked_selection(keys) == [1, 3]
    state["right"] = _Event([7])
    assert selection.linked_selection(keys) == [7]  # the map changed last wins
    assert selection.linked_selection(keys) == [7]  # and stays while nothing changes
    state["left"] = _Event([])
    assert selection.linked_selection(keys) == []  # clearing a selection clears the highlight


def test_the_server_skips_a_full_garbage_collection_after_each_run():
    """Streamlit's default collects every generation after each script run; with torch, a model and a corpus in
    memory that took most of the server's time on a click (bench/app_timing.py)."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_the_train_page_adapts_the_base_model_by_default(app):
    """Upload, then Train with the page's defaults: the base model is adapted (its tokenizer and sizes kept), and
    the result writes back in the corpus's own style."""
    sentences = [
        f"the {a} {v} the {o} ." for a in ("cat", "dog", "fox") for v in ("sees", "likes") for o in ("ball", "tree")
    ]
    open_page(app, "data")
    app.radio[0].set_value("Upload a file").run()
    app.get("file_uploader")[0].set_value(("lower.txt", "\n".join(sentences).encode(), "text/plain")).run()
    app.button[0].click().run()
    open_page(app, "train")
    assert by_label(app.radio, "Start from").value.startswith("Adapt the base model")
    by_label(app.number_input, "Epochs").set_value(1)
    by_label(app.button, "Start training").click().run()
    job = state.job_registry().get(app.session_state["session_id"])
    job.wait(TIMEOUT)
    app.run()
    snap = job.snapshot()
    assert snap.status == "done", snap.error
    tm = snap.result
    base = state.base_model()
    assert tm.model.config == base.model.config and tm.tokenizer.to_json() == base.tokenizer.to_json()
    assert tm.info["adapted_from"] and tm.tokenizer.style.lowercase and tm.tokenizer.style.spaced_punctuation
    assert tm.model is not base.model  # a copy was trained: the shared base model is untouched


def test_an_adapted_model_colours_the_map_by_what_adapting_moved(app, monkeypatch):
    """Only a model adapted from the base offers the colour; each point is the share of its base-model neighbours
    it kept: all of them where the "adapted" network is the base itself."""
    as_shipped = vae_core.base.shipped.for_corpus

    def adapted(base, texts):  # the base model's own network, as if adapted: nothing moved
        model = as_shipped(base, texts)
        model.info = {**model.info, "adapted_from": "base"}
        return model

    monkeypatch.setattr(vae_core.base.shipped, "for_corpus", adapted)
    sentences = [f"the {a} {v} the {o} ." for a in ("cat", "dog", "bird", "fox") for v in ("sees", "likes", "finds")
                 for o in ("ball", "tree", "house", "river")]  # fmt: skip
    open_page(app, "data")
    app.radio[0].set_value("Upload a file").run()
    app.get("file_uploader")[0].set_value(("mine.txt", "\n".join(sentences).encode(), "text/plain")).run()
    app.button[0].click().run()
    assert app.session_state["model"].value.info["adapted_from"] == "base"
    open_page(app, "explore")
    by_label(app.selectbox, "Colour by").set_value("kept from the base model").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    c = map_traces(app)["kept from the base model"]["marker"]["color"]
    kept = np.frombuffer(base64.b64decode(c["bdata"]), dtype=np.dtype(c["dtype"])) if "bdata" in c else np.array(c)
    assert len(kept) == len(sentences) and np.all(kept == 1.0)
    assert any(t.value.startswith("Adapting kept 100%") for t in app.text)


def test_explore_colours_each_point_by_how_far_the_map_and_its_round_trip_can_be_believed(app):
    """The trust layer: map trust (the share of a sentence's latent neighbours the map keeps) and the round trip's
    chrF, each a colour scale over every sentence of the demo."""
    open_page(app, "explore")
    assert "kept from the base model" not in by_label(app.selectbox, "Colour by").options  # not an adapted model
    by_label(app.selectbox, "Colour by").set_value("map trust").run()
    assert not app.exception and not app.error
    shipped = np.load(state.DEMO_MAP)
    expected = map_trust(shipped["latents_mu"], shipped["umap_2d_seed0"])
    trace = map_traces(app)["map trust"]
    assert trace["marker"]["colorbar"]["title"]["text"] == "map trust"
    drawn = np.asarray(trace["marker"]["color"]) if isinstance(trace["marker"]["color"], list) else None
    if drawn is None:
        c = trace["marker"]["color"]
        drawn = np.frombuffer(base64.b64decode(c["bdata"]), dtype=np.dtype(c["dtype"]))
    assert np.allclose(np.sort(drawn), np.sort(expected), atol=1e-6)
    by_label(app.selectbox, "Colour by").set_value("round trip chrF").run()
    assert not app.exception and "round trip chrF" in map_traces(app)


def test_explore_places_new_sentences_and_decodes_the_corpus_gaps_on_the_map(app):
    open_page(app, "explore")
    by_label(app.text_area, "New sentences").set_value("the soup was cold .\n\nthe team won the final .").run()
    assert not app.exception and not app.error
    assert array_length(map_traces(app)["new sentences"]["x"]) == 2  # the empty line is skipped
    assert app.query_params["new"] == "the soup was cold .\nthe team won the final ."  # and the link carries them
    again = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    again.query_params.update({"new": app.query_params["new"], "axes": '["labels", "no such column"]'})
    again.run()
    open_page(again, "explore")  # placed again from the link; a hand-edited axes value is passed over
    assert not again.error and array_length(map_traces(again)["new sentences"]["x"]) == 2
    assert not by_label(again.toggle, "Draw the concept axes").value
    by_label(app.number_input, "How many").set_value(5).run()
    by_label(app.button, "Decode the corpus's gaps").click().run()
    assert not app.exception and not app.error
    assert array_length(map_traces(app)["gaps, decoded"]["x"]) == 5
    assert app.query_params["gaps"] == "5"  # a link to this scene decodes the same gaps
    table = next(d.value for d in app.dataframe if "decoded in a gap" in d.value.columns)
    assert len(table) == 5 and table["gap"].is_monotonic_decreasing and table["decoded in a gap"].str.len().min() > 0


def test_explore_names_clusters_by_the_decoder_and_sub_clusters_where_there_is_room(tmp_path, monkeypatch):
    """From a link: the 8 clusters named by what their centres decode to (their words on hover), and smaller
    sub-cluster names beside them, never two on top of each other; the choice stays in the URL."""
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.query_params.update({"naming": "decoder", "sub": "on"})
    at.run()
    open_page(at, "explore")
    assert not at.error, [e.value for e in at.error]
    assert at.query_params["naming"] == "decoder" and at.query_params["sub"] == "on"
    names = written_names(at)
    big = [n for n in names if n["level"] == 0]
    assert len(big) == 8 and len(names) == 8 + 8 * 3 + 8 * 9  # every cluster, its 3 sub-clusters and their 3 each
    assert [n["level"] for n in names] == sorted(n["level"] for n in names)  # coarse first: the browser writes
    # them first, and finer ones where there is room at the current zoom
    assert all(n["hover"].startswith("its words:") for n in names)
    assert sum(len(" ".join(n["lines"]).split()) for n in big) >= 8 * 3  # sentences
    by_label(at.radio, "Name clusters by").set_value("words").run()
    assert "naming" not in at.query_params and not at.exception


def test_explore_draws_concept_axes_between_two_labels_with_the_decoders_sentences(app):
    open_page(app, "explore")
    topics = sorted(pd.read_csv(state.DEMO_CORPUS, sep="\t")["topic"].astype(str).unique())
    for i, value in enumerate([topics[0], topics[1], topics[2], topics[3]]):
        by_label(app.selectbox, ("x from", "x to", "y from", "y to")[i]).set_value(value).run()
    by_label(app.toggle, "Draw the concept axes").set_value(True).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    axes = json.loads(app.get("plotly_chart")[1].proto.spec)
    assert axes["layout"]["xaxis"]["title"]["text"] == f"{topics[0]} → {topics[1]}"
    tables = [d.value for d in app.dataframe if "decoded" in d.value.columns]
    assert [len(t) for t in tables] == [5, 5] and tables[0]["along x"].is_monotonic_increasing
    link = app.query_params["axes"]
    assert json.loads(link) == ["labels", "topic", *topics[:4]]

    again = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    again.query_params.update({"axes": link})
    again.run()
    open_page(again, "explore")  # a link to the scene opens with the same axes drawn
    assert not again.exception and not again.error and by_label(again.toggle, "Draw the concept axes").value
    reopened = json.loads(again.get("plotly_chart")[1].proto.spec)
    assert reopened["layout"]["yaxis"]["title"]["text"] == f"{topics[2]} → {topics[3]}"
    by_label(again.selectbox, "x to").set_value(topics[4]).run()  # a later choice is the user's, not the link's
    assert json.loads(again.query_params["axes"])[3] == topics[4]

    by_label(app.selectbox, "y from").set_value(topics[0]).run()
    by_label(app.selectbox, "y to").set_value(topics[0]).run()
    # y's ends one place (as a two-class label's would be): y is the widest spread left, and the page says so
    spread = json.loads(app.get("plotly_chart")[1].proto.spec)
    assert not app.error and "widest spread" in spread["layout"]["yaxis"]["title"]["text"]


def test_the_map_downloads_as_one_standalone_html_file(app):
    open_page(app, "explore")
    by_label(app.toggle, "Prepare downloads of every sentence's coordinates and latents").set_value(True).run()
    assert not app.exception
    button = next(b for b in app.get("download_button") if b.proto.label == "This map as one HTML file")
    assert button.proto.label


def _collapsed_card() -> None:
    from ui import cards

    cards.model_figures({"kl": 0.05, "active_units": 0, "nll_iw": 97.0, "mi": 0.0}, 32)


def test_a_collapsed_models_card_says_why_its_good_likelihood_is_not_a_round_trip():
    at = AppTest.from_function(_collapsed_card, default_timeout=TIMEOUT).run()
    assert not at.exception
    told = " ".join(w.value for w in at.warning)
    assert "collapsed" in told and "likelihood" in told and "round trip" in told


def test_explore_tags_a_selection_colours_and_filters_the_map_by_it_and_writes_it_toward_a_topic(app, monkeypatch):
    """Curation: the selected sentences get a tag (a column the map colours and filters by), and are written toward
    another topic, four steps each, as a table to download; taking the tags away clears the filter."""
    monkeypatch.setattr(selection, "selected_rows", lambda event: [0, 1, 2])  # as if three points were lassoed
    open_page(app, "explore")
    by_label(app.text_input, "Tag").set_value("keep").run()
    by_label(app.button, "Tag the selection").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    monkeypatch.setattr(selection, "selected_rows", lambda event: [])  # the recoloured map lost its selection
    by_label(app.selectbox, "Colour by").set_value("tag").run()
    assert "3 sentences selected." in [t.value for t in app.text]  # kept for what comes next (the variants)
    traces = map_traces(app)
    assert array_length(traces["keep"]["x"]) == 3 and array_length(traces["untagged"]["x"]) == 3597
    by_label(app.multiselect, "Show only these tags").set_value(["keep"]).run()
    assert map_points(app) == 3
    by_label(app.selectbox, "Move the selection along").set_value("topic").run()
    by_label(app.selectbox, "toward").set_value("music").run()
    by_label(app.button, "Write the variants").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    variants = next(d.value for d in app.dataframe if "variant" in d.value.columns)
    assert len(variants) == 12 and sorted(set(variants["id"])) == [0, 1, 2]
    assert set(variants["toward"]) == {"music"} and variants["variant"].str.len().min() > 0
    assert variants["topic"].tolist()[::4] == pd.read_csv(state.DEMO_CORPUS, sep="\t")["topic"][:3].tolist()
    assert any(b.label == "Variants as CSV" for b in app.get("download_button"))
    by_label(app.button, "Remove their tags").click().run()
    assert (
        not app.exception and map_points(app) == 3600 and by_label(app.multiselect, "Show only these tags").value == []
    )
    by_label(app.button, "Clear the selection").click().run()
    assert not any(t.value.endswith("sentences selected.") for t in app.text)


def test_a_facets_choice_outlives_the_chart_forgetting_it_until_another_replaces_it(monkeypatch):
    state, memory = {}, {}
    monkeypatch.setattr(selection.st, "session_state", state)
    assert selection.chosen_bars("topic", memory) == set()
    state["topic"] = _Event([2, 0])
    assert selection.chosen_bars("topic", memory) == {0, 2}
    state["topic"] = _Event([])  # the chart was drawn anew (another facet's choice changed its counts)
    assert selection.chosen_bars("topic", memory) == {0, 2}
    state["topic"] = _Event([1])
    assert selection.chosen_bars("topic", memory) == {1}
    memory.clear()  # "Clear the facets"
    state["topic"] = _Event([])
    assert selection.chosen_bars("topic", memory) == set()


def test_the_maps_selection_outlives_a_redraw_until_the_user_clears_or_replaces_it():
    memory = {}
    assert selection.kept_selection([], memory, "a") == ([], False)
    assert selection.kept_selection([2, 0], memory, "a") == ([2, 0], False)
    assert selection.kept_selection([], memory, "b") == ([2, 0], True)  # redrawn: Streamlit dropped it, kept here
    assert selection.kept_selection([], memory, "c") == ([2, 0], True)  # and over the next redraw too
    assert selection.kept_selection([5], memory, "c") == ([5], False)  # a new selection replaces it
    assert selection.kept_selection([], memory, "c") == ([], False)  # a double click cleared it on the same map
    assert selection.kept_selection([], memory, "d") == ([], False)
    selection.kept_selection([1], memory, "d")
    selection.kept_selection([], memory, "e")
    memory.clear()  # "Clear the selection"
    assert selection.kept_selection([], memory, "e") == ([], False)


def test_a_figures_digest_changes_with_anything_it_draws_and_only_then():
    coords = np.random.default_rng(0).normal(size=(300, 2))
    texts = [f"sentence {i}" for i in range(300)]
    digest = selection.figure_digest(figures.map_figure(coords, texts, seed=0))
    assert selection.figure_digest(figures.map_figure(coords, texts, seed=0)) == digest
    changed = texts[:-1] + ["sentence two hundred and ninety-nine"]
    assert selection.figure_digest(figures.map_figure(coords, changed, seed=0)) != digest
    moved = coords.copy()
    moved[7, 0] += 1e-3
    assert selection.figure_digest(figures.map_figure(moved, texts, seed=0)) != digest
    typed = figures.map_figure(coords, texts, seed=0)
    typed.add_scatter(x=[0.0], y=[0.0], name="your sentence")
    assert selection.figure_digest(typed) != digest


def test_explore_keeps_a_selection_while_a_typed_sentence_redraws_the_map(app, monkeypatch):
    """Streamlit drops a chart's selection when its figure changes: the sentences selected stay listed when a typed
    sentence is drawn on the map, until the user clears them."""
    monkeypatch.setattr(selection, "selected_rows", lambda event: [0, 1, 2])  # as if three points were lassoed
    open_page(app, "explore")
    assert "3 sentences selected." in [t.value for t in app.text]
    monkeypatch.setattr(selection, "selected_rows", lambda event: [])  # the redrawn map reports no selection
    field = by_label(app.text_input, "Type a sentence, or leave empty to use the clicked / first selected point")
    field.set_value("the chef loved the soup at the restaurant .").run()
    assert not app.exception and "3 sentences selected." in [t.value for t in app.text]
    by_label(app.button, "Clear the selection").click().run()
    assert not any(t.value.endswith("sentences selected.") for t in app.text)


def test_explore_facets_filter_the_map_and_each_counts_what_the_others_let_through(app, monkeypatch):
    """Facets beside the map: the music bar chosen on the topic facet draws music's 600 sentences; the other facets
    count those 600, the topic facet itself every sentence (its own choice left out)."""
    open_page(app, "explore")
    by_label(app.toggle, "Facets beside the map").set_value(True).run()
    assert not app.exception and map_points(app) == 3600
    charts = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    titles = [c["layout"].get("title", {}).get("text") for c in charts[1:]]
    assert titles == ["topic", "sentiment", "tense", "length", "KL"]  # and "tag", once something is tagged
    music = charts[1]["data"][0]["x"].index("music")
    real = selection.chosen_bars
    monkeypatch.setattr(
        selection, "chosen_bars", lambda key, memory: {music} if key.endswith("-topic") else real(key, memory)
    )
    app.run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert map_points(app) == 600
    charts = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    shown = {c["layout"]["title"]["text"]: c["data"][1]["y"] for c in charts[1:]}
    as_counts = {
        k: np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"]).astype(int) if isinstance(v, dict) else v
        for k, v in shown.items()
    }
    assert sum(as_counts["topic"]) == 3600 and all(sum(as_counts[k]) == 600 for k in ("sentiment", "length", "KL"))
    assert any(t.value == "600 of 3,600 sentences shown." for t in app.text)
