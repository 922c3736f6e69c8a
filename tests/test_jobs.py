"""Background training jobs: progress is visible while running, stop works, errors are reported."""

import pytest

from vae_core import CorpusOptions, LatentLabError, ModelConfig, TrainConfig, load_corpus
from vae_core.jobs import JobRegistry, TrainingJob

from .conftest import TINY


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
    j.model_config = ModelConfig(latent_dim=0)
    j.start().wait(60)
    snap = j.snapshot()
    assert snap.status == "failed" and "latent_dim" in snap.error


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
