"""Where to write names on a map so that no two overlap: a greedy placement in the map's pixels, coarse names first.

Text on a plotly map keeps its size in pixels while zooming in spreads the points apart, so names that do not
overlap on the whole map overlap at no zoom; sub-cluster names, left out where they would cover another name,
fill in as the user zooms in on their region only if they were placed, so the placement is made at the whole map.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

SHIFTS = (0, -1, 1, -2, 2)  # its own heights below (+) or above (-) its spot a name may move to find room


@dataclass(frozen=True)
class MapName:
    """A name to write at (x, y) on a map: its lines, the text shown on hover, and its level (0: a cluster,
    1: a sub-cluster, written smaller)."""

    x: float
    y: float
    lines: tuple[str, ...]
    hover: str = ""
    level: int = 0


@dataclass(frozen=True)
class NameBox:
    """How big a level's text is drawn, in pixels: a character's width and a line's height."""

    char_px: float
    line_px: float


BOXES = {0: NameBox(7.8, 18.0), 1: NameBox(6.4, 15.0)}  # 13 px bold, 11 px plain (plotly's default font)


def name_lines(text: str, width: int = 30, max_lines: int = 2) -> tuple[str, ...]:
    """`text` wrapped to lines of at most `width` characters, at most `max_lines` of them ("…" where cut)."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return tuple(lines)


def place_names(
    names: list[MapName], bounds: np.ndarray, size_px: tuple[float, float] = (700.0, 540.0)
) -> list[tuple[MapName, float]]:
    """The names (in priority order: coarse first) that can be written without covering one written before, each
    with the pixels it moves down by (a multiple of its height, `SHIFTS`; negative: up), on a map `size_px` wide
    and high that shows `bounds` ([[x0, y0], [x1, y1]]). A name that fits nowhere is left out."""
    bounds = np.asarray(bounds, dtype=float)
    span = bounds[1] - bounds[0]
    if bounds.shape != (2, 2) or not np.all(span > 0):
        raise InputError("a map's bounds are [[x0, y0], [x1, y1]] with x1 > x0 and y1 > y0.")
    width_px, height_px = size_px
    boxes: list[tuple[float, float, float, float]] = []
    placed = []
    for name in names:
        box = BOXES[name.level]
        half_w = box.char_px * max(map(len, name.lines)) / 2 + 2
        half_h = box.line_px * len(name.lines) / 2 + 1
        cx = (name.x - bounds[0, 0]) / span[0] * width_px
        cy = (bounds[1, 1] - name.y) / span[1] * height_px  # pixels grow downwards
        for shift in SHIFTS:
            down = shift * 2 * half_h
            candidate = (cx - half_w, cy + down - half_h, cx + half_w, cy + down + half_h)
            if not any(_overlap(candidate, other) for other in boxes):
                boxes.append(candidate)
                placed.append((name, down))
                break
    return placed


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
