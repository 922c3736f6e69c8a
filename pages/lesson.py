"""Lesson: a sentence VAE with a 2-D latent, trained live in the page. The class watches the latent space form,
turns the knobs (β, free bits, word dropout) while it trains, and reads what the decoder writes at any spot."""

import numpy as np
import streamlit as st

import vae_core  # its torch-backed modules load on first use
from ui import lesson_tour, lesson_view, state, warm_up
from ui.layers import clicked_spot
from ui.live_plane import live_chart
from vae_core.errors import LatentLabError

SPEEDS = {"slow motion": 2.0, "normal": 25.0, "fast": None}  # training steps a second (None: as fast as it goes)
UPDATE_S = 0.15  # while it plays, the plane is drawn anew this often
# Streamlit fades what a run has not yet redrawn; redrawn five times a second, the lesson would stay faded
NOT_FADED = ".st-key-lesson-live [data-stale='true'] { opacity: 1 !important; transition: none !important; }"

st.title("Lesson: watch a VAE learn")
st.caption(
    "A small sentence VAE whose latent space is a plane, trained here step by step: what you see is z itself, "
    "not a projection of it."
)


def corpus_choices() -> dict[str, object]:
    """The corpora a lesson can run on: the demo corpus and the current dataset."""
    choices = {}
    if (demo := state.demo_corpus()) is not None:
        choices["the demo corpus"] = demo
    current = state.current_corpus()
    if current is not None and not current.demo:
        choices[f"your dataset: {current.name}"] = current.value
    return choices


def restart() -> None:
    """A new lesson from the setup's widgets: the same seed trains the same way."""
    corpus = corpus_choices().get(st.session_state.get("lesson-corpus", "the demo corpus"))
    if corpus is None:
        st.session_state.pop("lesson", None)
        return
    if (old := st.session_state.get("lesson")) is not None:
        old.pause()
    setup = vae_core.train.lesson.LessonSetup(
        sentences=st.session_state.get("lesson-sentences", 400),
        hidden_dim=st.session_state.get("lesson-width", 96),
        seed=st.session_state.get("lesson-seed", 0),
    )
    st.session_state.lesson = vae_core.train.lesson.Lesson(corpus.texts, corpus.label_sets, setup)
    st.session_state.pop("lesson-spot", None)
    st.session_state.pop("lesson-follow", None)


def knobs() -> dict:
    """The knobs' values, kept outside their widgets: a tick of the playing fragment carries the widgets' values as
    the browser last saw them, and would undo a guided step's setting (see `knob_key`)."""
    return st.session_state.setdefault("lesson-knobs", dict(lesson_tour.KNOBS))


def knob_key(name: str) -> str:
    """A knob widget's key: renewed by each guided step, so that a widget value sent before the step is not
    taken for one of the widgets the step drew."""
    return f"lesson-{name}-{st.session_state.get('lesson-knobs-drawn', 0)}"


def go_to(stop: int) -> None:
    """Show stop `stop` of the guided path and set the lesson's state to it."""
    stop = min(max(stop, 0), len(lesson_tour.TOUR) - 1)
    st.session_state["lesson-stop"] = stop
    sets = dict(lesson_tour.TOUR[stop].sets)
    if sets.pop("lesson-restart", False):
        restart()
    knobs().update({name: sets.pop(name) for name in lesson_tour.KNOBS if name in sets})
    st.session_state["lesson-knobs-drawn"] = st.session_state.get("lesson-knobs-drawn", 0) + 1
    st.session_state.update(sets)


def picked() -> None:
    """A click on the plane: a dot is followed in the formula, any other spot is pinned and decoded."""
    event = st.session_state.get("lesson-map")
    if (spot := clicked_spot(event)) is not None:
        st.session_state["lesson-spot"] = spot
        return
    points = (event or {}).get("selection", {}).get("points", [])
    if len(points) == 1 and "customdata" in points[0]:
        st.session_state["lesson-follow"] = int(np.ravel(points[0]["customdata"])[0])


if "lesson" not in st.session_state:
    try:
        restart()
    except LatentLabError as error:
        st.error(str(error))
if "lesson" not in st.session_state:
    st.info("No corpus for a lesson: load a dataset on the Data page.")
    st.stop()

stop = st.session_state.get("lesson-stop", 0)
with st.container(border=True):
    words, back, forward = st.columns([10, 1, 1], vertical_alignment="center")
    words.markdown(f"**Step {stop + 1} of {len(lesson_tour.TOUR)}.** {lesson_tour.TOUR[stop].text}")
    back.button("Back", on_click=go_to, args=(stop - 1,), disabled=stop == 0, key="lesson-back")
    forward.button(
        "Next", on_click=go_to, args=(stop + 1,), disabled=stop == len(lesson_tour.TOUR) - 1, key="lesson-next"
    )
controls = st.columns([1, 2, 2, 2])
playing = st.session_state.setdefault("lesson-playing", False)  # not a widget's: a tick of the playing fragment
# carries its widgets' values as the browser last saw them, and would undo a Pause or a guided step's setting
controls[0].button(
    "Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
    on_click=lambda: st.session_state.update({"lesson-playing": not playing}), key="lesson-play", type="primary",
)  # fmt: skip
speed = controls[1].segmented_control("Speed", list(SPEEDS), default="normal", key="lesson-speed") or "normal"
present = controls[2].toggle("Presenter mode", key="lesson-present", help="A larger plane and text, for a room.")
if playing:
    st.session_state.lesson.play(SPEEDS[speed])  # trains in the background; the fragment below only draws it
else:
    st.session_state.lesson.pause()


@st.fragment(run_every=UPDATE_S if playing else None)
def live() -> None:
    """The part of the page that moves: the knobs, the steps they act on, the plane, the formula and the curves."""
    lesson, kept = st.session_state.lesson, knobs()
    plane, side = st.container(key="lesson-live").columns([3, 2])
    with side:
        kept["beta"] = st.slider("β, the KL's weight", 0.0, 6.0, kept["beta"], 0.1, key=knob_key("beta"))
        kept["schedule"] = st.segmented_control(
            "β over time", vae_core.train.lesson.SCHEDULES, default=kept["schedule"], key=knob_key("schedule"),
            help="warm-up: from 0 up to β over 200 steps; cyclical: rising over 100 steps, held for 100, again.",
        ) or "constant"  # fmt: skip
        kept["dropout"] = st.slider("Word dropout", 0.0, 1.0, kept["dropout"], 0.05, key=knob_key("dropout"))
        kept["free-bits"] = st.slider(
            "Free bits (nats a dimension)", 0.0, 3.0, kept["free-bits"], 0.1, key=knob_key("free-bits")
        )
        lesson.knobs = vae_core.train.lesson.Knobs(
            kept["beta"], kept["schedule"], 200, kept["dropout"], kept["free-bits"]
        )
        buttons = st.columns(2)
        if buttons[0].button("One step", key="lesson-step", use_container_width=True):
            lesson.step(1)
        if buttons[1].button("One epoch", key="lesson-epoch", use_container_width=True):
            lesson.epoch()
        kept["ellipses"] = ellipses = buttons[0].toggle(
            "Ellipses (2σ)", kept["ellipses"], key=knob_key("ellipses"), help="each sentence's q(z|x)"
        )
        kept["written"] = written = buttons[1].toggle(
            "Decoded grid", kept["written"], key=knob_key("written"), help="the decoder's sentences on a grid"
        )

    snapshot = lesson.snapshot()
    reach = lesson_view.half_width(snapshot)
    hover_spots = lesson_view.hover_spots(reach)
    grid_spots = vae_core.train.lesson.grid(-2.4, 2.4, lesson_view.WRITTEN_GRID)
    hover_says = lesson_view.hover_sentences(lesson, hover_spots, playing)
    spot = st.session_state.get("lesson-spot")
    asked = ([grid_spots] if written else []) + ([np.asarray([spot])] if spot else [])
    sentences = lesson.decode_at(np.concatenate(asked)) if asked else []  # one decoder pass for both
    grid_says = sentences[: len(grid_spots)]
    follow = st.session_state.get("lesson-follow")
    follow = follow if follow is not None and follow < len(lesson.texts) else None
    typed = st.session_state.get("lesson-typed", "").strip()
    frame = lesson_view.plane_frame(reach, 760 if present else 600, present)
    fig = lesson_view.plane_figure(
        frame, snapshot, lesson.texts, lesson.labels.get(st.session_state.get("lesson-colour")), hover_says,
        ellipses=ellipses,
        written=(grid_spots, grid_says) if written else None,
        followed=follow,
        spot=(np.asarray(spot), sentences[-1]) if spot else None,
        typed=(*lesson.place(typed), typed) if typed else None,
        present=present,
    )  # fmt: skip
    with plane:
        live_chart(frame, fig, "lesson-map", on_select=picked, selection_mode="points", config={"displaylogo": False})
        typed_at, colour_at = st.columns(2)
        typed_at.text_input("Place a sentence of your own", key="lesson-typed", max_chars=300)
        colour_at.selectbox("Colour by", list(lesson.labels) or ["(no labels)"], key="lesson-colour")
    with side:
        numbers = st.columns(3)
        numbers[0].metric("Step", f"{lesson.steps:,}", help=f"epoch {lesson.epochs:.1f}")
        numbers[1].metric("Active units", f"{snapshot.active_units} of 2", help="dimensions of z the means vary in")
        numbers[2].metric("β now", f"{lesson.knobs.beta_at(lesson.steps):.2f}")
        if lesson.history:
            curves = lesson.curves()
            st.latex(lesson_view.elbo_latex(curves["rec"][-1], curves["kl"][-1], lesson.history[-1]["beta"]))
            st.caption("Each term: the mean of the last 20 steps' batches, nats per sentence.")
        if follow is not None:
            mu, logvar = snapshot.mu[follow], snapshot.logvar[follow]
            st.markdown(":blue[**Reconstruction**]: the followed sentence, and what the decoder writes from its mean")
            st.text(f"{lesson.texts[follow]}\n→ {lesson.decode_at(mu[None])[0]}")
            st.markdown(f":orange[**KL**] of its ellipse from the prior: {lesson.kl_of(mu, logvar):.2f} nats")
        else:
            st.caption("Click a dot to follow its sentence here; click anywhere else to pin a spot.")
        if spot:
            st.markdown(f"**At ({spot[0]:.2f}, {spot[1]:.2f})** the decoder writes:")
            st.text(sentences[-1])
        if lesson.history:
            frame = lesson_view.curves_frame()  # drawn once: each update only hands the page its new curves
            live_chart(frame, lesson_view.curves_figure(curves), "lesson-curves", config={"displaylogo": False})


st.html(f"<style>{NOT_FADED}</style>")
live()
warm_up.training_warm_up()  # the plane is on screen: get ready for the first Play
with st.expander("Corpus and model (restarts the lesson)"):
    choices = corpus_choices()
    st.selectbox("Corpus", list(choices), key="lesson-corpus")
    a, b, c = st.columns(3)
    a.number_input("Sentences", 1, 5000, 400, step=100, key="lesson-sentences")
    b.select_slider(
        "Decoder's strength (recurrent width)", [32, 64, 96, 128, 256], 96, key="lesson-width",
        help="A wider decoder can write more of a sentence from the words before it, and needs z less.",
    )  # fmt: skip
    c.number_input("Seed", 0, 10_000, 0, key="lesson-seed")
    st.button("Restart", on_click=restart, type="primary", key="lesson-restart")
