"""Output folders and errors of the command line: checked before any work, written all at once.

* :func:`check_out_dir` / :func:`prepare_out_dir`: an ``--out`` that is a file,
  or a folder that cannot be created or written, is refused with one line
  (exit code 2) before anything is simulated; folders that a killed write left
  (``.partial-<pid>-...``) are removed.
* :func:`write_atomically`: every file is written into a temporary folder, then
  moved into place; files of an earlier run of the same command that this run
  does not write are removed, so a folder never mixes two runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_BAD_INPUT = 2


class UserError(Exception):
    """An error the user can fix; printed as one line, exit code 2 (or ``code``).

    Parameters
    ----------
    message : str
        The line to print (name the file, the key or option, and the value).
    code : int
        The exit code (2: bad input; 1: a run that could not finish).

    Examples
    --------
    >>> raise UserError("--out x.png: is a file, not a folder")
    Traceback (most recent call last):
    ...
    gradesim.cli.files.UserError: --out x.png: is a file, not a folder
    """

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


PARTIAL_PREFIX = ".partial-"


def _partial_owner_alive(name: str) -> bool:
    """True if the process that made a ``.partial-<pid>-...`` folder still runs on this host."""
    pid = name[len(PARTIAL_PREFIX) :].split("-", 1)[0]
    if not pid.isdigit():
        return False  # a folder of an older version: its writer is long gone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _probe_write(folder: Path) -> None:
    """Create and remove a file in ``folder`` (permissions alone say nothing when running as root)."""
    fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
    os.close(fd)
    os.unlink(probe)


def check_out_dir(out_dir: Path, option: str = "--out") -> Path:
    """Check that an output folder can be made and written, without creating it.

    Parameters
    ----------
    out_dir : pathlib.Path
        The folder (it may not exist yet).
    option : str
        How the user named it, for the message.

    Returns
    -------
    pathlib.Path
        ``out_dir``.

    Raises
    ------
    UserError
        One line naming the path: it (or a parent) is a file, or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.png"
    >>> _ = f.write_text("")
    >>> check_out_dir(f / "sub")
    Traceback (most recent call last):
    ...
    gradesim.cli.files.UserError: --out ...x.png/sub: ...x.png is a file, not a folder
    """
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file, not a folder" if existing == out_dir else f"{existing} is a file, not a folder"
        raise UserError(f"{option} {out_dir}: {where}")
    try:
        _probe_write(existing)
    except OSError as exc:
        raise UserError(f"{option} {out_dir}: cannot write there ({exc.strerror or exc})") from None
    return out_dir


def prepare_out_dir(out_dir: Path, option: str = "--out") -> Path:
    """Check and create an output folder before any simulation; clean what killed writes left.

    Parameters
    ----------
    out_dir : pathlib.Path
        The folder to write into (created with its parents).
    option : str
        How the user named it, for the message.

    Returns
    -------
    pathlib.Path
        ``out_dir``, existing and writable.

    Raises
    ------
    UserError
        One line naming the path: it is a file, cannot be created or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "a" / "b"
    >>> prepare_out_dir(d).is_dir()
    True
    """
    check_out_dir(out_dir, option)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _probe_write(out_dir)
    except OSError as exc:
        raise UserError(f"{option} {out_dir}: cannot write there ({exc.strerror or exc})") from None
    for q in out_dir.glob(f"{PARTIAL_PREFIX}*"):
        if q.is_dir() and not _partial_owner_alive(q.name):
            shutil.rmtree(q, ignore_errors=True)
    return out_dir


def write_atomically(out_dir: Path, files: dict[str, Callable[[Path], None]], own: Sequence[str] = ()) -> None:
    """Write every file into a temporary folder first, then move them into ``out_dir``.

    A failure while writing leaves ``out_dir`` as it was.  Files of an earlier
    run of the same command that this run does not write (``own`` patterns,
    e.g. ``"outcome_*.json"``) are removed, so the folder holds one run's set.

    Parameters
    ----------
    out_dir : pathlib.Path
        The output folder (created if needed).
    files : dict
        File name -> ``writer(path)`` that writes the file at ``path``.
    own : sequence of str
        Glob patterns of every file the command may write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomically(d, {"a_1.txt": lambda p: p.write_text("1")}, own=["a_*.txt"])
    >>> write_atomically(d, {"a_2.txt": lambda p: p.write_text("2")}, own=["a_*.txt"])
    >>> sorted(p.name for p in d.iterdir())
    ['a_2.txt']
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp_path = Path(tempfile.mkdtemp(dir=out_dir, prefix=f"{PARTIAL_PREFIX}{os.getpid()}-"))
    try:
        for name, writer in files.items():
            writer(tmp_path / name)
        stale = {q for pattern in own for q in out_dir.glob(pattern) if q.is_file() and q.name not in files}
        for q in stale:
            q.unlink()
        for name in files:
            os.replace(tmp_path / name, out_dir / name)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def default_out(scenario: str) -> Path:
    """``out/<scenario file stem>``: where ``run`` and ``plot`` write without ``--out``.

    Parameters
    ----------
    scenario : str
        The scenario file as given.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> str(default_out("scenarios/instructor_6pct_5mi.toml"))
    'out/instructor_6pct_5mi'
    """
    return Path("out") / Path(scenario).stem
