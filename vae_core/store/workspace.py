"""A user's workspace: a folder, named by an id the user keeps (the app puts it in its URL), holding the models
they saved, the datasets they uploaded and which of them were open last, so that all of it outlives a browser
session, a reload and a server restart.

    <root>/<workspace id>/
      <model name>/            a bundle (see bundle.py), one per saved model
      .datasets/<name>/        an uploaded file as it came (source), how it was read (options.json) and the tags
                               the user gave its sentences (tags.json: {row: tag})
      .demo-tags.json          the tags the user gave the demo corpus's sentences
      .workspace.json          what was open last: {"model": name, "dataset": name}

Workspaces are kept apart by their id: a random one is 128 bits, which nobody guesses; a user may also choose a
name of their own. The id is the key that writes to a workspace; a link that shows it read-only carries its
`view_token` instead, from which the id cannot be read back. Everything here is written atomically and parsed
defensively.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from ..data.corpus import MAX_FILE_MB, Corpus, CorpusOptions, load_corpus
from ..errors import ConfigError, CorpusError, InputError, LatentLabError
from .atomic import atomic_write_bytes, remove_dir, write_dir
from .names import is_bundle, safe_name

_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")
_TOKEN = re.compile(r"[0-9a-f]{32}")
DATASETS = ".datasets"
STATE = ".workspace.json"
TAGS, DEMO_TAGS = "tags.json", ".demo-tags.json"
MAX_TAG = 200  # characters in a tag read back


def new_id() -> str:
    """A fresh, unguessable workspace id."""
    return secrets.token_hex(16)


def is_id(text: str) -> bool:
    """Whether `text` is a well-formed workspace id (see check_id)."""
    return bool(_ID.fullmatch(str(text)))


def check_id(text: str) -> str:
    """A workspace id as typed or read from a URL: 4-64 letters, digits, '-' or '_' (so it names one folder)."""
    text = str(text).strip()
    if not is_id(text):
        raise InputError("a workspace name is 4 to 64 letters, digits, '-' or '_'.")
    return text


def folder(root: str | Path, workspace_id: str) -> Path:
    """The workspace's folder under `root`. It is made by the first write into it, so a visitor who saves nothing
    leaves nothing on disk."""
    return Path(root) / check_id(workspace_id)


def view_token(workspace_id: str) -> str:
    """The token a link carries to show a workspace read-only: a hash of its id (128 bits of SHA-256), so whoever
    holds the link can find the workspace but not the id that writes to it."""
    return hashlib.sha256(f"latent-lab view of {check_id(workspace_id)}".encode()).hexdigest()[:32]


def find_view(root: str | Path, token: str) -> str | None:
    """The id of the workspace under `root` whose `view_token` is `token`; None when there is none (it has nothing
    saved yet, or the link comes from another server) or the token is malformed."""
    root = Path(root)
    if not _TOKEN.fullmatch(str(token)) or not root.is_dir():
        return None
    for child in root.iterdir():
        if is_id(child.name) and child.is_dir() and view_token(child.name) == token:
            return child.name
    return None


def recall(workspace: Path) -> dict[str, str]:
    """What was open last in this workspace ({} when nothing was, or the file is damaged)."""
    try:
        found = json.loads((workspace / STATE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if k in ("model", "dataset") and isinstance(v, str)}


def remember(workspace: Path, **opened: str | None) -> None:
    """Record what is open now (model=..., dataset=...; None forgets it), for the next session of this workspace."""
    state = recall(workspace)
    for key, value in opened.items():
        if key not in ("model", "dataset"):
            raise ConfigError(f"a workspace remembers a model and a dataset, not {key!r}.")
        if value is None:
            state.pop(key, None)
        else:
            state[key] = value
    atomic_write_bytes(workspace / STATE, json.dumps(state).encode())


def saved_model(workspace: Path, name: str) -> Path | None:
    """The bundle folder of the saved model `name`, or None when this workspace has none by that name."""
    try:
        path = workspace / safe_name(name)
    except LatentLabError:  # a name that could never have been saved
        return None
    return path if path.name == name and is_bundle(path) else None


def save_dataset(workspace: Path, name: str, data: bytes, options: CorpusOptions) -> str:
    """Keep an uploaded file and the options it was read with; returns the name it is kept under (the file's own
    name, made safe; a different file of the same name is kept beside it as name-2, name-3, …)."""
    if len(data) > MAX_FILE_MB * 2**20:
        raise CorpusError(f"{name}: larger than {MAX_FILE_MB} MB; not kept.")
    datasets = workspace / DATASETS
    datasets.mkdir(parents=True, exist_ok=True)
    base = safe_name(name)
    saved_at = datetime.now(UTC).isoformat(timespec="seconds")
    meta = {"name": name, "options": _options_json(options), "saved_at": saved_at}
    for n in range(1, 1000):
        kept = base if n == 1 else f"{base}-{n}"
        target = datasets / kept
        if target.exists():
            same = _read_source(target) == data and _read_meta(target).get("options") == meta["options"]
            if same:
                return kept
            continue
        write_dir(target, {"source": data, "options.json": json.dumps(meta, indent=2).encode()})
        return kept
    raise CorpusError(f"{name}: too many datasets of this name in the workspace.")


def list_datasets(workspace: Path) -> list[dict]:
    """The kept datasets, newest first: {"kept": folder name, "name": the file's name, "saved_at", "options"}."""
    datasets = workspace / DATASETS
    found = []
    for path in sorted(datasets.iterdir()) if datasets.is_dir() else []:
        if path.is_dir() and not path.name.startswith(".") and (path / "source").is_file():
            meta = _read_meta(path)
            found.append({**meta, "kept": path.name, "name": str(meta.get("name", path.name))})
    return sorted(found, key=lambda d: str(d.get("saved_at", "")), reverse=True)


def has_dataset(workspace: Path, kept: str) -> bool:
    """Whether the workspace keeps a dataset under `kept` (a name `save_dataset` returned)."""
    try:
        return (workspace / DATASETS / safe_name(kept) / "source").is_file()
    except LatentLabError:  # a name that could never have been kept
        return False


def load_dataset(workspace: Path, kept: str) -> Corpus:
    """A kept dataset, read again with the options it was first read with."""
    if not has_dataset(workspace, kept):
        raise CorpusError(f"{kept}: no such dataset in this workspace.")
    path = workspace / DATASETS / safe_name(kept)
    meta = _read_meta(path)
    saved = dict(meta.get("options", {}))
    saved["extra_label_columns"] = tuple(saved.get("extra_label_columns", ()))
    try:
        options = CorpusOptions(**saved)
    except TypeError as e:
        raise CorpusError(f"{kept}: its options.json is damaged ({e}).") from e
    return load_corpus(_read_source(path), options, name=str(meta.get("name", kept)))


def delete_dataset(workspace: Path, kept: str) -> None:
    """Remove a kept dataset (renamed aside first, so it never lingers half-deleted)."""
    if not has_dataset(workspace, kept):
        raise CorpusError(f"{kept}: no such dataset in this workspace; nothing was deleted.")
    remove_dir(workspace / DATASETS / safe_name(kept))


def _tags_path(workspace: Path, kept: str | None) -> Path | None:
    if kept is None:
        return workspace / DEMO_TAGS
    return workspace / DATASETS / safe_name(kept) / TAGS if has_dataset(workspace, kept) else None


def save_tags(workspace: Path, kept: str | None, tags: dict[int, str]) -> None:
    """Keep the tags (row -> tag) of the kept dataset `kept`, or with None of the demo corpus; {} clears them."""
    path = _tags_path(workspace, kept)
    if path is None:
        raise CorpusError(f"{kept}: no such dataset in this workspace; its tags were not kept.")
    atomic_write_bytes(path, json.dumps({str(row): tag for row, tag in sorted(tags.items())}).encode())


def load_tags(workspace: Path, kept: str | None, rows: int) -> dict[int, str]:
    """The tags kept for a dataset of `rows` sentences ({} when none were, or the file is damaged); a row outside
    the dataset, or a tag that is not a short text, is left out."""
    path = _tags_path(workspace, kept)
    try:
        found = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        int(row): tag
        for row, tag in found.items()
        if isinstance(tag, str) and 0 < len(tag) <= MAX_TAG and row.isdecimal() and int(row) < rows
    }


def _options_json(options: CorpusOptions) -> dict:
    found = asdict(options)
    found["extra_label_columns"] = list(found["extra_label_columns"])
    return found


def _read_source(path: Path) -> bytes:
    return (path / "source").read_bytes()


def _read_meta(path: Path) -> dict:
    try:
        found = json.loads((path / "options.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(found, dict) or not isinstance(found.get("options", {}), dict):
        return {}
    return found
