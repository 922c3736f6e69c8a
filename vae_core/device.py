"""Which torch device and precision a setting means: the one place "auto" is resolved.

torch is imported inside the functions, so a torch-free module (the map's projection) can import this one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    import torch


def check_device_name(name: str) -> torch.device | None:
    """The torch device a setting names (None for "auto"); ConfigError for a name torch does not know."""
    import torch

    if name == "auto":
        return None
    try:
        return torch.device(name)
    except RuntimeError as e:
        raise ConfigError(f"unknown device {name!r}.") from e


def resolve_device(name: str = "auto") -> torch.device:
    """The torch device for a setting: "auto" means CUDA when it is there (this rank's own GPU under torchrun,
    which sets LOCAL_RANK), else the CPU."""
    import torch

    device = check_device_name(name)
    if device is None:
        on_gpu = torch.cuda.is_available()
        return torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if on_gpu else "cpu")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' was asked for but no CUDA GPU is available; use 'auto' or 'cpu'.")
    return device


def resolve_precision(name: str, device: torch.device) -> torch.dtype:
    """The dtype of a training step's matrix multiplies for a `TrainConfig.precision` setting on `device`."""
    import torch

    if name == "auto":
        native = device.type == "cpu" and torch.cpu._is_avx512_bf16_supported()  # or AMX, which implies it
        return torch.bfloat16 if native else torch.float32
    return torch.bfloat16 if name == "bf16" else torch.float32


@contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    """Run torch on `threads` threads inside the block, and as before after it. torch keeps the setting per thread
    (and threads started later begin from the last value set), so it is set back whatever happens."""
    import torch

    before = torch.get_num_threads()
    if threads == before:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
