"""Flat settings (the CLI's options, the Train form's fields) to the three configs a training runs with: one
mapping, so the command line and the app build a model the same way from the same choices."""

from collections.abc import Callable, Mapping
from dataclasses import replace

from ..data.tokenizer import TokenizerConfig
from ..errors import InputError
from ..model.vae import ModelConfig, suggested_config
from .fit import adapt_config
from .loop import TrainConfig

MODEL_FIELDS = ("embed_dim", "hidden_dim", "num_layers", "dropout", "cell", "encoder", "bow_weight", "latent_dim",
                "bn_gamma", "finetune_encoder")  # fmt: skip
TOKENIZER_FIELDS = ("min_frequency", "max_vocab", "kind", "subword_vocab")
SHAPE_FIELDS = MODEL_FIELDS + TOKENIZER_FIELDS  # what sizes a new model: the base model's own are fixed
BETA_FIELDS = {"beta_schedule": "kind", "beta_max": "beta_max", "beta_cycles": "cycles"}  # setting -> BetaSchedule
TRAIN_FIELDS = ("epochs", "batch_size", "lr", "free_bits", "word_dropout", "patience", "replay_size",
                "pretrain_epochs", "anchor", "seed", "device", "precision")  # fmt: skip
FIELDS = SHAPE_FIELDS + tuple(BETA_FIELDS) + TRAIN_FIELDS


def configs(
    settings: Mapping[str, object],
    from_base: bool,
    label: Callable[[str], str] = str,
    scratch: str = "start from scratch",
) -> tuple[ModelConfig | None, TrainConfig, TokenizerConfig | None]:
    """The configs for `settings` (a field left out, None or False keeps its default). From the base model: its
    sizes and tokenizer with the adaptation recipe under the given training settings (model and tokenizer configs
    are None); from scratch: the library's suggestions for the encoder under what was given. `label` names a
    setting in a refusal, `scratch` says how to start from scratch (the CLI's option names)."""
    unknown = set(settings) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a training setting: {', '.join(sorted(unknown))}")
    given = {name: value for name, value in settings.items() if value is not None and value is not False}
    shape = {name: given[name] for name in SHAPE_FIELDS if name in given}
    if from_base and shape:
        names = ", ".join(label(name) for name in shape)
        raise InputError(f"{names}: sizes a new model, which adapting the base model does not make ({scratch}).")
    start = adapt_config() if from_base else TrainConfig()
    beta = replace(start.beta, **{field: given[name] for name, field in BETA_FIELDS.items() if name in given})
    train_config = replace(start, beta=beta, **{name: given[name] for name in TRAIN_FIELDS if name in given})
    if from_base:
        return None, train_config, None
    sizes = {name: shape[name] for name in MODEL_FIELDS if name in shape}
    model_config = suggested_config(sizes.pop("encoder", ModelConfig.encoder), **sizes)
    tokenizer_config = TokenizerConfig(**{name: shape[name] for name in TOKENIZER_FIELDS if name in shape})
    return model_config, train_config, tokenizer_config


def flat(model: ModelConfig, train: TrainConfig, tokenizer: TokenizerConfig) -> dict[str, object]:
    """The flat settings three configs hold (the inverse of `configs`): e.g. the defaults a form shows."""
    found = {name: getattr(model, name) for name in MODEL_FIELDS}
    found |= {name: getattr(tokenizer, name) for name in TOKENIZER_FIELDS}
    found |= {name: getattr(train.beta, field) for name, field in BETA_FIELDS.items()}
    return found | {name: getattr(train, name) for name in TRAIN_FIELDS}
