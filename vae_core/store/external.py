"""Open what was computed elsewhere (a GPU server, a cluster): a model bundle, the latents `encode` wrote and the
map `project` wrote, checked to belong together, so that a laptop can explore them without recomputing anything.

    my-run/
      model/            the bundle (`train --out my-run/model`)
      latents.parquet   `encode my-run/model corpus --out my-run/latents.parquet`
      map.parquet       `project my-run/latents.parquet --out my-run/map.parquet`
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.corpus import Corpus, CorpusReport
from ..errors import InputError
from ..explore.projection import MapView
from ..train.fit import TrainedModel
from .bundle import load_bundle

FILES = ("model", "latents.parquet", "map.parquet")


@dataclass
class ExternalMap:
    """A bundle with the latents and map coordinates of a corpus, row for row."""

    model: TrainedModel
    corpus: Corpus
    latents: np.ndarray  # (N, latent_dim) posterior means
    coords: np.ndarray  # (N, 2) or (N, 3)
    view: MapView  # as `project` recorded it


def list_external(root: str | Path) -> list[Path]:
    """Folders directly under `root` that hold all three parts."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and all((p / f).exists() for f in FILES))


def load_external(folder: str | Path, device: str = "auto") -> ExternalMap:
    """Read and cross-check the three parts; every mismatch is an InputError that says what to re-run."""
    folder = Path(folder)
    model = load_bundle(folder / "model", device=device)
    latents_frame = _read(folder / "latents.parquet")
    map_frame = _read(folder / "map.parquet")
    z_columns = [c for c in latents_frame.columns if str(c).startswith("z_")]
    if "text" not in latents_frame.columns or not z_columns:
        raise InputError(f"{folder.name}/latents.parquet has no text and z_ columns: write it with `encode`.")
    if len(z_columns) != model.latent_dim:
        raise InputError(
            f"{folder.name}: latents.parquet has {len(z_columns)} latent dimensions but the model has "
            f"{model.latent_dim}: encode with this model."
        )
    axes = [c for c in ("x", "y", "z") if c in map_frame.columns]
    if axes not in (["x", "y"], ["x", "y", "z"]):
        raise InputError(f"{folder.name}/map.parquet has no x, y columns: write it with `project`.")
    if len(map_frame) != len(latents_frame) or (
        "text" in map_frame.columns and not map_frame["text"].equals(latents_frame["text"])
    ):
        raise InputError(f"{folder.name}: map.parquet is not a map of latents.parquet: run `project` on it again.")
    texts = latents_frame["text"].astype(str).tolist()
    label_sets = {"label": latents_frame["label"].astype(str).tolist()} if "label" in latents_frame.columns else {}
    n = len(texts)
    report = CorpusReport(source=f"{folder.name}/latents.parquet", file_format="parquet", encoding="parquet")
    report.rows_read = report.kept = n
    corpus = Corpus(texts=texts, label_sets=label_sets, report=report, train_idx=list(range(n)), val_idx=[])
    return ExternalMap(
        model=model,
        corpus=corpus,
        latents=latents_frame[z_columns].to_numpy(dtype=np.float32),
        coords=map_frame[axes].to_numpy(dtype=np.float32),
        view=_view(map_frame.attrs, len(axes), folder.name),
    )


def _view(attrs: dict, dims: int, name: str) -> MapView:
    """The view `project` recorded in the map's Parquet metadata (UMAP, seed 0 where it says nothing)."""
    try:
        return MapView(str(attrs.get("method", "umap")), dims, int(attrs.get("seed", 0)))
    except (InputError, TypeError, ValueError) as e:
        raise InputError(f"{name}/map.parquet: its metadata names no map `project` makes ({e}).") from None


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as e:  # pyarrow raises several types for damaged or missing files
        raise InputError(f"{path.parent.name}/{path.name}: could not read it as Parquet: {e}") from e
