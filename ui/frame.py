"""The sentence frame Explore and Compare draw from: one row per sentence, its label sets and built-in columns, and
the colours that are computed only when asked for (`COLOURS`: adding a colour is one entry there)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

import vae_core  # its torch-backed modules load on first use: the demo's first map is drawn from shipped arrays
from vae_core.data.corpus import count_tokens
from vae_core.explore.projection import MapView, measured_space, neighbour_space
from vae_core.measure.compare import LabelOnMap, label_kept, map_check_rows, neighbour_agreement, neighbour_sets

from .cache import per_session
from .latents import checked_space_neighbours, coordinates, latents, pretrained_coordinates, sentence_kls
from .progress import progress
from .state import base_model, base_model_available, current_corpus, current_model

ROUND_TRIP_COLOUR_MAX = 2_000  # sentences decoded back for the round-trip colour (a seeded sample above this)


@per_session()
def map_trust(view: MapView) -> np.ndarray:
    """Each sentence's share of its 10 nearest latent neighbours that the map keeps among its 10 nearest (0-1),
    NaN where not measured: above MAP_CHECK_MAX sentences, one seeded sample (as the label check)."""
    mu, coords = latents()[0], coordinates(view)
    trust = np.full(len(mu), np.nan, dtype=np.float32)
    rows = map_check_rows(len(mu))
    if len(rows) > 10:
        trust[rows] = neighbour_agreement(neighbour_sets(coords[rows], 10), checked_space_neighbours("vae"))
    return trust


def adapted_from_base() -> bool:
    """Whether the current model was adapted from the base model (so what adapting moved can be shown). The
    bundled demo never was: asking it would load the demo's weights (and torch) before its first map."""
    named = current_model()
    return not named.demo and bool(named.value.info.get("adapted_from")) and base_model_available()


@per_session()
def kept_from_base() -> np.ndarray:
    """What adapting moved: each sentence's share of its 10 nearest latent neighbours under the base model that
    are still among its 10 nearest under the current, adapted model (0-1: 1 kept its place, 0 moved among other
    sentences), NaN where not measured (above MAP_CHECK_MAX sentences, the map check's seeded sample)."""
    mu, texts = latents()[0], current_corpus().value.texts
    kept = np.full(len(mu), np.nan, dtype=np.float32)
    rows = map_check_rows(len(mu))
    if len(rows) > 10:
        base = vae_core.base.shipped.for_corpus(base_model(), texts)
        with progress("Encoding the sentences with the base model, to show what adapting moved") as follow:
            before, _ = vae_core.encode(base.model, base.tokenizer, [texts[i] for i in rows], on_progress=follow)
        before = measured_space(before, base.model.config.meaning_dim)
        kept[rows] = neighbour_agreement(neighbour_sets(neighbour_space(before), 10), checked_space_neighbours("vae"))
    return kept


@per_session()
def round_trip_chrf() -> np.ndarray:
    """Each sentence's round trip (encoded to its posterior mean, decoded greedily) scored by chrF (0-100), NaN
    where not measured: above ROUND_TRIP_COLOUR_MAX sentences, one seeded sample."""
    texts, model = current_corpus().value.texts, current_model().value
    rows = np.arange(len(texts))
    if len(rows) > ROUND_TRIP_COLOUR_MAX:
        rows = np.sort(np.random.default_rng(0).choice(len(texts), ROUND_TRIP_COLOUR_MAX, replace=False))
    with progress("Writing back sentences to score each one's round trip") as follow:
        trip = vae_core.measure.roundtrip.round_trip(
            model.model, model.tokenizer, [texts[i] for i in rows], similarity=False, on_progress=follow
        )
    scores = np.full(len(texts), np.nan, dtype=np.float32)
    scores[rows] = trip.chrf
    return scores


@dataclass(frozen=True)
class Colour:
    """A column of the frame the map can be coloured and filtered by, computed only when it is chosen."""

    name: str
    values: Callable[[MapView], np.ndarray]  # one value a sentence (NaN where not measured)
    offered: Callable[[], bool] = lambda: True  # whether the current model has it
    note: Callable[[np.ndarray], str] | None = None  # a line under the controls, about the values


COLOURS = (  # where the picture can be believed, point by point, and what adapting moved
    Colour("map trust", map_trust),
    Colour("round trip chrF", lambda view: round_trip_chrf()),
    Colour(
        "kept from the base model",
        lambda view: kept_from_base(),
        offered=adapted_from_base,
        note=lambda kept: (
            f"Adapting kept {np.nanmean(kept):.0%} of each sentence's 10 nearest neighbours under the base model "
            "(mean); the darkest points moved most among the others."
        ),
    ),
)
BUILT_IN_COLUMNS = ("id", "text", "length", "kl", "KL", "cluster", "search match", *(c.name for c in COLOURS))


def label_column(name: str) -> str:
    """The table column for a label set, renamed if it would clash with a built-in column."""
    return f"label: {name}" if name in BUILT_IN_COLUMNS else name


def sentence_frame() -> pd.DataFrame:
    """One row per sentence: id, text, one column per label set, length, KL. Cached (counting the tokens of a
    million sentences takes seconds); each call returns a copy that a page may add columns to."""
    return _sentence_frame().copy(deep=False)


@per_session()
def _sentence_frame() -> pd.DataFrame:
    corpus = current_corpus().value
    frame = pd.DataFrame({"id": np.arange(len(corpus.texts)), "text": corpus.texts})
    for name, values in corpus.label_sets.items():
        frame[label_column(name)] = values
    frame["length"] = [count_tokens(t) for t in corpus.texts]  # as the Data page's histogram counts them
    frame["kl"] = sentence_kls()
    return frame


@per_session()
def label_kept_on_map(column: str, view: MapView, space: str = "vae") -> LabelOnMap:
    """How well the map of the "vae" latent space or of the "pretrained" embeddings keeps the neighbourhoods of a
    label column that the space itself keeps."""
    coords = coordinates(view) if space == "vae" else pretrained_coordinates(view)
    rows, labels = map_check_rows(len(coords)), sentence_frame()[column].tolist()
    return label_kept(neighbour_sets(coords[rows], 10), checked_space_neighbours(space), [labels[i] for i in rows])
