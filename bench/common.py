"""What the benchmarks share: where the corpora and results are, the labelled splits, the label probes, the
reference language model that judges fluency, and the machine's matrix-multiply rate (quoted beside every speed).

The corpora live in ../shared/data (or the folder LATENT_LAB_DATA names); a benchmark that needs them says so and
exits 0 without them. Run a benchmark from the repository root after `pip install -r requirements-dev.txt`, which
installs vae_core (editable) so that `import vae_core` works from bench/.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from vae_core import (
    Corpus,
    CorpusOptions,
    ModelConfig,
    SentenceVAE,
    TextTokenizer,
    TokenizerConfig,
    TrainConfig,
    load_bundle,
    load_corpus,
)
from vae_core.base.shipped import BASE, for_corpus, load_base
from vae_core.data.batching import iterate_batches, to_ids
from vae_core.device import resolve_device
from vae_core.errors import InputError
from vae_core.model.objective import reconstruction, sentence_nll

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("LATENT_LAB_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "bench" / ".cache"  # reference language models, trained once per corpus

SPLITS = {  # name: (train file, test file or None for the training file's own held-out split, label column)
    "trec": (DATA / "trec/train.tsv", DATA / "trec/test.tsv", "label"),
    "subj": (DATA / "subj/train.tsv", DATA / "subj/test.tsv", "label"),
    "sst": (DATA / "sst/train.tsv", DATA / "sst/test.tsv", "label"),
    "ptb": (DATA / "ptb/valid.txt", DATA / "ptb/test.txt", None),
    "demo": (ROOT / "assets/demo_corpus.tsv", None, "topic"),
}
LABELLED = [name for name, (_, test, label) in SPLITS.items() if label and test]


def record(path: Path, row: dict) -> None:
    """A result row printed as one JSON line and appended to `path` (a .jsonl file under bench/results)."""
    print(json.dumps(row), flush=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def have(name: str) -> bool:
    """Whether a split's training file is here (the shared corpora may be absent)."""
    return SPLITS[name][0].is_file()


def load_split(name: str) -> tuple[Corpus, Corpus]:
    """The training corpus (sentences over 64 tokens left out, its own seeded 10% validation split) and the test
    sentences, all of them (for demo: that validation split)."""
    train_file, test_file, label = SPLITS[name]
    options = CorpusOptions(label_column=label, max_tokens=64, seed=0)
    train = load_corpus(train_file, options)
    if test_file is not None:
        return train, load_corpus(test_file, replace(options, val_fraction=0.0, max_tokens=None))
    return train, Corpus(train.val_texts, {label: [train.labels[i] for i in train.val_idx]}, train.report, [], [])


# --- label probes: how well a representation separates known labels -------------------------------------------


def corpus_model(model: str, train: Corpus):
    """The model a bench's `--model` names: `base` (the shipped base model, writing in the corpus's style) or a
    bundle folder."""
    return for_corpus(load_base("cpu"), train.train_texts) if model == BASE else load_bundle(model, device="cpu")


def model_argument(model: str | None) -> str:
    """How a row's command names `--model`: `base` as it is, a folder as DIR (machine-specific), none left out."""
    return f" --model {model}" if model == BASE else " --model DIR" if model else ""


def knn_accuracy(train_x: np.ndarray, train_y: list, test_x: np.ndarray, test_y: list, k: int = 10) -> float:
    """Accuracy of a k-NN classifier (Euclidean) fit on (train_x, train_y) and scored on (test_x, test_y)."""
    from sklearn.neighbors import KNeighborsClassifier

    if len(train_x) < k:
        raise InputError(f"a {k}-NN probe needs at least {k} training points (got {len(train_x)}).")
    return float(KNeighborsClassifier(n_neighbors=k).fit(train_x, train_y).score(test_x, test_y))


def knn_accuracy_by_angle(train_x: np.ndarray, train_y: list, test_x: np.ndarray, test_y: list, centre=None) -> float:
    """`knn_accuracy` by the angle about `centre` (the training points' mean unless given), as the app measures
    neighbours (`vae_core.explore.projection.neighbour_space`)."""
    from vae_core.explore.projection import neighbour_space

    centre = np.asarray(train_x).mean(0) if centre is None else centre
    return knn_accuracy(neighbour_space(train_x, centre), train_y, neighbour_space(test_x, centre), test_y)


def logistic_accuracy(train_x: np.ndarray, train_y: list, test_x: np.ndarray, test_y: list) -> float:
    """Accuracy of a standardised logistic-regression probe."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    return float(probe.fit(train_x, train_y).score(test_x, test_y))


def chance_accuracy(train_y: list, test_y: list) -> float:
    """Accuracy of always answering the most frequent training label."""
    values, counts = np.unique(np.asarray(train_y), return_counts=True)
    return float(np.mean(np.asarray(test_y) == values[np.argmax(counts)]))


def tfidf_svd(train_texts: list[str], test_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The baseline representation: TF-IDF, then TruncatedSVD to 32 dimensions, fit on train."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    svd = TruncatedSVD(32, random_state=0)
    train = svd.fit_transform(vectorizer.fit_transform(train_texts))
    return train, svd.transform(vectorizer.transform(test_texts))


# --- the reference language model: a judge of fluency with no z ------------------------------------------------


def train_language_model(corpus, model_config: ModelConfig, train_config: TrainConfig, tokenizer) -> SentenceVAE:
    """A plain GRU language model of the decoder's size: the VAE's decoder with z fixed at 0 and no encoder
    in the loss. Same batches, optimiser, epochs and early stopping; no word dropout."""
    device = resolve_device(train_config.device)
    torch.manual_seed(train_config.seed)
    model = SentenceVAE(model_config, tokenizer.vocab_size).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=train_config.lr)
    generator = torch.Generator().manual_seed(train_config.seed)
    train_seqs, val_seqs = to_ids(tokenizer, corpus.train_texts), to_ids(tokenizer, corpus.val_texts)
    best, best_state, bad = math.inf, None, 0
    for _ in range(train_config.epochs):
        model.train()
        for batch in iterate_batches(train_seqs, tokenizer, train_config.batch_size, shuffle=True, generator=generator):
            b = batch.to(device)
            z = torch.zeros(len(b.lengths), model_config.latent_dim, device=device)
            loss = reconstruction(model.target_logits(z, b.dec_in, b.mask), b.dec_out[b.mask], len(b.lengths))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), train_config.grad_clip)
            optimizer.step()
        val = lm_nll(model, tokenizer, val_seqs)[0]
        if val < best:
            best, best_state, bad = val, {k: v.clone() for k, v in model.state_dict().items()}, 0
        else:
            bad += 1
            if train_config.patience and bad >= train_config.patience:
                break
    model.load_state_dict(best_state)
    return model


@torch.no_grad()
def lm_nll(model: SentenceVAE, tokenizer, seqs) -> tuple[float, int]:
    """Mean NLL per sentence (nats) and the token count, for the z-free language model."""
    model.eval()
    total, tokens = 0.0, 0
    for batch in iterate_batches(seqs, tokenizer, 256):
        b = batch.to(model.device)
        z = torch.zeros(len(b.lengths), model.config.latent_dim, device=model.device)
        total += float(sentence_nll(model.target_logits(z, b.dec_in, b.mask), b.dec_out, b.mask).sum())
        tokens += batch.n_tokens
    return total / len(seqs), tokens


def reference_lm(name: str, train: Corpus) -> tuple[SentenceVAE, TextTokenizer]:
    """A plain GRU language model of the corpus (the old default's decoder size, no z), trained once and cached."""
    tokenizer = TextTokenizer.train(train.train_texts, TokenizerConfig(min_frequency=1))
    model_config = ModelConfig(bn_gamma=0.0)
    train_config = replace(TrainConfig(), epochs=10, patience=2, pretrain_epochs=0)
    path = CACHE / f"lm-{name}.pt"
    if path.is_file():
        model = SentenceVAE(model_config, tokenizer.vocab_size)
        model.load_state_dict(torch.load(path, weights_only=True))
        return model.eval(), tokenizer
    model = train_language_model(train, model_config, train_config, tokenizer)
    CACHE.mkdir(exist_ok=True)
    torch.save(model.state_dict(), path)
    return model.eval(), tokenizer


def nll_per_token(lm, tokenizer, texts: list[str]) -> float:
    """The reference LM's NLL per token (words and <eos>) of `texts`; a written "<unk>" counts as one unknown word."""
    texts = [t.replace("<unk>", "\x01") for t in texts if t.strip()] or ["."]
    total, tokens = lm_nll(lm, tokenizer, to_ids(tokenizer, texts))
    return total * len(texts) / tokens


# --- the machine ------------------------------------------------------------------------------------------------


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def matmul_rate(device: torch.device, dtype: torch.dtype = torch.float32, n: int = 2048, repeats: int = 10) -> float:
    """Measured matrix-multiply rate in FLOP/s at `dtype` (the denominator of model FLOP utilisation)."""
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(3):
        a @ b
    sync(device)
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    sync(device)
    return 2 * n**3 * repeats / (time.perf_counter() - start)
