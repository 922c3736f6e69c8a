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
from .map_table import read_latents, read_map

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
    if "text" not in latents_frame.columns:
        raise InputError(f"{folder.name}/latents.parquet has no text column: write it with `encode`.")
    latents = read_latents(latents_frame, f"{folder.name}/latents.parquet")
    if latents.shape[1] != model.latent_dim:
        raise InputError(
            f"{folder.name}: latents.parquet has {latents.shape[1]} latent dimensions but the model has "
            f"{model.latent_dim}: encode with this model."
        )
    coords, view = read_map(map_frame, f"{folder.name}/map.parquet")
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
        latents=latents,
        coords=coords,
        view=view,
    )


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as e:  # pyarrow raises several types for damaged or missing files
        raise InputError(f"{path.parent.name}/{path.name}: could not read it as Parquet: {e}") from e
