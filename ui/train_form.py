"""The Train page's settings of a new model, as one table (`SCRATCH_FIELDS`, four a row): adding a setting to the
form is one entry, named as `vae_core.train.settings` names it."""

from __future__ import annotations

from dataclasses import dataclass

from vae_core.model.objective import SCHEDULES
from vae_core.model.vae import CELLS


@dataclass(frozen=True)
class Field:
    """One setting on the form: its name in `settings.FIELDS`, its label, its range or choices, and its help."""

    name: str
    label: str
    low: float | None = None
    high: float | None = None
    help: str = ""
    step: float | None = None
    choices: tuple[str, ...] = ()
    slider: bool = False
    format: str | None = None

    def ask(self, column, default):
        """The widget in `column`, showing `default` first; its value as the setting's type."""
        if self.choices:
            return column.selectbox(self.label, self.choices, index=self.choices.index(default), help=self.help)
        if self.slider:
            return float(column.slider(self.label, self.low, self.high, default, self.step, help=self.help))
        asked = column.number_input(
            self.label, self.low, self.high, default, step=self.step, format=self.format, help=self.help
        )
        return type(default)(asked)


SCRATCH_FIELDS = (
    Field("latent_dim", "Latent dimensions", 2, 256, "Size of z, the sentence code."),
    Field("hidden_dim", "Hidden size", 16, 1024, "Width of the encoder and decoder."),
    Field("embed_dim", "Word embedding size", 16, 1024, "Width of each word vector."),
    Field("cell", "Cell", choices=CELLS, help="Recurrent unit of the encoder and decoder."),
    Field("epochs", "Epochs", 1, 200, "Passes over the training sentences."),
    Field("batch_size", "Batch size", 4, 1024, "Sentences per step."),
    Field("lr", "Learning rate", 1e-5, 0.1, "Adam's step size.", format="%.4f"),
    Field("seed", "Seed", 0, 10**6, "The same seed gives the same run."),
    Field("beta_schedule", "β schedule", choices=SCHEDULES,
          help="How the KL weight rises: cyclical repeats the warm-up (Fu et al. 2019)."),
    Field("beta_max", "β max", 0.0, 5.0, "Final KL weight (1 = the true ELBO)."),
    Field("free_bits", "Free bits (nats / dim)", 0.0, 2.0, "KL below this per dimension is free: keeps z in use.",
          step=0.05),
    Field("word_dropout", "Word dropout", 0.0, 0.9, "Share of decoder input words hidden, so it must rely on z.",
          step=0.05, slider=True),
    Field("bn_gamma", "BN-VAE γ", 0.0, 2.0,
          "Batch-normalise the posterior means to this spread, which keeps the KL from collapsing (0: off).", step=0.1),
    Field("pretrain_epochs", "Autoencoder pre-training epochs", 0, 50,
          "Train the encoder as a plain autoencoder first, then restart the decoder (Li et al. 2019)."),
    Field("min_frequency", "Minimum word frequency", 1, 100, "Rarer words become <unk>."),
    Field("patience", "Early-stopping patience", 0, 100, "Stop after this many epochs without improvement (0: never)."),
)  # fmt: skip
