"""The training replay: recorded without changing training, saved in the bundle (optional), drawn in one frame."""

import io
import zipfile
from dataclasses import replace

import numpy as np
import pytest
import torch

from tests.conftest import TINY
from ui.replay_view import replay_figure
from vae_core import BundleError, TextTokenizer, TokenizerConfig, TrainConfig, load_bundle, save_bundle, train_vae
from vae_core.model.vae import SentenceVAE
from vae_core.store.bundle import bundle_to_zip, files_from_zip
from vae_core.train.replay import Replay, ReplayRecorder

from ..conftest import make_sentences

CONFIG = TrainConfig(epochs=3, pretrain_epochs=1, batch_size=16, patience=0, device="cpu", replay_size=40)


def train(texts: list[str], config: TrainConfig):
    tokenizer = TextTokenizer.train(texts, TokenizerConfig(min_frequency=1))
    torch.manual_seed(0)
    model = SentenceVAE(TINY, tokenizer.vocab_size)
    return model, train_vae(model, tokenizer, texts, texts[:20], config)


def test_recording_a_replay_leaves_training_exactly_as_it_was():
    texts, _ = make_sentences(96)
    with_replay, result = train(texts, CONFIG)
    without, plain = train(texts, replace(CONFIG, replay_size=0))
    assert plain.replay is None and result.replay is not None
    for (name, a), (_, b) in zip(with_replay.state_dict().items(), without.state_dict().items()):
        assert torch.equal(a, b), name


def test_frames_at_the_start_in_the_first_epoch_and_at_every_epoch_end():
    texts, _ = make_sentences(96)
    _, result = train(texts, CONFIG)
    replay = result.replay
    steps_per_epoch = 6  # 96 sentences in batches of 16
    assert replay.steps == [0, 1, 2, 3, 6, 12, 18, 24]  # start; 1/8, 1/4, 1/2 of epoch 1; 4 epoch ends
    assert replay.epochs[-1] == 3 and replay.epochs[4] == 0  # pre-training ends at epoch 0
    assert len(replay.texts) == 40 and len(replay.means) == len(replay) == 8
    assert replay.means[0].shape == (40, TINY.latent_dim) and len(replay.decoded[-1]) == len(replay.followed)
    assert [replay.frame_name(f) for f in (0, 4, 7)] == ["start", "pre-training epoch 1", "epoch 3"]
    assert replay.steps[-1] == 4 * steps_per_epoch


@pytest.mark.parametrize("epochs", [3, 120])
def test_the_recorder_says_beforehand_how_many_frames_a_training_records(epochs):
    """The time estimate counts the replay's frames (each encodes the replay's sentences) before training."""
    texts, _ = make_sentences(96)
    config = replace(CONFIG, epochs=epochs, pretrain_epochs=1)
    tokenizer = TextTokenizer.train(texts, TokenizerConfig(min_frequency=1))
    recorder = ReplayRecorder(tokenizer, texts, config.replay_size, 6, config.epochs, config.pretrain_epochs)
    if epochs == 3:
        _, result = train(texts, config)
        assert recorder.frames(6 * 4) == len(result.replay.steps)
    else:
        assert recorder.frames(6 * 121) < 60  # a long run is recorded every few epochs


def test_a_long_run_is_recorded_every_few_epochs_and_at_its_last_step():
    texts, _ = make_sentences(32)
    _, result = train(texts, replace(CONFIG, epochs=120, pretrain_epochs=0, batch_size=32))
    assert result.replay.steps == [0, 1, *range(3, 121, 3)]  # one step an epoch; a frame every 3 epochs of 120


def test_the_shared_frame_is_the_pca_of_the_last_frame_and_the_followed_ellipse_is_exact():
    texts, _ = make_sentences(96)
    _, result = train(texts, CONFIG)
    replay = result.replay
    coords = replay.coordinates()
    assert coords.shape == (8, 40, 2)
    last = replay.means[-1].astype(np.float32)
    assert np.allclose(coords[-1].mean(0), 0, atol=1e-4)  # PCA centres the last frame
    spread = np.linalg.svd(last - last.mean(0), compute_uv=False)[:2] ** 2 / (len(last) - 1)
    assert np.allclose(coords[-1].var(0, ddof=1), spread, rtol=1e-3)
    centres, ellipses = replay.followed_on_map(0)
    assert np.allclose(centres, coords[:, replay.followed[0]], atol=1e-5)
    assert ellipses.shape == (8, 65, 2) and np.allclose(ellipses[:, 0], ellipses[:, -1])


def test_the_replay_is_saved_in_the_bundle_and_old_bundles_load_without_one(tmp_path, trained):
    texts, labels = make_sentences(96)
    model, result = train(texts, CONFIG)
    from vae_core import TrainedModel

    tm = TrainedModel(model, TextTokenizer.train(texts, TokenizerConfig(min_frequency=1)), CONFIG)
    tm.replay = result.replay
    save_bundle(tm, tmp_path / "with")
    back = load_bundle(tmp_path / "with", device="cpu").replay
    assert back.steps == result.replay.steps and back.decoded == result.replay.decoded
    assert np.allclose(back.means[-1], result.replay.means[-1], atol=1e-3)
    names = zipfile.ZipFile(io.BytesIO(bundle_to_zip(tmp_path / "with"))).namelist()
    assert {"replay.safetensors", "replay.json"} <= set(names)
    assert "replay.json" in files_from_zip(bundle_to_zip(tmp_path / "with"))

    trained_copy = replace(trained, replay=None)
    save_bundle(trained_copy, tmp_path / "without")
    assert load_bundle(tmp_path / "without", device="cpu").replay is None
    assert "replay.json" not in zipfile.ZipFile(io.BytesIO(bundle_to_zip(tmp_path / "without"))).namelist()

    (tmp_path / "with" / "replay.json").write_text('{"texts": ["one"], "followed": [5], "decoded": []}')
    with pytest.raises(BundleError, match="replay"):
        load_bundle(tmp_path / "with", device="cpu")


def test_fit_labels_the_replay_with_the_corpus_labels(trained):
    replay = trained.replay
    assert replay is not None and replay.labels is not None and len(replay.labels) == len(replay.texts)
    assert set(replay.labels) <= {"animals", "food", "travel"}


def test_the_replay_figure_has_a_frame_for_each_recording_and_plays():
    texts, _ = make_sentences(96)
    _, result = train(texts, CONFIG)
    fig = replay_figure(result.replay, follow=1)
    assert len(fig.frames) == 8 and fig.layout.sliders[0].active == 7
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ Play", "❚❚ Pause"]
    assert {t.name for t in fig.data} >= {"sentences", "followed sentence", "q(z|x), 2σ"}
    assert len(Replay.pick(result.replay, [7])) == 1
