"""Background training jobs: progress is visible while running, stop works, errors are reported."""

import time

import pytest
import torch

from vae_core import CorpusOptions, LatentLabError, TrainConfig, load_corpus
from vae_core.train.jobs import JobRegistry, TradeoffJob, TrainingJob
from vae_core.train.seats import Seat

from ..conftest import TINY
from .test_seats import quiet


def job(topic_file, **train) -> TrainingJob:
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    return TrainingJob(
        corpus, TINY, TrainConfig(**{"epochs": 2, "batch_size": 32, "device": "cpu", **train}), iw_samples=2
    )


def test_a_job_runs_in_the_background_and_reports(topic_file):
    registry = JobRegistry()
    j = registry.start("alice", job(topic_file))
    with pytest.raises(LatentLabError, match="already going"):
        registry.start("alice", job(topic_file))
    j.wait(120)
    snap = j.snapshot()
    assert snap.status == "done" and snap.result is not None and snap.steps and len(snap.epochs) == 2
    assert registry.get("bob") is None  # one user's job is not another's


def test_a_failing_job_reports_a_readable_error(topic_file):
    j = job(topic_file)
    j.corpus = load_corpus(b"a lone sentence", name="one.txt")  # the worker's fit refuses it
    j.start().wait(60)
    snap = j.snapshot()
    assert snap.status == "failed" and "at least 2 sentences" in snap.error


def test_stop_leaves_a_result(topic_file):
    j = job(topic_file, epochs=100)
    j.start()
    j.stop()
    j.wait(120)
    snap = j.snapshot()
    assert snap.status == "done" and snap.result.metrics["stop_reason"] == "stopped by user"


def test_concurrent_trainings_are_bounded(topic_file):
    registry = JobRegistry(max_running=1)
    first = registry.start("alice", job(topic_file, epochs=100))
    with pytest.raises(LatentLabError, match="limit is 1"):
        registry.start("bob", job(topic_file))
    first.stop()
    first.wait(120)
    registry.start("bob", job(topic_file)).wait(120)  # a free slot again


def test_finished_jobs_are_forgotten_after_a_while(topic_file):
    registry = JobRegistry(keep_finished_s=0.0)
    registry.start("alice", job(topic_file)).wait(120)
    assert registry.get("alice") is None  # its model no longer held in memory


class ThreadProbe(TrainingJob):
    """A job that records how many intra-op threads its worker runs torch with."""

    seen_threads = 0

    def _on_progress(self, p):
        super()._on_progress(p)
        self.seen_threads = torch.get_num_threads()


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_running_jobs_share_the_cores(topic_file, tmp_path):
    """Two trainings at once take half the cores each (two processes taking all of them ran 8x slower each); the
    main thread's own setting is untouched."""
    before = torch.get_num_threads()
    registry = JobRegistry(
        cores=2, seats=tmp_path, other_load=quiet
    )  # a job's last act sets new threads' default to this: keep it 2
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    config = TrainConfig(epochs=100, batch_size=32, device="cpu")
    alice = registry.start("alice", ThreadProbe(corpus, TINY, config, iw_samples=2))
    assert wait_for(lambda: alice.seen_threads == 2)
    bob = registry.start("bob", ThreadProbe(corpus, TINY, config, iw_samples=2))
    assert wait_for(lambda: alice.seen_threads == 1 and bob.seen_threads == 1)
    for j in (alice, bob):
        j.stop()
        j.wait(120)
    assert torch.get_num_threads() == before


def test_an_app_job_shares_the_cores_with_a_command_line_training(topic_file, tmp_path):
    """A CLI training's seat (here one held by this process, as `python -m vae_core train` holds one) halves the
    app job's threads; when it ends the job takes the cores back."""
    before = torch.get_num_threads()
    registry = JobRegistry(cores=2, seats=tmp_path, other_load=quiet)
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    config = TrainConfig(epochs=100, batch_size=32, device="cpu")
    with Seat(tmp_path, cores=2, every_s=0, load=quiet()):
        app_job = registry.start("alice", ThreadProbe(corpus, TINY, config, iw_samples=2))
        assert wait_for(lambda: app_job.seen_threads == 1)
    assert wait_for(lambda: app_job.seen_threads == 2)
    app_job.stop()
    app_job.wait(120)
    torch.set_num_threads(before)  # the job's last act set new threads' default to the registry's cores
    assert list(tmp_path.iterdir()) == []


def test_the_rate_distortion_trainings_run_in_the_background_beside_a_training(topic_file):
    corpus = load_corpus(topic_file, CorpusOptions(label_column="label"))
    config = TrainConfig(epochs=2, pretrain_epochs=0, batch_size=32, patience=0, replay_size=0, device="cpu")
    registry = JobRegistry()
    training = registry.start("alice", job(topic_file))
    curve = registry.start("alice:tradeoff", TradeoffJob(corpus, (0.1, 1.0), TINY, config))
    curve.wait(120)
    training.wait(120)
    status, points, error = curve.snapshot()
    assert status == "done" and error is None and [p.gamma for p in points] == [0.1, 1.0]
    assert training.snapshot().status == "done"
    lone = TradeoffJob(load_corpus(b"a lone sentence", name="one.txt"), (1.0,), TINY, config).start()
    lone.wait(60)
    assert lone.snapshot()[0] == "failed" and "at least 2 sentences" in lone.snapshot()[2]
