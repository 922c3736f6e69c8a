"""Training under torchrun: two CPU processes (gloo) train one model with DistributedDataParallel, rank 0
writes one valid bundle, the run is reproducible, and its quality is close to a single-process run's."""

import json
import subprocess
import sys

import pytest
import torch

from vae_core import load_bundle
from vae_core.cli import main

SETTINGS = ["--label-column", "label", "--epochs", "8", "--pretrain-epochs", "1", "--latent-dim", "8"]
SETTINGS += ["--hidden-dim", "64", "--embed-dim", "32", "--min-frequency", "1", "--iw-samples", "10"]
SETTINGS += ["--device", "cpu", "--seed", "3", "--quiet", "--patience", "0"]


def torchrun_train(data, out, batch_size: int, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    command += [
        "-m",
        "vae_core",
        "train",
        str(data),
        "--out",
        str(out),
        "--from",
        "scratch",
        "--batch-size",
        str(batch_size),
    ]
    result = subprocess.run(command + SETTINGS + list(extra), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def two_process_run(topic_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ddp")
    torchrun_train(topic_file, folder / "model", batch_size=16)  # 2 ranks x 16 = 32 sentences a step
    return folder


def test_two_processes_train_one_model_and_write_one_bundle(two_process_run):
    assert sorted(p.name for p in two_process_run.iterdir()) == ["model"]  # one bundle, no staging leftovers
    tm = load_bundle(two_process_run / "model", device="cpu")
    assert tm.metrics["processes"] == 2
    epochs = tm.history["epochs"]
    assert len(epochs) == 8
    assert epochs[-1]["val_rec"] < epochs[0]["val_rec"]  # the loss falls
    assert tm.metrics["active_units"] > 0


def test_the_same_seed_gives_the_same_two_process_run(two_process_run, topic_file, tmp_path):
    torchrun_train(topic_file, tmp_path / "again", batch_size=16)
    first = load_bundle(two_process_run / "model", device="cpu").model.state_dict()
    second = load_bundle(tmp_path / "again", device="cpu").model.state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_two_processes_reach_the_quality_of_one(two_process_run, topic_file, tmp_path):
    torch.set_num_threads(1)  # as torchrun gives each rank
    try:
        args = ["train", str(topic_file), "--out", str(tmp_path / "single"), "--from", "scratch", "--batch-size", "32"]
        assert main(args + SETTINGS) == 0
    finally:
        torch.set_num_threads(2)
    single = json.loads((tmp_path / "single" / "metrics.json").read_text())
    double = json.loads((two_process_run / "model" / "metrics.json").read_text())
    assert single["n_sentences"] == double["n_sentences"]  # measured on the same validation sentences
    assert double["nll_iw"] == pytest.approx(single["nll_iw"], rel=0.10)


def test_two_processes_stream_a_corpus_in_chunks(topic_file, tmp_path):
    torchrun_train(topic_file, tmp_path / "streamed", 16, "--chunk-rows", "50")
    tm = load_bundle(tmp_path / "streamed", device="cpu")
    assert tm.info["streamed"] and tm.metrics["processes"] == 2
    assert tm.history["epochs"][-1]["val_rec"] < tm.history["epochs"][0]["val_rec"]
