"""Atomic writes: a reader sees the old file or the new one, never half of either; and the checks that keep a
write from replacing what Latent Lab did not write."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

from ..errors import OutputExistsError


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


def check_output_file(path: str | os.PathLike, overwrite: bool = False) -> Path:
    """`path` as a file output may be written: refused (OutputExistsError, nothing changed) when it is a folder or a
    symbolic link, or an existing file and `overwrite` is not given."""
    path = Path(path)
    if path.is_symlink():
        raise OutputExistsError(f"{path} is a symbolic link; write to a plain file path instead (nothing was changed).")
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder; give a file name for the output (nothing was changed).")
    if path.exists() and not overwrite:
        raise OutputExistsError(
            f"{path} already exists; nothing was changed. Choose another name, or pass --overwrite to replace it."
        )
    return path


def backup_of(target: Path) -> Path:
    """Where `replace_dir` keeps the old folder during a swap (a name no user file is likely to have)."""
    return target.with_name(f".{target.name}.latent-lab-backup")


def replace_dir(staged: Path, target: Path) -> None:
    """Move a fully written folder `staged` into place at `target`, keeping the old one until the swap is done.

    POSIX cannot rename over a non-empty folder, so the old folder is first renamed to a backup
    beside it; `recover_dir` puts that backup back if a crash falls between the two renames. Callers check that
    `target` is theirs to replace first (see bundle.check_bundle_target).
    """
    backup = backup_of(target)
    if backup.exists() and target.exists():  # left by a crash after the swap: the previous folder's copy
        shutil.rmtree(backup)
    recover_dir(target)
    if target.exists():
        os.replace(target, backup)
    os.replace(staged, target)
    _fsync_dir(target.parent)
    shutil.rmtree(backup, ignore_errors=True)


def write_dir(target: Path, files: dict[str, bytes]) -> None:
    """Write `files` (name -> bytes) as the folder `target`: staged beside it, then swapped in by `replace_dir`, so
    a reader sees the old folder or the new one, and a failed write leaves no staging folder behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".staging", dir=target.parent))
    try:
        for name, data in files.items():
            atomic_write_bytes(staged / name, data)
        replace_dir(staged, target)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def remove_dir(path: Path) -> None:
    """Delete a folder: renamed aside first (one atomic step, so it never lingers half-deleted under its name),
    then removed."""
    doomed = path.with_name(f".{path.name}.deleted-{secrets.token_hex(4)}")
    path.rename(doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def recover_dir(target: Path) -> None:
    """Restore `target` from the backup `replace_dir` left, if a crash interrupted a swap."""
    backup = backup_of(target)
    if not target.exists() and backup.exists():
        os.replace(backup, target)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
