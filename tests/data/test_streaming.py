"""Streaming: a corpus read and encoded in chunks gives exactly what the in-memory path gives."""

import json

import numpy as np
import pandas as pd
import pytest

from tests.conftest import make_sentences
from vae_core import CorpusOptions, encode, load_corpus
from vae_core.cli import main
from vae_core.data.streaming import iter_corpus_chunks
from vae_core.store.export import encode_file


def write_corpus(folder, fmt: str):
    texts, labels = make_sentences(150, seed=4)
    texts = texts[:70] + ["", "   "] + texts[70:]  # blank rows are dropped alike on both paths
    labels = labels[:70] + ["x", "x"] + labels[70:]
    path = folder / f"big.{fmt}"
    if fmt == "txt":
        path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps({"text": t, "label": y}) + "\n" for t, y in zip(texts, labels)))
    else:
        pd.DataFrame({"text": texts, "label": labels}).to_parquet(path)
    return path


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "parquet"])
def test_streaming_encode_of_a_file_bigger_than_its_chunk_equals_the_in_memory_path(trained, tmp_path, fmt):
    path = write_corpus(tmp_path, fmt)
    options = CorpusOptions(label_column=None if fmt == "txt" else "label", max_tokens=None, val_fraction=0.0)
    whole = load_corpus(path, options)
    chunks = list(iter_corpus_chunks(path, options, chunk_rows=40))
    assert len(chunks) == 4 and sum(len(c) for c in chunks) == len(whole)

    def encode_texts(texts):
        return encode(trained.model, trained.tokenizer, texts)[0]

    out = tmp_path / "latents.parquet"
    assert encode_file(encode_texts, path, out, options, chunk_rows=40) == len(whole)
    streamed = pd.read_parquet(out)
    assert streamed["text"].tolist() == whole.texts
    if fmt != "txt":
        assert streamed["label"].tolist() == whole.labels
    z = streamed[[c for c in streamed.columns if c.startswith("z_")]].to_numpy()
    np.testing.assert_allclose(z, encode_texts(whole.texts), atol=1e-5)


def test_cli_encode_streams_in_chunks_to_the_same_file(trained, tmp_path, capsys):
    from vae_core import save_bundle

    model = save_bundle(trained, tmp_path / "model")
    path = write_corpus(tmp_path, "jsonl")
    common = ["encode", str(model), str(path), "--label-column", "label", "--device", "cpu"]
    assert main(common + ["--out", str(tmp_path / "a.parquet")]) == 0
    assert main(common + ["--out", str(tmp_path / "b.parquet"), "--chunk-rows", "25"]) == 0
    assert "encoded 150 sentences" in capsys.readouterr().err
    a, b = pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=False, atol=1e-5)  # batches differ: float rounding only
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []  # no temporary file left


def test_training_streams_a_corpus_chunk_by_chunk(topic_file, tmp_path):
    """A corpus read in chunks every epoch trains (the loss falls) and learns the vocabulary of all its
    training sentences, not of the first chunk only."""
    from tests.conftest import TINY
    from vae_core import TokenizerConfig, TrainConfig, fit
    from vae_core.data.streaming import StreamedCorpus
    from vae_core.data.tokenizer import TextTokenizer

    options = CorpusOptions(label_column="label", max_tokens=64)
    streamed = StreamedCorpus.scan(topic_file, options, chunk_rows=50)
    assert streamed.chunk_sizes == [45, 45, 45, 37] and len(streamed.val_texts) == 20  # every 10th held out
    whole = load_corpus(topic_file, options).texts
    assert sorted(list(streamed) + streamed.val_texts) == sorted(whole)
    config = TrainConfig(epochs=4, batch_size=16, pretrain_epochs=0, device="cpu", patience=0)
    tm = fit(streamed, TINY, config, TokenizerConfig(min_frequency=1), iw_samples=0)
    expected = TextTokenizer.train(list(streamed), TokenizerConfig(min_frequency=1))
    assert tm.tokenizer.tk.get_vocab() == expected.tk.get_vocab()
    epochs = tm.history["epochs"]
    assert len(epochs) == 4 and epochs[-1]["val_rec"] < epochs[0]["val_rec"]
    assert tm.info["streamed"] and tm.info["train_sentences"] == 172


def test_cli_trains_on_a_stream(topic_file, tmp_path, capsys):
    from vae_core import load_bundle

    out = tmp_path / "m"
    args = ["train", str(topic_file), "--out", str(out), "--from", "scratch", "--label-column", "label"]
    args += ["--chunk-rows", "64"]
    args += ["--epochs", "2", "--pretrain-epochs", "0", "--latent-dim", "4", "--hidden-dim", "16", "--embed-dim", "8"]
    assert main(args + ["--iw-samples", "0", "--quiet", "--device", "cpu"]) == 0
    assert load_bundle(out, device="cpu").info["streamed"] is True
