"""Corpora larger than memory: read a file in chunks of rows, clean each chunk exactly as `load_corpus` does,
train on it chunk by chunk (a StreamedCorpus is read anew every epoch), so memory stays bounded by the chunk size.
`export.encode_file` encodes such a file chunk by chunk the same way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import CorpusError, InputError
from .corpus import Corpus, CorpusOptions, clean, texts_and_labels
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
