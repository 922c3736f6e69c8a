"""Read a text corpus (.txt, .csv, .tsv, .jsonl, .parquet) into clean sentences, labels and a report.

The report says what was read, which encoding was used, and what was dropped or truncated and why,
so that nothing disappears without the user being told.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from tokenizers.pre_tokenizers import Whitespace

from ..errors import ConfigError, CorpusError
from .readers import READERS, CorpusReport, file_format

MAX_FILE_MB = 50  # the same limit as the app's server.maxUploadSize in .streamlit/config.toml
TEXT_COLUMN_GUESSES = ("text", "sentence", "sentences", "content", "utterance")
LABEL_COLUMN_GUESSES = ("label", "labels", "class", "category", "sentiment", "topic", "intent", "target", "y")
_WORDS = Whitespace()  # the same word split the tokenizer uses, so "tokens" mean the same thing here


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
    rows, report = read_rows(data, name)
    return clean(*texts_and_labels(rows, name, options), report, options)


def check_size(n_bytes: int, name: str) -> None:
    """Refuse files over MAX_FILE_MB, before reading them into memory where possible."""
    if n_bytes > MAX_FILE_MB * 2**20:
        raise CorpusError(
            f"{name}: the file is {n_bytes / 2**20:.0f} MB; the limit is {MAX_FILE_MB} MB. Split it or sample it."
        )


@dataclass
class ColumnChoices:
    """What a UI offers for a table: its columns, the one `load_corpus` would take as the text when none is named
    (None for .txt, or when no column holds words: loading then says so) and the likeliest label column (or None)."""

    columns: list[str]
    text: str | None
    label: str | None


def column_choices(data: bytes, name: str) -> ColumnChoices:
    """The table's columns and the text and label columns to suggest, from one read of the file ([] for .txt).
    Empty, binary and unreadable files raise CorpusError here already, before any option is chosen."""
    frame, _ = read_rows(data, name)
    if isinstance(frame, list):  # a .txt file: lines, no columns
        return ColumnChoices([], None, None)
    try:
        text = guess_text_column(frame)
    except CorpusError:
        text = None
    return ColumnChoices([str(c) for c in frame.columns], text, guess_label_column(frame, text))


def read_rows(data: bytes, name: str) -> tuple[list[str] | pd.DataFrame, CorpusReport]:
    """A file's rows as its format's reader gives them (a table, or the lines of a .txt) and the reading report;
    CorpusError for files too large, empty, binary or unreadable."""
    fmt = file_format(name)
    check_size(len(data), name)
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty.")
    report = CorpusReport(source=name, file_format=fmt, encoding="")
    return READERS[fmt].read(data, name, report), report


def corpus_stats(corpus: Corpus) -> dict:
    """Sentences, tokens, distinct words (lower-cased) and each sentence's length in tokens."""
    lengths = [count_tokens(t) for t in corpus.texts]
    words = {w.lower() for t in corpus.texts for w, _ in _WORDS.pre_tokenize_str(t)}
    return {"sentences": len(corpus.texts), "tokens": sum(lengths), "vocabulary": len(words), "lengths": lengths}


def texts_and_labels(rows: list[str] | pd.DataFrame, name: str, options: CorpusOptions) -> tuple[list, dict]:
    """The raw sentences and label sets in a reader's rows: a .txt's lines as they are, a table's chosen columns
    (nothing from a table with no rows, e.g. a streamed chunk of invalid JSON lines)."""
    if isinstance(rows, list):  # a .txt file has no columns to choose
        named = [repr(c) for c in (options.text_column, options.label_column, *options.extra_label_columns) if c]
        if named:
            raise CorpusError(
                f"{name}: a .txt file has no columns, so the column {' and '.join(named)} cannot be used "
                "(text and label columns are for tables: .csv, .tsv, .jsonl, .parquet)."
            )
        filled = pd.Series([r for r in rows if str(r).strip()])
        if len(filled) and not _holds_words(filled, every=True):
            raise CorpusError(f"{name}: the file holds no words, only numbers or symbols.")
        return rows, {}
    if rows.empty:
        return [], {}
    return pick_columns(rows, name, options)


def pick_columns(frame: pd.DataFrame, name: str, options: CorpusOptions) -> tuple[list, dict[str, list[str]]]:
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


def guess_label_column(frame: pd.DataFrame, text_column: str | None = None, max_values: int = 50) -> str | None:
    """The column likeliest to hold labels: one named like a label ('label', 'class', 'sentiment', 'topic', ...),
    else the first column other than the text whose values repeat — at most `max_values` distinct ones, each seen
    about five times or more on average (ids and free text never qualify). None when no column looks like labels."""
    columns = {str(c): frame[c] for c in frame.columns if str(c) != text_column}
    for guess in LABEL_COLUMN_GUESSES:
        for name in columns:
            if name.lower() == guess:
                return name
    for name, values in columns.items():
        distinct = values.dropna().astype(str).str.strip().replace("", np.nan).dropna().nunique()
        if 2 <= distinct <= min(max_values, len(values) / 5):
            return name
    return None


def _all_blank(values: pd.Series) -> bool:
    return all(_missing(v) or (isinstance(v, str) and not v.strip()) for v in values.head(200))


def _holds_words(values: pd.Series, every: bool = False) -> bool:
    """True when some of the first 200 values are strings with a letter in them (not just numbers or symbols); with
    `every`, some of all of them (a .txt file: a few lines of words after a header of numbers still count)."""
    return any(isinstance(v, str) and any(ch.isalpha() for ch in v) for v in (values if every else values.head(200)))


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


def clean(raw_texts: list, raw_labels: dict[str, list], report: CorpusReport, options: CorpusOptions) -> Corpus:
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
