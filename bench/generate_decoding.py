"""Generate's "Around a sentence" and "Attributes" under greedy decoding and under rerank: which keeps more of
the sentence a user started from?

    python bench/generate_decoding.py subj --model DIR    # a bundle trained on that corpus's training file
    python bench/generate_decoding.py subj                # trains the default recipe with `fit` first

On 100 seeded test sentences. Around a sentence: 10 vectors drawn at radius 0.5 around each posterior mean (as the
tab's defaults draw them), decoded; meaning kept (the pretrained encoder's cosine of each output with its source),
the rate at which a TF-IDF label judge fit on the training split gives an output its source's label, and how many
of the 10 outputs differ. Attributes: each sentence's posterior mean moved by the vector from its label's mean to
another label's (seeded), at strengths 1.0 and 1.5; the rate at which the judge gives the output the target label,
and meaning kept. Rows go to bench/results/generate-decoding.jsonl. Needs ../shared/data (or LATENT_LAB_DATA).
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import RESULTS
from bench.decoding import append_row, held_out_setup
from vae_core.explore.latent import attribute_vector, decode_latents, encode
from vae_core.measure.roundtrip import meaning_similarity
from vae_core.model.decoding import DecodeConfig

OUT = RESULTS / "generate-decoding.jsonl"
DECODINGS = [("greedy", DecodeConfig(strategy="greedy")), ("rerank", DecodeConfig(strategy="rerank"))]
N, DRAWS, RADIUS, STRENGTHS = 100, 10, 0.5, (1.0, 1.5)


def main() -> None:
    setup = held_out_setup(__doc__.splitlines()[0])
    if setup is None:
        return
    args, train, test, tm, judge = setup
    train_labels = [train.labels[i] for i in train.train_idx]
    rng = np.random.default_rng(0)
    idx = sorted(rng.choice(len(test.texts), min(N, len(test.texts)), replace=False).tolist())
    sources, labels = [test.texts[i] for i in idx], [test.labels[i] for i in idx]
    mu, _ = encode(tm.model, tm.tokenizer, sources)
    train_mu, _ = encode(tm.model, tm.tokenizer, train.train_texts)
    names = sorted(set(train_labels))
    targets = [rng.choice([n for n in names if n != label]) for label in labels]
    moves = np.stack([attribute_vector(train_mu, train_labels, t, label) for t, label in zip(targets, labels)])
    noise = np.random.default_rng(1).standard_normal((len(idx), DRAWS, mu.shape[1])).astype(np.float32)
    around = (mu[:, None, :] + RADIUS * noise).reshape(-1, mu.shape[1])
    each = [s for s in sources for _ in range(DRAWS)]
    print("| task | decoding | meaning kept | label | distinct of 10 | s / sentence |")
    print("|---|---|---|---|---|---|")
    for name, config in DECODINGS:
        start = time.perf_counter()
        out = decode_latents(tm.model, tm.tokenizer, around, config)
        seconds = (time.perf_counter() - start) / len(out)
        kept = meaning_similarity(each, out).cosine.mean()
        same = (judge.predict(out) == np.repeat(labels, DRAWS)).mean()
        distinct = np.mean([len(set(out[i : i + DRAWS])) for i in range(0, len(out), DRAWS)])
        record(args, f"around r{RADIUS}", name, kept, "same label", same, seconds, distinct)
        for strength in STRENGTHS:
            start = time.perf_counter()
            out = decode_latents(tm.model, tm.tokenizer, mu + strength * moves, config)
            seconds = (time.perf_counter() - start) / len(out)
            kept = meaning_similarity(sources, out).cosine.mean()
            moved = (judge.predict(out) == np.asarray(targets)).mean()
            record(args, f"attribute x{strength}", name, kept, "target label", moved, seconds)


def record(args, task: str, decoding: str, kept, label_name: str, label_rate, seconds: float, distinct=None) -> None:
    row = {
        "corpus": args.corpus,
        "task": task,
        "decoding": decoding,
        "n": N,
        "meaning_kept": round(float(kept), 4),
        label_name.replace(" ", "_"): round(float(label_rate), 4),
        "distinct_of_10": None if distinct is None else round(float(distinct), 2),
        "seconds_per_sentence": round(seconds, 4),
    }
    append_row(OUT, row, args, "bench/generate_decoding.py")
    shown = "–" if distinct is None else f"{distinct:.2f}"
    print(f"| {task} | {decoding} | {kept:.3f} | {label_name} {label_rate:.1%} | {shown} | {seconds:.3f} |", flush=True)


if __name__ == "__main__":
    main()
