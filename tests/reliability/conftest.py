"""A small sweep and its uninterrupted result, shared by the store tests."""

from __future__ import annotations

import copy
import shutil

import pytest

import gradesim as gs
from tests.sweep.conftest import RAMP_DEMO

RANDOM = {"samples": 96, "seed": 5, "truck.gross_weight": {"uniform": ["60000 lb", "80000 lb"]}}
CHUNK = 16  # 6 chunks
TRACES = 5


def small_sweep(store=None, **kw):
    """The shared small Monte Carlo sweep (96 scenarios, 6 chunks, 5 traces)."""
    sc = gs.Scenario.from_dict(copy.deepcopy(RAMP_DEMO))
    return gs.sweep(sc, random=RANDOM, traces=TRACES, chunk_size=CHUNK, store=store, progress=False, **kw)


@pytest.fixture(scope="session")
def reference():
    """The uninterrupted sweep, in memory."""
    return small_sweep().outcomes


@pytest.fixture(scope="session")
def finished_store(tmp_path_factory):
    """A finished store of the small sweep (copy it before damaging it)."""
    path = tmp_path_factory.mktemp("finished") / "s.zarr"
    small_sweep(path)
    return path


@pytest.fixture
def store_copy(finished_store, tmp_path):
    """A fresh copy of the finished store."""
    dst = tmp_path / "s.zarr"
    shutil.copytree(finished_store, dst)
    return dst


@pytest.fixture
def sweep_cli_toml(tmp_path):
    """The small sweep as a scenario file with a [sweep] table (for the command line)."""
    from tests.sweep.test_sweep_cli import _toml

    d = copy.deepcopy(RAMP_DEMO)
    d["sweep"] = {"random": copy.deepcopy(RANDOM), "traces": TRACES, "chunk_size": CHUNK}
    p = tmp_path / "small_sweep.toml"
    p.write_text(_toml(d))
    return p
