"""A progress bar with an estimate for the app's long waits (encoding, writing sentences back, embedding)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

import vae_core  # torch-backed rooms load on first use: this module stays light for the first map


@contextmanager
def progress(what: str) -> Iterator[Callable[[int, int], None]]:
    """`with progress("Writing back the sentences") as follow:` shows a bar that `follow(done, total)` moves, with the
    time left at the pace so far; the bar goes when the work ends."""
    bar, start = st.progress(0.0, text=f"{what}…"), time.perf_counter()

    def follow(done: int, total: int) -> None:
        left = (time.perf_counter() - start) / max(done, 1) * (total - done)
        left_text = vae_core.train.loop.format_duration(left)
        bar.progress(min(done / max(total, 1), 1.0), text=f"{what}: {done:,}/{total:,} · {left_text} left")

    try:
        yield follow
    finally:
        bar.empty()
