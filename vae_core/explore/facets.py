"""Cross-filter facets: each column of the sentence table cut into bars (a category each, or ranges of a number), and
the rows that pass the bars a user chose on every facet. Each facet counts the rows the *other* facets let through,
as crossfilter and Embedding Atlas do, so a choice on one facet shows how the others' distributions shift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError

MAX_BARS = 20  # a number's range is cut into at most this many bars; categories beyond it share one, "other"
OTHER = "other"


@dataclass(frozen=True)
class Facet:
    """One column cut into bars: each bar's label, and each row's bar (-1 where the row has no value)."""

    name: str
    labels: list[str]
    bars: np.ndarray

    def counts(self, rows: np.ndarray | None = None) -> np.ndarray:
        """How many of the rows (a boolean mask; None: all) fall in each bar."""
        bars = self.bars if rows is None else self.bars[rows]
        return np.bincount(bars[bars >= 0], minlength=len(self.labels))


def facet(name: str, values: Sequence | np.ndarray | pd.Series, max_bars: int = MAX_BARS) -> Facet:
    """A column as a facet: a number's range cut into up to `max_bars` equal bars (whole numbers into whole-number
    bars), anything else one bar per value, the rarest beyond `max_bars` gathered into "other"."""
    series = pd.Series(values).reset_index(drop=True)
    if len(series) == 0:
        raise InputError(f"the column {name!r} has no rows to count.")
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return _number_facet(name, series.to_numpy(dtype=float), max_bars)
    text = series.astype(str)
    ranked = text.value_counts()
    kept = sorted(ranked.index[:max_bars] if len(ranked) <= max_bars else ranked.index[: max_bars - 1])
    labels = kept + ([OTHER] if len(ranked) > len(kept) else [])
    index = {label: i for i, label in enumerate(kept)}
    bars = np.array([index.get(v, len(kept)) for v in text], dtype=int)
    return Facet(name, labels, bars)


def _number_facet(name: str, values: np.ndarray, max_bars: int) -> Facet:
    known = np.isfinite(values)
    if not known.any():
        return Facet(name, [], np.full(len(values), -1, dtype=int))
    lo, hi = float(values[known].min()), float(values[known].max())
    whole = bool(np.all(values[known] == np.round(values[known])))
    if whole:  # bars of whole numbers: 3-4, 5, 6-7 ...
        n = max(1, min(max_bars, int(hi - lo + 1)))
        edges = np.linspace(lo, hi + 1, n + 1)
    else:
        n = max_bars if hi > lo else 1
        edges = np.linspace(lo, hi, n + 1)
    bars = np.full(len(values), -1, dtype=int)
    bars[known] = np.clip(np.searchsorted(edges, values[known], side="right") - 1, 0, n - 1)
    if whole:
        labels = [_whole_range(edges[i], edges[i + 1]) for i in range(n)]
    else:
        labels = [f"{edges[i]:.3g}–{edges[i + 1]:.3g}" for i in range(n)]
    return Facet(name, labels, bars)


def _whole_range(lo: float, hi: float) -> str:
    first, last = int(np.ceil(lo)), int(np.ceil(hi)) - 1
    return str(first) if last <= first else f"{first}–{last}"


def passing(facets: Sequence[Facet], chosen: dict[str, set[int]], besides: str | None = None) -> np.ndarray:
    """Rows whose bar is among those chosen on every facet that has a choice (a boolean mask); with `besides`, that
    facet's own choice is left out (what it should count). No choice anywhere: every row passes."""
    if not facets:
        raise InputError("there are no facets to filter by.")
    mask = np.ones(len(facets[0].bars), dtype=bool)
    for f in facets:
        bars = chosen.get(f.name)
        if bars and f.name != besides:
            mask &= np.isin(f.bars, sorted(bars))
    return mask
