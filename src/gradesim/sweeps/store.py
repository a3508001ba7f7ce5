"""Sweep results as an ``xarray.Dataset``, kept in memory or in a Zarr store chunk by chunk.

The design is cut into chunks that are blocks of the outcome arrays: one or
more whole rows along the leading dimensions, so each chunk is a contiguous
range of flat scenario indices and exactly one Zarr chunk of every outcome
variable.  A store records which chunks are finished (``_done``, written after
the chunk's data), so a rerun computes only the missing ones.  The returned
Dataset is always the template (coordinates, inputs, attributes) with the
outcome arrays read back, so a resumed sweep gives an identical Dataset.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from gradesim.core import layout as L
from gradesim.core.ensemble import O_IMPACT_V, O_KIND, O_NSTEP, O_RAMP, O_RAMP_V, O_S, O_T, O_TMAX, O_V, O_VMAX
from gradesim.sweeps.design import SAMPLE_DIM, Design, Factor
from gradesim.sweeps.integrity import StoreBusyError, StoreDamagedError, StoreError, StoreMismatchError

__all__ = [
    "OUTCOMES",
    "TRACE_VAR",
    "ChunkResult",
    "Chunking",
    "MemoryStore",
    "StoreBusyError",
    "StoreDamagedError",
    "StoreError",
    "StoreMismatchError",
    "open_sweep",
    "template",
]

# outcome variable -> (column of the ensemble's outcome table, dtype, fill, attrs)
OUTCOMES: dict[str, tuple[int, str, Any, dict[str, Any]]] = {
    "kind": (
        O_KIND,
        "int8",
        -1,
        {
            "long_name": "outcome",
            "flag_values": list(range(len(L.KIND_NAMES))),
            "flag_meanings": " ".join(L.KIND_NAMES),
        },
    ),
    "position_m": (O_S, "float64", np.nan, {"long_name": "final position along the path", "units": "m"}),
    "speed_mps": (O_V, "float64", np.nan, {"long_name": "final speed", "units": "m/s"}),
    "time_s": (O_T, "float64", np.nan, {"long_name": "time of the outcome", "units": "s"}),
    "max_speed_mps": (O_VMAX, "float64", np.nan, {"long_name": "highest speed", "units": "m/s"}),
    "max_brake_temp_K": (O_TMAX, "float64", np.nan, {"long_name": "hottest brake drum", "units": "K"}),
    "impact_speed_mps": (
        O_IMPACT_V,
        "float64",
        np.nan,
        {"long_name": "speed at impact with stopped traffic (0: no impact)", "units": "m/s"},
    ),
    "ramp": (O_RAMP, "int8", -2, {"long_name": "escape ramp used (-1: none)"}),
    "ramp_entry_speed_mps": (
        O_RAMP_V,
        "float64",
        np.nan,
        {"long_name": "speed at the ramp entrance (NaN: no ramp taken)", "units": "m/s"},
    ),
    "n_steps": (O_NSTEP, "int32", -1, {"long_name": "accepted integrator steps"}),
}
TRACE_VAR = "trace_speed_mps"
DONE_VAR = "_done"
IDENTITY_ATTRS = ("sweep_fingerprint", "scenario_hash", "core_fingerprint", "gradesim_version", "chunk_shape")
STORE_FORMAT = 2  #: 2: int64 checksums as done-flags, template checksums, atomic creation


def trace_chunk_rows(n_traces: int) -> int:
    """Rows per zarr chunk of the trace variable.

    Parameters
    ----------
    n_traces : int
        Traces kept by the sweep.

    Returns
    -------
    int
        At most 64 rows, at least 1.

    Examples
    --------
    >>> trace_chunk_rows(5), trace_chunk_rows(1000)
    (5, 64)
    """
    return max(1, min(64, n_traces))


# ------------------------------------------------------------------ chunking
@dataclass(frozen=True)
class Chunking:
    """Chunks of ``shape``: ``step`` items along ``axis``, whole dimensions after it, single before.

    Each chunk is a contiguous range of flat scenario indices and exactly one
    Zarr chunk of every outcome variable.

    Parameters
    ----------
    shape : tuple of int
        Shape of the design (one dimension per grid key, then ``sample``).
    axis : int
        The dimension that is cut.
    step : int
        Items of ``axis`` per chunk.

    Examples
    --------
    >>> ch = Chunking.for_shape((3, 100), 250)
    >>> ch.chunk_shape, ch.n_chunks, ch.flat_range(1)
    ((2, 100), 2, (200, 300))
    """

    shape: tuple[int, ...]
    axis: int
    step: int

    @classmethod
    def for_shape(cls, shape: tuple[int, ...], target: int) -> Chunking:
        """Chunks of at most ``target`` scenarios (at least one row of the last dimension).

        Parameters
        ----------
        shape : tuple of int
            Shape of the design.
        target : int
            Scenarios per chunk wanted.

        Returns
        -------
        Chunking

        Examples
        --------
        >>> Chunking.for_shape((10,), 4).chunk_shape
        (4,)
        """
        target = max(int(target), 1)
        trailing = 1
        for axis in range(len(shape) - 1, -1, -1):
            if shape[axis] * trailing > target or axis == 0:
                step = max(1, min(shape[axis], target // trailing))
                return cls(tuple(shape), axis, step)
            trailing *= shape[axis]
        return cls(tuple(shape), 0, 1)  # pragma: no cover - shape is never empty

    @classmethod
    def from_chunk_shape(cls, shape: tuple[int, ...], chunk_shape: list[int]) -> Chunking | None:
        """The chunking that produced ``chunk_shape`` (read from a store), or None if none can.

        Parameters
        ----------
        shape : tuple of int
            Shape of the design.
        chunk_shape : list of int
            The Zarr chunk shape of the outcome variables.

        Returns
        -------
        Chunking or None

        Examples
        --------
        >>> Chunking.from_chunk_shape((3, 100), [2, 100]).step
        2
        """
        if len(chunk_shape) != len(shape):
            return None
        for axis in range(len(shape)):
            if all(c == 1 for c in chunk_shape[:axis]) and list(chunk_shape[axis + 1 :]) == list(shape[axis + 1 :]):
                ch = cls(tuple(shape), axis, int(chunk_shape[axis]))
                return ch if 1 <= ch.step <= shape[axis] else None
        return None

    @property
    def chunk_shape(self) -> tuple[int, ...]:
        """Shape of one chunk (the Zarr chunk shape of the outcome variables)."""
        return tuple(1 if d < self.axis else (self.step if d == self.axis else n) for d, n in enumerate(self.shape))

    @property
    def per_row(self) -> int:
        """Chunks per index of the dimensions before ``axis``."""
        return math.ceil(self.shape[self.axis] / self.step)

    @property
    def n_chunks(self) -> int:
        """Number of chunks."""
        return int(np.prod(self.shape[: self.axis], dtype=np.int64)) * self.per_row

    def region(self, c: int) -> tuple[slice, ...]:
        """Index slices of chunk ``c`` in the outcome arrays.

        Parameters
        ----------
        c : int
            Chunk index.

        Returns
        -------
        tuple of slice

        Examples
        --------
        >>> Chunking((10,), 0, 4).region(2)
        (slice(8, 10, None),)
        """
        outer, b = divmod(c, self.per_row)
        idx = np.unravel_index(outer, self.shape[: self.axis]) if self.axis else ()
        lo = b * self.step
        hi = min(lo + self.step, self.shape[self.axis])
        return (
            *(slice(int(i), int(i) + 1) for i in idx),
            slice(lo, hi),
            *(slice(0, n) for n in self.shape[self.axis + 1 :]),
        )

    def flat_range(self, c: int) -> tuple[int, int]:
        """``(start, stop)`` flat scenario indices of chunk ``c`` (contiguous by construction).

        Parameters
        ----------
        c : int
            Chunk index.

        Returns
        -------
        tuple of int

        Examples
        --------
        >>> Chunking((10,), 0, 4).flat_range(2)
        (8, 10)
        """
        reg = self.region(c)
        first = np.ravel_multi_index(tuple(s.start for s in reg), self.shape)
        last = np.ravel_multi_index(tuple(s.stop - 1 for s in reg), self.shape)
        return int(first), int(last) + 1


# ------------------------------------------------------------------ template
def si_unit(unit: str) -> str:
    """Symbol of the SI base unit of ``unit`` (``"mi"`` -> ``"m"``).

    Parameters
    ----------
    unit : str
        A pint unit, or ``""`` for dimensionless.

    Returns
    -------
    str

    Examples
    --------
    >>> si_unit("mi"), si_unit("")
    ('m', '')
    """
    if not unit:
        return ""
    from gradesim.scenario.units import Q_

    return f"{Q_(1.0, unit).to_base_units().units:~}"


def _label_array(labels: list[str]) -> np.ndarray:
    return np.array(labels, dtype=str)


def _grid_coords(f: Factor) -> dict[str, Any]:
    coords: dict[str, Any] = {f.key: (f.key, _label_array(f.labels), {"long_name": f"{f.key} as given"})}
    if np.isfinite(f.user).any():
        coords[f"{f.key}_value"] = (f.key, f.user.copy(), {"units": f.unit} if f.unit else {})
        coords[f"{f.key}_si"] = (f.key, f.si.copy(), {"units": si_unit(f.unit)} if f.unit else {})
    return coords


def _input_vars(f: Factor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if f.continuous:
        out[f.key] = ((SAMPLE_DIM,), f.user.copy(), {"units": f.unit} if f.unit else {})
        out[f"{f.key}_si"] = ((SAMPLE_DIM,), f.si.copy(), {"units": si_unit(f.unit)} if f.unit else {})
    else:
        idx = f.index
        out[f.key] = ((SAMPLE_DIM,), _label_array(f.labels)[idx], {"long_name": f"{f.key} as given"})
        if np.isfinite(f.user).any():
            out[f"{f.key}_si"] = ((SAMPLE_DIM,), f.si[idx], {"units": si_unit(f.unit)} if f.unit else {})
    return out


def template(design: Design, trace_index: np.ndarray, trace_grid: np.ndarray, attrs: dict[str, Any]) -> xr.Dataset:
    """The result Dataset with every outcome at its fill value.

    Parameters
    ----------
    design : Design
        The sweep's design.
    trace_index : numpy.ndarray
        Flat indices of the scenarios whose traces are kept.
    trace_grid : numpy.ndarray
        Distances of the traces. [m]
    attrs : dict
        Attributes of the Dataset (provenance and the store identity).

    Returns
    -------
    xarray.Dataset
        Coordinates, sampled inputs, outcome variables (fill values) and the trace variable.

    Examples
    --------
    >>> ds = template(design, np.zeros(0, int), np.linspace(0, 1e4, 401), {})  # doctest: +SKIP
    """
    coords: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for f in design.grid_factors:
        coords.update(_grid_coords(f))
    if SAMPLE_DIM in design.dims:
        coords[SAMPLE_DIM] = (SAMPLE_DIM, np.arange(design.shape[-1], dtype=np.int64))
        for f in design.random_factors:
            data.update(_input_vars(f))
    for name, (_, dtype, fill, vattrs) in OUTCOMES.items():
        data[name] = (design.dims, np.full(design.shape, fill, dtype=dtype), dict(vattrs))
    if trace_index.size:
        coords["trace_scenario"] = ("trace", trace_index.astype(np.int64), {"long_name": "flat scenario index"})
        coords["trace_distance"] = (
            "trace_distance",
            trace_grid.copy(),
            {"units": "m", "long_name": "distance along the path"},
        )
        data[TRACE_VAR] = (
            ("trace", "trace_distance"),
            np.full((trace_index.size, trace_grid.size), np.nan),
            {
                "long_name": "speed",
                "description": "speed vs distance along the path (NaN: not reached)",
                "units": "m/s",
            },
        )
    return xr.Dataset(data, coords=coords, attrs=attrs)


# ------------------------------------------------------------------ stores
@dataclass
class ChunkResult:
    """What one chunk task returns: outcome table rows and resampled traces.

    Parameters
    ----------
    chunk : int
        Chunk index.
    outcomes : numpy.ndarray
        Outcome table ``(n, NOUT)`` of the chunk's scenarios.
    traces : numpy.ndarray
        Speeds [m/s] of the traced scenarios of this chunk, ``(k, n_grid)``.
    trace_rows : tuple of int
        Their rows ``(lo, hi)`` in the trace variable.
    seconds : float
        Time the chunk took. [s]

    Examples
    --------
    >>> r = ChunkResult(0, np.zeros((2, 12)), np.zeros((0, 401)), (0, 0))
    >>> r.outcomes.shape
    (2, 12)
    """

    chunk: int
    outcomes: np.ndarray  # (n, NOUT)
    traces: np.ndarray  # (k, n_grid), rows of the traced scenarios in this chunk
    trace_rows: tuple[int, int]  # their rows in the trace variable
    seconds: float = 0.0


class MemoryStore:
    """Results kept in the template's numpy arrays.

    Parameters
    ----------
    tmpl : xarray.Dataset
        The result template (:func:`template`); filled in place.
    chunking : Chunking
        How the design is cut into chunks.

    Examples
    --------
    >>> st = MemoryStore(tmpl, chunking)  # doctest: +SKIP
    >>> st.missing() == list(range(chunking.n_chunks))  # doctest: +SKIP
    True
    """

    def __init__(self, tmpl: xr.Dataset, chunking: Chunking):
        self.ds = tmpl
        self.chunking = chunking
        self.repaired: list[tuple[int, str]] = []  # a memory store is never damaged

    def close(self) -> None:
        """Nothing to release."""

    def missing(self) -> list[int]:
        """Chunks still to compute."""
        return list(range(self.chunking.n_chunks))

    def write(self, res: ChunkResult) -> None:
        """Store one chunk's outcomes and traces.

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
        for name, (col, dtype, _, _) in OUTCOMES.items():
            self.ds[name].values[reg] = res.outcomes[:, col].reshape(shape).astype(dtype)
        if res.traces.size:
            self.ds[TRACE_VAR].values[slice(*res.trace_rows)] = res.traces

    def dataset(self) -> xr.Dataset:
        """The result Dataset."""
        return self.ds


def stored_chunk_shape(path: str | Path) -> list[int] | None:
    """The chunk shape recorded in an existing sweep store (None if there is no such store).

    Parameters
    ----------
    path : path
        The store folder.

    Returns
    -------
    list of int or None

    Examples
    --------
    >>> stored_chunk_shape("no/such/store.zarr") is None
    True
    """
    import zarr

    p = Path(path)
    if not p.exists():
        return None
    try:
        return list(zarr.open_group(str(p), mode="r").attrs["chunk_shape"])
    except Exception:
        return None


def open_sweep(path: str | Path) -> xr.Dataset:
    """Open a sweep's Zarr store lazily (for finished or partial sweeps).

    Parameters
    ----------
    path : path
        The store folder.

    Returns
    -------
    xarray.Dataset
        Lazy (dask) arrays; unfinished chunks hold the fill values.

    Examples
    --------
    >>> ds = open_sweep("out/sweep/sweep.zarr")  # doctest: +SKIP
    """
    return xr.open_zarr(
        str(path), drop_variables=[DONE_VAR], mask_and_scale=False, decode_times=False, decode_timedelta=False
    )


def spec_json(spec: dict[str, Any]) -> str:
    """The spec as stored in the Dataset's attributes.

    Parameters
    ----------
    spec : dict
        The normalised sweep spec.

    Returns
    -------
    str
        JSON text.

    Examples
    --------
    >>> spec_json({"grid": {"driver.take_ramp": [0, "none"]}})
    '{"grid": {"driver.take_ramp": [0, "none"]}}'
    """
    return json.dumps(spec, sort_keys=False)
