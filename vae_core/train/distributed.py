"""Data-parallel training across processes with PyTorch's own engine (torch.distributed + DDP).

Launched by `torchrun --nproc-per-node N -m vae_core train ...`, each process (rank) trains a replica of the model
on its own shard of the sentences; DistributedDataParallel averages the gradients after every backward pass, so the
replicas stay identical. NCCL connects GPUs, gloo CPUs. Without torchrun none of this is used: a plain run is a
single process, exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch
import torch.distributed as dist

from ..device import resolve_device


def launched_by_torchrun() -> bool:
    """True when the environment says this process is one of several (torchrun sets WORLD_SIZE and RANK)."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def start(device: str = "auto") -> None:
    """Join the process group torchrun set up: NCCL when this rank trains on a GPU, else gloo."""
    if not active():
        on_gpu = resolve_device(device).type == "cuda"
        if on_gpu:
            torch.cuda.set_device(local_rank())
        dist.init_process_group("nccl" if on_gpu else "gloo")


def finish() -> None:
    if active():
        dist.barrier()
        dist.destroy_process_group()


def active() -> bool:
    return dist.is_available() and dist.is_initialized()


def rank() -> int:
    return dist.get_rank() if active() else 0


def world_size() -> int:
    return dist.get_world_size() if active() else 1


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def is_main() -> bool:
    """Rank 0 reports progress, evaluates and writes the bundle; the others only train."""
    return rank() == 0


def shard(items: Sequence) -> list:
    """This rank's share of `items`: every world_size-th one, cut so that all ranks hold the same number
    (equal shards give every rank the same number of steps, which DDP's collective calls need).
    Up to world_size - 1 items are left out of an epoch."""
    n = len(items) // world_size()
    return list(items[rank() :: world_size()][:n])


def all_sum(values: list[float], device: torch.device) -> list[float]:
    """Element-wise sum of a list of numbers over all ranks (the list itself when not distributed)."""
    if not active():
        return values
    tensor = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(tensor)
    return tensor.tolist()


def all_gather_rows(rows: torch.Tensor) -> torch.Tensor:
    """Concatenate each rank's (n_i, D) CPU tensor (n_i may differ) on every rank."""
    if not active():
        return rows
    gathered: list = [None] * world_size()
    dist.all_gather_object(gathered, rows)
    return torch.cat(gathered)


def broadcast_object(obj):
    """Rank 0's `obj` on every rank (e.g. a tokenizer's JSON), so all replicas share one vocabulary."""
    if not active():
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def broadcast_parameters(model: torch.nn.Module) -> None:
    """Copy rank 0's weights and buffers to every rank (after a re-initialisation drew different numbers)."""
    if active():
        for tensor in [*model.parameters(), *model.buffers()]:
            dist.broadcast(tensor.data, src=0)
