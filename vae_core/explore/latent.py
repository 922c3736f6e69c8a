"""Working in the latent space: encode sentences, reconstruct, sample the prior, interpolate,
explore a sentence's neighbourhood, and shift sentences along attribute vectors."""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import TypeVar

import numpy as np
import torch

from ..data.batching import iterate_batches, to_ids
from ..data.tokenizer import TextTokenizer, as_written
from ..device import free_threads, torch_threads
from ..errors import InputError
from ..model.decoding import DecodeConfig, decode
from ..model.objective import kl_per_dim
from ..model.refine import RefineConfig, refine
from ..model.vae import SentenceVAE, posterior
from .projection import nearest_by_angle

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (done, total), called as long work goes on
PATHS = ("slerp", "linear")  # interpolation: along the sphere where the prior's mass lies, or straight
ENDS_REFINED_LONGER = 5  # an interpolation's end not written back is refined this many times longer
FEW_ROWS = 16  # encoding or decoding this many rows or fewer runs torch on one thread (see `_threads_for`)


def _threads_for(rows: int) -> AbstractContextManager[None]:
    """One torch thread for a handful of rows (a click, a typed sentence): so little work gains nothing from more
    threads, and on a small server, where the same cores also run the browser, a training or another user, the
    extra threads only wait their turn and make the click slower. Bigger batches take the thread setting, less the
    cores other programs keep busy now (`device.free_threads`; each chunk of a long job asks again)."""
    return torch_threads(1 if rows <= FEW_ROWS else free_threads(torch.get_num_threads()))


def _check_texts(texts: list[str]) -> list[str]:
    cleaned = [" ".join(str(t).split()) for t in texts]
    for i, text in enumerate(cleaned):
        if not text:
            raise InputError(f"sentence {i + 1} is empty: type some words to encode.")
    return cleaned


PROGRESS_CHUNK = 256  # sentences between two progress reports of a long encoding or round trip


def in_chunks(work: Callable[[list[str]], T], texts: list[str], on_progress: Progress | None) -> list[T]:
    """`work` on `texts` chunk by chunk when someone follows the progress (`on_progress(done, total)` after each
    chunk), else in one go: the results of each call, in order."""
    if on_progress is None:
        return [work(texts)]
    results = []
    for start in range(0, len(texts), PROGRESS_CHUNK):
        results.append(work(texts[start : start + PROGRESS_CHUNK]))
        on_progress(min(start + PROGRESS_CHUNK, len(texts)), len(texts))
    return results


def encode(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    texts: list[str],
    batch_size: int = 256,
    on_progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and log-variances (N, D) of `texts`, as float32 numpy arrays, in input order;
    `on_progress(done, total)` follows a long list."""
    cleaned = _check_texts(texts)

    def work(part: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        with _threads_for(len(part)):  # each chunk of a long list on the cores free now
            return posterior(model, tokenizer, to_ids(tokenizer, part), batch_size, texts=part)

    parts = in_chunks(work, cleaned, on_progress) or [work([])]
    mu, logvar = (torch.cat(halves) for halves in zip(*parts))
    return mu.numpy(), logvar.numpy()


def refined_points(
    model: SentenceVAE, tokenizer: TextTokenizer, texts: list[str], config: RefineConfig, batch_size: int = 128
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's point refined from its posterior mean to one the decoder writes the sentence back from
    (model/refine.py: a few gradient steps, within the posterior's reach), and the means themselves: (N, D) each."""
    cleaned = _check_texts(texts)
    model.eval()  # as `posterior` encodes: BN-VAE's running statistics, no dropout
    points = torch.empty(len(cleaned), model.config.latent_dim)
    means = torch.empty_like(points)
    with _threads_for(len(cleaned)):
        for batch in iterate_batches(to_ids(tokenizer, cleaned), tokenizer, batch_size, texts=cleaned):
            b = batch.to(model.device)
            with torch.no_grad():
                mu, logvar = model.encode(b.tokens, b.lengths, b.texts)
            points[batch.index] = refine(model, b, mu, logvar, config).cpu()
            means[batch.index] = mu.float().cpu()
    return points.numpy(), means.numpy()


def decode_latents(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    z: np.ndarray | torch.Tensor,
    config: DecodeConfig | None = None,
    anchors: np.ndarray | None = None,
) -> list[str]:
    """Decode rows of z (numpy or torch) into sentences (`anchors`: see `decode`)."""
    z = torch.as_tensor(np.asarray(z, dtype=np.float32))
    if anchors is not None:
        anchors = torch.as_tensor(np.asarray(anchors, dtype=np.float32))
    with _threads_for(len(z)):
        return decode(model, tokenizer, z, config, anchors)


def reconstruct(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    texts: list[str],
    config: DecodeConfig | None = None,
    refined: RefineConfig | None = None,
    on_progress: Progress | None = None,
) -> list[str]:
    """Encode each sentence to its posterior mean (or, with `refined`, the point refined from it: `refined_points`)
    and decode it again; `on_progress(done, total)` follows a long list."""

    def work(part: list[str]) -> list[str]:
        if refined is None:
            return decode_latents(model, tokenizer, encode(model, tokenizer, part)[0], config)
        points, means = refined_points(model, tokenizer, part, refined)
        return decode_latents(model, tokenizer, points, config, anchors=means)

    return [text for part in in_chunks(work, texts, on_progress) for text in part]


def sample_prior(
    model: SentenceVAE, tokenizer: TextTokenizer, n: int, config: DecodeConfig | None = None, seed: int = 0
) -> tuple[np.ndarray, list[str]]:
    """Draw n latent vectors from the prior N(0, I) and decode them."""
    if not 1 <= n <= 10000:
        raise InputError(f"the number of samples must be from 1 to 10000 (got {n}).")
    z = torch.randn(n, model.config.latent_dim, generator=torch.Generator().manual_seed(seed))
    return z.numpy(), decode_latents(model, tokenizer, z, config)


def lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Straight-line interpolation."""
    return (1 - t) * a + t * b


def slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation (White 2016): follows the great circle, keeping the norm typical of the
    prior instead of cutting through the low-density centre. Falls back to lerp for parallel vectors."""
    cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))
    omega = math.acos(min(1.0, max(-1.0, cos)))
    if omega < 1e-4:
        return lerp(a, b, t)
    return (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)


def interpolation_path(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence_a: str,
    sentence_b: str,
    steps: int = 8,
    method: str = "slerp",
) -> np.ndarray:
    """`steps` evenly spaced latent points (steps, D) from a's posterior mean to b's, both ends included."""
    mu, _ = encode(model, tokenizer, [sentence_a, sentence_b])
    return path_between(mu[0], mu[1], steps, method)


def path_between(a: np.ndarray, b: np.ndarray, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """`steps` evenly spaced latent points (steps, D) from a to b, both ends included."""
    if not 2 <= steps <= 200:
        raise InputError(f"steps must be from 2 to 200 (got {steps}).")
    if method not in PATHS:
        raise InputError(f"method must be one of {', '.join(PATHS)} (got {method!r}).")
    mix = slerp if method == "slerp" else lerp
    return np.stack([mix(a, b, float(t)) for t in np.linspace(0.0, 1.0, steps)])


def walk(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence_a: str,
    sentence_b: str,
    steps: int = 8,
    method: str = "slerp",
    config: DecodeConfig | None = None,
    refined: RefineConfig | None = None,
) -> tuple[np.ndarray, list[str]]:
    """The path (steps, D) from a to b and what the decoder writes at each step. It runs between the posterior means
    (`interpolation_path`), or with `refined`, between the points refined from them, so that it starts and ends at
    points the decoder writes a and b back from; re-ranking then judges each step's candidates against the matching
    step of the path between the means, where the encoder puts sentences (see `decode`'s anchors). An end the decoder
    does not write back from its refined point is refined ENDS_REFINED_LONGER times longer, and kept if that brings
    it back."""
    if refined is None:
        path = interpolation_path(model, tokenizer, sentence_a, sentence_b, steps, method)
        return path, decode_latents(model, tokenizer, path, config)
    ends = [sentence_a, sentence_b]
    points, means = refined_points(model, tokenizer, ends, refined)
    written = as_written(tokenizer, _check_texts(ends))  # what each end should read
    back = decode_latents(model, tokenizer, points, config, anchors=means)
    missed = [i for i in range(2) if back[i] != written[i]]
    if missed:  # an end the decoder does not write back yet: refined again, for longer, from its mean
        longer = replace(refined, steps=min(refined.steps * ENDS_REFINED_LONGER, 500))
        again, _ = refined_points(model, tokenizer, [ends[i] for i in missed], longer)
        for i, point in zip(missed, again):
            if decode_latents(model, tokenizer, point[None], config, anchors=means[i : i + 1])[0] == written[i]:
                points[i] = point
    path, anchors = path_between(points[0], points[1], steps, method), path_between(means[0], means[1], steps, method)
    return path, decode_latents(model, tokenizer, path, config, anchors)


def interpolate(*args, **kwargs) -> list[tuple[float, str]]:
    """`walk`'s decoded sentences (it takes the same arguments), each with its position t in [0, 1]."""
    _, decoded = walk(*args, **kwargs)
    return list(zip(np.linspace(0.0, 1.0, len(decoded)).tolist(), decoded))


def neighbourhood(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence: str,
    n: int = 8,
    radius: float = 0.5,
    config: DecodeConfig | None = None,
    seed: int = 0,
) -> list[str]:
    """Decode n points drawn around a sentence's posterior mean: z = mu + radius * eps, eps ~ N(0, I)."""
    if not 1 <= n <= 1000 or radius < 0:
        raise InputError("choose 1 to 1000 samples and a radius of 0 or more.")
    mu, _ = encode(model, tokenizer, [sentence])
    eps = torch.randn(n, mu.shape[1], generator=torch.Generator().manual_seed(seed)).numpy()
    return decode_latents(model, tokenizer, mu + radius * eps, config)


def attribute_vector(latents: np.ndarray, labels: list[str], group_a: str, group_b: str) -> np.ndarray:
    """Mean latent of the sentences labelled `group_a` minus that of `group_b` (Bowman et al. 2016-style
    arithmetic): adding it to a sentence's z moves it from b towards a."""
    labels_arr = np.asarray(labels)
    for group in (group_a, group_b):
        if not (labels_arr == group).any():
            raise InputError(f"no sentence has the label {group!r}.")
    return latents[labels_arr == group_a].mean(0) - latents[labels_arr == group_b].mean(0)


def apply_attribute(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    sentence: str,
    vector: np.ndarray,
    strengths: list[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    config: DecodeConfig | None = None,
) -> list[tuple[float, str]]:
    """Decode the sentence's posterior mean plus `strength * vector`, for each strength."""
    mu, _ = encode(model, tokenizer, [sentence])
    z = np.stack([mu[0] + s * vector for s in strengths])
    return list(zip(list(strengths), decode_latents(model, tokenizer, z, config)))


def nearest_sentences(
    latents: np.ndarray, query: np.ndarray, k: int, exclude: int | None = None
) -> list[tuple[int, float]]:
    """The k rows of `latents` nearest to one query vector in the full latent space, by angle about the corpus's
    centre (`neighbour_space`), as (row, cosine distance: 0 the same direction, 2 the opposite), nearest first;
    `exclude` (e.g. the query's own row) is left out."""
    idx, dist = nearest_by_angle(latents, np.reshape(query, (1, -1)), k + (exclude is not None))
    return [(int(i), float(d) ** 2 / 2) for i, d in zip(idx[0], dist[0]) if int(i) != exclude][:k]  # chord² / 2


def sentence_kl(mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """KL(q(z|x) || N(0, I)) of each sentence, in nats: how much information its code carries."""
    return kl_per_dim(torch.tensor(mu), torch.tensor(logvar)).sum(1).numpy()


@torch.no_grad()
def token_probabilities(model: SentenceVAE, tokenizer: TextTokenizer, sentence: str) -> list[tuple[str, float]]:
    """Each token of the sentence (and <eos>) with the probability the decoder gives it, teacher-forced,
    from the sentence's own posterior mean: where the reconstruction is sure and where it is not."""
    from ..data.batching import make_batch

    text = _check_texts([sentence])[0]
    batch = make_batch(to_ids(tokenizer, [text]), [0], tokenizer, [text]).to(model.device)
    model.eval()
    mu, _ = model.encode(batch.tokens, batch.lengths, batch.texts)
    logits = model.target_logits(mu, batch.dec_in, batch.mask)
    targets = batch.dec_out[batch.mask]
    probs = torch.softmax(logits.float(), -1).gather(1, targets[:, None]).squeeze(1)
    return [(tokenizer.piece(t), float(p)) for t, p in zip(targets.tolist(), probs.tolist())]
