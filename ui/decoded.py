"""What the decoder writes at places of the current map, and where sentences land on it, computed once per session
(see `cache`): a clicked spot, a written grid, a path between two sentences, a typed sentence with its spread, new
sentences, the corpus's gaps, concept axes, a selection moved toward another group."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import vae_core  # its torch-backed modules load on first use

from .cache import per_session
from .frame import sentence_frame
from .latents import coordinates, latents, measured, measures_z_as_it_is
from .progress import progress
from .state import current_corpus, current_model

if TYPE_CHECKING:
    from vae_core.explore.coverage import StepCheck
    from vae_core.explore.inverse import LatentMap, Reading
    from vae_core.explore.projection import MapView


@per_session()
def moved_toward(
    rows: tuple[int, ...], column: tuple[str, ...], target: str, known_words_only: bool = False
) -> list[vae_core.explore.curate.Variant]:
    """The selected sentences written from their own group of `column` toward `target` (`vae_core.explore.curate`)."""
    model = current_model().value
    config = vae_core.DecodeConfig(unknown_words=not known_words_only)
    return vae_core.explore.curate.move_toward(
        model.model, model.tokenizer, latents()[0], list(rows), list(column), target, config=config
    )


@per_session()
def placed_sentences(view: MapView, lines: tuple[str, ...]) -> np.ndarray:
    """New sentences on the current 2-D map without refitting it: each one's spot, where its nearest encoded
    sentences lie (`spots_of`)."""
    model = current_model().value
    with progress("Encoding the new sentences") as follow:
        return spots_of(view, vae_core.encode(model.model, model.tokenizer, list(lines), on_progress=follow)[0])


@per_session()
def gaps(n: int, known_words_only: bool = False) -> vae_core.explore.gaps.Gaps:
    """`n` sentences the corpus does not contain yet (see `vae_core.explore.gaps.find_gaps`)."""
    model = current_model().value
    config = vae_core.DecodeConfig(unknown_words=not known_words_only)
    return vae_core.explore.gaps.find_gaps(model.model, model.tokenizer, latents()[0], n, config=config)


def spots_of(view: MapView, z: np.ndarray) -> np.ndarray:
    """Latent vectors that are not the corpus's (added sentences, gaps, a path) placed on the current map without
    refitting it: where a typed sentence with the same vector lands (`latent_map(view).to_map`)."""
    return latent_map(view).to_map(z)


@per_session()
def concept_map(ends: tuple) -> tuple[np.ndarray, list[list[tuple[float, str]]], bool]:
    """The corpus along two concept axes, the decoder's sentences along each, and whether y is the corpus's widest
    spread (the chosen y ends gave no direction of their own, as with a two-class label). `ends` is ("labels", column,
    x from, x to, y from, y to) with label values of that column, or ("sentences", x from, x to, y from, y to)."""
    mu = latents()[0]
    model = current_model().value
    if ends[0] == "labels":
        labels = sentence_frame()[ends[1]].astype(str).to_numpy()
        points = []
        for value in ends[2:]:
            if not (labels == value).any():
                raise vae_core.InputError(f"no sentence has the label {value!r}.")
            points.append(mu[labels == value].mean(0))
    else:
        points = list(vae_core.encode(model.model, model.tokenizer, list(ends[1:]))[0])
    axes = vae_core.explore.axes.concept_axes(*points, spread=mu)
    along = vae_core.explore.axes.axis_sentences(model.model, model.tokenizer, axes, mu)
    return axes.project(mu), along, axes.y_is_spread


@per_session()
def latent_map(view: MapView) -> LatentMap:
    """A map of the current corpus, readable both ways: spot -> latent vector -> sentence, sentence -> spot."""
    mu, logvar = latents()
    measure = None if measures_z_as_it_is() else measured  # z as it is: a PCA map inverts exactly
    return vae_core.explore.inverse.LatentMap(mu, coordinates(view), view.method, logvar, measure=measure)


@per_session()
def reading(view: MapView, spot: tuple[float, float], known_words_only: bool = False) -> Reading:
    """What the decoder writes at a spot of a 2-D map (see `vae_core.explore.inverse.read_spot`); with
    `known_words_only`, never ▢."""
    model = current_model().value
    config = vae_core.DecodeConfig(unknown_words=not known_words_only)
    return vae_core.explore.inverse.read_spot(
        model.model, model.tokenizer, latent_map(view), np.asarray(spot), config=config
    )


@per_session()
def written_grid(view: MapView, n: int, known_words_only: bool = False) -> tuple[np.ndarray, list[str]]:
    """The decoder's sentences at an n x n grid of spots over a 2-D map (with `known_words_only`, no ▢)."""
    model = current_model().value
    config = vae_core.DecodeConfig(unknown_words=not known_words_only)
    return vae_core.explore.inverse.write_grid(model.model, model.tokenizer, latent_map(view), n, config)


@per_session()
def interpolation(
    a: str,
    b: str,
    steps: int,
    path: str,
    strategy: str,
    known_words_only: bool,
    refined_ends: bool,
) -> tuple[np.ndarray, list[str]]:
    """The path from sentence a to sentence b through the current model's latent space (`steps` latent vectors,
    "slerp" or "linear"; with `refined_ends`, between the sentences' refined points rather than their means) and what
    the decoder writes at each step."""
    model = current_model().value
    config = vae_core.DecodeConfig(strategy=strategy, unknown_words=not known_words_only)
    refined = vae_core.measure.roundtrip.REFINED if refined_ends else None
    return vae_core.explore.latent.walk(model.model, model.tokenizer, a, b, steps, path, config, refined)


@per_session()
def path_checks(*asked) -> list[StepCheck]:
    """How sure the decoder is at each step of the path `interpolation(*asked)`, and whether the step is far from
    every sentence of the current corpus (`vae_core.explore.coverage.check_path`)."""
    model = current_model().value
    z_path, decoded = interpolation(*asked)
    return vae_core.explore.coverage.check_path(model.model, model.tokenizer, z_path, decoded, latents()[0])


@per_session()
def posterior_of(text: str) -> tuple[np.ndarray, np.ndarray]:
    """A typed sentence's posterior mean and log-variance (each (1, D)) under the current model."""
    model = current_model().value
    return vae_core.encode(model.model, model.tokenizer, [text])


@per_session()
def typed_sentence(view: MapView, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A typed sentence on a 2-D map: its posterior mean (D,), its position, and its posterior spread
    as a cloud of draws and a 2σ ellipse."""
    mu, logvar = posterior_of(text)
    lmap = latent_map(view)
    cloud, ellipse = vae_core.explore.inverse.spread_on_map(lmap, mu[0], logvar[0])
    return mu[0], lmap.to_map(mu[0])[0], cloud, ellipse


@per_session()
def model_at_work(steps: int = 5) -> tuple[str, str, list[str]]:
    """For the Learn page: the current dataset's first sentence, what the current model writes back from its
    posterior mean, and the sentences on the path from it to the sentence halfway down the dataset."""
    mu, _ = latents()
    model, texts = current_model().value, current_corpus().value.texts
    middle = len(texts) // 2
    back, *walk = vae_core.decode_latents(
        model.model,
        model.tokenizer,
        np.vstack([mu[:1], vae_core.explore.latent.path_between(mu[0], mu[middle], steps)]),
    )
    return texts[0], back, walk
