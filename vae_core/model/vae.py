"""The sentence VAE of Bowman et al. (2016), in one readable module.

tokens -> embedding -> bidirectional RNN -> (mu, logvar) of q(z|x)
   (or, with encoder="pretrained": text -> a pretrained sentence encoder -> small head -> (mu, logvar),
    the Optimus recipe of Li et al. 2020 at laptop size;
    with encoder="hybrid": both summaries side by side -> (mu, logvar): the pretrained one brings the meaning,
    the RNN the wording)
z = mu + sigma * eps                                   (reparameterisation)
z -> initial decoder state; [embedding(x_t); z] at every step -> RNN -> softmax over the vocabulary
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..data.batching import iterate_batches
from ..errors import ConfigError
from . import pretrained
from .objective import token_nll

if TYPE_CHECKING:
    from ..data.tokenizer import TextTokenizer

# Suggested settings with a pretrained encoder: its frozen embedding keeps less of a sentence's wording than an RNN
# learns to keep; a wider latent with a wider spread of μ keeps the embedding's neighbourhoods best (the sweep and
# its figures: bench/pretrained_sweep.py, bench/results/pretrained-sweep.jsonl).
PRETRAINED_SUGGESTED = {"latent_dim": 64, "bn_gamma": 1.5}
ENCODERS = ("rnn", "pretrained", "hybrid")
CELLS = ("gru", "lstm")
OUTPUTS = ("full", "adaptive")


@dataclass
class ModelConfig:
    """Network sizes. The vocabulary size comes from the tokenizer, not from here."""

    embed_dim: int = 256
    hidden_dim: int = 256
    latent_dim: int = 32
    num_layers: int = 1
    dropout: float = 0.1  # on embeddings and decoder outputs
    cell: str = "gru"  # "gru" or "lstm"
    bn_gamma: float = 2.0  # BN-VAE (Zhu et al. 2020): batch-normalise μ with this fixed scale; 0 turns it off. The
    # KL floor is latent_dim·γ²/2 nats: at 0.7 (16 nats) z kept a sentence's pattern but not its meaning
    # (bench/ROUNDTRIP.md); at 2.0 (64 nats) it keeps both
    bn_eps: float = 1e-8  # BatchNorm's ε. Its default 1e-5 let a pretrained encoder's head shrink μ's raw variance
    # under ε (seen: 2e-6), so μ's spread fell below γ and the KL floor BN-VAE promises was lost
    encoder: str = "hybrid"  # "rnn": learned from the corpus; "pretrained": a sentence-transformer (pretrained.py);
    # "hybrid": both, their summaries side by side (the meaning from the pretrained one, the wording from the RNN)
    pretrained_name: str = pretrained.DEFAULT_ENCODER
    finetune_encoder: bool = False  # pretrained only: train its weights too (slow on a CPU) instead of freezing them
    bow_weight: float = 0.0  # Zhao et al. 2017's bag-of-words loss: z alone must also predict which words the
    # sentence holds (in any order), so z keeps its content words, not only its pattern; 0 turns it off
    output: str = "full"  # the output layer: "full" (one Linear over the vocabulary) or "adaptive" (Grave et al.
    # 2017's adaptive softmax: frequent tokens in a head, rare ones in narrower clusters; exact log-probabilities at
    # a fraction of the cost with a large subword vocabulary)
    adaptive_cutoffs: tuple[int, ...] = (2000, 6000)  # where the adaptive softmax's head and clusters end
    meaning_dim: int = 0  # the last meaning_dim of z's latent_dim dimensions are its meaning part: read by their own
    # head from the mean of the encoder's states and pretrained to stand for what a sentence encoder makes of the
    # sentence (base/teacher.py); the rest of z, the form part, keeps what the wording needs. Neighbours and maps
    # measure the two side by side (explore/projection.measured_space). 0: no such part, z is measured as it is

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        self.adaptive_cutoffs = tuple(self.adaptive_cutoffs)  # JSON gives a list
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
        if not 0.0 <= self.bow_weight <= 10.0:
            raise ConfigError(f"bow_weight must be in [0, 10] (got {self.bow_weight}).")
        if not 0.0 < self.bn_eps <= 1e-3:
            raise ConfigError(f"bn_eps must be in (0, 0.001] (got {self.bn_eps}).")
        if self.cell not in CELLS:
            raise ConfigError(f"cell must be 'gru' or 'lstm' (got {self.cell!r}).")
        if self.encoder not in ENCODERS:
            raise ConfigError(f"encoder must be one of {', '.join(ENCODERS)} (got {self.encoder!r}).")
        if self.output not in OUTPUTS:
            raise ConfigError(f"output must be one of {', '.join(OUTPUTS)} (got {self.output!r}).")
        cutoffs = self.adaptive_cutoffs
        if not all(isinstance(c, int) and c > 0 for c in cutoffs) or list(cutoffs) != sorted(set(cutoffs)):
            raise ConfigError(f"adaptive_cutoffs must be increasing positive whole numbers (got {cutoffs!r}).")
        if not isinstance(self.meaning_dim, int) or not 0 <= self.meaning_dim < self.latent_dim:
            raise ConfigError(f"meaning_dim must be a whole number below latent_dim (got {self.meaning_dim!r}).")
        if self.meaning_dim and self.encoder != "rnn":
            raise ConfigError("a meaning part (meaning_dim > 0) needs the rnn encoder.")
        if self.encoder != "rnn":
            pretrained.spec(self.pretrained_name)  # known and installed, or a clear message


def suggested_config(encoder: str = "rnn", **changes) -> ModelConfig:
    """The library's suggested settings for an encoder ("rnn" or "pretrained"), with `changes` on top."""
    return ModelConfig(**{"encoder": encoder, **(PRETRAINED_SUGGESTED if encoder == "pretrained" else {}), **changes})


class SentenceVAE(nn.Module):
    """Encoder q(z|x), decoder p(x|z); the loss lives in `objective`, the loops in `training`."""

    def __init__(self, config: ModelConfig, vocab_size: int, pad_id: int = 0):
        super().__init__()
        self.config, self.vocab_size = config, vocab_size
        c = config
        rnn = nn.GRU if c.cell == "gru" else nn.LSTM
        between = c.dropout if c.num_layers > 1 else 0.0
        self.embed = nn.Embedding(vocab_size, c.embed_dim, padding_idx=pad_id)
        self.drop = nn.Dropout(c.dropout)
        if c.encoder in ("rnn", "hybrid"):
            self.encoder = rnn(
                c.embed_dim, c.hidden_dim, c.num_layers, batch_first=True, bidirectional=True, dropout=between
            )
        if c.encoder in ("pretrained", "hybrid"):  # sentence embedding -> a (2 * hidden) summary, as an RNN gives
            # (no dropout here: its noise would swell μ's batch statistics in training only, and BN-VAE's spread)
            if c.finetune_encoder:  # its weights become part of this model (and of its bundle)
                self.sentence_encoder = pretrained.trainable_encoder(c.pretrained_name)
            dim = pretrained.spec(c.pretrained_name).dim
            self.head = nn.Sequential(nn.Linear(dim, 2 * c.hidden_dim), nn.GELU())
        summary_dim = 2 * c.hidden_dim * (2 if c.encoder == "hybrid" else 1)
        form_dim = c.latent_dim - c.meaning_dim
        self.to_mu = nn.Linear(summary_dim, form_dim)
        self.to_logvar = nn.Linear(summary_dim, form_dim)
        if c.meaning_dim:  # the meaning part: a small network over the mean of the encoder's states
            self.meaning = nn.Sequential(nn.Linear(2 * c.hidden_dim, 2 * c.hidden_dim), nn.GELU())
            self.meaning_mu = nn.Linear(2 * c.hidden_dim, c.meaning_dim)
            self.meaning_logvar = nn.Linear(2 * c.hidden_dim, c.meaning_dim)
        if c.bn_gamma > 0:  # μ's batch statistics are pinned, so E[KL] per dimension stays ≥ γ²/2 (the form part's:
            # the meaning part's spread is the teacher's)
            self.mu_bn = nn.BatchNorm1d(form_dim, eps=c.bn_eps, affine=False)
            self.mu_shift = nn.Parameter(torch.zeros(form_dim))
        self.z_to_hidden = nn.Linear(c.latent_dim, c.num_layers * c.hidden_dim)
        self.decoder = rnn(c.embed_dim + c.latent_dim, c.hidden_dim, c.num_layers, batch_first=True, dropout=between)
        if c.output == "adaptive":
            if c.adaptive_cutoffs[-1] >= vocab_size:
                raise ConfigError(
                    f"adaptive_cutoffs {c.adaptive_cutoffs} must end below the vocabulary ({vocab_size})."
                )
            self.out = nn.AdaptiveLogSoftmaxWithLoss(c.hidden_dim, vocab_size, list(c.adaptive_cutoffs), div_value=4.0)
        else:
            self.out = nn.Linear(c.hidden_dim, vocab_size)
        if c.bow_weight > 0:
            self.bow = nn.Linear(c.latent_dim, vocab_size)

    @property
    def device(self) -> torch.device:
        return self.to_mu.weight.device

    def encode(
        self, tokens: torch.Tensor, lengths: torch.Tensor, texts: list[str] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T) padded token ids and their lengths (and, for a pretrained encoder, the B texts themselves)
        -> mu, logvar, each (B, latent_dim)."""
        encoder, pooled = self.config.encoder, None
        if encoder == "rnn":
            summary, pooled = self._rnn_summary(tokens, lengths)
        elif encoder == "pretrained":
            summary = self._text_summary(texts)
        else:
            summary = torch.cat([self._rnn_summary(tokens, lengths)[0], self._text_summary(texts)], dim=-1)
        mu, logvar = self.to_mu(summary).float(), self.to_logvar(summary).float()  # float32 under bf16 autocast too
        if self.config.bn_gamma > 0:
            mu = self.config.bn_gamma * self._normalise_mu(mu) + self.mu_shift
        if self.config.meaning_dim:
            hidden = self.meaning(pooled)
            mu = torch.cat([mu, self.meaning_mu(hidden).float()], dim=-1)
            logvar = torch.cat([logvar, self.meaning_logvar(hidden).float()], dim=-1)
        return mu, logvar

    def _normalise_mu(self, mu: torch.Tensor) -> torch.Tensor:
        """BN-VAE's BatchNorm of μ. A training batch of one sentence has no spread to measure (BatchNorm raises on
        it), so it is normalised with the running statistics, as at inference."""
        bn = self.mu_bn
        if self.training and mu.size(0) == 1:
            return nn.functional.batch_norm(mu, bn.running_mean, bn.running_var, training=False, eps=bn.eps)
        return bn(mu)

    def forward(
        self,
        tokens: torch.Tensor,
        lengths: torch.Tensor,
        dec_in: torch.Tensor,
        mask: torch.Tensor,
        targets: torch.Tensor,
        texts: list[str] | None = None,
        corrupt=None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """One teacher-forced training pass: posterior (float32 mu, logvar), a sample z from it, each target token's
        NLL given z (N,), and (with a bag-of-words loss) the bag-of-words log-probabilities given z, else None.
        `corrupt` (word dropout) is applied to the decoder's input after z is drawn, so the random numbers come in the
        same order as ever. Training calls this (so DistributedDataParallel can wrap it)."""
        mu, logvar = self.encode(tokens, lengths, texts)
        z = self.reparameterize(mu, logvar)
        nll = self.target_nll(z, corrupt(dec_in) if corrupt else dec_in, mask, targets[mask])
        bow = torch.log_softmax(self.bow(z).float(), dim=-1) if self.config.bow_weight > 0 else None
        return mu, logvar, nll, bow

    def _rnn_summary(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The encoder's last states, forward and backward, (B, 2H); and, for a meaning part, the mean of its states
        over the sentence (B, 2H), else None."""
        emb = self.drop(self.embed(tokens))
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        states, h = self.encoder(packed)
        if isinstance(h, tuple):  # LSTM returns (h, c)
            h = h[0]
        pooled = None
        if self.config.meaning_dim:
            padded, _ = pad_packed_sequence(states, batch_first=True)  # zeros past each sentence's end
            pooled = padded.sum(1) / lengths.to(padded.device, padded.dtype).unsqueeze(1)
        return torch.cat([h[-2], h[-1]], dim=-1), pooled  # last layer, forward and backward

    def _text_summary(self, texts: list[str] | None) -> torch.Tensor:
        if texts is None:
            raise ConfigError("a model with a pretrained encoder needs the sentences' text to encode them.")
        c = self.config
        if c.finetune_encoder:
            embedding = pretrained.forward_trainable(self.sentence_encoder, texts, self.device)
        else:  # frozen: the shared, cached embedder; no gradient flows into it
            embedding = pretrained.get_embedder(c.pretrained_name, self.device).embed(texts).to(self.device)
        return self.head(embedding)

    def prepare(self, texts: list[str], on_progress=None) -> None:
        """Embed `texts` ahead of use with a frozen pretrained encoder, so training epochs only read its cache;
        `on_progress(done, total)` follows it. Nothing to do for the other encoders."""
        c = self.config
        if c.encoder != "rnn" and not c.finetune_encoder:
            pretrained.get_embedder(c.pretrained_name, self.device).embed(texts, on_progress)

    def param_groups(self, lr: float, encoder_lr: float) -> list[dict]:
        """Optimiser groups: a fine-tuned pretrained encoder learns at its own small rate."""
        if not hasattr(self, "sentence_encoder"):
            return [{"params": list(self.parameters()), "lr": lr}]
        inner = {id(p) for p in self.sentence_encoder.parameters()}
        rest = [p for p in self.parameters() if id(p) not in inner]
        return [{"params": rest, "lr": lr}, {"params": list(self.sentence_encoder.parameters()), "lr": encoder_lr}]

    def keep_meaning(self) -> None:
        """Freeze what the meaning part is read with (the encoder's recurrent network and the meaning head), so that
        training on a corpus without the teacher (adapting) moves the form part and the decoder but leaves where the
        meaning part puts sentences as the teacher taught it."""
        for module in (self.encoder, self.meaning, self.meaning_mu, self.meaning_logvar):
            module.requires_grad_(False)

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)

    def decoder_modules(self) -> list[nn.Module]:
        """The decoder's own layers (the embedding is shared with an RNN encoder)."""
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
        """Vocabulary scores from decoder outputs (an adaptive softmax gives them as exact log-probabilities, which
        every softmax and cross-entropy downstream leaves as they are)."""
        if self.config.output == "adaptive":
            return self.out.log_prob(hidden)
        return self.out(hidden)

    def target_logits(self, z: torch.Tensor, dec_in: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Teacher-forced vocabulary scores at the real (unpadded) target positions only, shape (N, V):
        the output layer is the costliest part, so it never runs on padding."""
        hidden, _ = self.decode(z, dec_in)
        return self.logits(hidden[mask])

    def target_nll(
        self, z: torch.Tensor, dec_in: torch.Tensor, mask: torch.Tensor, targets: torch.Tensor
    ) -> torch.Tensor:
        """Teacher-forced NLL (float32, nats) of each of the N `targets` at the real positions of `mask`. An adaptive
        softmax scores only each target's own cluster here (in float32: its cluster bookkeeping needs one dtype)."""
        if self.config.output != "adaptive":
            return token_nll(self.target_logits(z, dec_in, mask), targets)
        hidden, _ = self.decode(z, dec_in)
        with torch.autocast(hidden.device.type, enabled=False):
            return -self.out(hidden[mask].float(), targets).output

    def step(self, z: torch.Tensor, token: torch.Tensor, state):
        """One decoding step: (B,) previous token ids -> (B, V) log-probabilities and the new state."""
        hidden, state = self.decode(z, token.unsqueeze(1), state)
        return torch.log_softmax(self.logits(hidden[:, 0]).float(), dim=-1), state


@torch.no_grad()
def posterior(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    seqs: list[list[int]],
    batch_size: int = 256,
    texts: list[str] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Posterior mean and log-variance of every sequence, in input order, on the CPU: (N, D) each.
    `texts` (aligned with `seqs`) are needed by a model with a pretrained encoder, here and below."""
    model.eval()
    mu = torch.empty(len(seqs), model.config.latent_dim)
    logvar = torch.empty_like(mu)
    for batch in iterate_batches(seqs, tokenizer, batch_size, texts=texts):
        b = batch.to(model.device)
        m, lv = model.encode(b.tokens, b.lengths, b.texts)
        mu[batch.index], logvar[batch.index] = m.float().cpu(), lv.float().cpu()
    return mu, logvar
