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
from dataclasses import dataclass, field
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
    Lines starting with ``#`` are comments; other columns (a note, the source, the
    confidence of each row) are ignored here and read by :func:`read_profile_rows`.

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
    header, rows = _csv_rows(path)
    (dcol, dscale), (zcol, zscale) = _length_columns(path, header)
    d, z = [], []
    for lineno, r in rows:
        try:
            d.append(float(r[dcol]) * dscale)
            z.append(float(r[zcol]) * zscale)
        except (ValueError, IndexError):
            raise ProfileError(f"{path}: line {lineno}: not two numbers: {r}") from None
    try:
        return from_points(d, z)
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc}") from None


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of the data rows of a profile CSV; comment lines dropped."""
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
        rows = [
            (n, r)
            for n, r in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
            if r and not r[0].lstrip().startswith("#")
        ]
    except csv.Error as exc:
        raise ProfileError(f"{path}: not a CSV file ({exc})") from None
    if len(rows) < 3:
        raise ProfileError(f"{path}: needs a header and at least two rows")
    return [h.strip() for h in rows[0][1]], rows[1:]


def _length_columns(path: Path, header: list[str]) -> list[tuple[int, float]]:
    """(column, metres per unit) of the distance and elevation columns."""
    units = []
    for want in ("distance", "elevation"):
        col = next((i for i, h in enumerate(header) if h.lower().startswith(want)), None)
        if col is None:
            raise ProfileError(f"{path}: header has no {want!r} column (have {header})")
        units.append((col, _length_scale(path, header[col], want)))
    return units


def _length_scale(path: Path, column: str, want: str) -> float:
    unit = _unit_of(column)
    if unit is None:
        raise ProfileError(f"{path}: column {column!r} names no unit, e.g. '{want} [ft]'")
    try:
        return to_si(f"1 {unit}", "length")
    except UnitError:
        raise ProfileError(f"{path}: column {column!r}: {unit!r} is not a length unit") from None


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


CONFIDENCE_BAND_FT = {"H": 20.0, "M-H": 35.0, "M": 50.0, "M-L": 100.0, "L-M": 100.0, "L": 150.0}
"""Half-width of a profile row's elevation band by its confidence tag [ft].

H: surveyed or several sources agree; M: one credible source; L: an estimate
(the I-70 case file gives +/-100-150 ft on its L rows).  A column
``elevation_band [unit]`` overrides the tag row by row."""


@dataclass(frozen=True)
class ProfileRows:
    """A profile CSV with every column kept: the road, each row's elevation band, the text columns.

    Attributes
    ----------
    distance_m : numpy.ndarray
        Distance along the road of each row. [m]
    elevation_m : numpy.ndarray
        Elevation of each row. [m]
    band_m : numpy.ndarray
        Half-width of each row's elevation band (the elevation lies within +/- band). [m]
    columns : dict of str to list of str
        Every column of the file as text, by header (source, confidence, notes...).
    """

    distance_m: np.ndarray
    elevation_m: np.ndarray
    band_m: np.ndarray
    columns: dict[str, list[str]] = field(default_factory=dict)


def elevation_band(confidence: str) -> float:
    """Half-width of an elevation band from a confidence tag such as ``"M-L"`` or ``"H position / L elev"``.

    When the tag names several things, the part that mentions ``elev`` counts.

    Parameters
    ----------
    confidence : str
        The row's confidence tag: H, M-H, M, M-L, L-M or L.

    Returns
    -------
    float
        Half-width of the band. [m]

    Raises
    ------
    ProfileError
        An unknown tag.

    Examples
    --------
    >>> round(elevation_band("L") / 0.3048)
    150
    >>> round(elevation_band("H loc / L elev") / 0.3048)
    150
    """
    parts = [p.strip() for p in confidence.split("/")]
    part = next((p for p in parts if "elev" in p.lower()), parts[0])
    tag = part.split()[0].upper() if part.split() else ""
    if tag not in CONFIDENCE_BAND_FT:
        raise ProfileError(f"confidence {confidence!r} is not one of {', '.join(CONFIDENCE_BAND_FT)}")
    return CONFIDENCE_BAND_FT[tag] * 0.3048


def read_profile_rows(path: str | Path) -> ProfileRows:
    """Read a profile CSV with its elevation band per row and every other column kept.

    The band comes from a column ``elevation_band [unit]`` if there is one, else
    from a ``confidence`` column through :func:`elevation_band`.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file, as for :func:`read_profile_csv`.

    Returns
    -------
    ProfileRows
        Distances, elevations and bands in SI units, and the text columns.

    Raises
    ------
    ProfileError
        As :func:`read_profile_csv`; also no band or confidence column, or a bad tag (naming the line).

    Examples
    --------
    >>> rows = read_profile_rows("scenarios/profiles/i70_eb_mp247_264.csv")
    >>> round(float(rows.band_m.max()) / 0.3048)
    150
    """
    path = Path(path)
    table = read_profile_csv(path)
    header, rows = _csv_rows(path)
    lower = [h.lower() for h in header]
    band_col = next(
        (i for i, h in enumerate(lower) if h.startswith("elevation_band") or h.startswith("elevation band")), None
    )
    conf_col = next((i for i, h in enumerate(lower) if h.startswith("confidence")), None)
    if band_col is None and conf_col is None:
        raise ProfileError(f"{path}: no 'elevation_band [ft]' or 'confidence' column for the elevation band")
    scale = _length_scale(path, header[band_col], "elevation_band") if band_col is not None else 0.0
    band = []
    for lineno, r in rows:
        try:
            band.append(float(r[band_col]) * scale if band_col is not None else elevation_band(r[conf_col]))
        except (ValueError, IndexError, ProfileError) as exc:
            raise ProfileError(f"{path}: line {lineno}: no elevation band ({exc})") from None
    columns = {h: [r[i] if i < len(r) else "" for _, r in rows] for i, h in enumerate(header)}
    return ProfileRows(table[:, ROAD_X].copy(), table[:, ROAD_Z].copy(), np.abs(np.asarray(band)), columns)


def smooth_perturbation(distance_m, band_m, n: int, correlation_length_m: float, rng, z=None) -> np.ndarray:
    """Smooth random elevation offsets of a whole profile, each inside its row's band.

    A Gaussian process ``h(s)`` with unit variance and squared-exponential
    covariance ``exp(-(s - s')^2 / (2 l^2))`` is drawn at the rows and squashed,
    ``dz = band * tanh(h)``: every offset stays strictly inside its band, neighbours
    within a correlation length move together (the road is shifted and tilted,
    not made rough), and a row of zero band stays put.

    Parameters
    ----------
    distance_m : array_like
        Distance of each row along the road. [m]
    band_m : array_like
        Half-width of each row's band. [m]
    n : int
        Number of perturbed profiles.
    correlation_length_m : float
        Correlation length ``l`` of the process. [m]
    rng : numpy.random.Generator
        Random source.
    z : numpy.ndarray, optional
        ``(n, rows)`` standard normals to use instead of drawing them from ``rng`` (the latent
        coordinates of an adaptive sampler).

    Returns
    -------
    numpy.ndarray
        Offsets, shape ``(n, rows)``. [m]

    References
    ----------
    Rasmussen, C. E. and Williams, C. K. I. (2006), *Gaussian Processes for
    Machine Learning*, MIT Press, ch. 4 (squared-exponential covariance).

    Examples
    --------
    >>> dz = smooth_perturbation([0.0, 1000.0, 2000.0], [10.0, 10.0, 0.0], 5, 3000.0, np.random.default_rng(1))
    >>> dz.shape, bool(np.all(np.abs(dz) < 10.0)), bool(np.all(dz[:, 2] == 0.0))
    ((5, 3), True, True)
    """
    s = np.asarray(distance_m, dtype=float)
    band = np.asarray(band_m, dtype=float)
    if not correlation_length_m > 0.0:
        raise ValueError(f"correlation length must be positive, not {correlation_length_m!r}")
    d = s[:, None] - s[None, :]
    cov = np.exp(-0.5 * (d / correlation_length_m) ** 2)
    w, v = np.linalg.eigh(cov)  # robust where the Cholesky factor of a smooth kernel fails
    root = v * np.sqrt(np.clip(w, 0.0, None))
    h = (rng.standard_normal((n, s.size)) if z is None else np.asarray(z, dtype=float)) @ root.T
    return band[None, :] * np.tanh(h)
