"""The Lesson page, driven by AppTest: the plane, the controls that train it, the knobs the guided path sets, a
typed sentence, presenter mode and a restart."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from ui import workspace

from .test_app import TIMEOUT, array_length, by_label, open_page


@pytest.fixture
def lesson(tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.run()
    return open_page(at, "lesson")


def plane(at: AppTest) -> dict:
    """The plane as the browser shows it: the chart's frame, with the traces the live layer puts on it."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lives = [
        json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "latent_lab_live_plane"
    ]
    (live,) = [data for data in lives if "lesson-map" in data["chart"]]  # (the curves are a live chart too)
    return {**spec, "data": live["traces"]}


def traces(at: AppTest) -> list[str]:
    return [t.get("name") for t in plane(at)["data"]]


def test_the_chart_keeps_its_frame_while_the_plane_moves(lesson):
    """Streamlit draws a chart anew whenever its figure changes; the plane's chart holds only what does not move (its
    axes change only when a sentence crosses a whole unit past them)."""
    frame = lesson.get("plotly_chart")[0].proto.spec
    before = plane(lesson)["data"]
    lesson.button(key="lesson-step").click().run()
    assert lesson.get("plotly_chart")[0].proto.spec == frame and plane(lesson)["data"] != before
    curves_frame, lines = lesson.get("plotly_chart")[1].proto.spec, curves(lesson)
    lesson.button(key="lesson-step").click().run()  # the curves' chart too: its frame stays, its lines grow
    assert lesson.get("plotly_chart")[1].proto.spec == curves_frame
    assert [t["name"] for t in curves(lesson)] == ["reconstruction", "KL", "β"] and curves(lesson) != lines


def curves(at: AppTest) -> list[dict]:
    """The curves' traces, as the live layer puts them on their chart."""
    lives = [
        json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "latent_lab_live_plane"
    ]
    return next(data["traces"] for data in lives if "lesson-curves" in data["chart"])


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_lesson_opens_on_the_demo_with_its_plane_and_the_prior(lesson):
    spec = plane(lesson)
    drawn = sum(array_length(t["x"]) for t in spec["data"] if t.get("meta") == "sentences")
    assert drawn == 400 and "prior N(0, I): 1, 2, 3σ" in traces(lesson)
    assert metric(lesson, "Step") == "0" and lesson.button(key="lesson-play").label == "Play"
    hover = spec["data"][0]  # the hover grid: what the decoder writes at each spot, escaped
    assert array_length(hover["x"]) == 11 * 11 and all(t.startswith("decoder: ") for t in hover["hovertext"])


def test_one_step_one_epoch_and_play_train_it(lesson):
    lesson.button(key="lesson-step").click().run()
    assert metric(lesson, "Step") == "1"
    lesson.button(key="lesson-epoch").click().run()
    assert metric(lesson, "Step") == "13"  # 400 sentences in batches of 32: to the end of the first epoch
    lesson.button(key="lesson-play").click().run()
    assert lesson.session_state["lesson"].playing  # it trains in the background while the page draws it
    assert lesson.button(key="lesson-play").label == "Pause"
    lesson.button(key="lesson-play").click().run()
    assert not lesson.session_state["lesson"].playing
    assert any(r"\text{loss}" in e.value for e in lesson.latex)


def test_the_guided_path_sets_the_knobs_a_collapse_needs(lesson):
    for _ in range(3):
        lesson.button(key="lesson-next").click().run()
    assert any("raise β to 4" in m.value for m in lesson.markdown)
    assert by_label(lesson.slider, "β, the KL's weight").value == 4.0
    assert lesson.session_state["lesson"].playing
    lesson.button(key="lesson-back").click().run()
    assert not lesson.session_state["lesson"].playing
    assert any("Hover anywhere" in m.value for m in lesson.markdown)


def test_the_ellipses_a_typed_sentence_and_the_written_grid_are_drawn(lesson):
    by_label(lesson.toggle, "Ellipses (2σ)").set_value(True).run()
    by_label(lesson.toggle, "Decoded grid").set_value(True).run()
    by_label(lesson.text_input, "Place a sentence of your own").input("<b>the team</b> will play tennis").run()
    names = traces(lesson)
    assert "your sentence" in names and "decoded grid" in names and "q(z|x), 2σ" in names
    typed = next(t for t in plane(lesson)["data"] if t.get("name") == "your sentence")
    assert typed["hovertext"] == ["&lt;b&gt;the team&lt;/b&gt; will play tennis"]  # never rendered as HTML


def test_presenter_mode_enlarges_the_plane_and_a_restart_starts_again(lesson):
    lesson.button(key="lesson-epoch").click().run()
    by_label(lesson.toggle, "Presenter mode").set_value(True).run()
    assert plane(lesson)["layout"]["height"] == 760 and plane(lesson)["layout"]["font"]["size"] == 18
    by_label(lesson.number_input, "Seed").set_value(3).run()
    lesson.button(key="lesson-restart").click().run()
    assert metric(lesson, "Step") == "0" and not lesson.exception
