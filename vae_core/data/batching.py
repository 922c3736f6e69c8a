"""Token-id sequences -> padded tensors, in length-bucketed batches so that little compute goes on padding."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import torch

from .tokenizer import TextTokenizer


@dataclass
class Batch:
    """Encoder input, decoder input (<bos> x) and target (x <eos>), with the rows they came from."""

    tokens: torch.Tensor  # (B, T) padded ids
    lengths: torch.Tensor  # (B,)
    dec_in: torch.Tensor  # (B, T+1): <bos> x_1 .. x_n <pad>..
    dec_out: torch.Tensor  # (B, T+1): x_1 .. x_n <eos> <pad>..
    mask: torch.Tensor  # (B, T+1) True on real target positions
    index: torch.Tensor  # (B,) positions in the original list
    texts: list[str] | None = None  # the sentences themselves, for a pretrained encoder that reads text

    def to(self, device: torch.device) -> Batch:
        moved = {k: v.to(device, non_blocking=True) for k, v in vars(self).items() if isinstance(v, torch.Tensor)}
        return replace(self, **moved)

    @property
    def n_tokens(self) -> int:
        """Target tokens (words plus <eos>): the denominator of perplexity and tokens/s."""
        return int(self.lengths.sum()) + len(self.lengths)


def to_ids(tokenizer: TextTokenizer, texts: list[str], max_len: int = 256) -> list[list[int]]:
    """Token ids of each text, cut to `max_len`; an empty result becomes a single <unk>."""
    return [ids[:max_len] or [tokenizer.unk_id] for ids in tokenizer.encode(texts)]


def make_batch(
    seqs: list[list[int]], index: list[int], tokenizer: TextTokenizer, texts: list[str] | None = None
) -> Batch:
    """Pad the sequences `seqs[i] for i in index` into one Batch (with `texts[i]` alongside, if given)."""
    rows = [seqs[i] for i in index]
    lengths = torch.tensor([len(r) for r in rows])
    width = int(lengths.max())
    pad, bos, eos = tokenizer.pad_id, tokenizer.bos_id, tokenizer.eos_id
    tokens = torch.full((len(rows), width), pad, dtype=torch.long)
    dec_in = torch.full((len(rows), width + 1), pad, dtype=torch.long)
    dec_out = torch.full((len(rows), width + 1), pad, dtype=torch.long)
    dec_in[:, 0] = bos
    for b, r in enumerate(rows):
        row = torch.tensor(r, dtype=torch.long)
        tokens[b, : len(r)] = row
        dec_in[b, 1 : len(r) + 1] = row
        dec_out[b, : len(r)] = row
        dec_out[b, len(r)] = eos
    mask = torch.arange(width + 1).unsqueeze(0) <= lengths.unsqueeze(1)
    picked = [texts[i] for i in index] if texts is not None else None
    return Batch(tokens, lengths, dec_in, dec_out, mask, torch.tensor(index, dtype=torch.long), picked)


def n_batches(n: int, batch_size: int) -> int:
    """How many batches `bucket_batches` makes of n sentences (a lone last sentence joins the batch before it)."""
    full, rest = divmod(n, batch_size)
    return full + (rest > 1 or (rest == 1 and full == 0))


def bucket_batches(
    lengths: list[int], batch_size: int, *, shuffle: bool, generator: torch.Generator | None = None
) -> list[list[int]]:
    """Group indices of similar length into batches; with `shuffle`, random ties and batch order."""
    order = torch.randperm(len(lengths), generator=generator).tolist() if shuffle else list(range(len(lengths)))
    order.sort(key=lambda i: lengths[i])  # stable: equal lengths keep their random order
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if len(batches) > 1 and len(batches[-1]) == 1:  # a lone last sentence joins the batch before it: a batch of
        lone = batches.pop()  # one gives BatchNorm (BN-VAE) no statistics and the gradient a single sample
        batches[-1] += lone
    if shuffle:
        batches = [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]
    return batches


def iterate_batches(
    seqs: list[list[int]],
    tokenizer: TextTokenizer,
    batch_size: int,
    *,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
    texts: list[str] | None = None,
) -> Iterator[Batch]:
    """Yield length-bucketed Batches over all of `seqs` (`texts`, aligned with `seqs`, ride along)."""
    for index in bucket_batches([len(s) for s in seqs], batch_size, shuffle=shuffle, generator=generator):
        yield make_batch(seqs, index, tokenizer, texts)
