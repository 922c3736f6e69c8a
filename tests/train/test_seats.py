"""Trainings on one machine share its cores: each holds a seat and runs on cores // seats taken, and leaves the cores
other programs keep busy to them."""

import subprocess
import sys

import torch

from vae_core.device import OtherLoad, machine_times, own_seconds
from vae_core.train.seats import Seat


def quiet() -> OtherLoad:
    """A machine with no other program on it, whatever this one runs beside the test."""
    return OtherLoad(machine=lambda: None)


class Clock:
    """A machine's /proc/stat and this process's CPU time, moved by hand: `run(seconds, others, own)` lets `seconds`
    of wall time pass on every core with `others` cores kept busy by other programs and `own` by this one."""

    def __init__(self, cores: int):
        self.cores, self.busy, self.all, self.own = cores, 0.0, 0.0, 0.0

    def run(self, seconds: float, others: float, own: float) -> None:
        self.busy += seconds * (others + own)
        self.all += seconds * self.cores
        self.own += seconds * own

    def load(self) -> OtherLoad:
        return OtherLoad(machine=lambda: (self.busy, self.all), own=lambda: self.own)


def test_seats_split_the_cores_and_give_them_back(tmp_path):
    before = torch.get_num_threads()
    try:
        with Seat(tmp_path, cores=4, every_s=0, load=quiet()) as first:
            assert first.share() == 4
            with Seat(tmp_path, cores=4, every_s=0, load=quiet()):
                assert first.share() == 2  # a second training started: each takes half
            assert first.share() == 4  # it ended: the cores come back
        assert list(tmp_path.iterdir()) == []
    finally:
        torch.set_num_threads(before)


def test_a_killed_trainings_seat_is_freed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / f"{dead.stdout.strip()}-0000").touch()  # the seat of a process that no longer runs
    before = torch.get_num_threads()
    try:
        with Seat(tmp_path, cores=4, every_s=0, load=quiet()) as seat:
            assert seat.taken() == 1 and seat.share() == 4
    finally:
        torch.set_num_threads(before)


def test_no_folder_to_share_trains_as_if_alone(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with Seat(blocked / "seats", cores=4, load=quiet()) as seat:
        assert not seat.held and seat.share() == torch.get_num_threads()


def test_a_core_another_program_keeps_busy_is_left_to_it(tmp_path, monkeypatch):
    """The issue's case: a busy loop holds one of two cores. Two threads would spin against it at a tenth of the
    speed; the seat drops to one thread while the program runs and takes both back once it ends."""
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    clock, before = Clock(cores=2), torch.get_num_threads()
    try:
        with Seat(tmp_path, cores=2, every_s=0, load=clock.load()) as seat:
            clock.run(2.0, others=0.0, own=2.0)
            assert seat.share() == 2
            clock.run(2.0, others=1.0, own=1.0)  # another program starts
            assert seat.share() == 1
            clock.run(2.0, others=0.2, own=1.0)  # a light one (an editor, a browser) leaves both cores in use
            assert seat.share() == 2
            clock.run(2.0, others=0.0, own=2.0)
            assert seat.share() == 2
    finally:
        torch.set_num_threads(before)


def test_a_machine_that_cannot_be_read_counts_as_quiet():
    assert OtherLoad(machine=lambda: None).busy_cores() == 0.0
    busy, total = machine_times() or (0.0, 1.0)
    assert 0 <= busy <= total and own_seconds() > 0


def test_encoding_and_decoding_leave_the_cores_other_programs_keep_busy(monkeypatch):
    """`device.FreeCores` (what a long encoding or decoding asks before each chunk) counts the cores other programs
    kept busy since its last look, and gives them back when they stop."""
    import os

    from vae_core import device

    monkeypatch.setattr(device, "STALE_S", 1e9)  # the first look stays the reference however slow the machine is
    cores = os.cpu_count() or 1
    clock = Clock(cores)
    free = device.FreeCores(load=clock.load, cores=lambda: cores)
    assert free.free() == cores  # nothing ran yet
    clock.run(10, others=cores - 0.2, own=0)  # another program takes every core but a fifth of one
    sleep_past_a_look()
    assert free.free() == 1  # never fewer than one
    clock.run(10, others=0, own=cores)  # this process alone: every core free for it
    sleep_past_a_look()
    assert free.free() == cores
    assert device.free_threads(1) == 1  # and never more than asked for


def sleep_past_a_look() -> None:
    import time

    from vae_core import device

    time.sleep(device.SAMPLE_S * 1.5)
