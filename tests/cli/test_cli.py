"""The command line: the five commands on a small corpus, and one-line errors with exit status 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vae_core import load_bundle, save_bundle
from vae_core.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle_dir(trained, tmp_path_factory):
    return str(save_bundle(trained, tmp_path_factory.mktemp("models") / "tiny"))


def test_train_writes_a_bundle_and_prints_metrics(topic_file, tmp_path, capsys):
    out = tmp_path / "m"
    code = main(
        [
            "train",
            "--from",
            "scratch",
            str(topic_file),
            "--label-column",
            "label",
            "--out",
            str(out),
            "--epochs",
            "2",
            "--latent-dim",
            "4",
            "--embed-dim",
            "16",
            "--hidden-dim",
            "32",
            "--iw-samples",
            "3",
            "--min-frequency",
            "1",
            "--device",
            "cpu",
        ]
    )
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["latent_dim"] == 4 and metrics["n_sentences"] > 0
    tm = load_bundle(out)
    assert tm.model.config.latent_dim == 4 and tm.train_config.epochs == 2


def test_encode_to_parquet_and_csv(bundle_dir, topic_file, tmp_path):
    for suffix in (".parquet", ".csv"):
        out = tmp_path / f"z{suffix}"
        assert main(["encode", bundle_dir, str(topic_file), "--label-column", "label", "--out", str(out)]) == 0
        frame = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
        assert list(frame.columns) == ["text", "label"] + [f"z_{i}" for i in range(8)]
        assert len(frame) == 192


def test_evaluate_prints_one_json_object(bundle_dir, topic_file, capsys):
    assert main(["evaluate", bundle_dir, str(topic_file), "--iw-samples", "5"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("elbo", "rec", "kl", "nll_iw", "ppl", "mi", "active_units", "latent_dim", "n_sentences"):
        assert key in result


@pytest.mark.parametrize(
    "extra", [[], ["--temperature", "0.7", "--top-p", "0.9"], ["--beam", "3"], ["--known-words-only"]]
)
def test_sample(bundle_dir, capsys, extra):
    assert main(["sample", bundle_dir, "-n", "4", "--seed", "1", *extra]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 4


def test_interpolate(bundle_dir, capsys):
    assert (
        main(
            [
                "interpolate",
                bundle_dir,
                "the cat sleeps .",
                "the pilot flies to the coast .",
                "--steps",
                "4",
                "--method",
                "linear",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["0.00", "0.33", "0.67", "1.00"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["sample", "/no/such/model"], "no model folder"),
        (["train", "/no/such/file.txt", "--out", "x"], "no such file"),
        (["interpolate", "{bundle}", "", "the cat ."], "empty"),
        (["train", "{empty}", "--out", "x"], "empty"),
        (["train", "{one}", "--out", "x"], "at least 2 sentences"),
        (["train", "{data}", "--out", "x", "--from", "scratch", "--latent-dim", "0"], "latent_dim"),
        (["train", "{data}", "--out", "x", "--latent-dim", "8"], "--from scratch"),
        (["train", "{data}", "--out", "x", "--epochs", "0"], "epochs"),
        (["encode", "{bundle}", "{data}", "--out", "z.xlsx"], ".parquet or .csv"),
        (["sample", "{bundle}", "-n", "3", "--top-p", "0"], "top_p"),
        (["sample", "{bundle}", "-n", "many"], "not a whole number"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(args, message, bundle_dir, topic_file, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    one = tmp_path / "one.txt"
    one.write_text("just one sentence\n")
    args = [a.format(bundle=bundle_dir, data=topic_file, empty=empty, one=one) for a in args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "vae_core", *args], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert message in proc.stderr


def test_project_maps_an_encoded_file(bundle_dir, topic_file, tmp_path):
    latents = tmp_path / "z.parquet"
    assert main(["encode", bundle_dir, str(topic_file), "--label-column", "label", "--out", str(latents)]) == 0
    out = tmp_path / "map.csv"
    assert main(["project", str(latents), "--out", str(out), "--method", "pca", "--dims", "3"]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["text", "label", "x", "y", "z"] and len(frame) == 192


def test_project_refuses_a_file_without_latents(tmp_path, capsys):
    plain = tmp_path / "plain.csv"
    plain.write_text("text\nhello\n")
    assert main(["project", str(plain), "--out", str(tmp_path / "m.csv")]) == 2
    assert "no z_ columns" in capsys.readouterr().err


def test_train_a_corpus_that_ends_on_a_batch_of_one(tmp_path, capsys):
    """143 lines: 129 training sentences at batch size 64 (the corpus that crashed BN-VAE's BatchNorm)."""
    data = tmp_path / "lines.txt"
    data.write_text("".join(f"line number {i} says hello .\n" for i in range(143)))
    args = [
        "train",
        str(data),
        "--out",
        str(tmp_path / "m"),
        "--from",
        "scratch",
        "--epochs",
        "1",
        "--pretrain-epochs",
        "0",
    ]
    code = main([*args, "--embed-dim", "8", "--hidden-dim", "8", "--latent-dim", "2", "--quiet", "--device", "cpu"])
    assert code == 0, capsys.readouterr().err
