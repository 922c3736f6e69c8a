"""The one mapping from flat settings to configs, shared by the CLI's train command and the Train form."""

from dataclasses import fields

import pytest

from vae_core import InputError, ModelConfig, TokenizerConfig, TrainConfig, cli
from vae_core.model.vae import suggested_config
from vae_core.train import settings
from vae_core.train.fit import adapt_config


def _train_args(*options: str):
    return cli.build_parser().parse_args(["train", "corpus.txt", "--out", "model", *options])


def test_nothing_given_is_the_library_defaults():
    model, train, tokenizer = settings.configs({}, from_base=False)
    assert (model, train, tokenizer) == (ModelConfig(), TrainConfig(), TokenizerConfig())
    assert settings.configs({}, from_base=True) == (None, adapt_config(), None)


def test_every_setting_lands_in_its_config():
    model, train, tokenizer = settings.configs(
        {
            "latent_dim": 8,
            "num_layers": 2,
            "kind": "bpe",
            "beta_schedule": "constant",
            "beta_max": 0.5,
            "beta_cycles": 2,
            "epochs": 3,
            "seed": 7,
            "finetune_encoder": False,
            "patience": None,
        },  # fmt: skip
        from_base=False,
    )
    assert (model.latent_dim, model.num_layers, tokenizer.kind) == (8, 2, "bpe")
    assert (train.beta.kind, train.beta.beta_max, train.beta.cycles) == ("constant", 0.5, 2)
    assert (train.epochs, train.seed, train.patience) == (3, 7, TrainConfig().patience)  # None keeps the default


def test_a_pretrained_encoder_gets_its_suggestions_under_what_was_given():
    model, _, _ = settings.configs({"encoder": "pretrained", "bn_gamma": 0.5}, from_base=False)
    assert model == suggested_config("pretrained", bn_gamma=0.5)


def test_sizes_are_refused_when_adapting_the_base_model():
    with pytest.raises(InputError, match="--layers, --tokenizer: sizes a new model"):
        settings.configs({"num_layers": 2, "kind": "bpe"}, from_base=True, label=cli._option)
    with pytest.raises(ValueError, match="not a training setting: colour"):
        settings.configs({"colour": "red"}, from_base=False)


def test_the_settings_cover_the_configs_a_user_can_change():
    # meaning_dim: a meaning part is pretrained with its teacher (base/teacher.py), and adapting keeps the base's
    internal = {"bn_eps", "pretrained_name", "output", "adaptive_cutoffs", "grad_clip", "keep_best", "encoder_lr",
                "beta", "lowercase", "strip_accents", "unicode_form", "meaning_dim"}  # fmt: skip
    settable = {f.name for c in (ModelConfig, TrainConfig, TokenizerConfig) for f in fields(c)} - internal
    assert settable == set(settings.SHAPE_FIELDS + settings.TRAIN_FIELDS)


def test_the_cli_train_options_are_the_settings():
    args = _train_args("--from", "scratch", "--layers", "2", "--tokenizer", "bpe", "--beta-max", "0.5", "--epochs", "3")
    assert all(hasattr(args, cli.ARG_OF.get(name, name)) for name in settings.FIELDS)
    expected = settings.configs(
        {"num_layers": 2, "kind": "bpe", "beta_max": 0.5, "epochs": 3, "beta_cycles": 4}, from_base=False
    )
    assert cli._train_configs(args) == expected


def test_the_flat_settings_of_three_configs_build_the_same_configs_again():
    """`flat` is `configs`' inverse: the Train form shows a config's values and gets the same config back."""
    model = suggested_config("pretrained", latent_dim=48, hidden_dim=128)
    train = TrainConfig(epochs=7, lr=2e-3, free_bits=0.25)
    tokenizer = TokenizerConfig(min_frequency=3)
    flat = settings.flat(model, train, tokenizer)
    assert set(flat) == set(settings.FIELDS)
    assert settings.configs(flat, from_base=False) == (model, train, tokenizer)


def test_every_setting_on_the_train_form_is_a_training_setting():
    from ui.train_form import SCRATCH_FIELDS

    names = [f.name for f in SCRATCH_FIELDS]
    assert len(set(names)) == len(names) and set(names) <= set(settings.FIELDS)
