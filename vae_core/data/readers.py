"""One reader per corpus file format, in one registry (`READERS`) that loading, column listing and streaming share:
a reader turns a whole file's bytes, or a file on disk chunk by chunk, into rows — a table (pandas DataFrame) or,
for plain text, a list of lines. Choosing columns and cleaning are `corpus`'s job; adding a format is one class here.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import CorpusError

Rows = pd.DataFrame | list[str]  # a table, or the lines of a plain text file
SAMPLE_BYTES = 1 << 20  # how much of a file is read, before streaming it, to check it is text and find its encoding
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


class TextLines:
    """.txt: one sentence a line. Also the base of the other text formats: bytes are decoded (UTF-8 with or
    without BOM, UTF-16 with BOM, else latin-1, said in a note), binary files refused."""

    def read(self, data: bytes, name: str, report: CorpusReport) -> Rows:
        """The whole file's rows; `report` learns the encoding (and a note when it was guessed)."""
        return self.parse(self.decode(data, name, report).splitlines(), name, report)

    def decode(self, data: bytes, name: str, report: CorpusReport) -> str:
        """The file's text, its encoding (and a note when it was guessed) written into `report`."""
        text, report.encoding, note = decode_bytes(data, name)
        if note:
            report.notes.append(note)
        return text

    def chunks(self, path: Path, chunk_rows: int) -> Iterator[tuple[Rows, CorpusReport]]:
        """The file's rows, `chunk_rows` at a time, each with its own report (to be folded together)."""
        encoding = sniff_encoding(path)
        with path.open(encoding=encoding, errors="replace", newline=None) as f:
            lines: list[str] = []
            for line in f:
                lines.append(line.rstrip("\n"))
                if len(lines) == chunk_rows:
                    yield self._chunk(lines, path, encoding)
                    lines = []
            if lines:
                yield self._chunk(lines, path, encoding)

    def parse(self, lines: list[str], name: str, report: CorpusReport) -> Rows:
        return lines

    def _chunk(self, lines: list[str], path: Path, encoding: str) -> tuple[Rows, CorpusReport]:
        report = CorpusReport(path.name, file_format(path.name), encoding)
        return self.parse(lines, path.name, report), report


class JsonLines(TextLines):
    """.jsonl: one JSON object a line (a bare string counts as {"text": ...}); other lines are counted as invalid."""

    def read(self, data: bytes, name: str, report: CorpusReport) -> Rows:
        rows = super().read(data, name, report)
        if len(rows) == 0:
            broken = report.dropped["invalid JSON lines"]
            raise CorpusError(f"{name}: no line is a JSON object or string ({broken} invalid lines).")
        return rows

    def parse(self, lines: list[str], name: str, report: CorpusReport) -> Rows:
        return pd.DataFrame(jsonl_rows(lines, report))


class Delimited(TextLines):
    """.csv and .tsv: a table with a header row; every cell read as text."""

    def __init__(self, sep: str):
        self.sep = sep

    def read(self, data: bytes, name: str, report: CorpusReport) -> Rows:
        text = self.decode(data, name, report)  # whole, not line by line: a quoted cell may hold a newline
        try:
            frame = pd.read_csv(io.StringIO(text), sep=self.sep, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as e:
            detail = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
            raise CorpusError(f"{name}: could not read it as a table: {detail}") from e
        if frame.empty:
            raise CorpusError(f"{name}: the table has a header but no rows.")
        return frame

    def chunks(self, path: Path, chunk_rows: int) -> Iterator[tuple[Rows, CorpusReport]]:
        encoding = sniff_encoding(path)
        frames = pd.read_csv(
            path, sep=self.sep, dtype=str, keep_default_na=False, encoding=encoding, chunksize=chunk_rows
        )
        for frame in frames:
            yield frame, CorpusReport(path.name, file_format(path.name), encoding)


class Parquet:
    """.parquet: a table; read whole, or one row group batch at a time."""

    def read(self, data: bytes, name: str, report: CorpusReport) -> Rows:
        import pyarrow.parquet as pq

        report.encoding = "parquet"
        try:
            frame = pq.read_table(io.BytesIO(data)).to_pandas()
        except Exception as e:  # pyarrow raises several types for damaged files
            raise CorpusError(f"{name}: could not read it as Parquet: {e}") from e
        if frame.empty:
            raise CorpusError(f"{name}: the Parquet table has no rows.")
        return frame

    def chunks(self, path: Path, chunk_rows: int) -> Iterator[tuple[Rows, CorpusReport]]:
        import pyarrow.parquet as pq

        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
                yield batch.to_pandas(), CorpusReport(path.name, "parquet", "parquet")
        except (OSError, ValueError) as e:  # pyarrow's errors for damaged files derive from these
            raise CorpusError(f"{path.name}: could not read it as Parquet: {e}") from e


READERS = {
    "txt": TextLines(),
    "csv": Delimited(","),
    "tsv": Delimited("\t"),
    "jsonl": JsonLines(),
    "parquet": Parquet(),
}
FORMATS = tuple(READERS)
ALIASES = {"": "txt", "text": "txt", "ndjson": "jsonl", "pq": "parquet"}  # other extensions of the same formats


def file_format(name: str) -> str:
    """The corpus format implied by a file name's extension (none means plain text)."""
    suffix = Path(name).suffix.lower().lstrip(".")
    suffix = ALIASES.get(suffix, suffix)
    if suffix not in READERS:
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


def sniff_encoding(path: Path) -> str:
    """The encoding of a text file on disk, from its first SAMPLE_BYTES (refusing binary files, as a whole read
    would)."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    sample = sample[: sample.rfind(b"\n") + 1] or sample  # never cut a character in two
    return decode_bytes(sample, path.name)[1]


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
