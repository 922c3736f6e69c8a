"""Standard text-VAE metrics (He et al. 2019): ELBO terms, IW-NLL and perplexity, mutual information,
active units, and reconstruction token accuracy. All in nats; per-sentence figures are means over sentences."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..data.batching import iterate_batches, to_ids
from ..data.tokenizer import TextTokenizer
from ..model.objective import batch_loss, per_sentence
from ..model.vae import SentenceVAE, posterior

AU_THRESHOLD = 0.01  # a unit is active if Var_x(E_q[z_d|x]) ≥ 0.01 (Burda et al. 2016)
COLLAPSE_KL = 0.5  # nats per sentence: below it, z tells the decoder next to nothing


def collapsed(kl: float, active_units: int) -> bool:
    """Posterior collapse: the KL is near 0 or no latent unit is active, so the decoder ignores z."""
    return kl < COLLAPSE_KL or active_units == 0


def collapsing(steps: list[dict], settle: int = 20, window: int = 5) -> bool:
    """Whether a running training has collapsed: its last `window` progress rows (each with "kl" and
    "active_units") all look collapsed, once `settle` rows have come in."""
    return len(steps) >= settle and all(collapsed(s["kl"], s["active_units"]) for s in steps[-window:])


def active_units(mu: torch.Tensor, threshold: float = AU_THRESHOLD) -> int:
    """Number of latent dimensions whose posterior mean varies across the data by at least `threshold`."""
    if len(mu) < 2:
        return 0
    return int((mu.var(dim=0) >= threshold).sum())


@torch.no_grad()
def mutual_information(mu: torch.Tensor, logvar: torch.Tensor, max_n: int = 10000, seed: int = 0) -> float:
    """I(x; z) under q: E[log q(z|x)] - E[log q(z)], with the aggregate posterior q(z) taken as the
    mixture of all (up to `max_n`) sentences' posteriors (He et al. 2019). Bounded above by log N."""
    g = torch.Generator().manual_seed(seed)
    if len(mu) > max_n:
        keep = torch.randperm(len(mu), generator=g)[:max_n]
        mu, logvar = mu[keep], logvar[keep]
    n, d = mu.shape
    if n < 2:
        return 0.0
    mu, logvar = mu.double(), logvar.double()
    neg_entropy = (-0.5 * d * math.log(2 * math.pi) - 0.5 * (1 + logvar).sum(-1)).mean()
    z = mu + torch.randn(mu.shape, generator=g, dtype=torch.float64) * torch.exp(0.5 * logvar)
    var = logvar.exp()
    log_norm = 0.5 * (d * math.log(2 * math.pi) + logvar.sum(-1))  # (n,)
    block = max(1, 2**22 // (n * d))
    log_qz = torch.empty(n, dtype=torch.float64)
    for i in range(0, n, block):
        dev = z[i : i + block, None, :] - mu[None]  # (b, n, d): z_i against every q(.|x_j)
        log_density = -0.5 * (dev.pow(2) / var[None]).sum(-1) - log_norm[None]
        log_qz[i : i + block] = torch.logsumexp(log_density, dim=1) - math.log(n)
    return float(neg_entropy - log_qz.mean())


@torch.no_grad()
def elbo_terms(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    seqs: list[list[int]],
    batch_size: int = 256,
    seed: int = 0,
    texts: list[str] | None = None,
    accuracy: bool = True,
) -> dict:
    """Single-sample ELBO terms (β = 1, no free bits) and, with `accuracy`, teacher-forced token accuracy with
    z = mean (a second decoder pass, which validation during training skips). The sampling noise is seeded, so the
    numbers are repeatable."""
    model.eval()
    rec = kl = 0.0
    correct = tokens = 0
    with torch.random.fork_rng(devices=[model.device] if model.device.type == "cuda" else []):
        torch.manual_seed(seed)
        for batch in iterate_batches(seqs, tokenizer, batch_size, texts=texts):
            b = batch.to(model.device)
            terms = batch_loss(model, b)
            rec += float(terms.rec) * len(b.lengths)
            kl += float(terms.kl_dims.sum())
            if accuracy:
                predicted = model.target_logits(terms.mu, b.dec_in, b.mask).argmax(-1)
                correct += int((predicted == b.dec_out[b.mask]).sum())
            tokens += batch.n_tokens
    n = max(len(seqs), 1)
    return {
        "rec": rec / n,
        "kl": kl / n,
        "elbo": -(rec + kl) / n,
        "n_tokens": tokens,
        **({"rec_accuracy": correct / max(tokens, 1)} if accuracy else {}),
    }


@torch.no_grad()
def iw_nll(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    seqs: list[list[int]],
    k: int = 100,
    batch_size: int = 64,
    max_rows: int = 4096,
    seed: int = 0,
    texts: list[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> torch.Tensor:
    """Importance-weighted estimate of -log p(x) per sentence (Burda et al. 2016):
    -log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x). Tighter than the ELBO as K grows.
    `on_progress(done, total)` after each batch of sentences."""
    model.eval()
    out = torch.empty(len(seqs), dtype=torch.float64)
    normal = torch.distributions.Normal(0.0, 1.0)
    done = 0
    with torch.random.fork_rng(devices=[model.device] if model.device.type == "cuda" else []):
        torch.manual_seed(seed)
        for batch in iterate_batches(seqs, tokenizer, batch_size, texts=texts):
            b = batch.to(model.device)
            mu, logvar = model.encode(b.tokens, b.lengths, b.texts)
            std = torch.exp(0.5 * logvar)
            chunk = max(1, max_rows // len(b.lengths))
            log_w = []
            for start in range(0, k, chunk):
                kk = min(chunk, k - start)
                eps = torch.randn(kk, *mu.shape, device=mu.device)
                z = mu + eps * std  # (kk, B, D)
                log_q = torch.distributions.Normal(mu, std).log_prob(z).sum(-1)
                log_p_z = normal.log_prob(z).sum(-1)
                # rows ordered (k, b) to match z.reshape: the batch repeated kk times
                mask, dec_in, dec_out = (t.repeat(kk, 1) for t in (b.mask, b.dec_in, b.dec_out))
                # an adaptive softmax scores only each target's own cluster: no (rows, vocabulary) table
                nll = model.target_nll(z.reshape(-1, z.size(-1)), dec_in, mask, dec_out[mask])
                log_px = -per_sentence(nll, mask).view(kk, -1)
                log_w.append((log_px + log_p_z - log_q).double())
            log_w = torch.cat(log_w)  # (k, B)
            out[batch.index] = (math.log(k) - torch.logsumexp(log_w, dim=0)).cpu()
            done += len(b.lengths)
            if on_progress:
                on_progress(done, len(seqs))
    return out


def evaluate(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    texts: list[str],
    iw_samples: int = 100,
    batch_size: int = 256,
    seed: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Every standard metric on `texts`, as one JSON-ready dict (nats per sentence unless named).
    `on_progress(done, total)` follows the importance-weighted likelihood, the slow part."""
    seqs = to_ids(tokenizer, texts)
    terms = elbo_terms(model, tokenizer, seqs, batch_size, seed, texts=texts)
    mu, logvar = posterior(model, tokenizer, seqs, batch_size, texts=texts)
    nll = None
    if iw_samples > 0:
        nll = iw_nll(model, tokenizer, seqs, k=iw_samples, seed=seed, texts=texts, on_progress=on_progress)
    n_tokens = terms["n_tokens"]
    total_nll = float(nll.sum()) if nll is not None else terms["rec"] * len(seqs) + terms["kl"] * len(seqs)
    return {
        "elbo": terms["elbo"],
        "rec": terms["rec"],
        "kl": terms["kl"],
        "nll_iw": float(nll.mean()) if nll is not None else None,
        "iw_samples": iw_samples,
        "ppl": math.exp(total_nll / max(n_tokens, 1)),
        "mi": mutual_information(mu, logvar, seed=seed),
        "active_units": active_units(mu),
        "latent_dim": model.config.latent_dim,
        "rec_accuracy": terms["rec_accuracy"],
        "n_sentences": len(seqs),
        "n_tokens": n_tokens,
    }
