"""The sentence VAE of Bowman et al. (2016), in one readable module.

tokens -> embedding -> bidirectional RNN -> (mu, logvar) of q(z|x)
z = mu + sigma * eps                                   (reparameterisation)
z -> initial decoder state; [embedding(x_t); z] at every step -> RNN -> softmax over the vocabulary
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from .errors import ConfigError


@dataclass
class ModelConfig:
    """Network sizes. The vocabulary size comes from the tokenizer, not from here."""

    embed_dim: int = 256
    hidden_dim: int = 256
    latent_dim: int = 32
    num_layers: int = 1
    dropout: float = 0.1  # on embeddings and decoder outputs
    cell: str = "gru"  # "gru" or "lstm"
    bn_gamma: float = 0.7  # BN-VAE (Zhu et al. 2020): batch-normalise μ with this fixed scale; 0 turns it off

    def validate(self) -> None:
        for name in ("embed_dim", "hidden_dim", "latent_dim", "num_layers"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive whole number (got {value!r}).")
        if self.latent_dim > 1024 or self.hidden_dim > 8192 or self.embed_dim > 8192 or self.num_layers > 8:
            raise ConfigError("the model is far too large: keep latent_dim ≤ 1024, sizes ≤ 8192, layers ≤ 8.")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1) (got {self.dropout}).")
        if not 0.0 <= self.bn_gamma <= 10.0:
            raise ConfigError(f"bn_gamma must be in [0, 10] (got {self.bn_gamma}).")
        if self.cell not in ("gru", "lstm"):
            raise ConfigError(f"cell must be 'gru' or 'lstm' (got {self.cell!r}).")


class SentenceVAE(nn.Module):
    """Encoder q(z|x), decoder p(x|z); the loss lives in `objective`, the loops in `training`."""

    def __init__(self, config: ModelConfig, vocab_size: int, pad_id: int = 0):
        super().__init__()
        config.validate()
        self.config, self.vocab_size = config, vocab_size
        c = config
        rnn = nn.GRU if c.cell == "gru" else nn.LSTM
        between = c.dropout if c.num_layers > 1 else 0.0
        self.embed = nn.Embedding(vocab_size, c.embed_dim, padding_idx=pad_id)
        self.drop = nn.Dropout(c.dropout)
        self.encoder = rnn(
            c.embed_dim, c.hidden_dim, c.num_layers, batch_first=True, bidirectional=True, dropout=between
        )
        self.to_mu = nn.Linear(2 * c.hidden_dim, c.latent_dim)
        self.to_logvar = nn.Linear(2 * c.hidden_dim, c.latent_dim)
        if c.bn_gamma > 0:  # μ's batch statistics are pinned, so E[KL] per dimension stays ≥ γ²/2
            self.mu_bn = nn.BatchNorm1d(c.latent_dim, affine=False)
            self.mu_shift = nn.Parameter(torch.zeros(c.latent_dim))
        self.z_to_hidden = nn.Linear(c.latent_dim, c.num_layers * c.hidden_dim)
        self.decoder = rnn(c.embed_dim + c.latent_dim, c.hidden_dim, c.num_layers, batch_first=True, dropout=between)
        self.out = nn.Linear(c.hidden_dim, vocab_size)

    @property
    def device(self) -> torch.device:
        return self.out.weight.device

    def encode(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T) padded token ids and their lengths -> mu, logvar, each (B, latent_dim)."""
        emb = self.drop(self.embed(tokens))
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h = self.encoder(packed)
        if isinstance(h, tuple):  # LSTM returns (h, c)
            h = h[0]
        summary = torch.cat([h[-2], h[-1]], dim=-1)  # last layer, forward and backward
        mu = self.to_mu(summary)
        if self.config.bn_gamma > 0:
            mu = self.config.bn_gamma * self.mu_bn(mu) + self.mu_shift
        return mu, self.to_logvar(summary)

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)

    def decoder_modules(self) -> list[nn.Module]:
        """The decoder's own layers (the embedding is shared with the encoder)."""
        return [self.z_to_hidden, self.decoder, self.out]

    def init_state(self, z: torch.Tensor):
        """Decoder's initial recurrent state from z (for an LSTM the cell starts at zero)."""
        c = self.config
        h = torch.tanh(self.z_to_hidden(z)).view(-1, c.num_layers, c.hidden_dim).transpose(0, 1).contiguous()
        return (h, torch.zeros_like(h)) if c.cell == "lstm" else h

    def decode(self, z: torch.Tensor, inputs: torch.Tensor, state=None):
        """Run the decoder over (B, T) input ids given z (B, D); returns hidden outputs (B, T, H) and state."""
        if state is None:
            state = self.init_state(z)
        emb = self.drop(self.embed(inputs))
        z_steps = z.unsqueeze(1).expand(-1, inputs.size(1), -1)
        output, state = self.decoder(torch.cat([emb, z_steps], dim=-1), state)
        return self.drop(output), state

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Vocabulary scores from decoder outputs."""
        return self.out(hidden)

    def target_logits(self, z: torch.Tensor, dec_in: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Teacher-forced vocabulary scores at the real (unpadded) target positions only, shape (N, V):
        the output layer is the costliest part, so it never runs on padding."""
        hidden, _ = self.decode(z, dec_in)
        return self.logits(hidden[mask])

    def step(self, z: torch.Tensor, token: torch.Tensor, state):
        """One decoding step: (B,) previous token ids -> (B, V) log-probabilities and the new state."""
        hidden, state = self.decode(z, token.unsqueeze(1), state)
        return torch.log_softmax(self.logits(hidden[:, 0]).float(), dim=-1), state
