"""Road profiles: segments or a CSV of (distance, elevation); grade lookup tables.

Distances are measured along the road (odometer / mile markers), so a
segment of length L and grade G = tan(theta) drops ``L sin(theta)``; a CSV of
(distance, elevation) gives ``sin(theta) = dz/ds`` per interval.  The table
handed to the core has one row per breakpoint: distance, elevation, sin and
grade of the segment starting there (the last row closes the road).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from gradesim.core.layout import ROAD_COLS, ROAD_GRADE, ROAD_SIN, ROAD_X, ROAD_Z
from gradesim.scenario.units import UnitError, to_si

MAX_PROFILE_BYTES = 50_000_000
"""Largest road profile CSV read [bytes]."""


class ProfileError(ValueError):
    """A road profile file that cannot be used (one line, naming the file)."""


def from_segments(start_elevation_m: float, lengths_m, grades) -> np.ndarray:
    """Road table from segments of constant grade.

    Parameters
    ----------
    start_elevation_m : float
        Elevation at the start of the road. [m]
    lengths_m : sequence of float
        Segment lengths along the road. [m]
    grades : sequence of float
        Segment grades rise/run = tan(theta), downhill negative. [-]

    Returns
    -------
    numpy.ndarray
        One row per breakpoint (``ROAD_X``, ``ROAD_Z``, ``ROAD_SIN``, ``ROAD_GRADE``), the last closing the road.

    Examples
    --------
    >>> t = from_segments(1000.0, [1000.0], [-0.06])
    >>> round(float(t[-1, ROAD_Z]), 3)
    940.108
    """
    n = len(lengths_m)
    table = np.zeros((n + 1, ROAD_COLS))
    x, z = 0.0, start_elevation_m
    for i, (length, grade) in enumerate(zip(lengths_m, grades, strict=True)):
        sn = grade / math.sqrt(1.0 + grade * grade)
        table[i] = (x, z, sn, grade)
        x += length
        z += length * sn
    table[n] = (x, z, 0.0, 0.0)
    return table


def from_points(distance_m, elevation_m) -> np.ndarray:
    """Road table from (distance along road, elevation) points.

    Parameters
    ----------
    distance_m : sequence of float
        Distance along the road, strictly increasing. [m]
    elevation_m : sequence of float
        Elevation at each distance. [m]

    Returns
    -------
    numpy.ndarray
        Road table as :func:`from_segments` (``sin = dz/ds`` per interval).

    Raises
    ------
    ProfileError
        Fewer than two points, a non-finite value, a distance that does not increase, or a slope of 45 % or more.

    Examples
    --------
    >>> round(float(from_points([0.0, 1000.0], [1000.0, 940.0])[0, ROAD_SIN]), 3)
    -0.06
    """
    d = np.asarray(distance_m, dtype=float)
    z = np.asarray(elevation_m, dtype=float)
    if d.size < 2:
        raise ProfileError("a profile needs at least two points")
    if not (np.all(np.isfinite(d)) and np.all(np.isfinite(z))):
        i = int(np.argmin(np.isfinite(d) & np.isfinite(z)))
        raise ProfileError(f"row {i + 1} is not a finite number ({d[i]}, {z[i]})")
    if np.any(np.diff(d) <= 0.0):
        i = int(np.argmax(np.diff(d) <= 0.0)) + 1
        raise ProfileError(f"distance must increase strictly (row {i + 1}: {d[i]:g} m)")
    ds = np.diff(d)
    dz = np.diff(z)
    sn = dz / ds
    if np.any(np.abs(sn) >= 0.45):
        i = int(np.argmax(np.abs(sn) >= 0.45))
        raise ProfileError(f"slope {sn[i]:.3f} between rows {i + 1} and {i + 2} is not a road")
    grade = sn / np.sqrt(1.0 - sn * sn)
    table = np.zeros((d.size, ROAD_COLS))
    table[:, ROAD_X] = d
    table[:, ROAD_Z] = z
    table[:-1, ROAD_SIN] = sn
    table[:-1, ROAD_GRADE] = grade
    return table


def read_profile_csv(path: str | Path) -> np.ndarray:
    """Read a road profile CSV with a header naming units, e.g. ``distance [mi], elevation [ft]``.

    Header forms accepted: ``distance [mi]``, ``distance_mi``, ``distance (km)``.
    Lines starting with ``#`` are comments.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (UTF-8).

    Returns
    -------
    numpy.ndarray
        Road table as :func:`from_points`, in SI units.

    Raises
    ------
    ProfileError
        One line naming the file: missing, not UTF-8 text, not CSV, no unit in the header, a bad row.

    Examples
    --------
    >>> t = read_profile_csv("scenarios/profiles/synthetic_canyon_descent.csv")
    >>> t.shape[1] == 4
    True
    """
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"profile file not found: {path}")
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError(f"{path}: larger than {MAX_PROFILE_BYTES:,} bytes")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    if "\x00" in text:
        raise ProfileError(f"{path}: not a text file (it holds NUL bytes)")
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r and not r[0].lstrip().startswith("#")]
    except csv.Error as exc:
        raise ProfileError(f"{path}: not a CSV file ({exc})") from None
    if len(rows) < 3:
        raise ProfileError(f"{path}: needs a header and at least two rows")
    header = [h.strip() for h in rows[0]]
    units = []
    for want in ("distance", "elevation"):
        col = next((i for i, h in enumerate(header) if h.lower().startswith(want)), None)
        if col is None:
            raise ProfileError(f"{path}: header has no {want!r} column (have {header})")
        unit = _unit_of(header[col])
        if unit is None:
            raise ProfileError(f"{path}: column {header[col]!r} names no unit, e.g. '{want} [ft]'")
        try:
            scale = to_si(f"1 {unit}", "length")
        except UnitError:
            raise ProfileError(f"{path}: column {header[col]!r}: {unit!r} is not a length unit") from None
        units.append((col, scale))
    d, z = [], []
    for lineno, r in enumerate(rows[1:], start=2):
        try:
            d.append(float(r[units[0][0]]) * units[0][1])
            z.append(float(r[units[1][0]]) * units[1][1])
        except (ValueError, IndexError):
            raise ProfileError(f"{path}: line {lineno}: not two numbers: {r}") from None
    try:
        return from_points(d, z)
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc}") from None


def _unit_of(header: str) -> str | None:
    for open_, close in (("[", "]"), ("(", ")")):
        if open_ in header and header.endswith(close):
            return header[header.index(open_) + 1 : -1].strip()
    if "_" in header:
        return header.rsplit("_", 1)[1]
    return None


def elevation_at(table: np.ndarray, s: float) -> float:
    """Road elevation at distance ``s`` (linear within segments).

    Parameters
    ----------
    table : numpy.ndarray
        Road table.
    s : float
        Distance along the road. [m]

    Returns
    -------
    float
        Elevation. [m]

    Examples
    --------
    >>> elevation_at(from_segments(1000.0, [1000.0], [0.0]), 500.0)
    1000.0
    """
    i = int(np.searchsorted(table[:, ROAD_X], s, side="right")) - 1
    i = min(max(i, 0), len(table) - 2)
    return float(table[i, ROAD_Z] + table[i, ROAD_SIN] * (s - table[i, ROAD_X]))


def truncate(table: np.ndarray, end_m: float) -> np.ndarray:
    """The road up to ``end_m`` (adds a closing row).

    Parameters
    ----------
    table : numpy.ndarray
        Road table.
    end_m : float
        Where the road now ends. [m]

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> float(truncate(from_segments(0.0, [1000.0], [0.0]), 400.0)[-1, ROAD_X])
    400.0
    """
    if end_m >= table[-1, ROAD_X]:
        return table
    keep = table[table[:, ROAD_X] < end_m]
    last = np.array([[end_m, elevation_at(table, end_m), 0.0, 0.0]])
    return np.vstack([keep, last])
