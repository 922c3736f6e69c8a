"""Save and load a trained model as a folder (Hugging Face style) or as one .zip of that folder.

    my-model/
      config.json         format version, creation time, vocabulary size, model/training/tokenizer settings
      tokenizer.json      the `tokenizers` tokenizer
      model.safetensors   the weights (safetensors: plain tensors, nothing executable)
      metrics.json        the evaluation metrics
      history.json        per-epoch and per-step training curves
      replay.safetensors  optional: the training replay's posterior means (see replay.py), with
      replay.json         its sentences and what the decoder wrote back from the followed ones

Nothing is ever unpickled. Saves are atomic: the folder is written beside its target and swapped in.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from ..data.style import Style
from ..data.tokenizer import TextTokenizer, TokenizerConfig
from ..device import resolve_device
from ..errors import BundleError, ConfigError, OutputExistsError
from ..model.vae import ModelConfig, SentenceVAE
from ..train.fit import TrainedModel
from ..train.loop import TrainConfig
from ..train.replay import Replay
from .atomic import recover_dir, remove_dir, write_dir
from .names import FORMAT, is_bundle, safe_name  # noqa: F401  (safe_name: also imported from here)

FORMAT_VERSION = 1
# What a bundle saved before a ModelConfig field existed was trained with: BatchNorm's default ε, the RNN encoder,
# no BN-VAE (the defaults have moved since, so a missing field must not take today's default)
OLD_MODEL_DEFAULTS = {"bn_eps": 1e-5, "encoder": "rnn", "bn_gamma": 0.0}
FILES = ("config.json", "tokenizer.json", "model.safetensors", "metrics.json", "history.json")
OPTIONAL_FILES = ("replay.safetensors", "replay.json")  # both or neither; older bundles have neither
MAX_FILE_BYTES = {
    "model.safetensors": 1 << 30,
    "tokenizer.json": 64 << 20,
    "replay.safetensors": 1 << 30,
}  # others: 16 MiB
MAX_ZIP_RATIO = 200  # a larger uncompressed/compressed ratio is treated as a zip bomb


def _config_json(tm: TrainedModel) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": tm.created_at,
        "vocab_size": tm.model.vocab_size,
        "model": asdict(tm.model.config),
        "train": tm.train_config.to_dict() if tm.train_config else None,
        "tokenizer": asdict(tm.tokenizer_config) if tm.tokenizer_config else None,
        "info": tm.info,
    }


def bundle_files(tm: TrainedModel) -> dict[str, bytes]:
    """The bundle's files as bytes, by name."""
    state = {k: v.detach().cpu().contiguous() for k, v in tm.model.state_dict().items()}
    as_json = lambda obj: json.dumps(obj, indent=2, default=float).encode()  # noqa: E731
    return {
        "config.json": as_json(_config_json(tm)),
        "tokenizer.json": tm.tokenizer.to_json().encode(),
        "model.safetensors": save_safetensors(state, metadata={"format": FORMAT}),
        "metrics.json": as_json(tm.metrics),
        "history.json": as_json(tm.history),
        **(tm.replay.to_files() if tm.replay is not None else {}),
    }


def check_bundle_target(path: str | Path, overwrite: bool = False) -> Path:
    """`path` as a place a bundle may be saved: free, or an existing bundle with `overwrite`. Anything else (a file,
    a folder Latent Lab did not write, a symbolic link) is refused with OutputExistsError, and nothing changes."""
    path = Path(path)
    recover_dir(path)  # a swap a crash interrupted is finished first, so the old bundle is judged, not its absence
    if path.is_symlink():
        raise OutputExistsError(f"{path} is a symbolic link; save the model to a plain folder (nothing was changed).")
    if not path.exists():
        return path
    if not is_bundle(path):
        kind = "file" if path.is_file() else "folder"
        raise OutputExistsError(
            f"{path} is an existing {kind} that is not a Latent Lab model; nothing was changed. Choose a new name."
        )
    if not overwrite:
        raise OutputExistsError(
            f"{path} already holds a model; nothing was changed. Choose another name, or pass --overwrite to "
            "replace it."
        )
    return path


def save_bundle(tm: TrainedModel, path: str | Path, overwrite: bool = False) -> Path:
    """Write the bundle folder at `path` atomically. An existing bundle there is replaced only with `overwrite`
    (and kept until the new one is complete); anything else there is never touched (`check_bundle_target`)."""
    path = check_bundle_target(path, overwrite)
    write_dir(path, bundle_files(tm))
    return path


def load_bundle(path: str | Path, device: str = "auto") -> TrainedModel:
    """Load a bundle folder, checking format version, settings and tensor shapes before use."""
    path = Path(path)
    recover_dir(path)
    if not path.is_dir():
        raise BundleError(f"{path}: no model folder here.")
    files = {}
    optional = OPTIONAL_FILES if all((path / name).is_file() for name in OPTIONAL_FILES) else ()
    for name in FILES + optional:
        file = path / name
        if not file.is_file():
            raise BundleError(f"{path.name}: the bundle is missing {name}.")
        if file.stat().st_size > MAX_FILE_BYTES.get(name, 16 << 20):
            raise BundleError(f"{path.name}: {name} is implausibly large.")
        files[name] = file.read_bytes()
    return bundle_from_files(files, device=device, source=path.name)


def bundle_from_files(files: dict[str, bytes], device: str = "auto", source: str = "bundle") -> TrainedModel:
    """Build a TrainedModel from the bundle's file contents; every check failure is a BundleError."""
    config = _read_json(files["config.json"], "config.json", source, dict)
    if config.get("format") != FORMAT:
        raise BundleError(f"{source}: this is not a Latent Lab model bundle.")
    version = config.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleError(
            f"{source}: bundle format version {version!r} is not supported (this Latent Lab reads version "
            f"{FORMAT_VERSION}); re-save it with a matching version."
        )
    try:
        model_config = ModelConfig(**{**OLD_MODEL_DEFAULTS, **config["model"]})
        vocab_size = int(config["vocab_size"])
        train_config = TrainConfig.from_dict(config["train"]) if config.get("train") else None
        tokenizer_config = TokenizerConfig(**config["tokenizer"]) if config.get("tokenizer") else None
        model = SentenceVAE(model_config, vocab_size)
    except (KeyError, TypeError, ValueError) as e:
        raise BundleError(f"{source}: config.json is incomplete or has unknown settings ({e}).") from e
    except ConfigError as e:  # a config checks itself when built: out-of-range sizes
        raise BundleError(f"{source}: config.json holds invalid settings: {e}") from e
    info = config["info"] if isinstance(config.get("info"), dict) else {}
    tokenizer = TextTokenizer.from_json(files["tokenizer.json"].decode("utf-8", errors="replace"))
    tokenizer = tokenizer.with_style(Style.from_dict(info.get("style")))  # writes back in its corpus's style
    if tokenizer.vocab_size != vocab_size:
        raise BundleError(f"{source}: tokenizer has {tokenizer.vocab_size} words but the config says {vocab_size}.")
    try:
        state = load_safetensors(files["model.safetensors"])
    except (SafetensorError, ValueError, RuntimeError) as e:
        raise BundleError(f"{source}: model.safetensors is damaged or truncated ({e}).") from e
    expected = model.state_dict()
    if set(state) != set(expected):
        missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
        raise BundleError(f"{source}: weights do not match the config (missing {missing[:3]}, unexpected {extra[:3]}).")
    for name, tensor in state.items():
        if tensor.shape != expected[name].shape:
            raise BundleError(
                f"{source}: weight {name} has shape {tuple(tensor.shape)}, the config implies "
                f"{tuple(expected[name].shape)}."
            )
    model.load_state_dict(state)
    model.to(resolve_device(device)).eval()
    history = _read_json(files["history.json"], "history.json", source)
    return TrainedModel(
        model=model,
        tokenizer=tokenizer,
        train_config=train_config,
        tokenizer_config=tokenizer_config,
        metrics=_read_json(files["metrics.json"], "metrics.json", source, dict),
        history=history if isinstance(history, dict) else {},
        info=info,
        created_at=str(config.get("created_at", "")),
        replay=Replay.from_files(files, source) if all(n in files for n in OPTIONAL_FILES) else None,
    )


def _read_json(data: bytes, name: str, source: str, kind: type | None = None):
    """A bundle file's JSON; BundleError when it is not JSON, or (with `kind`) not of that shape."""
    try:
        found = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise BundleError(f"{source}: {name} is not valid JSON ({e}).") from e
    if kind is not None and not isinstance(found, kind):
        raise BundleError(f"{source}: {name} holds a JSON {type(found).__name__}, not an object.")
    return found


def bundle_to_zip(path: str | Path) -> bytes:
    """The bundle folder at `path` as the bytes of one .zip (files at the top level)."""
    path = Path(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in FILES + OPTIONAL_FILES:
            if name in FILES or (path / name).is_file():
                zf.write(path / name, arcname=name)
    return buffer.getvalue()


def files_from_zip(data: bytes, source: str = "upload.zip") -> dict[str, bytes]:
    """Read the bundle files out of a .zip safely: only the known names (at the top or in one folder), no path
    tricks, sizes bounded both by the header and by actually reading."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise BundleError(f"{source}: not a valid .zip file.") from e
    files: dict[str, bytes] = {}
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.filename.startswith(("/", "\\")) or ".." in parts or len(parts) > 2 or ":" in info.filename:
                raise BundleError(f"{source}: refused an unsafe path in the archive: {info.filename!r}.")
            name = parts[-1]
            if name not in FILES + OPTIONAL_FILES:
                continue  # e.g. a README or macOS metadata: ignored, never extracted
            limit = MAX_FILE_BYTES.get(name, 16 << 20)
            if info.file_size > limit or info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) + 4096:
                raise BundleError(f"{source}: {name} would unpack to an implausible size (a zip bomb?).")
            with zf.open(info) as member:
                content = member.read(limit + 1)
            if len(content) > limit:
                raise BundleError(f"{source}: {name} is larger than its header says.")
            files[name] = content
    missing = [n for n in FILES if n not in files]
    if missing:
        raise BundleError(f"{source}: the archive is not a complete model bundle (missing {', '.join(missing)}).")
    return files


def import_zip(data: bytes, path: str | Path, source: str = "upload.zip", overwrite: bool = False) -> TrainedModel:
    """Check an uploaded .zip completely (it must load), then save it as a bundle folder at `path`."""
    check_bundle_target(path, overwrite)
    tm = bundle_from_files(files_from_zip(data, source), device="cpu", source=source)
    save_bundle(tm, path, overwrite)
    return tm


def delete_bundle(path: str | Path) -> None:
    """Delete a saved bundle folder: renamed aside first (one atomic step, so it never lingers half-deleted under
    its name), then removed. BundleError for a folder that is not a bundle."""
    path = Path(path)
    if path.is_symlink() or not is_bundle(path):
        raise BundleError(f"{path.name}: not a Latent Lab model; nothing was deleted.")
    remove_dir(path)


def describe_encoder(model: dict) -> str:
    """A model's encoder and decoder in a few words, from its saved settings (config.json's "model")."""
    decoder = f"{model.get('cell')} {model.get('hidden_dim')}"
    if model.get("encoder", OLD_MODEL_DEFAULTS["encoder"]) == "rnn":
        return decoder
    rnn = f" + {decoder}" if model.get("encoder") == "hybrid" else ""
    frozen = "fine-tuned" if model.get("finetune_encoder") else "frozen"
    return f"{model.get('pretrained_name')} ({frozen}){rnn} → {model.get('cell')}"


def list_bundles(folder: str | Path) -> list[dict]:
    """A card for every bundle folder in `folder` (name, creation time, settings, metrics, `encoder` described in
    words), newest first, read from the JSON files only, without loading weights. Unreadable folders are listed
    with an error."""
    folder = Path(folder)
    cards = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_dir() or path.name.startswith("."):
            continue
        card = {"name": path.name, "path": str(path)}
        try:
            config = _read_json((path / "config.json").read_bytes(), "config.json", path.name, dict)
            metrics = _read_json((path / "metrics.json").read_bytes(), "metrics.json", path.name, dict)
            card.update(
                created_at=config.get("created_at", ""),
                model=config.get("model", {}),
                encoder=describe_encoder(config.get("model", {})),
                info=config.get("info", {}),
                metrics=metrics,
            )
        except (OSError, BundleError) as e:
            card["error"] = str(e)
        cards.append(card)
    return sorted(cards, key=lambda c: c.get("created_at", ""), reverse=True)
