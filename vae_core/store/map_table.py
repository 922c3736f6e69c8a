"""The map table, written and read in one place: a row a sentence, its own columns (text, label, ...), then its map
coordinates x, y (, z), then (optionally) its latent vector z_0 .. z_{D-1}; the view that drew it (`MapView`) rides
in the table's metadata (`attrs`, kept by Parquet). `project` writes it, Explore's download writes it, and a map
made elsewhere is read back with `read_map`."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from ..errors import InputError
from ..explore.projection import MapView

AXES = ("x", "y", "z")


def latent_columns(dims: int) -> list[str]:
    """The names of a latent vector's columns: z_0 .. z_{dims-1} (as `encode` writes them)."""
    return [f"z_{i}" for i in range(dims)]


def map_table(own: pd.DataFrame, coords: np.ndarray, view: MapView, latents: np.ndarray | None = None) -> pd.DataFrame:
    """The sentences' `own` columns, then their coordinates on the map `view` drew, then (given) their latents."""
    table = own.reset_index(drop=True).copy()
    for name, column in zip(AXES, np.asarray(coords).T):
        table[name] = column
    if latents is not None:
        table = pd.concat([table, pd.DataFrame(latents, columns=latent_columns(latents.shape[1]))], axis=1)
    table.attrs = asdict(view)  # read back by `read_map`
    return table


def read_latents(frame: pd.DataFrame, source: str) -> np.ndarray:
    """The z_ columns of a table `encode` (or a download) wrote, as float32 (N, D); an InputError that says what to
    re-run where they are missing, not numbers, or not finite."""
    columns = [c for c in frame.columns if str(c).startswith("z_")]
    if not columns:
        raise InputError(f"{source}: there are no z_ columns; make the file with `python -m vae_core encode`.")
    try:
        latents = frame[columns].to_numpy(dtype="float32")
    except (ValueError, TypeError) as e:
        raise InputError(f"{source}: its z_ columns are not all numbers ({e}).") from e
    if not np.isfinite(latents).all():
        bad = int((~np.isfinite(latents)).any(axis=1).sum())
        raise InputError(f"{source}: {bad} row(s) hold NaN or infinite z_ values; encode the corpus again.")
    return latents


def read_map(frame: pd.DataFrame, source: str) -> tuple[np.ndarray, MapView]:
    """A map table's coordinates (N, 2 or 3) and the view recorded with them (UMAP, seed 0 where it says nothing)."""
    axes = [c for c in AXES if c in frame.columns]
    if axes not in (["x", "y"], ["x", "y", "z"]):
        raise InputError(f"{source} has no x, y columns: write it with `project`.")
    attrs = frame.attrs
    try:
        view = MapView(str(attrs.get("method", "umap")), len(axes), int(attrs.get("seed", 0)))
    except (InputError, TypeError, ValueError) as e:
        raise InputError(f"{source}: its metadata names no map `project` makes ({e}).") from None
    return frame[axes].to_numpy(dtype=np.float32), view
