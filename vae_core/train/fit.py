"""Corpus -> tokenizer -> model -> training -> held-out metrics: the whole `train` recipe in one call."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

import torch

from ..data.corpus import Corpus
from ..data.streaming import VAL_MAX, StreamedCorpus
from ..data.style import detect
from ..data.tokenizer import TextTokenizer, TokenizerConfig
from ..errors import ConfigError
from ..measure import roundtrip
from ..measure.metrics import evaluate
from ..model.objective import BetaSchedule
from ..model.vae import ModelConfig, SentenceVAE
from . import distributed
from .loop import Progress, TrainConfig, estimate_seconds, timed, train_vae

if TYPE_CHECKING:
    from .replay import Replay


@dataclass
class TrainedModel:
    """Everything a bundle holds: the network, its tokenizer, the settings it was trained with, metrics."""

    model: SentenceVAE
    tokenizer: TextTokenizer
    train_config: TrainConfig | None = None
    tokenizer_config: TokenizerConfig | None = None
    metrics: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)  # where it came from: corpus name, sizes, labels, …
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    replay: Replay | None = None  # the training replay, when one was recorded

    @property
    def latent_dim(self) -> int:
        return self.model.config.latent_dim


def undefended_configs(epochs: int = 10) -> tuple[ModelConfig, TrainConfig]:
    """Settings with every defence against posterior collapse turned off, to show a collapse happening: the RNN
    encoder alone, no BN-VAE, β = 1 from the first step (no annealing), no word dropout, no free bits, no
    autoencoder pre-training, no early stopping."""
    train = TrainConfig(
        epochs=epochs,
        beta=BetaSchedule("constant", beta_max=1.0),
        word_dropout=0.0,
        free_bits=0.0,
        pretrain_epochs=0,
        patience=0,
    )
    return ModelConfig(encoder="rnn", bn_gamma=0.0), train


ADAPT_WORDS = 400_000  # words an adaptation reads by default: long sentences take fewer passes, not more minutes
ADAPT_MAX_EPOCHS = 4
ADAPT_BETA = 0.3  # the KL's weight while adapting: the base model's own in pretraining (PretrainConfig.beta)


def adapt_config(epochs: int = ADAPT_MAX_EPOCHS) -> TrainConfig:
    """Settings for adapting the base model to a corpus (Optimus's recipe, Li et al. 2020: a few epochs from the
    pretrained weights): no autoencoder pre-training (it would reset the pretrained decoder), the KL weighed as the
    base model's last passes weighed it (ADAPT_BETA; its BN-VAE keeps the KL up), so its sharp posterior is kept, and
    a smaller learning rate, so what it knows of English is moved, not lost.
    No word dropout: the pretrained decoder already leans on z, and the corpus's own words are what it must learn to
    write back (bench/ROUNDTRIP.md, the adapted rows)."""
    return TrainConfig(
        epochs=epochs,
        lr=3e-4,
        beta=BetaSchedule("constant", beta_max=ADAPT_BETA),
        pretrain_epochs=0,
        word_dropout=0.0,
        patience=0,
    )


def adapt_epochs(corpus: Corpus | StreamedCorpus) -> int:
    """The passes (1 to ADAPT_MAX_EPOCHS) in which adapting reads about ADAPT_WORDS words of the corpus's training
    sentences, so 10,000 sentences of 24 words adapt in about the time 10,000 of 10 words do."""
    if isinstance(corpus, StreamedCorpus):  # too big to count: the held-out sentences are a sample of it
        sample = corpus.val_texts
        words = len(corpus) * sum(len(t.split()) for t in sample) / max(len(sample), 1)
    else:
        words = sum(len(corpus.texts[i].split()) for i in corpus.train_idx)
    return max(1, min(ADAPT_MAX_EPOCHS, round(ADAPT_WORDS / max(words, 1))))


def check_trainable(corpus: Corpus | StreamedCorpus) -> None:
    """Refuse a corpus too small to learn from (0 or 1 sentences), before any work starts."""
    n = len(corpus) + len(corpus.val_texts) if isinstance(corpus, StreamedCorpus) else len(corpus.texts)
    if n < 2:
        raise ConfigError(f"a model needs at least 2 sentences to learn from; this corpus has {n}.")


def fit(
    corpus: Corpus | StreamedCorpus,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    tokenizer_config: TokenizerConfig | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    iw_samples: int = 100,
    roundtrip_limit: int = 1000,
    start_from: TrainedModel | None = None,
) -> TrainedModel:
    """Train a sentence VAE on the corpus's training split and measure it on its validation split
    (on the training split, said in `info`, when the corpus is too small to hold one out). A StreamedCorpus is
    read from disk chunk by chunk: once for the vocabulary, then once per epoch.
    Under torchrun every rank calls this: they share rank 0's vocabulary, and only rank 0 measures the result
    (the others return it with empty metrics). The round trip is measured on up to `roundtrip_limit` held-out
    sentences (0: not measured). With `start_from` (the base model) its tokenizer and a copy of its network are
    trained on, instead of new ones, and `model_config` and `tokenizer_config` are not used."""
    if start_from is not None:
        model_config, tokenizer_config = start_from.model.config, start_from.tokenizer_config
    model_config = model_config or ModelConfig()
    train_config = train_config or TrainConfig()
    tokenizer_config = tokenizer_config or TokenizerConfig()
    streamed = isinstance(corpus, StreamedCorpus)
    check_trainable(corpus)
    train_texts = corpus if streamed else corpus.train_texts  # a StreamedCorpus iterates its training sentences
    style = detect(corpus.train_texts if not streamed else corpus.val_texts)  # the model writes back in it
    if start_from is not None:  # adapt: the base model's frozen tokenizer
        tokenizer = start_from.tokenizer.with_style(style)
        model = copy.deepcopy(start_from.model).float().cpu()
        if model.config.meaning_dim:  # no teacher here: keep the meaning part as pretraining taught it
            model.keep_meaning()
        torch.manual_seed(train_config.seed)
    else:
        tokenizer = TextTokenizer.train(train_texts, tokenizer_config) if distributed.is_main() else None
        if distributed.active():
            shared = distributed.broadcast_object(tokenizer.to_json() if tokenizer else None)
            tokenizer = TextTokenizer.from_json(shared)
        tokenizer = tokenizer.with_style(style)
        torch.manual_seed(train_config.seed)  # the initial weights depend on the seed alone
        model = SentenceVAE(model_config, tokenizer.vocab_size, pad_id=tokenizer.pad_id)
    result = train_vae(
        model, tokenizer, train_texts, corpus.val_texts, train_config, on_progress=on_progress, stop=stop
    )
    eval_texts = corpus.val_texts or (next(corpus.chunks())[:VAL_MAX] if streamed else train_texts)
    metrics = {}
    if distributed.is_main():
        likelihood = len(eval_texts) if iw_samples > 0 else 0
        trip = min(len(eval_texts), roundtrip_limit)
        measuring = measure_progress(on_progress, likelihood + trip)  # held-out likelihood, then the round trip
        metrics = evaluate(
            model, tokenizer, eval_texts, iw_samples=iw_samples, seed=train_config.seed, on_progress=measuring
        )
        if roundtrip_limit > 0:
            on_trip = lambda done, _total: measuring(likelihood + done, 0)  # noqa: E731
            metrics.update(measure_round_trip(model, tokenizer, corpus, eval_texts, roundtrip_limit, on_trip))
    metrics.update(
        evaluated_on="validation split" if corpus.val_texts else "training sentences (no validation split)",
        train_seconds=result.seconds,
        train_tokens=result.tokens,
        tokens_per_s=result.tokens / result.seconds if result.seconds else 0.0,
        stop_reason=result.stop_reason,
        best_epoch=result.best_epoch,
        device=str(model.device),
        precision=result.precision,
        processes=distributed.world_size(),
    )
    info = {
        "corpus": corpus.report.source,
        "sentences": len(train_texts) + len(corpus.val_texts),
        "train_sentences": len(train_texts),
        "val_sentences": len(corpus.val_texts),
        "has_labels": not streamed and corpus.labels is not None,
        "vocab_size": tokenizer.vocab_size,
        "streamed": streamed,
        "style": tokenizer.style.to_dict(),
        **({"adapted_from": start_from.info.get("corpus", "base")} if start_from is not None else {}),
    }
    history = {"epochs": result.history, "steps": result.steps, "stop_reason": result.stop_reason}
    if result.replay is not None and not streamed and corpus.labels is not None:
        result.replay.labels = [str(corpus.labels[corpus.train_idx[row]]) for row in result.replay.rows]
    return TrainedModel(model, tokenizer, train_config, tokenizer_config, metrics, history, info, replay=result.replay)


def _label_judge(corpus: Corpus | StreamedCorpus) -> tuple[roundtrip.LabelJudge | None, list | None]:
    """The round trip's label judge (a classifier fit on the training split's labels, when the corpus has them) and
    the labels of the sentences `fit` measures on."""
    labels = None if isinstance(corpus, StreamedCorpus) else corpus.labels  # a stream carries no labels
    if not labels:
        return None, None
    judge = roundtrip.label_judge(corpus.train_texts, [labels[i] for i in corpus.train_idx])
    return judge, [labels[i] for i in (corpus.val_idx or corpus.train_idx)]


def measure_progress(on_progress: Callable[[Progress], None] | None, total: int) -> Callable[[int, int], None]:
    """The closing measurements' progress: `report(done, _)` with `done` of the `total` sentences measured (the
    likelihood's, then the round trip's) becomes a "measure" Progress, its estimate from the pace so far."""
    start = time.perf_counter()

    def report(done: int, _total: int) -> None:
        if on_progress is None:
            return
        elapsed = time.perf_counter() - start
        eta = elapsed / done * (total - done) if done else 0.0
        on_progress(Progress.of_phase("measure", done, max(total, 1), elapsed, eta))

    report(0, total)  # it has begun: the line says so before the first batch is done
    return report


def measure_round_trip(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    corpus: Corpus | StreamedCorpus,
    eval_texts: list[str],
    limit: int = 1000,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """The model card's round-trip figures on `eval_texts` (the held-out sentences `fit` measures on), with label
    agreement judged by a classifier fit on the training split's labels when the corpus has them."""
    judge, eval_labels = _label_judge(corpus)
    return roundtrip.measure(
        model, tokenizer, eval_texts, labels=eval_labels, judge=judge, limit=limit, on_progress=on_progress
    )


def estimate_measure_seconds(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    corpus: Corpus,
    iw_samples: int,
    roundtrip_limit: int,
    sample: int = 64,
) -> float:
    """About how long `fit`'s closing measurements take: the label judge is built, then the held-out likelihood and
    the round trip are each run on a few sentences (paying once for what is loaded on first use) and twice on
    `sample` more, whose quicker per-sentence time is scaled to the sentences `fit` measures."""
    texts = corpus.val_texts or corpus.train_texts
    picked = [texts[i] for i in torch.randperm(len(texts), generator=torch.Generator().manual_seed(0))[:sample]]
    warm, rest = picked[:8], picked[8:] or picked

    start = time.perf_counter()
    judge, _ = _label_judge(corpus)
    total = time.perf_counter() - start
    parts: list[tuple[Callable[[list[str]], object], int]] = [
        (lambda part: evaluate(model, tokenizer, part, iw_samples=iw_samples), len(texts))
    ]
    if roundtrip_limit > 0:
        parts.append(
            (lambda part: roundtrip.round_trip(model, tokenizer, part, judge=judge), min(len(texts), roundtrip_limit))
        )
    for work, count in parts:
        first = timed(partial(work, warm))
        per_sentence = min(timed(partial(work, rest)) for _ in range(2)) / len(rest)  # the quicker of two: less noise
        total += first + per_sentence * max(count - len(warm), 0)
    return total


def estimate_fit_seconds(
    corpus: Corpus,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    tokenizer_config: TokenizerConfig | None = None,
    start_from: TrainedModel | None = None,
    iw_samples: int = 100,
    roundtrip_limit: int = 1000,
) -> float:
    """About how long `fit` (with these `iw_samples` and `roundtrip_limit`) will take on this machine, at most
    (every epoch run): a few real training steps of a throw-away model (a copy of `start_from`, when adapting) on a
    sample, scaled to the corpus (see training.estimate_seconds), and its closing measurements timed the same way
    (estimate_measure_seconds)."""
    model_config, train_config = model_config or ModelConfig(), train_config or TrainConfig()
    check_trainable(corpus)
    if start_from is not None:
        tokenizer, model = start_from.tokenizer, copy.deepcopy(start_from.model).float().cpu()
    else:
        tokenizer = TextTokenizer.train(corpus.train_texts, tokenizer_config or TokenizerConfig())
        model = SentenceVAE(model_config, tokenizer.vocab_size, pad_id=tokenizer.pad_id)
    training = estimate_seconds(model, tokenizer, corpus.train_texts, train_config, corpus.val_texts)
    return training + estimate_measure_seconds(model, tokenizer, corpus, iw_samples, roundtrip_limit)
