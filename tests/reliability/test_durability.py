"""Nothing lost: a save or a training run killed hard (SIGKILL) never leaves a broken bundle behind, and the
previous bundle under that name stays loadable."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from vae_core import load_bundle, save_bundle

ROOT = Path(__file__).resolve().parents[2]
SAVER = """
import sys
from vae_core import load_bundle, save_bundle
tm = load_bundle(sys.argv[1])
generation = 0
while True:
    generation += 1
    tm.info["generation"] = generation
    save_bundle(tm, sys.argv[2], overwrite=True)
    print(generation, flush=True)
"""


def start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )


def test_saves_killed_mid_write_leave_a_loadable_bundle(trained, tmp_path):
    source = save_bundle(trained, tmp_path / "source")
    target = tmp_path / "models" / "mine"
    rng = random.Random(0)
    for _ in range(5):
        proc = start(["-c", SAVER, str(source), str(target)])
        proc.stdout.readline()  # at least one save has completed
        time.sleep(rng.uniform(0.0, 0.3))  # then die somewhere in the middle of a later one
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        tm = load_bundle(target)
        assert tm.info["generation"] >= 1
    visible = [p.name for p in target.parent.iterdir() if not p.name.startswith(".")]
    assert visible == ["mine"]


def test_training_killed_at_random_moments_keeps_the_previous_bundle_and_the_users_files(trained, topic_file, tmp_path):
    target = save_bundle(trained, tmp_path / "mine")
    before = load_bundle(target).created_at
    notes = tmp_path / "notes.txt"
    notes.write_text("the user's own file, beside the bundle\n")
    data = topic_file.read_bytes()
    rng = random.Random(0)
    for _ in range(3):  # at start-up, reading the corpus or mid-training (a save killed: the test above)
        proc = start(["-m", "vae_core", "train", "--from", "scratch", "--encoder", "rnn", str(topic_file), "--out",
                      str(target), "--overwrite", "--epochs", "200", "--patience", "0", "--device", "cpu"])  # fmt: skip
        time.sleep(rng.uniform(0.5, 5.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert load_bundle(target).created_at == before
        assert notes.read_text() == "the user's own file, beside the bundle\n" and topic_file.read_bytes() == data
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert visible == ["mine", "notes.txt"]
