"""The tables Latent Lab writes: a corpus's latents (text, label, z_0 .. z_{D-1}), whole or chunk by chunk, and any
other frame, as .parquet or .csv, atomically, never over a file Latent Lab did not write (`check_output_file`)."""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.corpus import Corpus, CorpusOptions
from ..data.streaming import iter_corpus_chunks
from ..errors import InputError
from .atomic import atomic_write_bytes, check_output_file
from .map_table import latent_columns


def table_path(path: str, overwrite: bool) -> Path:
    """A table output's path: .parquet or .csv, and not taken (see `check_output_file`)."""
    out = Path(path)
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise InputError(f"{out}: the output must end in .parquet or .csv.")
    return check_output_file(out, overwrite)


def write_table(frame: pd.DataFrame, out: Path) -> None:
    """Write .parquet or .csv atomically."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False) if out.suffix.lower() == ".parquet" else frame.to_csv(buffer, index=False)
    atomic_write_bytes(out, buffer.getvalue())


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
    return pd.concat([frame, pd.DataFrame(mu, columns=latent_columns(mu.shape[1]))], axis=1)
