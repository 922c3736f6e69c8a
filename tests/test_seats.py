"""Trainings on one machine share its cores: each holds a seat and runs on cores // seats taken."""

import subprocess
import sys

import torch

from vae_core.train.seats import Seat


def test_seats_split_the_cores_and_give_them_back(tmp_path):
    before = torch.get_num_threads()
    try:
        with Seat(tmp_path, cores=4, every_s=0) as first:
            assert first.share() == 4
            with Seat(tmp_path, cores=4, every_s=0):
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
        with Seat(tmp_path, cores=4, every_s=0) as seat:
            assert seat.taken() == 1 and seat.share() == 4
    finally:
        torch.set_num_threads(before)


def test_no_folder_to_share_trains_as_if_alone(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with Seat(blocked / "seats", cores=4) as seat:
        assert not seat.held and seat.share() == torch.get_num_threads()
