"""The live lesson's model: a 2-D sentence VAE trained step by step, knobs that act on the next step, and a decoder
that answers for any spot of the plane."""

import time

import numpy as np
import pytest

from vae_core.errors import ConfigError
from vae_core.train import lesson as lesson_module
from vae_core.train.lesson import Knobs, Lesson, LessonSetup, grid

from ..conftest import make_sentences

SMALL = LessonSetup(sentences=60, hidden_dim=32, embed_dim=16, batch_size=16, lr=5e-3, seed=0)


@pytest.fixture(scope="module")
def texts():
    return make_sentences(80)


def test_settings_are_checked_where_they_are_built():
    with pytest.raises(ConfigError, match="hidden_dim"):
        LessonSetup(hidden_dim=0)
    with pytest.raises(ConfigError, match="schedule"):
        Knobs(schedule="sometimes")
    with pytest.raises(ConfigError, match="β"):
        Knobs(beta=-1)
    with pytest.raises(ConfigError, match="word dropout"):
        Knobs(word_dropout=1.5)


def test_the_schedules_shape_beta_over_the_steps():
    assert Knobs(beta=2).beta_at(999) == 2
    warm = Knobs(beta=2, schedule="warm-up", period=100)
    assert warm.beta_at(0) == 0 and warm.beta_at(50) == pytest.approx(1.0) and warm.beta_at(500) == 2
    cycle = Knobs(beta=2, schedule="cyclical", period=100)
    assert cycle.beta_at(25) == pytest.approx(1.0) and cycle.beta_at(75) == 2
    assert cycle.beta_at(125) == cycle.beta_at(25)  # it starts again every period


def test_a_lesson_trains_step_by_step_and_says_where_every_sentence_is(texts):
    sentences, labels = texts
    lesson = Lesson(sentences, {"topic": labels}, SMALL)
    assert len(lesson.texts) == 60 and len(lesson.labels["topic"]) == 60
    assert set(lesson.texts) <= set(sentences)
    lesson.step(3)
    assert lesson.steps == 3 and [row["step"] for row in lesson.history] == [1, 2, 3]
    lesson.epoch()  # to the end of the epoch it is in
    assert lesson.steps == lesson.steps_per_epoch == 4
    snapshot = lesson.snapshot()
    assert snapshot.mu.shape == snapshot.logvar.shape == (60, 2) and snapshot.step == 4
    assert snapshot.ellipse_axes().shape == (60, 2) and (snapshot.ellipse_axes() > 0).all()
    said = lesson.decode_at(grid(-2, 2, 3))
    assert len(said) == 9 and all(isinstance(s, str) for s in said)
    mu, logvar = lesson.place("a sentence the lesson never saw , with new words")
    assert mu.shape == logvar.shape == (2,) and lesson.kl_of(mu, logvar) >= 0


def test_the_curves_average_the_last_steps():
    lesson = Lesson(make_sentences(40)[0], setup=SMALL)
    lesson.history = [{"step": i + 1, "rec": float(i), "kl": 1.0, "beta": 1.0} for i in range(5)]
    curves = lesson.curves(window=2)
    assert curves["rec"].tolist() == [0.0, 0.5, 1.5, 2.5, 3.5] and curves["kl"].tolist() == [1.0] * 5


def test_the_same_seed_trains_the_same_way(texts):
    one, two = (Lesson(texts[0], setup=SMALL) for _ in range(2))
    one.step(5), two.step(5)
    assert np.array_equal(one.snapshot().mu, two.snapshot().mu)


def test_a_large_beta_collapses_the_posterior_and_free_bits_undo_it(texts):
    """What the lesson shows a class: β = 6 pulls every posterior onto the prior (KL near 0, no active unit);
    free bits give each dimension nats for nothing, and the sentences spread out again."""
    lesson = Lesson(texts[0], setup=SMALL, knobs=Knobs(beta=0.2))
    lesson.step(120)
    spread = lesson.curves()["kl"][-1]
    lesson.knobs = Knobs(beta=6.0)
    lesson.step(120)
    collapsed = lesson.curves()["kl"][-1]
    assert collapsed < 0.1 < spread and lesson.snapshot().active_units == 0
    lesson.knobs = Knobs(beta=6.0, free_bits=1.0)
    lesson.step(200)
    assert lesson.curves()["kl"][-1] > 0.5 and lesson.snapshot().active_units == 2


def test_every_corpus_size_works():
    lesson = Lesson(["only one sentence here"], setup=SMALL)
    lesson.step(2)
    assert lesson.snapshot().mu.shape == (1, 2) and lesson.labels == {}
    with pytest.raises(ConfigError, match="at least one sentence"):
        Lesson(["  ", ""], setup=SMALL)


def test_play_trains_in_the_background_until_paused(texts):
    lesson = Lesson(texts[0], setup=SMALL)
    lesson.play()
    deadline = time.monotonic() + 60
    while lesson.steps < 5 and time.monotonic() < deadline:
        lesson.snapshot()  # the page looks while it plays
        time.sleep(0.01)
    lesson.pause()
    assert not lesson.playing and lesson.steps >= 5
    done = lesson.steps
    lesson.step()  # paused, it moves only when told
    assert lesson.steps == done + 1 == len(lesson.curves()["rec"])


def test_a_lesson_no_one_watches_stops_playing(texts, monkeypatch):
    monkeypatch.setattr(lesson_module, "UNWATCHED_S", 0.0)
    lesson = Lesson(texts[0], setup=SMALL)
    lesson.play()
    lesson._thread.join(60)
    assert not lesson.playing
