"""The rate–distortion trade-off a class can see: a few short trainings of the same corpus at different settings of
the knob that sets how much z may hold (BN-VAE's γ: the KL cannot fall below latent size · γ² / 2 nats), each a
point of KL (rate) against reconstruction (distortion), with what it writes back for one sentence and what it
writes from a prior sample. Too little rate and z is ignored; more rate and sentences come back, while the prior's
samples land in the holes between the encoded sentences."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from ..data.corpus import Corpus
from ..errors import InputError
from ..explore.latent import reconstruct, sample_prior
from ..model.vae import ModelConfig
from .fit import fit
from .loop import TrainConfig

GAMMAS = (0.1, 0.5, 1.0, 2.0)  # 2.0 is the library's default (model.ModelConfig.bn_gamma)


@dataclass
class TradeoffPoint:
    """One short training: its knob, its rate and distortion on held-out sentences, and two sentences it wrote."""

    gamma: float
    kl: float  # rate: nats per sentence
    rec: float  # distortion: reconstruction negative log-likelihood, nats per sentence
    sentence: str  # the corpus sentence it was asked to write back
    written_back: str  # from that sentence's posterior mean
    from_prior: str  # from a draw of the prior N(0, I)


def rate_distortion(
    corpus: Corpus,
    gammas: tuple[float, ...] = GAMMAS,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    sentence: int = 0,
) -> list[TradeoffPoint]:
    """Train one model per γ (short: 3 epochs by default, no replay) and measure each. `sentence` is the row of
    the corpus sentence each model writes back."""
    if not 0 <= sentence < len(corpus.texts):
        raise InputError(f"sentence {sentence} is not a row of this corpus ({len(corpus.texts)} sentences).")
    model_config = model_config or ModelConfig()
    train_config = train_config or TrainConfig(epochs=3, pretrain_epochs=1, patience=0, replay_size=0)
    points = []
    for gamma in gammas:
        tm = fit(corpus, replace(model_config, bn_gamma=gamma), train_config, iw_samples=0, roundtrip_limit=0)
        text = corpus.texts[sentence]
        back = reconstruct(tm.model, tm.tokenizer, [text])[0]
        _, prior = sample_prior(tm.model, tm.tokenizer, 1, seed=train_config.seed)
        points.append(TradeoffPoint(gamma, tm.metrics["kl"], tm.metrics["rec"], text, back, prior[0]))
    return points


def to_json(points: list[TradeoffPoint]) -> str:
    """The points as JSON (as shipped for the demo in assets/tradeoff.json)."""
    return json.dumps([asdict(p) for p in points], indent=1)


def from_json(text: str) -> list[TradeoffPoint]:
    """Points saved by `to_json`; InputError when the text is not such a list."""
    try:
        return [TradeoffPoint(**row) for row in json.loads(text)]
    except (TypeError, ValueError) as e:
        raise InputError(f"not a saved rate–distortion curve ({e}).") from e
