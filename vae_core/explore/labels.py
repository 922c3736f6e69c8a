"""Names to write on a map: where each goes, its lines and its level. Where they are written, so that none covers
another at the current zoom, is decided in the browser, in the pixels of the view (ui/zoom_names.py)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class MapName:
    """A name to write at (x, y) on a map: its lines, the text shown on hover, and its level (0: a cluster,
    1: a sub-cluster, 2: a sub-cluster's sub-cluster, each written smaller)."""

    x: float
    y: float
    lines: tuple[str, ...]
    hover: str = ""
    level: int = 0


def name_lines(text: str, width: int = 30, max_lines: int = 2) -> tuple[str, ...]:
    """`text` wrapped to lines of at most `width` characters, at most `max_lines` of them ("…" where cut)."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return tuple(lines)
