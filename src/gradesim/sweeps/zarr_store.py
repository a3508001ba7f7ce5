"""The Zarr back end of sweep stores: :class:`ZarrStore`.

Written chunk by chunk, each chunk's checksum stored as its done-flag; built
under a temporary name and renamed into place; one writer at a time (a file
lock); on reopening, every finished chunk is checked and the damaged ones are
recomputed.  The checks themselves are in :mod:`gradesim.sweeps.store_check`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from gradesim.sweeps.integrity import (
    StoreDamagedError,
    StoreLock,
    StoreMismatchError,
    checksum,
    clean_partials,
    partial_name,
)
from gradesim.sweeps.store import (
    DONE_VAR,
    OUTCOMES,
    STORE_FORMAT,
    TRACE_VAR,
    Chunking,
    ChunkResult,
    MemoryStore,
    trace_chunk_rows,
)
from gradesim.sweeps.store_check import (
    check_arrays,
    check_identity,
    chunk_problem,
    raw_checksum,
    read_done,
    template_names,
    trace_rows,
)


class ZarrStore(MemoryStore):
    """Results written to a Zarr (format 2) store, one chunk at a time; resumable and self-checking.

    The store is built under a temporary name and renamed into place, so it
    exists only complete.  Each chunk's checksum is its done-flag; opening an
    existing store checks its identity and every finished chunk, and the
    damaged ones (deleted, truncated, garbage or altered chunks) are
    recomputed (listed in :attr:`repaired`).  One writer at a time: the
    store's lock is held from opening to :meth:`close`.

    Parameters
    ----------
    path : path
        The store folder.
    tmpl : xarray.Dataset
        The result template (:func:`template`), with the sweep's identity in its attributes.
    chunking : Chunking
        How the design is cut into chunks.

    Raises
    ------
    StoreMismatchError
        The store holds another sweep, or ``path`` is not a sweep store.
    StoreDamagedError
        The store's metadata is unreadable (delete it to start over).
    StoreBusyError
        Another process is writing the store.

    Examples
    --------
    >>> st = ZarrStore("out/sweep.zarr", tmpl, chunking)  # doctest: +SKIP
    >>> todo = st.missing()  # chunks not finished, or damaged  # doctest: +SKIP
    >>> st.close()  # doctest: +SKIP
    """

    def __init__(self, path: str | Path, tmpl: xr.Dataset, chunking: Chunking):
        super().__init__(tmpl, chunking)
        self.path = str(path)
        self.repaired: list[tuple[int, str]] = []
        self.lock = StoreLock(path).acquire()
        try:
            clean_partials(path)
            self._open_or_create()
        except BaseException:
            self.lock.release()
            raise

    def close(self) -> None:
        """Let go of the store's lock."""
        self.lock.release()

    def _open_or_create(self) -> None:
        import zarr

        p = Path(self.path)
        if p.exists() and not p.is_dir():
            raise StoreMismatchError(f"{self.path} is a file, not a sweep store; use another --store")
        if p.is_dir() and not any(p.iterdir()):
            p.rmdir()
        if p.exists():
            check_identity(self.path, self.ds.attrs)
        else:
            self._create()
        self.group = zarr.open_group(self.path, mode="r+", use_consolidated=False)
        check_arrays(self.path, self.group, self.chunking, TRACE_VAR in self.ds)

    def _create(self) -> None:
        import dask.array as da
        import zarr

        lazy = self.ds.copy()
        cs = self.chunking.chunk_shape
        encoding: dict[str, Any] = {}
        for name, (_, dtype, fill, _) in OUTCOMES.items():
            lazy[name] = (self.ds[name].dims, da.full(self.chunking.shape, fill, dtype=dtype, chunks=cs))
            lazy[name].attrs = self.ds[name].attrs
            encoding[name] = {"chunks": cs, "_FillValue": fill}
        if TRACE_VAR in self.ds:
            tr = self.ds[TRACE_VAR]
            lazy[TRACE_VAR] = (tr.dims, da.full(tr.shape, np.nan, chunks=(trace_chunk_rows(tr.shape[0]), tr.shape[1])))
            lazy[TRACE_VAR].attrs = tr.attrs
            encoding[TRACE_VAR] = {"chunks": (trace_chunk_rows(tr.shape[0]), tr.shape[1]), "_FillValue": np.nan}
        lazy[DONE_VAR] = (("chunk",), da.zeros(self.chunking.n_chunks, dtype="int64", chunks=1))
        encoding[DONE_VAR] = {"chunks": (1,), "_FillValue": 0}
        final = Path(self.path)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = partial_name(final)
        try:
            lazy.to_zarr(str(tmp), mode="w-", compute=False, zarr_format=2, encoding=encoding, consolidated=False)
            group = zarr.open_group(str(tmp), mode="r+", use_consolidated=False)
            group.attrs.update(
                {
                    "store_format": STORE_FORMAT,
                    "design_shape": list(self.chunking.shape),
                    "template_checksums": {k: raw_checksum(group[k]) for k in template_names(group)},
                }
            )
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def missing(self) -> list[int]:
        """Chunks to compute: those not done, and those done whose data fail their checksum.

        Damaged chunks are reset (their zarr chunks overwritten with the fill
        value) and recorded in :attr:`repaired` as ``(chunk, what was wrong)``.
        A zarr chunk of the traces holds the rows of several chunks: when one
        of them is damaged, the whole zarr chunk is reset and every chunk with
        rows in it is recomputed (a damaged compressed block cannot be trusted
        to decode the same way twice).
        """
        done = read_done(self.group, self.chunking.n_chunks)
        trace_index = self._trace_index()
        todo = set()
        for c in range(self.chunking.n_chunks):
            if done[c] == 0:
                todo.add(c)
                continue
            problem = chunk_problem(self.group, self.chunking, trace_index, c, int(done[c]))
            if problem is not None:
                self.repaired.append((c, problem))
        damaged = {c for c, _ in self.repaired}
        bad_trace_chunks = {z for c in damaged for z in self._trace_chunks(trace_index, c)}
        for c in range(self.chunking.n_chunks):
            if c not in damaged and done[c] != 0 and bad_trace_chunks & self._trace_chunks(trace_index, c):
                self.repaired.append((c, "shares a damaged block of traces"))
                damaged.add(c)
        for c in sorted(damaged):
            self._reset(c)
        if bad_trace_chunks:
            arr = self.group[TRACE_VAR]
            step = arr.chunks[0]
            for z in sorted(bad_trace_chunks):
                lo, hi = z * step, min((z + 1) * step, arr.shape[0])
                arr[lo:hi] = np.full((hi - lo, arr.shape[1]), np.nan)  # a whole zarr chunk: nothing old is read
        return sorted(todo | damaged)

    def _trace_index(self) -> np.ndarray:
        return self.ds["trace_scenario"].values if TRACE_VAR in self.ds else np.zeros(0, np.int64)

    def _trace_chunks(self, trace_index: np.ndarray, c: int) -> set[int]:
        """Zarr chunks of the trace variable that hold rows of chunk ``c``."""
        lo, hi = trace_rows(self.chunking, trace_index, c)
        if hi <= lo:
            return set()
        step = trace_chunk_rows(trace_index.size)
        return set(range(lo // step, (hi - 1) // step + 1))

    def _reset(self, c: int) -> None:
        """Mark chunk ``c`` not done and overwrite its outcomes with fill values (whole zarr chunks)."""
        self.group[DONE_VAR][c] = 0
        reg = self.chunking.region(c)
        for name, (_, dtype, fill, _) in OUTCOMES.items():
            self.group[name][reg] = np.full(tuple(s.stop - s.start for s in reg), fill, dtype=dtype)

    def write(self, res: ChunkResult) -> None:
        """Write one chunk, then its checksum as the done-flag (a crash in between costs a recomputation).

        Parameters
        ----------
        res : ChunkResult
            The chunk's results.

        Examples
        --------
        >>> st.write(compute_chunk(job, 0))  # doctest: +SKIP
        """
        reg = self.chunking.region(res.chunk)
        shape = tuple(s.stop - s.start for s in reg)
        parts = []
        for name, (col, dtype, _, _) in OUTCOMES.items():
            values = res.outcomes[:, col].reshape(shape).astype(dtype)
            self.group[name][reg] = values
            parts.append(values)
        if res.traces.size:
            self.group[TRACE_VAR][slice(*res.trace_rows), :] = res.traces
            parts.append(np.asarray(res.traces, dtype=np.float64))
        self.group[DONE_VAR][res.chunk] = checksum(parts)

    def dataset(self) -> xr.Dataset:
        """The template with every outcome read back from the store, each finished chunk checked again.

        Raises
        ------
        StoreDamagedError
            A finished chunk read back does not match its checksum (the store
            was changed while the sweep ran): never returns other data.
        """
        ds = self.ds.copy(deep=True)
        for name in [*OUTCOMES, *([TRACE_VAR] if TRACE_VAR in ds else [])]:
            ds[name].values[...] = self.group[name][...]
        done = read_done(self.group, self.chunking.n_chunks)
        trace_index = self._trace_index()
        for c in np.flatnonzero(done):
            reg = self.chunking.region(int(c))
            parts = [ds[name].values[reg] for name in OUTCOMES]
            lo, hi = trace_rows(self.chunking, trace_index, int(c))
            if hi > lo:
                parts.append(ds[TRACE_VAR].values[lo:hi])
            if checksum(parts) != done[c]:
                raise StoreDamagedError(
                    f"{self.path}: chunk {int(c)} changed while the sweep ran (checksum); rerun to repair it"
                )
        return ds
