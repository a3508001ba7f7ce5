"""Sweep outcomes for other tools: named dimensions, CSV with units in the headers, NetCDF, Parquet.

A sweep's grid dimensions are dotted scenario keys (``road.ramps.0.position``),
which ``ds.sel(...)`` accepts only as a dict.  :func:`named` renames every
dimension, coordinate and variable to an identifier (``road_ramps_0_position``)
and keeps the dotted key as the attribute ``key``, so ``ds.sel(road_ramps_0_position="1 mi")``
works in xarray and the names are legal in NetCDF.  The CSV writer puts the
unit of each column in its header (``max_speed_mps [m/s]``), for grid and Monte
Carlo sweeps alike; :func:`read_csv` reads it back and keeps the units in
``df.attrs["units"]``.

Examples
--------
>>> import xarray as xr
>>> ds = xr.Dataset({"speed_mps": (("road.ramps.0.position",), [1.0, 2.0], {"units": "m/s"})},
...                 coords={"road.ramps.0.position": ["1 mi", "2 mi"]})
>>> nd = named(ds)
>>> float(nd.sel(road_ramps_0_position="2 mi")["speed_mps"])
2.0
>>> nd["road_ramps_0_position"].attrs["key"]
'road.ramps.0.position'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gradesim.core import layout as L

#: variables dropped from tables (traces have their own dimensions)
TRACE_NAMES = ("trace_speed_mps", "trace_scenario", "trace_distance")
_HEADER = re.compile(r"^(?P<name>.*?) \[(?P<unit>[^\]]*)\]$")


def identifier(key: str) -> str:
    """A Python identifier for a dotted key (``"road.ramps.0.position"`` -> ``"road_ramps_0_position"``).

    Parameters
    ----------
    key : str
        Dotted scenario key or variable name.

    Returns
    -------
    str
        ``key`` with every character that is not a letter, digit or ``_`` replaced by ``_``.

    Examples
    --------
    >>> identifier("truck.brakes.stroke_at_rest_si")
    'truck_brakes_stroke_at_rest_si'
    """
    name = re.sub(r"\W", "_", key)
    return f"_{name}" if name[:1].isdigit() else name


def named(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset with identifier names; each renamed item keeps its dotted key as ``attrs["key"]``.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes (:attr:`SweepResult.outcomes`).

    Returns
    -------
    xarray.Dataset
        Same data; dims, coordinates and variables renamed with :func:`identifier`.

    Examples
    --------
    >>> import xarray as xr
    >>> named(xr.Dataset(coords={"driver.gear": [8, 9]}))["driver_gear"].attrs["key"]
    'driver.gear'
    """
    names = [str(n) for n in (*ds.dims, *ds.coords, *ds.data_vars)]
    mapping = {n: identifier(n) for n in dict.fromkeys(names) if identifier(n) != n}
    out = ds.rename(mapping)
    for old, new in mapping.items():
        if new in out.variables:
            out[new].attrs = {**out[new].attrs, "key": old}
    if mapping:
        out.attrs = {**out.attrs, "dotted_keys": ", ".join(f"{new}={old}" for old, new in mapping.items())}
    return out


def table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per scenario, columns headed ``name [unit]`` (``kind`` as text, no unit for counts and words).

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes; grid (one dim per key), Monte Carlo (``sample``) or both.

    Returns
    -------
    pandas.DataFrame
        Swept values, sampled inputs and outcomes; ``df.attrs["units"]`` maps
        each plain column name to its unit ('' where none).

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"kind": ("sample", [0, 3]), "speed_mps": ("sample", [0.0, 9.5], {"units": "m/s"})})
    >>> list(table(ds).columns)
    ['sample', 'kind', 'speed_mps [m/s]']
    """
    ds = ds.drop_vars(list(TRACE_NAMES), errors="ignore")
    ds = ds.drop_dims([d for d in ds.dims if d not in _scenario_dims(ds)], errors="ignore")
    df = ds.to_dataframe().reset_index()
    if "kind" in df:
        names = np.array((*L.KIND_NAMES, "not computed"))
        df["kind"] = names[df["kind"].to_numpy().astype(int)]
    units = {c: str(ds[c].attrs.get("units", "")) if c in ds.variables else "" for c in df.columns}
    df = df.rename(columns={c: f"{c} [{u}]" for c, u in units.items() if u})
    df.attrs["units"] = units
    return df


def _scenario_dims(ds: xr.Dataset) -> tuple[str, ...]:
    """The dims of the outcome arrays (the scenarios), or every dim of a Dataset without ``kind``."""
    return tuple(ds["kind"].dims) if "kind" in ds else tuple(ds.dims)


def write_csv(ds: xr.Dataset, path: str | Path) -> Path:
    """Write :func:`table` as CSV (headers ``name [unit]``, 9 significant digits).

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes.
    path : str or Path
        The CSV file.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> write_csv(sw.outcomes, "out/outcomes.csv")  # doctest: +SKIP
    """
    table(ds).to_csv(path, index=False, float_format="%.9g")
    return Path(path)


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv`: plain column names, units in ``df.attrs["units"]``.

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        Columns without the ``[unit]`` suffix; ``attrs["units"]`` maps name to unit.

    Examples
    --------
    >>> df = read_csv("out/outcomes.csv")  # doctest: +SKIP
    >>> df.attrs["units"]["max_speed_mps"]  # doctest: +SKIP
    'm/s'
    """
    df = pd.read_csv(path)
    units: dict[str, str] = {}
    for c in df.columns:
        m = _HEADER.match(str(c))
        units[m["name"] if m else str(c)] = m["unit"] if m else ""
    df.columns = list(units)
    df.attrs["units"] = units
    return df


def write_netcdf(ds: xr.Dataset, path: str | Path) -> Path:
    """Write the outcomes with :func:`named` dims as NetCDF (SciPy's NetCDF-3 writer, no extra package).

    Attributes that NetCDF cannot hold (lists, booleans) are written as text;
    int64 coordinates become int32 (NetCDF-3 has no 64-bit integers).

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes.
    path : str or Path
        The ``.nc`` file.

    Returns
    -------
    Path
        ``path``; open it with ``xr.open_dataset(path)``.

    Examples
    --------
    >>> write_netcdf(sw.outcomes, "out/outcomes.nc")  # doctest: +SKIP
    """
    out = named(ds)
    out.attrs = {k: _nc_attr(v) for k, v in out.attrs.items()}
    for name in out.variables:
        var = out[name]
        var.attrs = {k: _nc_attr(v) for k, v in var.attrs.items()}
        if var.dtype == np.int64:
            out[name] = var.astype(np.int32)
        elif var.dtype.kind == "U":
            out[name] = var.astype(object)
    out.to_netcdf(path, engine="scipy")
    return Path(path)


def _nc_attr(v: Any) -> Any:
    """An attribute value NetCDF-3 can store."""
    if isinstance(v, bool) or isinstance(v, dict):
        return str(v)
    if isinstance(v, list | tuple):
        return v if v and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v) else str(v)
    return v


def write_parquet(ds: xr.Dataset, path: str | Path) -> Path:
    """Write :func:`table` as Parquet; the units go into the file's metadata (``gradesim_units``).

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes.
    path : str or Path
        The ``.parquet`` file.

    Returns
    -------
    Path
        ``path``; :func:`read_parquet` gives back the table with units.

    Raises
    ------
    ImportError
        pyarrow is not installed.

    Examples
    --------
    >>> write_parquet(sw.outcomes, "out/outcomes.parquet")  # doctest: +SKIP
    """
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    df = table(ds)
    units = df.attrs.pop("units")
    df.columns = list(units)
    tab = pa.Table.from_pandas(df, preserve_index=False)
    meta = {**(tab.schema.metadata or {}), b"gradesim_units": json.dumps(units).encode()}
    pq.write_table(tab.replace_schema_metadata(meta), path)
    return Path(path)


def read_parquet(path: str | Path) -> pd.DataFrame:
    """Read a Parquet file written by :func:`write_parquet`; units in ``df.attrs["units"]``.

    Parameters
    ----------
    path : str or Path
        The ``.parquet`` file.

    Returns
    -------
    pandas.DataFrame
        The table; ``attrs["units"]`` maps column to unit.

    Examples
    --------
    >>> read_parquet("out/outcomes.parquet").attrs["units"]["speed_mps"]  # doctest: +SKIP
    'm/s'
    """
    import json

    import pyarrow.parquet as pq

    tab = pq.read_table(path)
    df = tab.to_pandas()
    df.attrs["units"] = json.loads((tab.schema.metadata or {}).get(b"gradesim_units", b"{}"))
    return df
