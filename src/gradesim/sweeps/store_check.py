"""Checks of a sweep store: identity, array metadata, template data and every finished chunk.

Used when a sweep reopens its store (damaged chunks are recomputed, damaged
metadata is refused) and by ``gradesim sweep --verify STORE``
(:func:`verify_store`), which needs nothing but the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gradesim.sweeps.integrity import StoreDamagedError, StoreMismatchError, checksum
from gradesim.sweeps.store import DONE_VAR, IDENTITY_ATTRS, OUTCOMES, STORE_FORMAT, TRACE_VAR, Chunking

DELETE_HINT = "delete it to start over"


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def read_attrs(path: str | Path) -> dict[str, Any]:
    """The store's attributes, after checking that it is a sweep store of this format.

    Parameters
    ----------
    path : path
        The store folder.

    Returns
    -------
    dict

    Raises
    ------
    StoreMismatchError
        Not a gradesim sweep store, or one of an older format.
    StoreDamagedError
        The attributes are unreadable.

    Examples
    --------
    >>> read_attrs("out/sweep/sweep.zarr")["store_format"]  # doctest: +SKIP
    2
    """
    import zarr

    p = Path(path)
    try:
        attrs = dict(zarr.open_group(str(p), mode="r", use_consolidated=False).attrs)
    except Exception as exc:
        if (p / ".zgroup").exists() or (p / ".zattrs").exists():
            raise StoreDamagedError(f"{p}: the store's metadata is unreadable ({_why(exc)}); {DELETE_HINT}") from None
        raise StoreMismatchError(f"{p} exists and is not a gradesim sweep store; use another --store") from None
    if "sweep_fingerprint" not in attrs:
        raise StoreMismatchError(f"{p} exists and is not a gradesim sweep store; use another --store")
    if attrs.get("store_format") != STORE_FORMAT:
        raise StoreMismatchError(
            f"{p} is a sweep store of an older format (store_format {attrs.get('store_format')!r}, "
            f"this version writes {STORE_FORMAT}); {DELETE_HINT}"
        )
    return attrs


def check_identity(path: str | Path, want: dict[str, Any]) -> dict[str, Any]:
    """Refuse a store of another sweep (:class:`StoreMismatchError` naming what differs).

    Parameters
    ----------
    path : path
        The store folder.
    want : dict
        Attributes of this sweep (``IDENTITY_ATTRS`` are compared).

    Returns
    -------
    dict
        The store's attributes.

    Examples
    --------
    >>> check_identity("out/sweep/sweep.zarr", tmpl.attrs)  # doctest: +SKIP
    """
    attrs = read_attrs(path)
    diff = [k for k in IDENTITY_ATTRS if attrs.get(k) != want.get(k)]
    if diff:
        what = ", ".join(f"{k} {attrs.get(k)!r} (this sweep: {want.get(k)!r})" for k in diff)
        raise StoreMismatchError(f"{path} holds another sweep: {what}; use another --store or {DELETE_HINT}")
    return attrs


def template_names(group: Any) -> list[str]:
    """Arrays of the store that hold the template (coordinates, sampled inputs), not outcomes.

    Parameters
    ----------
    group : zarr.Group
        The open store.

    Returns
    -------
    list of str

    Examples
    --------
    >>> template_names(zarr.open_group("out/sweep/sweep.zarr"))  # doctest: +SKIP
    ['sample', 'trace_distance', 'trace_scenario', 'truck.gross_weight', 'truck.gross_weight_si']
    """
    skip = {*OUTCOMES, TRACE_VAR, DONE_VAR}
    return sorted(k for k in group.array_keys() if k not in skip)


def raw_checksum(arr: Any) -> int:
    """Checksum of a zarr array's values as stored (strings hashed as UTF-8).

    Parameters
    ----------
    arr : zarr.Array or array_like
        The values.

    Returns
    -------
    int

    Examples
    --------
    >>> import numpy as np
    >>> raw_checksum(np.array(["a", "b"])) == raw_checksum(np.array(["a", "b"], dtype=object))
    True
    """
    values = np.asarray(arr[...])
    if values.dtype.kind in "OUS":
        values = np.frombuffer("\0".join(map(str, values.ravel())).encode(), dtype=np.uint8)
    return checksum([values])


def array_problems(group: Any, chunking: Chunking, has_trace: bool, attrs: dict[str, Any]) -> list[str]:
    """What is wrong with the arrays' metadata and the template data (empty: nothing).

    Parameters
    ----------
    group : zarr.Group
        The open store.
    chunking : Chunking
        The sweep's chunking.
    has_trace : bool
        Whether the store keeps traces.
    attrs : dict
        The store's attributes (with ``template_checksums``).

    Returns
    -------
    list of str
        One line per problem.

    Examples
    --------
    >>> array_problems(group, chunking, True, dict(group.attrs))  # doctest: +SKIP
    []
    """
    problems = []
    want = {
        name: (chunking.shape, np.dtype(dtype), chunking.chunk_shape) for name, (_, dtype, _, _) in OUTCOMES.items()
    }
    want[DONE_VAR] = ((chunking.n_chunks,), np.dtype("int64"), (1,))
    if has_trace:
        want[TRACE_VAR] = (None, np.dtype("float64"), None)
    for name, (shape, dtype, chunks) in want.items():
        try:
            arr = group[name]
            ok = arr.dtype == dtype and (shape is None or (tuple(arr.shape) == tuple(shape)))
            ok = ok and (chunks is None or tuple(arr.chunks) == tuple(chunks))
        except Exception as exc:
            problems.append(f"variable {name!r}: metadata unreadable ({_why(exc)})")
            continue
        if not ok:
            problems.append(f"variable {name!r}: shape, type or chunks differ from the sweep's")
    for name, digest in (attrs.get("template_checksums") or {}).items():
        try:
            same = raw_checksum(group[name]) == digest
        except Exception as exc:
            problems.append(f"variable {name!r}: unreadable ({_why(exc)})")
            continue
        if not same:
            problems.append(f"variable {name!r}: values do not match their checksum")
    return problems


def check_arrays(path: str | Path, group: Any, chunking: Chunking, has_trace: bool) -> None:
    """Refuse a store whose metadata or template data are damaged (:class:`StoreDamagedError`, one line).

    Parameters
    ----------
    path : path
        The store folder (for the message).
    group : zarr.Group
        The open store.
    chunking : Chunking
        The sweep's chunking.
    has_trace : bool
        Whether the store keeps traces.

    Examples
    --------
    >>> check_arrays(path, group, chunking, True)  # doctest: +SKIP
    """
    problems = array_problems(group, chunking, has_trace, dict(group.attrs))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoreDamagedError(f"{path}: {problems[0]}{more}; {DELETE_HINT}")


def read_done(group: Any, n_chunks: int) -> np.ndarray:
    """The done-flags (checksums, 0: not done); an unreadable flag counts as not done.

    Parameters
    ----------
    group : zarr.Group
        The open store.
    n_chunks : int
        Chunks of the design.

    Returns
    -------
    numpy.ndarray
        int64, one per chunk.

    Examples
    --------
    >>> read_done(group, 6)  # doctest: +SKIP
    """
    arr = group[DONE_VAR]
    try:
        return np.asarray(arr[:], dtype=np.int64)
    except Exception:
        out = np.zeros(n_chunks, dtype=np.int64)
        for c in range(n_chunks):
            try:
                out[c] = int(arr[c])
            except Exception:
                out[c] = 0
        return out


def trace_rows(chunking: Chunking, trace_index: np.ndarray, c: int) -> tuple[int, int]:
    """Rows ``(lo, hi)`` of the trace variable that belong to chunk ``c``.

    Parameters
    ----------
    chunking : Chunking
        The sweep's chunking.
    trace_index : numpy.ndarray
        Flat indices of the traced scenarios (sorted).
    c : int
        Chunk index.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> import numpy as np
    >>> trace_rows(Chunking((10,), 0, 4), np.array([0, 5, 9]), 1)
    (1, 2)
    """
    start, stop = chunking.flat_range(c)
    lo, hi = np.searchsorted(trace_index, [start, stop])
    return int(lo), int(hi)


def chunk_problem(group: Any, chunking: Chunking, trace_index: np.ndarray, c: int, stored: int) -> str | None:
    """What is wrong with finished chunk ``c`` (unreadable, or not its checksum); None if sound.

    Parameters
    ----------
    group : zarr.Group
        The open store.
    chunking : Chunking
        The sweep's chunking.
    trace_index : numpy.ndarray
        Flat indices of the traced scenarios.
    c : int
        Chunk index.
    stored : int
        The chunk's checksum (its done-flag).

    Returns
    -------
    str or None

    Examples
    --------
    >>> chunk_problem(group, chunking, trace_index, 0, int(done[0]))  # doctest: +SKIP
    """
    reg = chunking.region(c)
    parts = []
    for name in OUTCOMES:
        try:
            parts.append(np.asarray(group[name][reg]))
        except Exception as exc:
            return f"{name} unreadable ({_why(exc)})"
    lo, hi = trace_rows(chunking, trace_index, c)
    if hi > lo:
        try:
            parts.append(np.asarray(group[TRACE_VAR][lo:hi], dtype=np.float64))
        except Exception as exc:
            return f"traces unreadable ({_why(exc)})"
    if checksum(parts) != stored:
        return "data do not match the chunk's checksum (deleted, altered or truncated)"
    return None


@dataclass
class VerifyReport:
    """What :func:`verify_store` found.

    Attributes
    ----------
    path : str
        The store.
    problems : list of str
        One line per problem (empty: the store is sound).
    n_chunks, n_done : int
        Chunks of the design, and chunks finished.
    seconds : float
        Time the check took. [s]
    """

    path: str
    problems: list[str] = field(default_factory=list)
    n_chunks: int = 0
    n_done: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True if nothing is wrong."""
        return not self.problems

    def __str__(self) -> str:
        state = "complete" if self.n_done == self.n_chunks else f"incomplete ({self.n_done} of {self.n_chunks} chunks)"
        head = f"{self.path}: {self.n_chunks} chunks, {state}"
        if self.ok:
            return f"{head}; every finished chunk matches its checksum ({self.seconds:.2f} s)"
        lines = [f"{self.path}: {p}" for p in self.problems]
        lines.append(f"{head}; {len(self.problems)} problem(s) found in {self.seconds:.2f} s")
        return "\n".join(lines)


def verify_store(path: str | Path) -> VerifyReport:
    """Check a sweep store without computing anything.

    Reads the attributes, every array's metadata, the template data against
    their checksums, and every finished chunk against its checksum.

    Parameters
    ----------
    path : path
        The store folder.

    Returns
    -------
    VerifyReport
        ``ok`` when sound; ``problems`` has one line per problem.

    Examples
    --------
    >>> rep = verify_store("out/sweep/sweep.zarr")  # doctest: +SKIP
    >>> rep.ok, rep.n_done, rep.n_chunks  # doctest: +SKIP
    (True, 12, 12)
    """
    import zarr

    t0 = time.perf_counter()
    rep = VerifyReport(str(path))
    if not Path(path).is_dir():
        rep.problems.append("no such store")
        return rep
    try:
        attrs = read_attrs(path)
        shape = tuple(int(n) for n in attrs["design_shape"])
        chunking = Chunking.from_chunk_shape(shape, list(attrs["chunk_shape"]))
        if chunking is None:
            raise ValueError("chunk_shape does not fit design_shape")
        group = zarr.open_group(str(path), mode="r", use_consolidated=False)
    except Exception as exc:
        rep.problems.append(str(exc).removeprefix(f"{path}: ") if isinstance(exc, ValueError) else _why(exc))
        rep.seconds = time.perf_counter() - t0
        return rep
    rep.n_chunks = chunking.n_chunks
    has_trace = (Path(path) / TRACE_VAR).is_dir()
    rep.problems += array_problems(group, chunking, has_trace, attrs)
    if not rep.problems:
        trace_index = np.asarray(group["trace_scenario"][:], dtype=np.int64) if has_trace else np.zeros(0, np.int64)
        done = read_done(group, chunking.n_chunks)
        rep.n_done = int(np.count_nonzero(done))
        for c in np.flatnonzero(done):
            why = chunk_problem(group, chunking, trace_index, int(c), int(done[c]))
            if why is not None:
                a, b = chunking.flat_range(int(c))
                rep.problems.append(f"chunk {int(c)} (scenarios {a}-{b - 1}): {why}")
    rep.seconds = time.perf_counter() - t0
    return rep
