"""Shapes and padding invariance of the sentence VAE."""

import pytest
import torch

from vae_core import ConfigError, ModelConfig, SentenceVAE, TextTokenizer, TokenizerConfig
from vae_core.data.batching import bucket_batches, make_batch, to_ids


@pytest.mark.parametrize("cell, layers", [("gru", 1), ("lstm", 1), ("gru", 2), ("lstm", 3)])
def test_shapes(cell, layers):
    torch.manual_seed(0)
    model = SentenceVAE(
        ModelConfig(embed_dim=16, hidden_dim=24, latent_dim=5, num_layers=layers, cell=cell, encoder="rnn"), 30
    )
    tokens = torch.randint(4, 30, (3, 6))
    lengths = torch.tensor([6, 4, 2])
    mu, logvar = model.encode(tokens, lengths)
    assert mu.shape == logvar.shape == (3, 5)
    hidden, _ = model.decode(mu, tokens)
    assert model.logits(hidden).shape == (3, 6, 30)
    mask = torch.arange(6)[None] < lengths[:, None]
    assert model.target_logits(mu, tokens, mask).shape == (12, 30)
    logp, _ = model.step(mu, tokens[:, 0], model.init_state(mu))
    assert logp.shape == (3, 30) and torch.allclose(logp.exp().sum(-1), torch.ones(3))


def test_padding_does_not_change_the_encoding():
    tk = TextTokenizer.train(["a b c d e f g", "a b"], TokenizerConfig(min_frequency=1))
    torch.manual_seed(0)
    model = SentenceVAE(ModelConfig(embed_dim=8, hidden_dim=8, latent_dim=4, encoder="rnn"), tk.vocab_size).eval()
    seqs = to_ids(tk, ["a b", "a b c d e f g"])
    alone = make_batch(seqs, [0], tk)
    padded = make_batch(seqs, [0, 1], tk)
    mu_alone, _ = model.encode(alone.tokens, alone.lengths)
    mu_padded, _ = model.encode(padded.tokens, padded.lengths)
    assert torch.allclose(mu_alone[0], mu_padded[0], atol=1e-6)


def test_batch_layout():
    tk = TextTokenizer.train(["x y z"], TokenizerConfig(min_frequency=1))
    b = make_batch(to_ids(tk, ["x y z", "x"]), [0, 1], tk)
    assert b.dec_in[0].tolist() == [tk.bos_id, *b.tokens[0].tolist()]
    assert b.dec_out[1].tolist()[:2] == [b.tokens[1, 0].item(), tk.eos_id]
    assert b.mask.sum().item() == b.n_tokens == 3 + 1 + 1 + 1


def test_bucketing_groups_similar_lengths_and_covers_everything():
    lengths = [1, 9, 2, 8, 3, 7, 4, 6]
    batches = bucket_batches(lengths, 2, shuffle=True, generator=torch.Generator().manual_seed(0))
    assert sorted(i for b in batches for i in b) == list(range(8))
    assert all(abs(lengths[b[0]] - lengths[b[-1]]) <= 1 for b in batches)


@pytest.mark.parametrize(
    "field, value",
    [("latent_dim", 0), ("latent_dim", -3), ("hidden_dim", 10**6), ("cell", "transformer"), ("dropout", 1.5)],
)
def test_absurd_configs_are_refused(field, value):
    with pytest.raises(ConfigError):
        SentenceVAE(ModelConfig(**{field: value}), 10)
