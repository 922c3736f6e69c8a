"""Fuzzing what Latent Lab reads: any bytes, JSON value or truncation in a bundle's files or a latents table, and
any value of any command-line option, either works or is refused in one line (the library's own error; the CLI's
exit status 2) — never a traceback — and nothing on disk changes."""

from __future__ import annotations

import argparse
import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vae_core import LatentLabError, load_bundle, save_bundle
from vae_core.cli import build_parser, main

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def bundle(trained, tmp_path_factory):
    return save_bundle(trained, tmp_path_factory.mktemp("fuzz") / "model")


def damaged(kind: str, original: bytes, data) -> bytes:
    """`original` broken one way: random bytes, a random JSON value, or cut short."""
    if kind == "bytes":
        return data.draw(st.binary(max_size=300))
    if kind == "json":
        return json.dumps(data.draw(JSON)).encode()
    return original[: data.draw(st.integers(0, max(len(original) - 1, 0)))]


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message.strip() and "Traceback" not in message


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(["bytes", "json", "truncated"]))
def test_any_damage_to_a_bundle_file_loads_or_names_the_problem(bundle, tmp_path, data, kind):
    target = tmp_path / "copy"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(bundle, target)
    name = data.draw(st.sampled_from(sorted(p.name for p in bundle.iterdir())))
    (target / name).write_bytes(damaged(kind, (bundle / name).read_bytes(), data))
    try:
        load_bundle(target, device="cpu")
    except LatentLabError as e:
        assert one_line(str(e)), str(e)


def write(frame: pd.DataFrame, path) -> None:
    frame.to_csv(path, index=False) if path.suffix == ".csv" else frame.to_parquet(path)


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(["bytes", "truncated", "values"]), suffix=st.sampled_from([".csv",
       ".parquet"]))  # fmt: skip
def test_any_latents_table_projects_or_is_refused_in_one_line(tmp_path, capsys, data, kind, suffix):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(20, 4)).astype("float32"), columns=[f"z_{i}" for i in range(4)])
    frame.insert(0, "text", [f"sentence {i}" for i in range(20)])
    path = tmp_path / f"z{suffix}"
    if kind == "values":  # a column of anything: NaN, inf, huge, text
        cell = st.one_of(st.floats(), st.text(max_size=5), st.integers(-(2**70), 2**70))
        column = pd.Series(data.draw(st.lists(cell, min_size=20, max_size=20)))
        frame["z_0"] = column.astype(str) if column.dtype == object else column
    write(frame, path)
    if kind != "values":
        path.write_bytes(damaged(kind, path.read_bytes(), data))
    out = tmp_path / "map.csv"
    out.unlink(missing_ok=True)
    code = main(["project", str(path), "--out", str(out), "--method", "pca", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code in (0, 2) and (code == 0 or one_line(err)), err
    if code == 2:
        assert not out.exists()


def _options() -> list[tuple[str, str]]:
    """Every (command, option) of the CLI that takes a value."""
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    return [
        (name, action.option_strings[-1])
        for name, command in commands.items()
        for action in command._actions
        if action.option_strings and action.nargs != 0 and action.option_strings[-1] not in ("--out", "--help")
    ]


OPTIONS = _options()
ODD_VALUES = ["", " ", "0", "-1", "-0", "nan", "inf", "-inf", "1e309", "9" * 30, "0.5", "abc", "١٢", "--", "None"]


@pytest.fixture(scope="module")
def cli_files(bundle, topic_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    latents = folder / "z.csv"
    assert main(["encode", str(bundle), str(topic_file), "--out", str(latents)]) == 0
    return {"model": str(bundle), "data": str(topic_file), "latents": str(latents), "missing": str(folder / "no.txt")}


def _command(name: str, files: dict, out: str) -> list[str]:
    """A command's positional arguments; `train` reads a file that is not there, so it stops right after its
    options and configs are checked (a real training is not what is fuzzed here)."""
    return {
        "train": ["train", files["missing"], "--out", out],
        "encode": ["encode", files["model"], files["data"], "--out", out],
        "evaluate": ["evaluate", files["model"], files["data"]],
        "reconstruct": ["reconstruct", files["model"], files["data"], "--out", out],
        "sample": ["sample", files["model"], "-n", "2"],
        "project": ["project", files["latents"], "--out", out],
        "interpolate": ["interpolate", files["model"], "the cat sat .", "a dog ran ."],
    }[name]


def _run(name: str, flag: str, value: str, files: dict, out) -> int:
    out.unlink(missing_ok=True)
    command = _command(name, files, str(out))
    if name == "project" and flag != "--method":
        command += ["--method", "pca"]  # UMAP's first call compiles for seconds: PCA is what is fuzzed
    try:
        code = main([*command, flag, value])
    except SystemExit as e:  # argparse's refusal of a value it cannot parse
        code = e.code
    return code


def _check(name: str, flag: str, value: str, code: int, err: str, out) -> None:
    assert code in (0, 2), (name, flag, value, err)
    if code == 2:
        assert err and "Traceback" not in err and one_line(err.splitlines()[-1]), err
        assert not out.exists()
    else:
        number = _number(value)
        assert number is None or math.isfinite(number), f"{name} {flag} {value!r} was accepted"


@pytest.mark.parametrize("name", sorted({name for name, _ in OPTIONS}))
def test_every_option_takes_odd_values_or_refuses_them_in_one_line(name, cli_files, tmp_path, capsys):
    out = tmp_path / "out.csv"
    for flag in [f for n, f in OPTIONS if n == name]:
        for value in ODD_VALUES:
            code = _run(name, flag, value, cli_files, out)
            _check(name, flag, value, code, capsys.readouterr().err.strip(), out)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(option=st.sampled_from(OPTIONS), value=st.text(max_size=8))
def test_any_option_text_runs_or_is_refused_in_one_line(cli_files, tmp_path, capsys, option, value):
    name, flag = option
    out = tmp_path / "out.csv"
    code = _run(name, flag, value, cli_files, out)
    _check(name, flag, value, code, capsys.readouterr().err.strip(), out)


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None
