"""Names and marks on disk, without torch: what a saved model may be called, and how a bundle folder is known as
Latent Lab's own (the app's workspace lists and checks these before any model is loaded)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import BundleError

FORMAT = "latent-lab-sentence-vae"  # config.json's "format": the mark of a bundle


def safe_name(name: str) -> str:
    """A model or file name reduced to letters, digits, '-', '_' and '.', never starting with a dot,
    so that a typed name can never point outside its folder."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name.strip()).strip(".-")[:64]
    if not cleaned:
        raise BundleError("choose a name made of letters, digits, '-' or '_'.")
    return cleaned


def is_bundle(path: str | Path) -> bool:
    """Whether `path` is a folder Latent Lab wrote: a bundle, by its config.json's format mark."""
    config = Path(path) / "config.json"
    try:
        found = json.loads(config.read_bytes()) if config.is_file() and config.stat().st_size < 16 << 20 else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(found, dict) and found.get("format") == FORMAT
