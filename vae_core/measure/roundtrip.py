"""The round trip sentence -> z -> sentence, measured as a user sees it.

Each sentence is encoded to its posterior mean and decoded greedily (`GREEDY`: the standard measure, comparable
across models; `RERANK` from a point `REFINED` from the mean, what Generate -> Reconstruct writes, keeps more and can
be measured the same way). Then:
- exact: the output equals the input byte for byte, as the user's file has it (a model writes back in the corpus's
  own style: data/style.py); a word outside the vocabulary comes back as ▢, which matches nothing;
- chrF (sacrebleu): character n-gram overlap of output and input, 0-100;
- similarity: cosine of the pretrained sentence encoder's embeddings of input and output (meaning kept), beside the
  same for random pairs of inputs and for each input against itself as the model can write it (its ceiling: a word
  outside the vocabulary comes back as ▢ however good the model), so the number can be read;
- label agreement: a TF-IDF + logistic-regression judge fit on labelled sentences gives the output the same label
  as the input.
KL and active units cannot show any of this: a model can carry 8 nats in z and still keep only the first word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..data.tokenizer import TextTokenizer, as_written
from ..explore.latent import reconstruct
from ..model.decoding import DecodeConfig
from ..model.refine import RefineConfig
from ..model.vae import SentenceVAE

# Below these a model is said not to keep meaning (the app's warning; see bench/ROUNDTRIP.md for what models reach)
MEANING_KEPT_SIMILARITY = 0.6
MEANING_KEPT_AGREEMENT = 0.8
# How a round trip is decoded: greedily for the model card, `evaluate` and `reconstruct` (one fixed measure of the
# model); re-ranked for the sentence a user asks to reconstruct (bench/ROUNDTRIP.md compares the strategies)
GREEDY = DecodeConfig(strategy="greedy", max_len=80)
RERANK = DecodeConfig(strategy="rerank", max_len=80)
# ... and for that sentence, the point decoded is first refined from the mean (model/refine.py): the decoder writes
# far more held-out sentences back from it (bench/ROUNDTRIP.md, "Refining z")
REFINED = RefineConfig(steps=20)


@dataclass
class RoundTrip:
    """Per-sentence round-trip results and their summary."""

    inputs: list[str]  # each sentence as the user's file has it: what every figure is measured against
    outputs: list[str]  # what the decoder wrote back from the posterior mean
    exact: np.ndarray  # (N,) bool
    chrf: np.ndarray  # (N,) 0-100
    similarity: np.ndarray | None = None  # (N,) cosine of pretrained embeddings, when the encoder is installed
    similarity_random: float | None = None  # the same for random pairs of inputs
    similarity_ceiling: float | None = None  # the same for each input and itself as written: a perfect round trip
    unknown: np.ndarray | None = None  # (N,) bool: the input holds a word outside the model's vocabulary
    same_label: np.ndarray | None = None  # (N,) bool, when a label judge was given
    judge_accuracy: float | None = None  # the judge's accuracy on the inputs themselves

    def summary(self) -> dict:
        """The figures as one flat dict (what `evaluate` and the model card show)."""
        out = {
            "roundtrip_n": len(self.inputs),
            "roundtrip_exact": float(self.exact.mean()) if len(self.exact) else 0.0,
            "roundtrip_chrf": float(self.chrf.mean()) if len(self.chrf) else 0.0,
        }
        if self.similarity is not None:
            out["roundtrip_similarity"] = float(self.similarity.mean())
            out["roundtrip_similarity_random"] = self.similarity_random
            out["roundtrip_similarity_ceiling"] = self.similarity_ceiling
        if self.unknown is not None:
            out["roundtrip_unknown"] = float(self.unknown.mean()) if len(self.unknown) else 0.0
        if self.same_label is not None:
            out["roundtrip_label_agreement"] = float(self.same_label.mean())
            out["roundtrip_judge_accuracy"] = self.judge_accuracy
        return out

    def rows(self) -> list[dict]:
        """One row per sentence: input, output, exact, chrF, whether the input has an unknown word, similarity and
        label agreement (for a table or a file)."""
        rows = []
        for i, (a, b) in enumerate(zip(self.inputs, self.outputs)):
            row = {"input": a, "output": b, "exact": bool(self.exact[i]), "chrf": round(float(self.chrf[i]), 1)}
            if self.unknown is not None:
                row["unknown_word"] = bool(self.unknown[i])
            if self.similarity is not None:
                row["similarity"] = round(float(self.similarity[i]), 3)
            if self.same_label is not None:
                row["same_label"] = bool(self.same_label[i])
            rows.append(row)
        return rows


def has_unknown(tokenizer: TextTokenizer, texts: list[str]) -> np.ndarray:
    """Whether each text holds a word (or piece) outside the tokenizer's vocabulary, which no model can write back."""
    return np.array([tokenizer.unk_id in ids for ids in tokenizer.encode(texts)], dtype=bool)


def chrf_scores(outputs: list[str], references: list[str]) -> np.ndarray:
    """sacrebleu's sentence-level chrF of each output against its reference, 0-100."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    return np.array([chrf.sentence_score(o, [r]).score for o, r in zip(outputs, references)], dtype=np.float64)


@dataclass
class Similarity:
    """Meaning kept, by the pretrained sentence encoder: the cosine of a[i] and b[i], the mean cosine of random pairs
    a[i], a[j] (what unrelated sentences score) and, given what a perfect output would be, the mean cosine of a[i]
    and that (what a perfect round trip scores)."""

    cosine: np.ndarray  # (N,)
    random: float
    ceiling: float | None = None


def meaning_similarity(
    a: list[str], b: list[str], seed: int = 0, perfect: list[str] | None = None
) -> Similarity | None:
    """How much of a[i]'s meaning b[i] keeps, with the two baselines that make it readable (see Similarity); None
    when the encoder is not installed."""
    from ..errors import ConfigError
    from ..model import pretrained

    try:
        pretrained.spec(pretrained.DEFAULT_ENCODER)
        ea, eb = pretrained.embed_texts(a), pretrained.embed_texts(b)
        ceiling = float((ea * pretrained.embed_texts(perfect)).sum(1).mean()) if perfect is not None else None
    except ConfigError:
        return None
    cosine = (ea * eb).sum(1)
    if len(a) < 2:
        return Similarity(cosine, float("nan"), ceiling)
    shift = np.random.default_rng(seed).integers(1, len(a), size=len(a))  # a random other sentence for each
    partner = (np.arange(len(a)) + shift) % len(a)
    return Similarity(cosine, float((ea * ea[partner]).sum(1).mean()), ceiling)


class LabelJudge:
    """TF-IDF + logistic regression, fit on labelled sentences: does an output keep its input's label?"""

    def __init__(self, texts: list[str], labels: list[str], seed: int = 0):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
            LogisticRegression(max_iter=2000, C=10.0, random_state=seed),
        )
        self.pipeline.fit(texts, labels)

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.pipeline.predict(texts)


def label_judge(texts: list[str], labels: list[str] | None) -> LabelJudge | None:
    """A judge fit on these labelled sentences, or None without labels or with a single label (nothing to judge)."""
    return LabelJudge(texts, labels) if labels and len(set(labels)) > 1 else None


def round_trip(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    texts: list[str],
    *,
    labels: list[str] | None = None,
    judge: LabelJudge | None = None,
    similarity: bool = True,
    seed: int = 0,
    decoding: DecodeConfig = GREEDY,
    refined: RefineConfig | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RoundTrip:
    """Encode each text to its posterior mean (or, with `refined`, the point refined from it), decode it by
    `decoding`, and measure what came back (see the module docstring). With `labels` and a `judge`, also whether
    the judge gives input and output the same label. `on_progress(done, total)` follows the decoding."""
    outputs = reconstruct(model, tokenizer, texts, decoding, refined, on_progress)
    inputs = list(texts)
    result = RoundTrip(
        inputs=inputs,
        outputs=outputs,
        exact=np.array([a == b for a, b in zip(inputs, outputs)], dtype=bool),
        chrf=chrf_scores(outputs, inputs),
        unknown=has_unknown(tokenizer, texts),
    )
    perfect = as_written(tokenizer, texts) if similarity else None  # the best the model can write: the ceiling
    if similarity and (found := meaning_similarity(texts, outputs, seed, perfect=perfect)) is not None:
        result.similarity, result.similarity_random = found.cosine, found.random
        result.similarity_ceiling = found.ceiling
    if judge is not None:
        on_inputs, on_outputs = judge.predict(texts), judge.predict(outputs)
        result.same_label = on_inputs == on_outputs
        if labels is not None:
            result.judge_accuracy = float((on_inputs == np.asarray(labels)).mean())
    return result


def what_to_try(model: dict, info: dict | None = None) -> list[str]:
    """Settings that keep more meaning in the round trip, for a model whose saved settings (config.json's "model")
    are `model`: only those it does not already use. `info` (config.json's "info") tells the base model and the models
    adapted from it apart: they keep the base model's settings, so adapting is what there is to try."""
    info = info or {}
    if info.get("general_english"):  # the base model itself
        return ["adapting it to your dataset (Train)"]
    if "adapted_from" in info:
        return ["adapting it for more epochs"]
    tries = []
    if model.get("encoder", "rnn") != "hybrid":
        tries.append("the hybrid encoder")
    if (model.get("bn_gamma") or 0.0) < 2.0:
        tries.append("a larger BN-VAE γ (2 or more)")
    return [*tries, "more epochs"]


def meaning_kept(summary: dict) -> bool | None:
    """False when the round trip loses meaning (similarity or label agreement under the app's thresholds), None
    when it was not measured."""
    checks = []
    if "roundtrip_similarity" in summary:
        checks.append(summary["roundtrip_similarity"] >= MEANING_KEPT_SIMILARITY)
    if "roundtrip_label_agreement" in summary:
        checks.append(summary["roundtrip_label_agreement"] >= MEANING_KEPT_AGREEMENT)
    return all(checks) if checks else None


def measure(
    model: SentenceVAE,
    tokenizer: TextTokenizer,
    texts: list[str],
    *,
    labels: list[str] | None = None,
    judge: LabelJudge | None = None,
    limit: int = 1000,
    examples: int = 5,
    seed: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """The round-trip summary on `texts` (a seeded sample of `limit` of them when there are more), with `examples`
    sample rows under "roundtrip_examples": JSON-ready, for metrics.json and the model card. `on_progress(done,
    total)` follows the decoding."""
    if not texts:
        return {}
    index = np.arange(len(texts))
    if len(texts) > limit:
        index = np.sort(np.random.default_rng(seed).choice(len(texts), limit, replace=False))
    picked = [texts[i] for i in index]
    picked_labels = [labels[i] for i in index] if labels is not None else None
    result = round_trip(model, tokenizer, picked, labels=picked_labels, judge=judge, seed=seed, on_progress=on_progress)
    shown = np.random.default_rng(seed).permutation(len(picked))[:examples]
    rows = result.rows()
    return {**result.summary(), "roundtrip_examples": [rows[i] for i in sorted(shown)]}


def marked_changes(reference: str, output: str) -> str:
    """`output` with the words that differ from `reference` in [brackets] (and [–] where words were left out), so a
    reader sees at a glance what the round trip changed. Plain text: safe to show anywhere."""
    import difflib

    a, b = reference.split(), output.split()
    pieces = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces += b[j1:j2]
        elif op == "delete":
            pieces.append("[–]")
        else:
            pieces.append("[" + " ".join(b[j1:j2]) + "]")
    return " ".join(pieces)
