"""z -> text: greedy, sampling (temperature, top-k, top-p), beam search, and re-ranking (the beam's likeliest
sentences, of which the one whose own encoding lands nearest z), stopping at <eos> or max_len."""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from ..data.batching import to_ids
from ..data.tokenizer import TextTokenizer
from ..errors import ConfigError
from .vae import SentenceVAE, posterior

STRATEGIES = ("greedy", "sample", "beam", "rerank")
DETERMINISTIC = tuple(s for s in STRATEGIES if s != "sample")  # the same sentence back every time: for measuring
STRATEGY_NOTES = {  # one line each, for a person choosing
    "greedy": "the likeliest word at each step",
    "sample": "words drawn at random by their probability (temperature, top-p)",
    "beam": "the likeliest whole sentence found by beam search",
    "rerank": "of the greedy sentence and the beam's likeliest, the one whose own encoding lands nearest z "
    "(slower; keeps the most meaning)",
}


@dataclass
class DecodeConfig:
    """How to turn latent vectors into words."""

    strategy: str = "greedy"
    temperature: float = 1.0  # sample: <1 sharper, >1 more varied
    top_k: int = 0  # sample: keep the k likeliest words (0 = all)
    top_p: float = 1.0  # sample: keep the smallest set of words with this much probability (1 = all)
    beam_size: int = 5  # beam: its width
    candidates: int = 10  # rerank: how many of beam search's likeliest sentences compete with the greedy one
    length_penalty: float = 1.0  # beam: score / length**penalty, so long sentences are not punished
    max_len: int = 40
    seed: int = 0  # sample
    unknown_words: bool = True  # False: never write ▢ (a word outside the vocabulary) but the likeliest known word;
    # it reads as a sentence, though where a name stood it puts a word of its own

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"unknown decoding strategy {self.strategy!r}: use one of {', '.join(STRATEGIES)}.")
        if not 0 < self.temperature <= 100:
            raise ConfigError(f"temperature must be in (0, 100] (got {self.temperature}).")
        if self.top_k < 0:
            raise ConfigError(f"top_k must be 0 or more (got {self.top_k}).")
        if not 0 < self.top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1] (got {self.top_p}).")
        if not 1 <= self.beam_size <= 100:
            raise ConfigError(f"beam_size must be from 1 to 100 (got {self.beam_size}).")
        if not 1 <= self.candidates <= 100:
            raise ConfigError(f"candidates must be from 1 to 100 (got {self.candidates}).")
        if not 1 <= self.max_len <= 1000:
            raise ConfigError(f"max_len must be from 1 to 1000 (got {self.max_len}).")


@torch.no_grad()
def decode(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    z: torch.Tensor,
    config: DecodeConfig | None = None,
    anchors: torch.Tensor | None = None,
) -> list[str]:
    """Decode each row of z (N, D) into a sentence. `anchors` (N, D), for rerank: where the chosen sentence's own
    encoding should land, when that is not z itself (a point refined from a sentence's mean: the mean)."""
    config = config or DecodeConfig()
    if z.dim() != 2 or z.size(1) != model.config.latent_dim:
        raise ConfigError(f"z must have shape (N, {model.config.latent_dim}), got {tuple(z.shape)}.")
    if anchors is not None and anchors.shape != z.shape:
        raise ConfigError(f"anchors must have z's shape {tuple(z.shape)}, got {tuple(anchors.shape)}.")
    model.eval()
    z = z.to(model.device, torch.float32)
    if config.strategy == "beam":
        ids = [beam_hypotheses(model, tokenizer, row, config)[0] for row in z]
    elif config.strategy == "rerank":
        ids = rerank(model, tokenizer, z, config, anchors)
    else:
        ids = step_decode(model, tokenizer, z, config)
    return [tokenizer.decode(seq) for seq in ids]


def _banned(tokenizer: TextTokenizer, config: DecodeConfig) -> list[int]:
    """Token ids a decoder may never write: padding and the start token, and <unk> unless allowed."""
    return [tokenizer.pad_id, tokenizer.bos_id] + ([] if config.unknown_words else [tokenizer.unk_id])


def step_decode(model: SentenceVAE, tokenizer: TextTokenizer, z: torch.Tensor, config: DecodeConfig) -> list[list[int]]:
    """Greedy or sampled decoding of a whole batch at once; returns token ids up to (without) <eos>."""
    n = z.size(0)
    generator = torch.Generator(device=model.device).manual_seed(config.seed)
    state = model.init_state(z)
    token = torch.full((n,), tokenizer.bos_id, dtype=torch.long, device=model.device)
    done = torch.zeros(n, dtype=torch.bool, device=model.device)
    out = []
    for _ in range(config.max_len):
        logp, state = model.step(z, token, state)
        logp[:, _banned(tokenizer, config)] = -torch.inf
        if config.strategy == "greedy":
            token = logp.argmax(-1)
        else:
            probs = torch.softmax(filter_logits(logp / config.temperature, config.top_k, config.top_p), -1)
            token = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        token = token.masked_fill(done, tokenizer.pad_id)
        out.append(token)
        done |= token == tokenizer.eos_id
        if bool(done.all()):
            break
    ids = torch.stack(out, 1).tolist()
    return [_until_eos(seq, tokenizer) for seq in ids]


def _until_eos(seq: list[int], tokenizer: TextTokenizer) -> list[int]:
    return seq[: seq.index(tokenizer.eos_id)] if tokenizer.eos_id in seq else seq


def filter_logits(logits: torch.Tensor, top_k: int = 0, top_p: float = 1.0) -> torch.Tensor:
    """Set to -inf every score outside the top-k and outside the top-p nucleus (Holtzman et al. 2020)."""
    if top_k > 0 and top_k < logits.size(-1):
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, -torch.inf)
    if top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        cumulative = torch.softmax(sorted_logits, -1).cumsum(-1)
        remove = cumulative - torch.softmax(sorted_logits, -1) >= top_p  # keep the word that crosses top_p
        logits = logits.masked_fill(remove.scatter(-1, order, remove), -torch.inf)
    return logits


def beam_hypotheses(
    model: SentenceVAE, tokenizer: TextTokenizer, z: torch.Tensor, config: DecodeConfig
) -> list[list[int]]:
    """The sentences beam search finished for one z (D,), likeliest first (log-probability / length**penalty);
    the first is the beam search's answer. The beams run as one batch."""
    width = config.beam_size
    zb = z.unsqueeze(0)
    state = model.init_state(zb)
    beams = [[]]
    scores = torch.zeros(1, device=model.device)
    finished: list[tuple[float, list[int]]] = []
    token = torch.tensor([tokenizer.bos_id], device=model.device)
    for t in range(1, config.max_len + 1):
        logp, state = model.step(zb.expand(len(beams), -1), token, state)
        logp[:, _banned(tokenizer, config)] = -torch.inf
        total = (scores.unsqueeze(1) + logp).view(-1)
        top_scores, top_idx = torch.topk(total, min(2 * width, total.numel()))
        vocab = logp.size(1)
        keep_rows, keep_tokens, keep_scores = [], [], []
        for score, idx in zip(top_scores.tolist(), top_idx.tolist()):
            row, tok = divmod(idx, vocab)
            if tok == tokenizer.eos_id:
                finished.append((score / t**config.length_penalty, beams[row]))
            else:
                keep_rows.append(row)
                keep_tokens.append(tok)
                keep_scores.append(score)
            if len(keep_rows) == width:
                break
        best_open = max(keep_scores, default=-torch.inf) / t**config.length_penalty
        if len(finished) >= width and max(f[0] for f in finished) >= best_open:
            break
        if not keep_rows:
            break
        rows = torch.tensor(keep_rows, device=model.device)
        state = tuple(s[:, rows] for s in state) if isinstance(state, tuple) else state[:, rows]
        beams = [beams[r] + [tk] for r, tk in zip(keep_rows, keep_tokens)]
        scores = torch.tensor(keep_scores, device=model.device)
        token = torch.tensor(keep_tokens, device=model.device)
    if not finished:  # ran to max_len: take the open beams
        finished = [(float(s) / config.max_len**config.length_penalty, b) for s, b in zip(scores.tolist(), beams)]
    finished.sort(key=lambda f: -f[0])  # stable: of equal scores, the first found stays first, as max() took it
    return [ids for _, ids in finished]


def rerank(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    z: torch.Tensor,
    config: DecodeConfig,
    anchors: torch.Tensor | None = None,
) -> list[list[int]]:
    """For each row of z: of the greedy sentence and the `candidates` likeliest of a beam search that wide, the one
    whose own posterior mean lies nearest z (or that row of `anchors`), so the sentence shown is one the encoder would
    put back where z is. The decoder alone often writes a fluent sentence that belongs elsewhere; checking each
    candidate against the encoder keeps more of what z holds (bench/ROUNDTRIP.md, "Decoding the round trip"). A point
    refined from a sentence's mean lies away from where the encoder puts the sentence, so its candidates are judged
    against the mean instead (bench/ROUNDTRIP.md, "Refining z")."""
    greedy = step_decode(model, tokenizer, z, replace(config, strategy="greedy"))
    candidates = []
    for first, row in zip(greedy, z):
        beam = replace(config, beam_size=config.candidates)
        found = [first] + beam_hypotheses(model, tokenizer, row, beam)[: config.candidates]
        texts = {}  # each distinct sentence once, by what it reads as
        for ids in found:
            texts.setdefault(tokenizer.decode(ids), ids)
        candidates.append([(text, ids) for text, ids in texts.items() if text.strip()] or [("", first)])
    flat = [text for options in candidates for text, _ in options]
    mu, _ = posterior(model, tokenizer, to_ids(tokenizer, flat), texts=flat)
    targets = (z if anchors is None else anchors).float().cpu()
    chosen, start = [], 0
    for row, options in zip(targets, candidates):
        distance = (mu[start : start + len(options)] - row).pow(2).sum(1)
        chosen.append(options[int(distance.argmin())][1])
        start += len(options)
    return chosen
