"""Training processes on one machine share its cores. Each running training takes a seat (a file named for its
process in a folder every process sees) and runs torch on cores // seats taken, re-read while it trains, so two
`python -m vae_core train` started at once split the cores instead of each taking every core's threads, which runs
both many times slower than one after the other (bench/results/concurrent-training.json).

Programs that are not Latent Lab's take no seat, so the cores they keep busy are measured too (`device.OtherLoad`:
the machine's busy time less this process's own, between two looks) and left to them: torch's threads spin-wait for
one another, so a thread that shares its core with another program stalls all the others (bench/busy_machine.py)."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

import torch

from ..device import OtherLoad, cores_left, cpu_cores

FOLDER = Path(tempfile.gettempdir()) / "latent-lab-seats"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class Seat:
    """One training's seat: `with Seat(): ...` holds it; `share()` sets and returns this process's thread count:
    cores // seats taken, and no more than the cores other programs leave free."""

    def __init__(
        self, folder: Path = FOLDER, cores: int | None = None, every_s: float = 2.0, load: OtherLoad | None = None
    ):
        self.folder, self.cores, self.every_s = Path(folder), cores or cpu_cores(), every_s
        self.load = load or OtherLoad()
        self.path = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._checked = -float("inf")
        self.held = False

    def __enter__(self) -> Seat:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path.touch()
            self.held = True
        except OSError:  # no folder to share (read-only, another user's): train as if alone
            pass
        self.share(force=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)

    def taken(self) -> int:
        """Seats held by live processes (a killed training's seat is cleared here)."""
        count = 0
        for seat in self.folder.iterdir():
            pid = seat.name.split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)):
                count += 1
            else:
                seat.unlink(missing_ok=True)
        return count

    def share(self, force: bool = False) -> int:
        """Run torch on this seat's share of the cores (read at most every `every_s` seconds unless forced): the seat's
        share, less the cores other programs kept busy since the last look (a half-busy core counts as taken)."""
        now = time.monotonic()
        if self.held and (force or now - self._checked >= self.every_s):
            self._checked = now
            threads = max(1, min(self.cores // max(self.taken(), 1), cores_left(self.cores, self.load)))
            if threads != torch.get_num_threads():
                torch.set_num_threads(threads)
        return torch.get_num_threads()
