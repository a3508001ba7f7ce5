"""Distributions of sweep outcomes: exceedance curves and histograms; readable axis titles; the stamp.

``plot_exceedance`` and ``plot_histogram`` draw into a given ``Axes`` (one curve
per value of an optional grid key); :func:`key_title` turns a dotted key into
the schema's description (``road.ramps.0.position`` -> "Distance along the road
to the ramp entrance (ramp 0)"); :func:`stamp_once` stamps the figure that
holds an ``Axes`` with the version and scenario hash, once, also when the
figure is the user's own.

Examples
--------
>>> key_title("truck.gross_weight")
'Gross vehicle weight'
>>> key_title("road.ramps.1.position")
'Distance along the road to the ramp entrance (ramp 1)'
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from gradesim.output.figures import stamp

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_LIST_NAMES = {"ramps": "ramp", "segments": "segment", "actions": "action"}


@functools.cache
def _descriptions() -> dict[str, str]:
    from gradesim.scenario.describe import schema_rows

    return {r.key: r.description for r in schema_rows()}


def key_title(key: str) -> str:
    """The schema's description of a dotted key, capitalised, with list indices named; else the key.

    Parameters
    ----------
    key : str
        Dotted scenario key, e.g. ``"driver.actions.0.at"``.

    Returns
    -------
    str
        A readable axis title (the text before any ``;`` of the description).

    Examples
    --------
    >>> key_title("driver.initial_speed")
    'Speed at the start'
    >>> key_title("no.such.key")
    'no.such.key'
    """
    from gradesim.scenario.describe import generic_key

    text = _descriptions().get(generic_key(key), "")
    if not text:
        return key
    text = text.split(";")[0].strip()
    parts = key.split(".")
    idx = [f"{_LIST_NAMES.get(parts[i - 1], parts[i - 1])} {p}" for i, p in enumerate(parts) if p.isdigit() and i]
    return text[:1].upper() + text[1:] + (f" ({', '.join(idx)})" if idx else "")


def stamp_once(ax: Axes, ds: xr.Dataset | None) -> None:
    """Stamp the figure of ``ax`` with version, scenario hash and design, unless it carries a gradesim stamp.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes drawn on.
    ds : xarray.Dataset or None
        Outcomes whose attributes name the scenario and design (None: nothing is stamped).

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt, xarray as xr
    >>> fig, ax = plt.subplots()
    >>> stamp_once(ax, xr.Dataset(attrs={"scenario_hash": "abc", "design": "4 samples"}))
    >>> stamp_once(ax, xr.Dataset(attrs={"scenario_hash": "abc"}))
    >>> len(fig.texts)
    1
    """
    fig = ax.figure
    if ds is None or any(getattr(t, "_gradesim_stamp", False) for t in fig.texts):
        return
    text = f"scenario {ds.attrs.get('scenario_hash', '?')} · {ds.attrs.get('scenario_name', '')}".rstrip(" ·")
    stamp(fig, text, ds.attrs.get("design", ""))
    fig.texts[-1]._gradesim_stamp = True  # type: ignore[attr-defined]


def _groups(ds: xr.Dataset, var: str, by: str | None) -> list[tuple[str, np.ndarray]]:
    """``(label, values)`` of ``var`` for each value of grid key ``by`` (all values when None)."""
    da = ds[var]
    if by is None:
        return [("", da.values.ravel())]
    return [(f"{ds[by].values[i]}", da.isel({by: i}).values.ravel()) for i in range(ds.sizes[by])]


def plot_exceedance(
    ax: Axes, ds: xr.Dataset, var: str = "max_speed_mps", *, by: str | None = None, units: str = "us"
) -> Axes:
    """Exceedance curve ``P(var > x)`` over the samples (or all scenarios), with a 95 % Wilson band.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    ds : xarray.Dataset
        Sweep outcomes.
    var : str
        Outcome variable (SI, with a ``units`` attribute).
    by : str, optional
        A grid key: one curve per value.
    units : {"us", "si"}
        Display units.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    E. B. Wilson, "Probable inference...", JASA 22 (1927) 209-212.

    Examples
    --------
    >>> plot_exceedance(ax, sw.outcomes, "impact_speed_mps", by="road.ramps.0.position")  # doctest: +SKIP
    """
    from gradesim.sweeps.plots import display

    for name, raw in _groups(ds, var, by):
        vals, label = display(xr.DataArray(raw, attrs=ds[var].attrs, name=var), units)
        v = np.sort(vals[np.isfinite(vals)])
        n = v.size
        if not n:
            continue
        k = n - np.arange(n + 1)
        lo, hi = wilson(k, n)
        x = np.concatenate([[v[0]], v])
        (line,) = ax.step(x, k / n, where="post", label=name or None)
        ax.fill_between(x, lo, hi, step="post", color=line.get_color(), alpha=0.2, lw=0)
        ax.set_xlabel(label)
    ax.set_ylabel(f"P({ds[var].attrs.get('long_name', var)} > x) [-]")
    ax.grid(True, alpha=0.3)
    if by is not None:
        ax.legend(title=key_title(by), fontsize=8, title_fontsize=8, frameon=False)
    stamp_once(ax, ds)
    return ax


def plot_histogram(
    ax: Axes, ds: xr.Dataset, var: str = "max_speed_mps", *, by: str | None = None, units: str = "us", bins: int = 40
) -> Axes:
    """Histogram of ``var`` over the samples (or all scenarios), one outline per value of ``by``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    ds : xarray.Dataset
        Sweep outcomes.
    var : str
        Outcome variable.
    by : str, optional
        A grid key: one histogram per value.
    units : {"us", "si"}
        Display units.
    bins : int
        Number of bins (shared by all groups).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> plot_histogram(ax, sw.outcomes, "max_brake_temp_K", units="si")  # doctest: +SKIP
    """
    from gradesim.sweeps.plots import display

    groups = [(n, display(xr.DataArray(r, attrs=ds[var].attrs, name=var), units)) for n, r in _groups(ds, var, by)]
    finite = np.concatenate([g[1][0][np.isfinite(g[1][0])] for g in groups] or [np.zeros(0)])
    edges = np.histogram_bin_edges(finite, bins=bins) if finite.size else bins
    for name, (vals, label) in groups:
        ax.hist(vals[np.isfinite(vals)], bins=edges, histtype="step", lw=1.5, label=name or None)
        ax.set_xlabel(label)
    ax.set_ylabel(f"scenarios per bin (of {ds[var].size:,})")
    ax.grid(True, alpha=0.3)
    if by is not None:
        ax.legend(title=key_title(by), fontsize=8, title_fontsize=8, frameon=False)
    stamp_once(ax, ds)
    return ax


def wilson(k: Any, n: int, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k : array_like
        Successes.
    n : int
        Trials.
    z : float
        Normal quantile (1.96: 95 %).

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds [-].

    References
    ----------
    E. B. Wilson, JASA 22 (1927) 209-212.

    Examples
    --------
    >>> [round(float(x), 4) for x in wilson(0, 1000)]
    [0.0, 0.0038]
    """
    k = np.asarray(k, dtype=float)
    p = k / n
    d = 1 + z**2 / n
    c = (p + z**2 / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / d
    return np.clip(c - h, 0.0, 1.0), np.clip(c + h, 0.0, 1.0)


__all__ = ["key_title", "plot_exceedance", "plot_histogram", "stamp_once", "wilson"]
