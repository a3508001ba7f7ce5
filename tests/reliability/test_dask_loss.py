"""The Dask scheduler dying mid-sweep: one line, exit 1, finished chunks kept, the rerun resumes them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gradesim.sweeps.store_check import verify_store
from tests.reliability.test_store_kill import done_files, wait_for

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dask", path=str(BIN)) is None, reason="dask command line not installed")
def test_scheduler_killed_mid_sweep_is_one_line_and_the_rerun_resumes(tmp_path, sweep_cli_toml):
    addr = f"tcp://127.0.0.1:{free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sched = subprocess.Popen([BIN / "dask", "scheduler", "--port", addr.rsplit(":", 1)[1], "--no-dashboard"], **quiet)
    work = None
    try:
        time.sleep(2.5)
        work = subprocess.Popen([BIN / "dask", "worker", addr, "--nthreads", "1", "--no-dashboard"], **quiet)
        out = tmp_path / "o"
        cmd = [sys.executable, "-m", "gradesim.cli", "sweep", str(sweep_cli_toml), "--out", str(out), "--no-progress"]
        # a slow first chunk is not guaranteed: kill the scheduler as soon as one chunk is stored
        proc = subprocess.Popen(
            [*cmd, "--scheduler", addr, "--chunk-size", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert wait_for(lambda: done_files(out / "sweep.zarr") >= 1, timeout=90, poll=0.002)
        sched.kill()
        _, err = proc.communicate(timeout=120)
    finally:
        sched.kill()
        if work is not None:
            work.kill()
    if proc.returncode == 0:
        pytest.skip("the sweep finished before the scheduler died")
    assert proc.returncode == 1
    assert err.count("\n") == 1 and "lost the Dask scheduler" in err and "rerun to resume" in err
    assert verify_store(out / "sweep.zarr").ok
    again = subprocess.run(cmd, capture_output=True, text=True)
    assert again.returncode == 0 and "chunks reused from the store" in again.stdout
