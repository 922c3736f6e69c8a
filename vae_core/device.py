"""Which torch device and precision a setting means (the one place "auto" is resolved), and how many of the
machine's cores are free for torch's threads (`OtherLoad`: what other programs keep busy).

torch is imported inside the functions, so a torch-free module (the map's projection) can import this one."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
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


def machine_times() -> tuple[float, float] | None:
    """(busy, all) CPU seconds of every core since boot, from Linux's /proc/stat (steal counted as busy: another
    machine's); None where there is no such file."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def own_seconds() -> float:
    """CPU seconds this process has used, every thread of it."""
    t = os.times()
    return t.user + t.system


class OtherLoad:
    """How many cores other processes kept busy since the last look: the machine's busy share of its CPU time less
    this process's own, times the cores /proc/stat counts. 0 where the machine cannot be read (not Linux)."""

    def __init__(
        self,
        machine: Callable[[], tuple[float, float] | None] = machine_times,
        own: Callable[[], float] = own_seconds,
    ):
        self.machine, self.own = machine, own
        self._last = (machine(), own())

    def busy_cores(self) -> float:
        (before, own_before), now, own_now = self._last, self.machine(), self.own()
        self._last = (now, own_now)
        if before is None or now is None or now[1] <= before[1]:
            return 0.0
        cores = max(os.cpu_count() or 1, 1)
        wall = (now[1] - before[1]) / cores  # every core's time passes at once
        others = (now[0] - before[0]) - (own_now - own_before)
        return min(max(others / wall, 0.0), float(cores))


SAMPLE_S = 0.05  # the shortest look at the machine's load (a fresh one waits this long)
STALE_S = 2.0  # a look older than this is taken afresh


def cpu_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cores_left(cores: int, load: OtherLoad) -> int:
    """`cores` less those other programs kept busy since `load`'s last look (a core at least half busy counts as
    taken); may be 0 or less on a machine they fill."""
    return cores - int(load.busy_cores() + 0.5)


class FreeCores:
    """How many cores other programs leave free now: `free()` reads the load since the last look (at least SAMPLE_S
    ago; a look older than STALE_S is taken afresh, waiting SAMPLE_S), so jobs that ask often (each chunk of a long
    encoding) re-check as they go at almost no cost. Safe to call from several threads."""

    def __init__(self, load: Callable[[], OtherLoad] = OtherLoad, cores: Callable[[], int] = cpu_cores):
        self.make_load, self.cores = load, cores
        self.lock = threading.Lock()
        self.load, self.at, self.answer = None, -float("inf"), cores()

    def free(self) -> int:
        with self.lock:
            if time.monotonic() - self.at > STALE_S:
                self.load = self.make_load()
                time.sleep(SAMPLE_S)
            if time.monotonic() - self.at >= SAMPLE_S:
                self.answer = max(1, cores_left(self.cores(), self.load))
                self.at = time.monotonic()
            return self.answer


FREE_CORES = FreeCores()


def free_threads(most: int) -> int:
    """Threads for a job on the CPU: at most `most`, and no more than the cores other programs leave free, so torch's
    spinning threads never share a core with another program (see train/seats.py). At least 1; a job of one thread
    does not look."""
    return 1 if most <= 1 else min(most, FREE_CORES.free())
