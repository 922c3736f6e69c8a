"""Train the bundled demo model on assets/demo_corpus.tsv and precompute its maps.

    python assets/make_demo_corpus.py     # the corpus (deterministic)
    python assets/make_demo_model.py      # the model (assets/demo_model/, with its training replay), its maps
                                          # (assets/demo_map.npz) and a no-defence training's replay
                                          # (assets/collapse_replay/) for the Learn page
    python assets/make_demo_model.py --roundtrip-only   # measure the shipped model's round trip again (its card)
    python assets/make_demo_model.py --maps-only        # add what assets/demo_map.npz lacks, keep the rest

The training is the command line's own `train` with the settings below (printed when it runs), so the
same model can be rebuilt by hand. The maps the Explore page opens with are computed here once and shipped,
so a first launch shows the map at once.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from vae_core import fit, load_bundle, load_corpus
from vae_core.cli import main as cli
from vae_core.data.corpus import CorpusOptions
from vae_core.explore.clusters import centres, characteristic_words, kmeans, words_to_table
from vae_core.explore.latent import decode_latents, encode, sentence_kl
from vae_core.explore.projection import MapView, project
from vae_core.model.pretrained import embed_texts
from vae_core.store.atomic import atomic_write_bytes
from vae_core.train.fit import measure_round_trip, undefended_configs
from vae_core.train.loop import TrainConfig
from vae_core.train.tradeoff import rate_distortion, to_json

ROOT = Path(__file__).resolve().parents[1]

ASSETS = ROOT / "assets"
TRAIN_ARGS = [  # the library's round-trip recipe (hybrid encoder, BN-VAE γ 2), pinned, trained longer than the default
    "train",
    "--from",
    "scratch",
    str(ASSETS / "demo_corpus.tsv"),
    "--label-column",
    "topic",
    "--out",
    str(ASSETS / "demo_model"),
    "--overwrite",
    "--encoder",
    "hybrid",
    "--latent-dim",
    "32",
    "--bn-gamma",
    "2.0",
    "--epochs",
    "40",
    "--patience",
    "0",
    "--pretrain-epochs",
    "5",
    "--word-dropout",
    "0.1",
    "--seed",
    "0",
    "--max-tokens",
    "64",
    "--device",
    "cpu",
    "--quiet",
]
MAPS = [("pca", 2), ("umap", 2), ("umap", 3)]
PRETRAINED_MAPS = [("umap", 2)]  # the Compare page's right-hand map, of the pretrained encoder's embeddings


def main() -> None:
    if "--collapse-only" in sys.argv:
        write_collapse()
        return
    if "--tradeoff-only" in sys.argv:
        write_tradeoff()
        return
    if "--roundtrip-only" in sys.argv:
        write_round_trip()
        return
    if "--maps-only" in sys.argv:
        write_maps()
        return
    train()
    write_maps()
    write_collapse()
    write_tradeoff()


def write_tradeoff() -> None:
    """The rate–distortion points the Learn page draws: four short trainings of the demo corpus at BN-VAE γ 0.1,
    0.5, 1 and 2 (python assets/make_demo_model.py --tradeoff-only)."""
    corpus = load_corpus(ASSETS / "demo_corpus.tsv", CorpusOptions(label_column="topic", max_tokens=64))
    train_config = TrainConfig(epochs=3, pretrain_epochs=1, patience=0, replay_size=0, device="cpu")
    points = rate_distortion(corpus, train_config=train_config)
    atomic_write_bytes(ASSETS / "tradeoff.json", to_json(points).encode())
    print("wrote assets/tradeoff.json: " + ", ".join(f"γ {p.gamma}: KL {p.kl:.1f}, rec {p.rec:.1f}" for p in points))


def write_round_trip() -> None:
    """Measure the shipped model's round trip again, as `train` measures it (on the validation split, with the
    library's current decoding), and write the figures into its card (assets/demo_model/metrics.json)."""
    tm = load_bundle(ASSETS / "demo_model", device="cpu")
    corpus = load_corpus(ASSETS / "demo_corpus.tsv", CorpusOptions(label_column="topic", max_tokens=64))
    metrics = {k: v for k, v in tm.metrics.items() if not k.startswith("roundtrip_")}
    metrics.update(measure_round_trip(tm.model, tm.tokenizer, corpus, corpus.val_texts))
    atomic_write_bytes(ASSETS / "demo_model" / "metrics.json", json.dumps(metrics, indent=2, default=float).encode())
    figures = ", ".join(
        f"{k} {v:.3f}" for k, v in metrics.items() if k.startswith("roundtrip_") and k != "roundtrip_examples"
    )
    print(f"wrote assets/demo_model/metrics.json: {figures}")


def write_collapse() -> None:
    """The replay of a training with every defence against collapse turned off (`undefended_configs`), which the
    Learn page plays beside the demo model's own: assets/collapse_replay/ (python assets/make_demo_model.py
    --collapse-only)."""
    corpus = load_corpus(ASSETS / "demo_corpus.tsv", CorpusOptions(label_column="topic", max_tokens=64))
    model_config, train_config = undefended_configs()
    tm = fit(corpus, model_config, replace(train_config, device="cpu"), iw_samples=0, roundtrip_limit=0)
    folder = ASSETS / "collapse_replay"
    folder.mkdir(exist_ok=True)
    for name, data in tm.replay.to_files().items():
        atomic_write_bytes(folder / name, data)
    print(f"wrote assets/collapse_replay ({len(tm.replay)} frames, KL {tm.replay.kl[0]:.1f} -> {tm.replay.kl[-1]:.2f})")


def train() -> None:
    print(
        "python -m vae_core "
        + " ".join(Path(a).relative_to(ROOT).as_posix() if a.startswith("/") else a for a in TRAIN_ARGS)
    )
    if cli(TRAIN_ARGS) != 0:
        sys.exit("training failed")


def write_maps() -> None:
    """Precompute the maps the Explore and Compare pages open with (python assets/make_demo_model.py
    --maps-only). With --maps-only, maps already in the file are kept and only missing ones computed."""
    tm = load_bundle(ASSETS / "demo_model", device="cpu")
    corpus = load_corpus(ASSETS / "demo_corpus.tsv", CorpusOptions(label_column="topic", max_tokens=None))
    path = ASSETS / "demo_map.npz"
    maps = dict(np.load(path)) if "--maps-only" in sys.argv and path.is_file() else {}
    spaces = {"": lambda: encode(tm.model, tm.tokenizer, corpus.texts)[0],
              "pretrained_": lambda: embed_texts(corpus.texts, device="cpu")}  # fmt: skip
    for prefix, wanted in (("", MAPS), ("pretrained_", PRETRAINED_MAPS)):
        missing = [MapView(m, d) for m, d in wanted if prefix + MapView(m, d).key not in maps]
        points = spaces[prefix]() if missing else None
        for view in missing:
            maps[prefix + view.key] = project(points, view.method, view.dims, view.seed)
    if "--maps-only" not in sys.argv or "latents_mu" not in maps:  # Explore opens without encoding anything
        maps["latents_mu"], maps["latents_logvar"] = encode(tm.model, tm.tokenizer, corpus.texts)
    if "sentence_kl" not in maps:  # and its KL column without importing torch
        maps["sentence_kl"] = sentence_kl(maps["latents_mu"], maps["latents_logvar"])
    if "pretrained_embeddings" not in maps:  # Compare opens without loading the pretrained encoder (float16: 2.8 MB)
        maps["pretrained_embeddings"] = embed_texts(corpus.texts, device="cpu").astype(np.float16)
    if "kmeans_8" not in maps:  # Explore names its 8 clusters (the slider's default) without running k-means first
        maps["kmeans_8"] = kmeans(maps["latents_mu"], 8)
    if "kmeans_8_words" not in maps:  # and writes their names without importing scikit-learn's text tools
        maps["kmeans_8_words"] = words_to_table(characteristic_words(corpus.texts, maps["kmeans_8"]))
    if "kmeans_8_written" not in maps:  # and what the decoder writes at their centres, without loading the model
        middle = centres(maps["latents_mu"], maps["kmeans_8"])
        maps["kmeans_8_written"] = np.array(decode_latents(tm.model, tm.tokenizer, np.stack(list(middle.values()))))
    import io

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **maps)
    atomic_write_bytes(ASSETS / "demo_map.npz", buffer.getvalue())
    print(f"wrote {', '.join(maps)} to assets/demo_map.npz")


if __name__ == "__main__":
    main()
