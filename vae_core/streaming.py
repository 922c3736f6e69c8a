"""Corpora larger than memory: read a file in chunks of rows, clean each chunk exactly as `load_corpus` does,
train on it chunk by chunk (a StreamedCorpus is read anew every epoch), and encode it chunk by chunk into a
Parquet (or CSV) file, so memory stays bounded by the chunk size."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .corpus import Corpus, CorpusOptions, clean, texts_and_labels
from .errors import CorpusError, InputError
from .readers import READERS, CorpusReport, file_format

VAL_MAX = 10_000  # at most this many validation sentences are held out (and kept in memory) from a stream


def iter_corpus_chunks(path: str | Path, options: CorpusOptions, chunk_rows: int = 50_000) -> Iterator[Corpus]:
    """Yield the file as cleaned Corpus chunks of at most `chunk_rows` rows each, in file order (no validation
    split; de-duplication, if asked for, works within a chunk). Chunks with nothing usable are skipped."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: no such file.")
    if chunk_rows < 1:
        raise InputError(f"the chunk size must be at least 1 row (got {chunk_rows}).")
    options = replace(options, val_fraction=0.0)
    fmt = file_format(path.name)
    found = False
    for raw_texts, raw_labels, report in _raw_chunks(path, fmt, options, chunk_rows):
        try:
            yield clean(raw_texts, raw_labels, report, options)
            found = True
        except CorpusError:  # a chunk of blank lines: nothing to encode here
            continue
    if not found:
        raise CorpusError(f"{path.name}: nothing usable was found in the file.")


@dataclass
class StreamedCorpus:
    """A training corpus on disk, read in chunks every epoch. Every `val_every`-th kept sentence (at most
    VAL_MAX of them) is held out for validation and kept in memory; the rest are read again each time.
    Iterating it yields the training sentences (what the tokenizer learns from); `chunks()` yields them in chunks."""

    path: Path
    options: CorpusOptions
    chunk_rows: int
    val_texts: list[str] = field(default_factory=list)
    chunk_sizes: list[int] = field(default_factory=list)  # training sentences per chunk, from the first pass
    report: CorpusReport | None = None

    @classmethod
    def scan(cls, path: str | Path, options: CorpusOptions, chunk_rows: int = 50_000) -> StreamedCorpus:
        """A first pass over the file: count the training sentences per chunk and collect the validation ones."""
        path = Path(path)
        streamed = cls(path, options, chunk_rows, report=_report(path, file_format(path.name), "?"))
        for train, val, report in streamed._split_chunks():
            streamed.chunk_sizes.append(len(train))
            streamed.val_texts.extend(val)
            _add_report(streamed.report, report)
        return streamed

    @property
    def val_every(self) -> int:
        return round(1 / self.options.val_fraction) if self.options.val_fraction > 0 else 0

    def _split_chunks(self) -> Iterator[tuple[list[str], list[str], CorpusReport]]:
        seen = 0  # kept sentences before this chunk: the split depends on a sentence's position alone
        for chunk in iter_corpus_chunks(self.path, self.options, self.chunk_rows):
            train, val = [], []
            for j, text in enumerate(chunk.texts, start=seen):
                held_out = self.val_every and j % self.val_every == 0 and j // self.val_every < VAL_MAX
                (val if held_out else train).append(text)
            seen += len(chunk.texts)
            yield train, val, chunk.report

    def chunks(self) -> Iterator[list[str]]:
        """The training sentences, one chunk at a time, in file order."""
        for train, _, _ in self._split_chunks():
            yield train

    def __iter__(self) -> Iterator[str]:
        for chunk in self.chunks():
            yield from chunk

    def __len__(self) -> int:
        return sum(self.chunk_sizes)


def _raw_chunks(path: Path, fmt: str, options: CorpusOptions, chunk_rows: int):
    """(texts, label sets, report) for each chunk of raw rows, as the format's reader gives them."""
    for rows, report in READERS[fmt].chunks(path, chunk_rows):
        yield (*texts_and_labels(rows, path.name, options), report)


def _report(path: Path, fmt: str, encoding: str) -> CorpusReport:
    return CorpusReport(source=path.name, file_format=fmt, encoding=encoding)


def _add_report(total: CorpusReport, part: CorpusReport) -> None:
    """Fold one chunk's reading report into the whole file's."""
    total.encoding = part.encoding
    total.rows_read += part.rows_read
    total.kept += part.kept
    total.truncated += part.truncated
    for why, n in part.dropped.items():
        total.dropped[why] = total.dropped.get(why, 0) + n


def encode_file(
    encode_texts: Callable[[list[str]], np.ndarray],
    path: str | Path,
    out: str | Path,
    options: CorpusOptions,
    chunk_rows: int = 50_000,
    on_progress: Callable[[int, float], None] | None = None,
) -> int:
    """Encode a corpus file chunk by chunk with `encode_texts` (texts -> (N, D) latents) and write text, label
    and z_ columns to `out` (.parquet or .csv), atomically. `on_progress(sentences_done, seconds)` follows each
    chunk. Returns the number of sentences written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(fd)
    writer, done, start = None, 0, time.perf_counter()
    try:
        for chunk in iter_corpus_chunks(path, options, chunk_rows):
            frame = latent_frame(chunk, encode_texts(chunk.texts))
            if out.suffix.lower() == ".parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pandas(frame, preserve_index=False)
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
            else:
                frame.to_csv(tmp, mode="a", header=done == 0, index=False)
            done += len(frame)
            if on_progress:
                on_progress(done, time.perf_counter() - start)
        if writer is not None:
            writer.close()
        os.replace(tmp, out)
    except BaseException:
        if writer is not None:
            writer.close()
        Path(tmp).unlink(missing_ok=True)
        raise
    return done


def latent_frame(corpus: Corpus, mu: np.ndarray) -> pd.DataFrame:
    """The table `encode` writes: text, label (if any), then z_0 .. z_{D-1}."""
    frame = pd.DataFrame({"text": corpus.texts})
    if corpus.labels is not None:
        frame["label"] = corpus.labels
    return pd.concat([frame, pd.DataFrame(mu, columns=[f"z_{i}" for i in range(mu.shape[1])])], axis=1)
