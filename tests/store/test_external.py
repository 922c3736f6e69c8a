"""A map made elsewhere (bundle + `encode` latents + `project` map) opens on a laptop without recomputing."""

import json

import numpy as np
import pandas as pd
import pytest

from vae_core import InputError, save_bundle
from vae_core.cli import main
from vae_core.explore.projection import MapView
from vae_core.store.external import list_external, load_external


@pytest.fixture
def run_folder(trained, topic_file, tmp_path):
    """What a server run leaves behind, made with the CLI's own commands."""
    folder = tmp_path / "imports" / "server-run"
    save_bundle(trained, folder / "model")
    latents = folder / "latents.parquet"
    common = ["--label-column", "label", "--device", "cpu"]
    assert main(["encode", str(folder / "model"), str(topic_file), "--out", str(latents), *common]) == 0
    assert main(["project", str(latents), "--out", str(folder / "map.parquet"), "--method", "pca"]) == 0
    return folder


def test_the_three_parts_load_together(run_folder, trained):
    assert list_external(run_folder.parent) == [run_folder]
    ext = load_external(run_folder, device="cpu")
    assert len(ext.corpus) == len(ext.latents) == len(ext.coords) == 192
    assert ext.latents.shape[1] == trained.latent_dim and ext.coords.shape[1] == 2
    assert ext.view == MapView("pca", 2, 0)  # recorded by `project` in the Parquet metadata
    assert ext.corpus.labels[:3] == pd.read_parquet(run_folder / "latents.parquet")["label"].tolist()[:3]


def test_parts_that_do_not_belong_together_are_refused(run_folder):
    frame = pd.read_parquet(run_folder / "map.parquet")
    frame.iloc[:50].to_parquet(run_folder / "map.parquet")
    with pytest.raises(InputError, match="not a map of latents.parquet"):
        load_external(run_folder, device="cpu")
    (run_folder / "map.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="could not read it as Parquet"):
        load_external(run_folder, device="cpu")


def test_the_app_opens_it_and_explore_draws_the_shipped_coordinates(run_folder, monkeypatch, tmp_path):
    import os

    os.environ["LATENT_LAB_WARMUP"] = "0"
    from streamlit.testing.v1 import AppTest

    from ui import state, workspace

    # a UMAP map "computed on the server": if Explore recomputed anything, these coordinates would not come back
    coords = np.random.default_rng(0).uniform(1000, 2000, size=(192, 2)).astype(np.float32)
    frame = pd.read_parquet(run_folder / "map.parquet")
    frame["x"], frame["y"] = coords[:, 0], coords[:, 1]
    frame.attrs = {"method": "umap", "dims": 2, "seed": 0}
    frame.to_parquet(run_folder / "map.parquet")
    monkeypatch.setattr(state, "IMPORTS_ROOT", run_folder.parent)
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    at = AppTest.from_file("../../app.py", default_timeout=60).run()
    at.switch_page("pages/models.py").run()
    next(b for b in at.button if b.label == "Open server-run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["model"].name == "server-run"
    at.switch_page("pages/explore.py").run()
    assert not at.exception and not at.error
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    drawn = sorted(x for trace in spec["data"] if trace.get("meta") == "sentences" for x in _values(trace["x"]))
    np.testing.assert_allclose(drawn, np.sort(coords[:, 0]), rtol=1e-6)


def _values(values):
    if isinstance(values, dict):  # plotly's binary encoding
        import base64

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values
