"""Curating a selection of sentences: tags kept as a column, and a selection written toward another group (a label's
or a cluster's sentences) as labelled variants, a decoded path for each sentence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.tokenizer import TextTokenizer
from ..errors import InputError
from ..model.decoding import DecodeConfig
from ..model.vae import SentenceVAE
from .latent import decode_latents

UNTAGGED = "untagged"
STRENGTHS = (0.25, 0.5, 0.75, 1.0)  # how far along the way to the other group each variant is written


def tag_column(n: int, tags: dict[int, str]) -> list[str]:
    """The tags as a column of n rows (UNTAGGED where a row has none), to colour, filter and export by."""
    column = [UNTAGGED] * n
    for row, tag in tags.items():
        if not 0 <= row < n:
            raise InputError(f"row {row} is not one of the {n} sentences.")
        column[row] = tag
    return column


def add_tag(tags: dict[int, str], rows: list[int], tag: str) -> dict[int, str]:
    """`tags` with `rows` tagged `tag` (a new dict; an empty tag removes theirs)."""
    tag = tag.strip()
    if tag == UNTAGGED:
        raise InputError(f"{UNTAGGED!r} is what a sentence without a tag is called: choose another tag.")
    changed = {row: t for row, t in tags.items() if row not in set(rows)}
    return changed | ({int(row): tag for row in rows} if tag else {})


@dataclass(frozen=True)
class Variant:
    """One rewritten sentence: the row it came from, how far it was moved (0-1 of the way) and what it says."""

    row: int
    strength: float
    sentence: str


def move_toward(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    latents: np.ndarray,
    rows: list[int],
    target_rows: list[int],
    strengths: tuple[float, ...] = STRENGTHS,
    config: DecodeConfig | None = None,
) -> list[Variant]:
    """Each selected sentence moved toward the target group: its posterior mean plus `strength` times the step from
    the selection's centre to the target's (Bowman et al. 2016's latent arithmetic), decoded. Each sentence keeps
    what sets it apart from the rest of the selection while taking on what the target group shares."""
    if not rows or not target_rows:
        raise InputError("select some sentences, and choose a group with sentences in it, to move them toward.")
    latents = np.asarray(latents, dtype=np.float32)
    step = latents[target_rows].mean(0) - latents[rows].mean(0)
    z = np.stack([latents[row] + s * step for row in rows for s in strengths])
    written = decode_latents(model, tokenizer, z, config)
    pairs = [(row, s) for row in rows for s in strengths]
    return [Variant(int(row), float(s), str(text)) for (row, s), text in zip(pairs, written)]
