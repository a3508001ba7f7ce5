"""Kills at any moment, including store creation, and concurrent writers: reruns are bit-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradesim.sweeps.integrity import StoreBusyError, StoreLock, lock_path
from gradesim.sweeps.store_check import verify_store
from tests.reliability.conftest import small_sweep

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from tests.reliability.conftest import small_sweep
small_sweep({store!r}, callback=lambda c: time.sleep({pause}))
"""


def start_child(store: Path, pause: float = 0.0) -> subprocess.Popen:
    code = CHILD.format(root=str(ROOT), store=str(store), pause=pause)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(predicate, timeout: float = 60.0, poll: float = 0.0005) -> bool:
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        if predicate():
            return True
        time.sleep(poll)
    return False


def partials(store: Path) -> list[Path]:
    return [p for p in store.parent.iterdir() if p.name.startswith(f".{store.name}.partial-")]


def done_files(store: Path) -> int:
    d = store / "_done"
    return len([p for p in d.iterdir() if not p.name.startswith(".")]) if d.is_dir() else 0


def kill_when(store: Path, moment: str) -> None:
    """Start a sweep in a child process and SIGKILL it at ``moment``."""
    proc = start_child(store, pause=0.3)
    try:
        if moment == "store creation":
            assert wait_for(lambda: partials(store) or store.exists())
        elif moment == "after the first chunk":
            assert wait_for(lambda: done_files(store) >= 1)
        else:  # half-way
            assert wait_for(lambda: done_files(store) >= 3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["store creation", "after the first chunk", "half-way"])
def test_sigkill_at_any_moment_then_rerun_is_bit_identical(tmp_path, reference, moment):
    store = tmp_path / "s.zarr"
    kill_when(store, moment)
    res = small_sweep(store)
    assert res.outcomes.identical(reference)
    assert verify_store(store).ok
    assert not partials(store) and not lock_path(store).exists()


def test_a_store_killed_during_creation_leaves_only_a_partial_folder_that_the_rerun_removes(tmp_path, reference):
    store = tmp_path / "s.zarr"
    dead = tmp_path / ".s.zarr.partial-999999-deadbeef"  # no process 999999: a killed creator
    (dead / "kind").mkdir(parents=True)
    (dead / ".zgroup").write_text("{")
    assert not store.exists()
    assert small_sweep(store).outcomes.identical(reference)
    assert not dead.exists()


def test_a_stale_lock_file_of_a_killed_sweep_does_not_block(tmp_path, reference):
    store = tmp_path / "s.zarr"
    lock_path(store).write_text("pid 999999 on somewhere\n")  # the file stays, the lock died with its process
    assert small_sweep(store).outcomes.identical(reference)


def test_data_written_but_not_flagged_is_recomputed(finished_store, store_copy, reference):
    (store_copy / "_done" / "4").unlink()  # killed between a chunk's data and its done-flag
    res = small_sweep(store_copy)
    assert res.computed_chunks == [4] and res.outcomes.identical(reference)


def test_a_second_writer_is_refused_in_one_line(store_copy):
    with StoreLock(store_copy):
        with pytest.raises(StoreBusyError) as info:
            small_sweep(store_copy)
    msg = str(info.value)
    assert "\n" not in msg and "being written by another sweep" in msg and f"pid {os.getpid()}" in msg


@pytest.mark.slow
def test_two_sweeps_started_together_one_writes_the_other_waits_its_turn_or_is_refused(tmp_path, reference):
    store = tmp_path / "s.zarr"
    procs = [start_child(store, pause=0.5), start_child(store, pause=0.5)]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert any(rc == 0 for rc, _ in results)
    for rc, err in results:
        assert rc == 0 or ("StoreBusyError" in err and "being written by another sweep" in err), err
    assert small_sweep(store).outcomes.identical(reference)
    assert verify_store(store).ok


@pytest.mark.slow
def test_cli_second_sweep_into_a_busy_store_exits_2_with_one_line(tmp_path, sweep_cli_toml):
    store = tmp_path / "s.zarr"
    # 6 chunks x 5 s keep the lock ~30 s, longer than the second CLI needs to start under load (it was seen
    # to miss a 6 s window on a busy machine); the first is killed as soon as the second returns
    first = start_child(store, pause=5.0)
    try:
        assert wait_for(lambda: lock_path(store).exists())
        cmd = [sys.executable, "-m", "gradesim.cli", "sweep", str(sweep_cli_toml), "--out", str(tmp_path / "o")]
        proc = subprocess.run([*cmd, "--store", str(store), "--no-progress"], capture_output=True, text=True)
    finally:
        first.kill()
        first.wait(timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "being written by another sweep" in proc.stderr
    assert not (tmp_path / "o").exists()
