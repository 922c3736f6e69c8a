"""Meaning and form, for a model whose z has a meaning part (`ModelConfig.meaning_dim`): z = [form ; meaning].

The meaning part was taught what a sentence encoder makes of a sentence (base/teacher.py), the form part keeps what
the wording needs beside it. Taking the two from different places writes new sentences:
- `rewrite`: a sentence's meaning in the form of other sentences (the same thing said in other words);
- `restate`: a sentence's form with other sentences' meanings (another thing said in the same words' shape);
- `walk_meaning`: from one sentence's meaning to another's while the first one's form stays.
Measured by bench/meaning_form.py (bench/results/meaning-form.jsonl): with the base model of 2026-12-07 the decoder
still reads a sentence's wording, and most of its meaning, from the form part, so the swaps follow the form's
sentence; the app does not offer them until they say what they promise.
"""

from __future__ import annotations

import numpy as np

from ..data.tokenizer import TextTokenizer
from ..errors import InputError
from ..model.decoding import DecodeConfig
from ..model.vae import SentenceVAE
from .latent import decode_latents, encode, path_between


def _meaning_dim(model: SentenceVAE) -> int:
    if not model.config.meaning_dim:
        raise InputError("this model's z has no meaning part, so its meaning and form cannot be taken apart (the "
                         "shipped base model has one, and so has every model adapted from it).")  # fmt: skip
    return model.config.meaning_dim


def joined(form_of: np.ndarray, meaning_of: np.ndarray, k: int) -> np.ndarray:
    """Latent vectors (N, D) with the form part of `form_of` and the last `k` dimensions, the meaning part, of
    `meaning_of` (rows paired, or one row of either spread over the other's)."""
    form_of, meaning_of = np.atleast_2d(form_of), np.atleast_2d(meaning_of)
    n = max(len(form_of), len(meaning_of))
    form = np.broadcast_to(form_of[:, :-k], (n, form_of.shape[1] - k))
    return np.concatenate([form, np.broadcast_to(meaning_of[:, -k:], (n, k))], axis=1).astype(np.float32)


def rewrite(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence: str,
    forms: np.ndarray,
    config: DecodeConfig | None = None,
) -> list[str]:
    """`sentence`'s meaning written in each of `forms` (latent vectors, e.g. other sentences' posterior means)."""
    mu, _ = encode(model, tokenizer, [sentence])
    return decode_latents(model, tokenizer, joined(forms, mu, _meaning_dim(model)), config)


def restate(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence: str,
    meanings: np.ndarray,
    config: DecodeConfig | None = None,
) -> list[str]:
    """`sentence`'s form with each of `meanings` (latent vectors) in it."""
    mu, _ = encode(model, tokenizer, [sentence])
    return decode_latents(model, tokenizer, joined(mu, meanings, _meaning_dim(model)), config)


def walk_meaning(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence_a: str,
    sentence_b: str,
    steps: int = 8,
    config: DecodeConfig | None = None,
) -> tuple[np.ndarray, list[str]]:
    """The path (steps, D) from a's meaning to b's with a's form kept all the way, and what the decoder writes at
    each step (the last one says b's meaning in a's form)."""
    mu, _ = encode(model, tokenizer, [sentence_a, sentence_b])
    k = _meaning_dim(model)
    meanings = path_between(mu[0, -k:], mu[1, -k:], steps, "linear")
    path = np.concatenate([np.repeat(mu[:1, :-k], steps, axis=0), meanings], axis=1).astype(np.float32)
    return path, decode_latents(model, tokenizer, path, config)
