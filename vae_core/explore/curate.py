"""Curating a selection of sentences: tags kept as a column, and a selection written toward another group (a label's
or a cluster's sentences) as labelled variants, a decoded path for each sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:  # tags need no torch: the map colours by them before torch is imported
    from ..data.tokenizer import TextTokenizer
    from ..model.decoding import DecodeConfig
    from ..model.vae import SentenceVAE

UNTAGGED = "untagged"
STRENGTHS = (0.5, 1.0, 1.5, 2.0)  # each variant's step, in units of the way from one group's centre to the other's


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
    """One rewritten sentence: the row it came from, how far it was moved (in steps from its group's centre to the
    target's) and what it says."""

    row: int
    strength: float
    sentence: str


def move_toward(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    latents: np.ndarray,
    rows: list[int],
    column: list[str],
    target: str,
    strengths: tuple[float, ...] = STRENGTHS,
    config: DecodeConfig | None = None,
) -> list[Variant]:
    """Each selected sentence moved from its own group to the `target` group of `column` (a label, the clusters,
    the tags): its posterior mean plus `strength` times the step from its group's centre to the target's (Bowman
    et al. 2016's attribute vectors), decoded. A sentence keeps what sets it apart within its group and takes on
    what the target shares; one already in the target stays where it is."""
    column = [str(v) for v in column]
    if len(column) != len(latents):
        raise InputError(f"the column has {len(column):,} values for {len(latents):,} sentences.")
    if not rows or target not in column:
        raise InputError("select some sentences, and choose a group with sentences in it, to move them toward.")
    from .latent import decode_latents  # torch, needed from here on only

    latents, values = np.asarray(latents, dtype=np.float32), np.array(column, dtype=object)
    centres = {v: latents[values == v].mean(0) for v in {column[row] for row in rows} | {target}}
    z = np.stack([latents[row] + s * (centres[target] - centres[column[row]]) for row in rows for s in strengths])
    written = decode_latents(model, tokenizer, z, config)
    pairs = [(row, s) for row in rows for s in strengths]
    return [Variant(int(row), float(s), str(text)) for (row, s), text in zip(pairs, written)]
