"""What keeps a sweep store honest: checksums, a writer's lock, atomic creation, the errors.

* Every chunk's data is hashed (BLAKE2b, 8 bytes) as it is written; the hash is
  stored as the chunk's done-flag, so a rerun or ``gradesim sweep --verify``
  can tell a finished chunk from a damaged one.
* One writer per store: an advisory ``fcntl`` lock on ``<store>.lock``, taken
  without waiting; a second sweep into the same store is refused with one line.
* A store is built under a temporary name beside its final one and renamed into
  place when complete, so a kill during creation leaves no half-made store;
  the temporary folders of killed processes are removed by the next sweep.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import uuid
from pathlib import Path

import numpy as np

PARTIAL_TAG = ".partial-"


class StoreError(ValueError):
    """A sweep store that cannot be used as it is (base class of the store errors)."""


class StoreMismatchError(StoreError):
    """A Zarr store that belongs to another sweep (spec, scenario, code or chunking)."""


class StoreDamagedError(StoreError):
    """A sweep store whose metadata is damaged beyond what a rerun can repair."""


class StoreBusyError(StoreError):
    """A sweep store that another process is writing."""


def checksum(arrays: list[np.ndarray]) -> int:
    """Checksum of the bytes of ``arrays`` (C order), a nonzero signed 64-bit integer.

    Parameters
    ----------
    arrays : list of numpy.ndarray
        The data as written (dtype and shape included in the hash).

    Returns
    -------
    int
        BLAKE2b digest of 8 bytes as a signed integer; never 0 (0 means "not done").

    Examples
    --------
    >>> import numpy as np
    >>> a = checksum([np.arange(3.0)])
    >>> a == checksum([np.arange(3.0)]), a == checksum([np.arange(3)])
    (True, False)
    """
    h = hashlib.blake2b(digest_size=8)
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    value = int.from_bytes(h.digest(), "little", signed=True)
    return value or 1


def lock_path(store: str | Path) -> Path:
    """The lock file of a store: ``<store>.lock`` beside it.

    Parameters
    ----------
    store : path
        The store folder.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> lock_path("out/s.zarr").name
    's.zarr.lock'
    """
    p = Path(store)
    return p.with_name(p.name + ".lock")


class StoreLock:
    """An exclusive, non-blocking advisory lock on a store (``fcntl.flock`` on ``<store>.lock``).

    Parameters
    ----------
    store : path
        The store the lock guards; the lock file is created beside it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with StoreLock(d / "s.zarr"):
    ...     StoreLock(d / "s.zarr").acquire()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gradesim.sweeps.integrity.StoreBusyError: ...s.zarr is being written by another sweep (pid ...)...
    """

    def __init__(self, store: str | Path):
        self.store = Path(store)
        self.path = lock_path(store)
        self._fd: int | None = None

    def acquire(self) -> StoreLock:
        """Take the lock or raise :class:`StoreBusyError` naming the holder."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock, as before
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 200).decode(errors="replace").strip() or "unknown process"
                os.close(fd)
                raise StoreBusyError(
                    f"{self.store} is being written by another sweep ({holder}); "
                    "wait for it to finish or use another store"
                ) from None
            try:  # the file we locked may have been removed by a holder that just finished
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file and let go of the lock."""
        if self._fd is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def partial_name(store: str | Path) -> Path:
    """A fresh temporary name beside ``store`` for building it (carries this process id).

    Parameters
    ----------
    store : path
        The store folder.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> partial_name("out/s.zarr").name.startswith(".s.zarr.partial-")
    True
    """
    p = Path(store)
    return p.with_name(f".{p.name}{PARTIAL_TAG}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_partials(store: str | Path) -> list[Path]:
    """Remove the temporary folders a killed creation of ``store`` left behind.

    Only folders whose process is gone are removed (same host; call it while
    holding the store's lock).

    Parameters
    ----------
    store : path
        The store folder.

    Returns
    -------
    list of pathlib.Path
        The folders removed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / ".s.zarr.partial-999999-ab").mkdir()
    >>> [p.name for p in clean_partials(d / "s.zarr")]
    ['.s.zarr.partial-999999-ab']
    """
    p = Path(store)
    removed = []
    if not p.parent.is_dir():
        return removed
    prefix = f".{p.name}{PARTIAL_TAG}"
    for q in p.parent.iterdir():
        if not q.name.startswith(prefix):
            continue
        pid = q.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and _pid_alive(int(pid)):
            continue
        shutil.rmtree(q, ignore_errors=True)
        removed.append(q)
    return removed
