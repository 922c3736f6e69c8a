"""Atomic writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, fsync it, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_dir(staged: Path, target: Path) -> None:
    """Move a fully written folder `staged` into place at `target`, keeping the old one until the swap is done.

    POSIX cannot rename over a non-empty folder, so the old folder is first renamed to a backup
    beside it; `recover_dir` puts that backup back if a crash falls between the two renames.
    """
    backup = target.with_name(f".{target.name}.old")
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.replace(target, backup)
    os.replace(staged, target)
    _fsync_dir(target.parent)
    shutil.rmtree(backup, ignore_errors=True)


def recover_dir(target: Path) -> None:
    """Restore `target` from the backup `replace_dir` left, if a crash interrupted a swap."""
    backup = target.with_name(f".{target.name}.old")
    if not target.exists() and backup.exists():
        os.replace(backup, target)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
