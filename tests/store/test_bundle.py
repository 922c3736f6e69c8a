"""Bundles: round trips, zips, and refusing damaged or hostile files."""

import io
import json
import pickle
import zipfile

import pytest
import torch

from vae_core import BundleError, bundle_to_zip, encode, import_zip, load_bundle, save_bundle
from vae_core.store.atomic import backup_of
from vae_core.store.bundle import FILES, OPTIONAL_FILES, bundle_files


def test_round_trip_gives_identical_outputs(trained, tmp_path):
    save_bundle(trained, tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == sorted(FILES + OPTIONAL_FILES)  # with its replay
    again = load_bundle(tmp_path / "m", device="cpu")
    texts = ["the cat sleeps .", "a tourist visits the coast ."]
    assert (encode(again.model, again.tokenizer, texts)[0] == encode(trained.model, trained.tokenizer, texts)[0]).all()
    assert again.metrics == json.loads(json.dumps(trained.metrics))
    assert again.train_config == trained.train_config and again.model.config == trained.model.config
    assert again.history["epochs"] and again.info["has_labels"] is True


def test_zip_round_trip(trained, tmp_path):
    save_bundle(trained, tmp_path / "m")
    data = bundle_to_zip(tmp_path / "m")
    tm = import_zip(data, tmp_path / "imported")
    assert all(torch.equal(a, b) for a, b in zip(tm.model.state_dict().values(), trained.model.state_dict().values()))
    assert load_bundle(tmp_path / "imported").created_at == trained.created_at


def test_zip_in_a_folder_is_accepted(trained, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in bundle_files(trained).items():
            zf.writestr(f"my-model/{name}", content)
    import_zip(buffer.getvalue(), tmp_path / "m")


def test_save_replaces_atomically_and_a_failed_save_keeps_the_old_bundle(trained, tmp_path, monkeypatch):
    save_bundle(trained, tmp_path / "m")
    import vae_core.store.bundle as bundle

    def broken(_tm):
        raise OSError("disk full")

    monkeypatch.setattr(bundle, "bundle_files", broken)
    with pytest.raises(OSError):
        save_bundle(trained, tmp_path / "m", overwrite=True)
    monkeypatch.undo()
    load_bundle(tmp_path / "m")  # still there and loadable
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no staging folder left behind


def test_a_crash_between_the_two_renames_is_recovered(trained, tmp_path):
    save_bundle(trained, tmp_path / "m")
    (tmp_path / "m").rename(backup_of(tmp_path / "m"))  # as if killed after moving the old bundle aside
    load_bundle(tmp_path / "m")


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def edited(trained, **changes) -> dict[str, bytes]:
    files = bundle_files(trained)
    files.update(changes)
    return files


class Payload:
    def __reduce__(self):
        import os

        return (os.system, ("touch PWNED_MARKER",))


def test_hostile_and_damaged_bundles_are_refused(trained, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = json.loads(bundle_files(trained)["config.json"])
    weights = bundle_files(trained)["model.safetensors"]

    def with_config(**changes) -> bytes:
        return zip_of(edited(trained, **{"config.json": json.dumps({**config, **changes}).encode()}))

    cases = {
        "not a valid .zip": b"this is not a zip",
        "unsafe path": zip_of({**bundle_files(trained), "../../evil.txt": b"x"}),
        "unsafe path ": zip_of({"/etc/model.safetensors": b"x"}),
        "missing": zip_of({"model.pt": pickle.dumps(Payload())}),  # a pickle is never opened
        "missing history.json": zip_of({k: v for k, v in bundle_files(trained).items() if k != "history.json"}),
        "zip bomb": zip_of(edited(trained, **{"metrics.json": b" " * (20 << 20)})),
        "damaged or truncated": zip_of(edited(trained, **{"model.safetensors": weights[:500]})),
        "format version": with_config(format_version=99),
        "has shape": with_config(model={**config["model"], "hidden_dim": 65}),
        "not valid JSON": zip_of(edited(trained, **{"metrics.json": b"{nope"})),
        "invalid settings": with_config(model={**config["model"], "latent_dim": -1}),
    }
    for message, data in cases.items():
        with pytest.raises(BundleError, match=message.strip()):
            import_zip(data, tmp_path / "models" / "x")
    assert not (tmp_path / "PWNED_MARKER").exists()
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert not (tmp_path / "models" / "x").exists()


def test_a_folder_missing_a_file(trained, tmp_path):
    save_bundle(trained, tmp_path / "m")
    (tmp_path / "m" / "tokenizer.json").unlink()
    with pytest.raises(BundleError, match="missing tokenizer.json"):
        load_bundle(tmp_path / "m")
    with pytest.raises(BundleError, match="no model folder"):
        load_bundle(tmp_path / "elsewhere")


def test_typed_names_are_sanitised():
    from vae_core.store.bundle import safe_name

    assert safe_name("my model") == "my-model"
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name(".hidden") == "hidden"
    with pytest.raises(BundleError):
        safe_name("../..")


def test_list_bundles_reads_cards_without_loading(trained, tmp_path):
    from vae_core.store.bundle import list_bundles

    save_bundle(trained, tmp_path / "good")
    (tmp_path / "broken").mkdir()
    cards = {c["name"]: c for c in list_bundles(tmp_path)}
    assert cards["good"]["metrics"]["latent_dim"] == 8 and "error" not in cards["good"]
    assert "error" in cards["broken"]


def test_delete_removes_a_bundle_and_nothing_else(trained, tmp_path):
    from vae_core.store.bundle import delete_bundle, list_bundles

    save_bundle(trained, tmp_path / "old")
    save_bundle(trained, tmp_path / "keep")
    delete_bundle(tmp_path / "old")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep"]
    assert [c["name"] for c in list_bundles(tmp_path)] == ["keep"]
    (tmp_path / "notes").mkdir()
    with pytest.raises(BundleError, match="not a Latent Lab model"):
        delete_bundle(tmp_path / "notes")
    assert (tmp_path / "notes").is_dir()


def test_a_card_describes_the_encoder_in_words(trained, tmp_path):
    from vae_core.store.bundle import describe_encoder, list_bundles

    save_bundle(trained, tmp_path / "m")
    assert list_bundles(tmp_path)[0]["encoder"] == "gru 64"  # the tests' small RNN model
    hybrid = {"encoder": "hybrid", "cell": "gru", "hidden_dim": 256, "pretrained_name": "all-MiniLM-L6-v2"}
    assert describe_encoder(hybrid) == "all-MiniLM-L6-v2 (frozen) + gru 256 → gru"


def test_a_bundle_saved_before_bn_eps_was_recorded_keeps_the_epsilon_it_was_trained_with(trained, tmp_path):
    save_bundle(trained, tmp_path / "m")
    config_file = tmp_path / "m" / "config.json"
    config = json.loads(config_file.read_text())
    assert config["model"]["bn_eps"] == 1e-8  # new bundles record it
    del config["model"]["bn_eps"]
    config_file.write_text(json.dumps(config))
    old = load_bundle(tmp_path / "m", device="cpu")
    assert old.model.config.bn_eps == 1e-5 and old.model.mu_bn.eps == 1e-5


def test_a_bundle_saved_before_the_encoder_was_recorded_loads_as_the_rnn_model_it_is(trained, tmp_path):
    """Bundles older than ModelConfig.encoder (and bn_gamma) were RNN models: a missing field takes the value they
    were trained with, not today's default."""
    path = save_bundle(trained, tmp_path / "m")
    config = json.loads((path / "config.json").read_text())
    assert config["model"]["encoder"] == "rnn"
    del config["model"]["encoder"]
    (path / "config.json").write_text(json.dumps(config))
    assert load_bundle(path).model.config.encoder == "rnn"
