"""Read a text corpus (.txt, .csv, .tsv, .jsonl, .parquet) into clean sentences, labels and a report.

The report says what was read, which encoding was used, and what was dropped or truncated and why,
so that nothing disappears without the user being told.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from tokenizers.pre_tokenizers import Whitespace

from .errors import ConfigError, CorpusError

FORMATS = ("txt", "csv", "tsv", "jsonl", "parquet")
MAX_FILE_MB = 50  # the same limit as the app's server.maxUploadSize in .streamlit/config.toml
TEXT_COLUMN_GUESSES = ("text", "sentence", "sentences", "content", "utterance")
_WORDS = Whitespace()  # the same word split the tokenizer uses, so "tokens" mean the same thing here
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "a program",
}


@dataclass
class CorpusOptions:
    """How to turn a file into training sentences."""

    text_column: str | None = None  # tables only; None picks "text" (or the likeliest text column)
    label_column: str | None = None  # tables only; optional
    extra_label_columns: tuple[str, ...] = ()  # more factors to colour and probe by (tables only)
    lowercase: bool = False
    max_tokens: int | None = 64  # longer sentences are truncated or dropped, see `long_lines`
    long_lines: Literal["truncate", "drop"] = "truncate"
    dedupe: bool = False
    val_fraction: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ConfigError(f"max_tokens must be at least 1 (got {self.max_tokens}).")
        if self.long_lines not in ("truncate", "drop"):
            raise ConfigError(f"long_lines must be 'truncate' or 'drop' (got {self.long_lines!r}).")
        if not 0.0 <= self.val_fraction < 1.0:
            raise ConfigError(f"val_fraction must be in [0, 1) (got {self.val_fraction}).")


@dataclass
class CorpusReport:
    """What happened while reading: kept, dropped (by reason), truncated, and notes for the user."""

    source: str
    file_format: str
    encoding: str
    rows_read: int = 0
    kept: int = 0
    truncated: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        dropped = ", ".join(f"{n} {why}" for why, n in self.dropped.items() if n) or "none"
        return (
            f"{self.source}: read {self.rows_read} rows ({self.file_format}, {self.encoding}), "
            f"kept {self.kept}, truncated {self.truncated}, dropped: {dropped}"
        )


@dataclass
class Corpus:
    """Clean sentences, optional labels, a deterministic train/validation split and the report."""

    texts: list[str]
    label_sets: dict[str, list[str]]  # label column name -> one label per sentence; the first is the main one
    report: CorpusReport
    train_idx: list[int]
    val_idx: list[int]

    @property
    def labels(self) -> list[str] | None:
        """The main label of each sentence, or None when the corpus has no labels."""
        return next(iter(self.label_sets.values()), None)

    @property
    def train_texts(self) -> list[str]:
        return [self.texts[i] for i in self.train_idx]

    @property
    def val_texts(self) -> list[str]:
        return [self.texts[i] for i in self.val_idx]

    def __len__(self) -> int:
        return len(self.texts)


def load_corpus(
    source: str | Path | bytes,
    options: CorpusOptions | None = None,
    *,
    name: str | None = None,
) -> Corpus:
    """Read a corpus from a path, or from raw bytes plus a file `name` (as the app receives uploads)."""
    options = options or CorpusOptions()
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), name or "upload.txt"
    else:
        path = Path(source)
        if not path.is_file():
            raise CorpusError(f"{path}: no such file.")
        check_size(path.stat().st_size, path.name)
        data, name = path.read_bytes(), name or path.name
    check_size(len(data), name)
    fmt = file_format(name)
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty.")

    if fmt == "parquet":
        raw_texts, raw_labels, report = _read_parquet(data, name, options)
    else:
        text, encoding, note = decode_bytes(data, name)
        report = CorpusReport(source=name, file_format=fmt, encoding=encoding)
        if note:
            report.notes.append(note)
        if fmt == "txt":
            raw_texts, raw_labels = text.splitlines(), {}
        elif fmt == "jsonl":
            frame = _jsonl_frame(text, name, report)
            raw_texts, raw_labels = _pick_columns(frame, name, options)
        else:
            frame = _delimited_frame(text, name, "\t" if fmt == "tsv" else ",")
            raw_texts, raw_labels = _pick_columns(frame, name, options)
    return _clean(raw_texts, raw_labels, report, options)


def check_size(n_bytes: int, name: str) -> None:
    """Refuse files over MAX_FILE_MB, before reading them into memory where possible."""
    if n_bytes > MAX_FILE_MB * 2**20:
        raise CorpusError(
            f"{name}: the file is {n_bytes / 2**20:.0f} MB; the limit is {MAX_FILE_MB} MB. Split it or sample it."
        )


def table_columns(data: bytes, name: str) -> list[str]:
    """Column names of a table file (.csv/.tsv/.jsonl/.parquet), so a UI can offer them; [] for .txt.
    Empty, binary and unreadable files raise CorpusError here already, before any option is chosen."""
    return column_choices(data, name)[0]


def column_choices(data: bytes, name: str) -> tuple[list[str], str | None]:
    """The table's column names and the one `load_corpus` would take as the text when none is named (None for
    .txt, or when no column holds words: loading then says so), from one read of the file."""
    frame = _table_frame(data, name)
    if frame is None:
        return [], None
    try:
        guess = guess_text_column(frame)
    except CorpusError:
        guess = None
    return [str(c) for c in frame.columns], guess


def _table_frame(data: bytes, name: str) -> pd.DataFrame | None:
    """The table in a .csv/.tsv/.jsonl/.parquet file, None for .txt; CorpusError for what cannot be read."""
    fmt = file_format(name)
    check_size(len(data), name)
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty.")
    if fmt == "parquet":
        return _read_parquet_frame(data, name)
    text, _, _ = decode_bytes(data, name)
    if fmt == "txt":
        return None
    if fmt == "jsonl":
        return _jsonl_frame(text, name, CorpusReport(name, fmt, ""))
    return _delimited_frame(text, name, "\t" if fmt == "tsv" else ",")


def corpus_stats(corpus: Corpus) -> dict:
    """Sentences, tokens, distinct words (lower-cased) and each sentence's length in tokens."""
    lengths = [count_tokens(t) for t in corpus.texts]
    words = {w.lower() for t in corpus.texts for w, _ in _WORDS.pre_tokenize_str(t)}
    return {"sentences": len(corpus.texts), "tokens": sum(lengths), "vocabulary": len(words), "lengths": lengths}


def file_format(name: str) -> str:
    """The corpus format implied by a file name's extension (none means plain text)."""
    suffix = Path(name).suffix.lower().lstrip(".")
    suffix = {"": "txt", "text": "txt", "ndjson": "jsonl", "pq": "parquet"}.get(suffix, suffix)
    if suffix not in FORMATS:
        raise CorpusError(
            f"{name}: unsupported file type '.{suffix}'. Use one of: " + ", ".join("." + f for f in FORMATS) + "."
        )
    return suffix


def decode_bytes(data: bytes, name: str) -> tuple[str, str, str | None]:
    """Decode text: UTF-8 (with or without BOM), UTF-16 with BOM, else latin-1 as a last resort.

    Returns (text, encoding, note); the note tells the user when latin-1 was guessed.
    Raises CorpusError for binary content (known file signatures, NUL bytes, control characters).
    """
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise CorpusError(f"{name}: this looks like {what}, not a text file.")
    note = None
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise CorpusError(f"{name}: starts with a UTF-16 mark but is not valid UTF-16 ({e.reason}).") from e
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
            note = "The file is not valid UTF-8; it was read as latin-1. Check accented characters."
    if "\x00" in text:
        raise CorpusError(f"{name}: contains NUL bytes; this looks like a binary file, not text.")
    control = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if control > max(8, 0.01 * len(text)):
        raise CorpusError(f"{name}: contains many control characters; this looks like a binary file, not text.")
    return text, encoding, note


def _delimited_frame(text: str, name: str, sep: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as e:
        detail = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise CorpusError(f"{name}: could not read it as a table: {detail}") from e
    if frame.empty:
        raise CorpusError(f"{name}: the table has a header but no rows.")
    return frame


def jsonl_rows(lines, report: CorpusReport) -> list[dict]:
    """The JSON objects of JSON Lines (a bare string becomes {"text": ...}); other lines are counted as invalid."""
    rows, broken = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            broken += 1
            continue
        if isinstance(value, str):
            value = {"text": value}
        if not isinstance(value, dict):
            broken += 1
            continue
        rows.append(value)
    report.dropped["invalid JSON lines"] = report.dropped.get("invalid JSON lines", 0) + broken
    return rows


def _jsonl_frame(text: str, name: str, report: CorpusReport) -> pd.DataFrame:
    rows = jsonl_rows(text.splitlines(), report)
    broken = report.dropped["invalid JSON lines"]
    if not rows:
        raise CorpusError(f"{name}: no line is a JSON object or string ({broken} invalid lines).")
    return pd.DataFrame(rows)


def _read_parquet(data: bytes, name: str, options: CorpusOptions):
    frame = _read_parquet_frame(data, name)
    report = CorpusReport(source=name, file_format="parquet", encoding="parquet")
    texts, labels = _pick_columns(frame, name, options)
    return texts, labels, report


def _read_parquet_frame(data: bytes, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(io.BytesIO(data)).to_pandas()
    except Exception as e:  # pyarrow raises several types for damaged files
        raise CorpusError(f"{name}: could not read it as Parquet: {e}") from e
    if frame.empty:
        raise CorpusError(f"{name}: the Parquet table has no rows.")
    return frame


def _pick_columns(frame: pd.DataFrame, name: str, options: CorpusOptions) -> tuple[list, dict[str, list[str]]]:
    """Select the text column (given or guessed) and the optional label columns."""
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    try:
        text_col = options.text_column or guess_text_column(frame)
    except CorpusError as e:
        raise CorpusError(f"{name}: {e}") from e
    if text_col not in columns:
        raise CorpusError(f"{name}: there is no column '{text_col}'. Columns: {', '.join(columns)}.")
    values = frame[text_col]
    non_null = values.dropna()
    if len(non_null) and not all(isinstance(v, str) for v in non_null):
        raise CorpusError(f"{name}: column '{text_col}' does not hold text (found {non_null.dtype} values).")
    filled = non_null[non_null.astype(str).str.strip() != ""]  # an all-blank column is reported as blank lines
    if len(filled) and not _holds_words(filled):
        raise CorpusError(
            f"{name}: column '{text_col}' holds no words, only numbers or symbols. Columns: {', '.join(columns)}."
        )
    label_sets = {}
    for column in ([options.label_column] if options.label_column else []) + list(options.extra_label_columns):
        if column not in columns:
            raise CorpusError(f"{name}: there is no label column '{column}'. Columns: {', '.join(columns)}.")
        labels = ["" if _missing(v) else str(v).strip() for v in frame[column]]
        if not any(labels):
            raise CorpusError(f"{name}: the label column '{column}' is empty.")
        label_sets[column] = labels
    return ["" if _missing(v) else v for v in values], label_sets


def guess_text_column(frame: pd.DataFrame) -> str:
    """'text' (or a common synonym) unless it holds something other than words, else the column of words with the
    longest values. Columns with no words (ids, scores, dates) are never guessed over one with words."""
    columns = {str(c): frame[c] for c in frame.columns}
    wordy = [name for name, values in columns.items() if _holds_words(values)]
    for guess in TEXT_COLUMN_GUESSES:
        for name, values in columns.items():
            if name.lower() == guess and (name in wordy or not wordy or _all_blank(values)):
                return name  # loading it says what is wrong with it, if anything
    if not wordy:
        raise CorpusError(f"no column holds words (columns: {', '.join(columns)}); a text column is needed.")
    return max(wordy, key=lambda c: np.mean([len(v) for v in columns[c].head(200) if isinstance(v, str)]))


def _all_blank(values: pd.Series) -> bool:
    return all(_missing(v) or (isinstance(v, str) and not v.strip()) for v in values.head(200))


def _holds_words(values: pd.Series) -> bool:
    """True when some of the first 200 values are strings with a letter in them (not just numbers or symbols)."""
    return any(isinstance(v, str) and any(ch.isalpha() for ch in v) for v in values.head(200))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def count_tokens(text: str) -> int:
    """Number of word tokens as the tokenizer will split them (words and punctuation runs)."""
    return len(_WORDS.pre_tokenize_str(text))


def truncate_tokens(text: str, max_tokens: int) -> str:
    """The first `max_tokens` word tokens of `text`, cut at a token boundary."""
    pieces = _WORDS.pre_tokenize_str(text)
    return text if len(pieces) <= max_tokens else text[: pieces[max_tokens - 1][1][1]]


_SPACES = re.compile(r"\s+")


def _clean(raw_texts: list, raw_labels: dict[str, list], report: CorpusReport, options: CorpusOptions) -> Corpus:
    """Normalise whitespace, drop blanks, apply lower-casing, length limit and de-duplication, split."""
    reasons: Counter[str] = Counter()
    seen: set[str] = set()
    texts: list[str] = []
    label_sets: dict[str, list[str]] = {column: [] for column in raw_labels}
    report.rows_read = len(raw_texts)
    for i, raw in enumerate(raw_texts):
        text = _SPACES.sub(" ", str(raw)).strip()
        if options.lowercase:
            text = text.lower()
        if not text or count_tokens(text) == 0:
            reasons["blank"] += 1
            continue
        if options.max_tokens is not None and count_tokens(text) > options.max_tokens:
            if options.long_lines == "drop":
                reasons[f"longer than {options.max_tokens} tokens"] += 1
                continue
            text = truncate_tokens(text, options.max_tokens)
            report.truncated += 1
        if options.dedupe:
            if text in seen:
                reasons["duplicate"] += 1
                continue
            seen.add(text)
        texts.append(text)
        for column, values in raw_labels.items():
            label_sets[column].append(values[i] or "(none)")
    report.dropped.update(reasons)
    report.kept = len(texts)
    if not texts:
        why = ", ".join(f"{n} {r}" for r, n in report.dropped.items() if n) or "no rows"
        raise CorpusError(f"{report.source}: nothing usable is left after cleaning ({why}).")
    train_idx, val_idx = split_indices(len(texts), options.val_fraction, options.seed)
    return Corpus(texts=texts, label_sets=label_sets, report=report, train_idx=train_idx, val_idx=val_idx)


def split_indices(n: int, val_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """A shuffled train/validation split of range(n) that depends only on `seed`; train is never empty."""
    order = np.random.default_rng(seed).permutation(n).tolist()
    n_val = int(round(n * val_fraction))
    if val_fraction > 0 and n >= 2:
        n_val = min(max(n_val, 1), n - 1)
    else:
        n_val = 0
    return sorted(order[n_val:]), sorted(order[:n_val])
