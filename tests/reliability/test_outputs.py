"""Nothing Latent Lab did not write is ever replaced: every command that writes refuses a taken output path in one
line (exit 2) with nothing on disk changed; an existing Latent Lab output is replaced only with --overwrite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vae_core import save_bundle
from vae_core.cli import main
from vae_core.errors import BundleError, OutputExistsError
from vae_core.store.bundle import check_bundle_target, delete_bundle, import_zip, is_bundle

TRAIN_FAST = ["--from", "scratch", "--epochs", "1", "--pretrain-epochs", "0", "--latent-dim", "4", "--embed-dim", "8",
              "--hidden-dim", "16", "--encoder", "rnn", "--iw-samples", "2", "--min-frequency", "1", "--device", "cpu",
              "--quiet", "--replay-size", "0"]  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every path under `folder` with its bytes (a link: its target), to compare before and after."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "link -> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "dir"
    return found


@pytest.fixture()
def taken(tmp_path) -> dict[str, Path]:
    """Output paths that are taken by the user's own things: a file, a folder of files, a link, an empty folder."""
    (tmp_path / "notes.txt").write_text("my notes\n")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "thesis.tex").write_text("\\chapter{One}\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    (tmp_path / "table.parquet").write_bytes(b"PAR1 not really")
    return {p.name: p for p in tmp_path.iterdir()}


@pytest.fixture(scope="module")
def bundle(trained, tmp_path_factory) -> Path:
    return save_bundle(trained, tmp_path_factory.mktemp("models") / "tiny")


@pytest.mark.parametrize("name", ["notes.txt", "results", "empty", "link", "table.csv"])
def test_train_refuses_an_out_that_latent_lab_did_not_write(name, taken, topic_file, tmp_path, capsys):
    before = snapshot(tmp_path)
    code = main(["train", str(topic_file), "--out", str(taken[name]), "--overwrite", *TRAIN_FAST])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "nothing was changed" in err, err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["encode", "project", "reconstruct"])
@pytest.mark.parametrize("name", ["table.csv", "table.parquet", "results", "link"])
def test_table_writers_refuse_a_taken_out(command, name, taken, bundle, topic_file, tmp_path, capsys):
    latents = tmp_path / "elsewhere" / "z.csv"
    assert main(["encode", str(bundle), str(topic_file), "--out", str(latents)]) == 0
    out = taken[name] if name != "link" else tmp_path / "link.csv"
    if name == "link":
        out.symlink_to(tmp_path / "table.csv")
    before = snapshot(tmp_path)
    inputs = {"encode": [str(bundle), str(topic_file)], "project": [str(latents)],
              "reconstruct": [str(bundle), str(topic_file)]}[command]  # fmt: skip
    capsys.readouterr()
    code = main([command, *inputs, "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert snapshot(tmp_path) == before


def test_a_table_is_replaced_only_with_overwrite(bundle, topic_file, tmp_path, capsys):
    out = tmp_path / "z.csv"
    assert main(["encode", str(bundle), str(topic_file), "--out", str(out)]) == 0
    first = out.read_bytes()
    out.write_text("edited by hand\n")
    assert main(["encode", str(bundle), str(topic_file), "--out", str(out)]) == 2
    assert out.read_text() == "edited by hand\n"
    assert main(["encode", str(bundle), str(topic_file), "--out", str(out), "--overwrite"]) == 0
    assert out.read_bytes() == first


def test_a_bundle_is_replaced_only_with_overwrite_and_refused_before_training(topic_file, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", str(topic_file), "--out", str(out), *TRAIN_FAST]) == 0
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main(["train", str(topic_file), "--out", str(out), *TRAIN_FAST]) == 2
    err = capsys.readouterr()
    assert "--overwrite" in err.err and err.out == ""  # refused at once: no training ran, no metrics printed
    assert snapshot(tmp_path) == before
    assert main(["train", str(topic_file), "--out", str(out), "--seed", "1", *TRAIN_FAST, "--overwrite"]) == 0
    assert is_bundle(out) and snapshot(tmp_path) != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no backup or staging folder left behind


def test_the_library_refuses_the_same_paths(trained, taken, tmp_path):
    before = snapshot(tmp_path)
    for name in ("notes.txt", "results", "empty", "link"):
        with pytest.raises(OutputExistsError):
            save_bundle(trained, taken[name], overwrite=True)
        with pytest.raises(OutputExistsError):
            import_zip(b"not even a zip", taken[name], overwrite=True)
        with pytest.raises(BundleError):
            delete_bundle(taken[name])
    assert snapshot(tmp_path) == before
    save_bundle(trained, tmp_path / "mine")
    with pytest.raises(OutputExistsError, match="already holds a model"):
        check_bundle_target(tmp_path / "mine")
    assert check_bundle_target(tmp_path / "mine", overwrite=True) == tmp_path / "mine"


def test_a_users_dot_old_folder_beside_a_bundle_is_never_touched(trained, tmp_path):
    """An earlier swap kept its backup as `.name.old`; a user's own folder of that name must survive saves."""
    mine = tmp_path / ".model.old"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    save_bundle(trained, tmp_path / "model")
    save_bundle(trained, tmp_path / "model", overwrite=True)
    assert (mine / "keep.txt").read_text() == "mine"


def test_an_unwritable_parent_is_one_line(trained, bundle, topic_file, tmp_path, capsys):
    if os.geteuid() == 0:  # root writes anywhere: a path under a file stands in for an unwritable parent
        parent = tmp_path / "notes.txt"
        parent.write_text("x")
    else:
        parent = tmp_path / "locked"
        parent.mkdir(mode=0o500)
    code = main(["encode", str(bundle), str(topic_file), "--out", str(parent / "z.csv")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error:"), err
