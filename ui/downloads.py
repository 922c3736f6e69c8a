"""Files a user can take away: a saved bundle as a .zip, a table as Parquet."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import streamlit as st

import vae_core


def bundle_zip(path: str) -> bytes:
    """The bundle at `path` as .zip bytes, cached while the folder is unchanged."""
    return _zip_cached(path, Path(path, "model.safetensors").stat().st_mtime)


@st.cache_data(max_entries=16, show_spinner=False)
def _zip_cached(path: str, mtime: float) -> bytes:
    return vae_core.bundle_to_zip(path)


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
