"""Figures of sweeps: heatmaps over two swept keys, fan charts of traces, Sobol' indices.

Every ``plot_*`` function takes a matplotlib ``Axes`` and returns it; the
``*_figure`` functions compose a figure and stamp it with the gradesim version
and the scenario hash (:func:`gradesim.output.figures.stamp`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from gradesim.core import layout as L
from gradesim.output.figures import KIND_MARK
from gradesim.sweeps.design import SAMPLE_DIM
from gradesim.sweeps.distributions import key_title, stamp_once

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# SI unit of a variable -> (label, factor, offset) per unit system
_DISPLAY = {
    "us": {"m/s": ("mph", 1 / 0.44704, 0.0), "m": ("mi", 1 / 1609.344, 0.0), "K": ("°F", 1.8, -459.67)},
    "si": {"m/s": ("km/h", 3.6, 0.0), "m": ("km", 1e-3, 0.0), "K": ("°C", 1.0, -273.15)},
}
MAX_MARKS = 900  # cells marked one by one
KIND_TEXT = {
    "stopped": "stopped on the road",
    "ramp_stop": "stopped in the ramp",
    "ramp_overrun": "overran the ramp",
    "impact": "hit stopped traffic",
    "end_of_road": "end of road",
    "time_limit": "time limit",
    "failed": "solver failed",
}


def display(da: xr.DataArray, units: str = "us") -> tuple[np.ndarray, str]:
    """Values of ``da`` in display units, and its axis label ``long name [unit]``.

    The SI unit is read from ``da.attrs["units"]`` (m/s, m, K are converted;
    others are shown as they are).

    Parameters
    ----------
    da : xarray.DataArray
        Values in SI with ``units`` (and optionally ``long_name``) attributes.
    units : {"us", "si"}
        Display units: mph, mi, degF; or km/h, km, degC.

    Returns
    -------
    values : numpy.ndarray
        Values in display units (float).
    label : str
        Axis label.

    Examples
    --------
    >>> import xarray as xr
    >>> from gradesim.sweeps.plots import display
    >>> da = xr.DataArray([26.8224], attrs={"units": "m/s", "long_name": "impact speed"})
    >>> v, label = display(da, "us")
    >>> v.round(6).tolist(), label
    ([60.0], 'impact speed [mph]')
    """
    if units not in _DISPLAY:
        raise ValueError(f"units must be 'us' or 'si', not {units!r}")
    si = da.attrs.get("units", "")
    name = da.attrs.get("long_name", da.name)
    if si in _DISPLAY[units]:
        lab, f, off = _DISPLAY[units][si]
        return np.asarray(da.values, dtype=float) * f + off, f"{name} [{lab}]"
    return np.asarray(da.values, dtype=float), f"{name} [{si}]" if si else str(name)


def _axis_values(ds: xr.Dataset, dim: str) -> tuple[np.ndarray, list[str], str]:
    """Numeric positions of a grid dimension (user's unit) or category indices, tick labels, axis label."""
    labels = [str(v) for v in ds[dim].values]
    val, title = f"{dim}_value", key_title(dim)
    if val in ds.coords and np.all(np.isfinite(ds[val].values)):
        unit = ds[val].attrs.get("units", "")
        return np.asarray(ds[val].values, dtype=float), labels, f"{title} [{unit}]" if unit else title
    return np.arange(len(labels), dtype=float), labels, title


def _cells(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges around each simulated value only (half the smallest spacing each side), and the sort order.

    Between unevenly spaced values the gaps are cells of their own, left empty.
    """
    order = np.argsort(x, kind="stable")
    xs = x[order]
    h = 0.5 * (float(np.min(np.diff(xs))) if xs.size > 1 else 1.0)
    return np.column_stack([xs - h, xs + h]).ravel(), order


def _spread(vals: np.ndarray, oy: np.ndarray, ox: np.ndarray) -> np.ndarray:
    """``vals`` (sorted by ``oy``, ``ox``) on the cells of :func:`_cells`, NaN in the gaps."""
    out = np.full((2 * oy.size - 1, 2 * ox.size - 1), np.nan)
    out[::2, ::2] = vals[np.ix_(oy, ox)]
    return out


def _reduce(ds: xr.Dataset, keep: list[str], sel: dict[str, Any] | None) -> tuple[xr.Dataset, str]:
    """Select ``sel`` and reduce other dimensions (mean over samples); returns a note for the title."""
    note = ""
    if sel:
        ds = ds.isel({k: v for k, v in sel.items() if isinstance(v, int)}).sel(
            {k: v for k, v in sel.items() if not isinstance(v, int)}
        )
        note = ", ".join(f"{k} = {v}" for k, v in sel.items())
    extra = [d for d in ds["kind"].dims if d not in keep]
    if extra:
        bad = [d for d in extra if d != SAMPLE_DIM]
        if bad:
            raise ValueError(f"choose a value of {', '.join(bad)} with sel=...")
        note = (note + "; " if note else "") + f"mean over {ds.sizes[SAMPLE_DIM]} samples"
    return ds, note


def plot_heatmap(
    ax: Axes,
    ds: xr.Dataset,
    var: str = "impact_speed_mps",
    x: str | None = None,
    y: str | None = None,
    *,
    units: str = "us",
    sel: dict[str, Any] | None = None,
    mark_kind: bool = True,
    cmap: str = "magma_r",
) -> Axes:
    """Heatmap of ``var`` over two swept keys, each cell marked with its outcome kind.

    With a ``sample`` dimension the colour is the mean over samples and the
    mark the most frequent kind.  Keys swept over a single value are held
    fixed; other grid dimensions need ``sel``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (a colour bar is added beside it).
    ds : xarray.Dataset
        Sweep outcomes (:attr:`~gradesim.sweeps.result.SweepResult.outcomes`).
    var : str
        Outcome variable to colour by.
    x, y : str, optional
        Swept keys on the axes; the first two grid dimensions by default.
    units : {"us", "si"}
        Display units: mph, mi, degF; or km/h, km, degC.
    sel : dict, optional
        Values (or integer positions) of the other grid dimensions.
    mark_kind : bool
        Mark each cell's outcome kind (on large grids only the cells that
        differ from the commonest kind).
    cmap : str
        Matplotlib colour map.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Raises
    ------
    ValueError
        With fewer than two swept keys, or other grid dimensions not selected.

    Examples
    --------
    >>> import gradesim as gs
    >>> sw = gs.sweep(gs.Scenario.from_toml("scenarios/missed_ramp_lumber_truck.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_heatmap(ax, sw.outcomes, "impact_speed_mps", units="si")  # doctest: +SKIP
    """
    # single-valued keys are held fixed, not plotted (e.g. driver.take_ramp = [0])
    fixed = {d: 0 for d in ds["kind"].dims if d != SAMPLE_DIM and ds.sizes[d] == 1 and d not in (x, y)}
    if fixed:
        ds = ds.isel(fixed)
    grid_dims = [d for d in ds["kind"].dims if d != SAMPLE_DIM]
    x = x or grid_dims[0]
    y = y or (grid_dims[1] if len(grid_dims) > 1 else None)
    if y is None:
        raise ValueError("a heatmap needs two swept keys; use plot_outcome_line for one")
    ds, note = _reduce(ds, [x, y], sel)
    da = ds[var].transpose(*([y, x] + ([SAMPLE_DIM] if SAMPLE_DIM in ds[var].dims else [])))
    vals, label = display(da, units)
    if vals.ndim == 3:
        vals = np.nanmean(vals, axis=2)
    xv, xl, xlab = _axis_values(ds, x)
    yv, yl, ylab = _axis_values(ds, y)
    (ex, ox), (ey, oy) = _cells(xv), _cells(yv)
    mesh = ax.pcolormesh(ex, ey, np.ma.masked_invalid(_spread(vals, oy, ox)), cmap=cmap, shading="flat")
    ax.figure.colorbar(mesh, ax=ax, label=label + (" (mean)" if note.endswith("samples") else ""))
    kinds = ds["kind"].transpose(*([y, x] + ([SAMPLE_DIM] if SAMPLE_DIM in ds["kind"].dims else []))).values
    if kinds.ndim == 3:
        kinds = np.apply_along_axis(lambda k: np.bincount(k + 1, minlength=9).argmax() - 1, 2, kinds.astype(int))
    if mark_kind:
        _mark_kinds(ax, xv, yv, kinds)
    for vals_, labs, setter, lim in ((xv, xl, ax.set_xticks, "x"), (yv, yl, ax.set_yticks, "y")):
        if labs and not np.array_equal(vals_, np.arange(len(labs), dtype=float)):
            continue
        setter(vals_, labs, rotation=0 if lim == "y" else 30)
    ax.set_xlabel(xlab)
    ax.set_ylabel(ylab)
    if note:
        ax.set_title(note, fontsize=9, loc="right")
    stamp_once(ax, ds)
    return ax


def _mark_kinds(ax: Axes, xv: np.ndarray, yv: np.ndarray, kinds: np.ndarray) -> None:
    """Mark each cell's outcome kind; on large grids only the cells that differ from the commonest kind."""
    counts = np.bincount(kinds.ravel() + 1, minlength=len(L.KIND_NAMES) + 1)[1:]
    present = [k for k in range(len(L.KIND_NAMES)) if counts[k]]
    common = int(np.argmax(counts))
    X, Y = np.meshgrid(xv, yv)
    show = np.ones(kinds.shape, bool) if kinds.size <= MAX_MARKS else kinds != common
    if show.sum() > MAX_MARKS:
        ax.contour(xv, yv, kinds, levels=np.arange(-0.5, len(L.KIND_NAMES)), colors="white", linewidths=1.2)
        show[:] = False
    ms = max(3.0, min(10.0, 220.0 / max(kinds.shape)))
    for k in present:
        m, c = KIND_MARK[L.KIND_NAMES[k]]
        sel = show & (kinds == k)
        label = KIND_TEXT[L.KIND_NAMES[k]] + ("" if sel.any() or k != common else " (unmarked cells)")
        ax.plot(X[sel], Y[sel], m, color=c, mec="black", mew=0.5, ms=ms, ls="none", label=label)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.14), ncol=4, fontsize=8, frameon=False)


def plot_outcome_line(
    ax: Axes, ds: xr.Dataset, var: str = "impact_speed_mps", x: str | None = None, *, units: str = "us"
) -> Axes:
    """``var`` against one swept key, each point marked by its outcome kind.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    ds : xarray.Dataset
        Sweep outcomes with one grid dimension (and possibly ``sample``).
    var : str
        Outcome variable.
    x : str, optional
        The swept key; the first grid dimension by default.
    units : {"us", "si"}
        Display units: mph, mi, degF; or km/h, km, degC.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> plot_outcome_line(ax, sw.outcomes, "max_speed_mps")  # doctest: +SKIP
    """
    x = x or next(d for d in ds["kind"].dims if d != SAMPLE_DIM)
    ds, _ = _reduce(ds, [x], None)
    vals, label = display(ds[var], units)
    kinds = ds["kind"].values
    if vals.ndim == 2:
        vals = np.nanmean(vals, axis=1)
        kinds = np.array([np.bincount(k + 1, minlength=9).argmax() - 1 for k in kinds.astype(int)])
    xv, xl, xlab = _axis_values(ds, x)
    ax.plot(xv, vals, color="#555555", lw=1, zorder=1)
    for k in range(len(L.KIND_NAMES)):
        sel = kinds == k
        if sel.any():
            m, c = KIND_MARK[L.KIND_NAMES[k]]
            ax.plot(xv[sel], vals[sel], m, color=c, mec="black", ms=7, ls="none", label=KIND_TEXT[L.KIND_NAMES[k]])
    if np.array_equal(xv, np.arange(len(xl), dtype=float)):
        ax.set_xticks(xv, xl, rotation=30)
    ax.set_xlabel(xlab)
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    stamp_once(ax, ds)
    return ax


def plot_fan(
    ax: Axes, ds: xr.Dataset, *, units: str = "us", percentiles: tuple[float, ...] = (5, 25, 50, 75, 95)
) -> Axes:
    """Fan chart: percentile bands of speed vs distance over the kept traces.

    At each distance the percentiles are over the trucks that got that far; the
    grey dashed line (right axis) is that fraction.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (a twin axis is added for the fraction).
    ds : xarray.Dataset
        Sweep outcomes with ``trace_speed_mps`` (a sweep run with ``traces=N``).
    units : {"us", "si"}
        Display units: mph, mi, degF; or km/h, km, degC.
    percentiles : tuple of float
        Percentiles [%], paired outside-in into bands; an odd middle one is
        drawn as a line.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Raises
    ------
    ValueError
        If the sweep kept no traces.

    Examples
    --------
    >>> plot_fan(ax, sw.outcomes, units="si", percentiles=(10, 50, 90))  # doctest: +SKIP
    """
    if "trace_speed_mps" not in ds:
        raise ValueError("no traces in this sweep (run it with traces=N)")
    sp, slabel = display(ds["trace_speed_mps"], units)
    dist, dlabel = display(ds["trace_distance"], units)
    reached = np.isfinite(sp).mean(axis=0)
    keep = reached > 0
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = np.nanpercentile(sp[:, keep], percentiles, axis=0)
    d = dist[keep]
    n = len(percentiles)
    for i in range(n // 2):
        alpha = 0.18 + 0.22 * i
        ax.fill_between(
            d,
            q[i],
            q[n - 1 - i],
            color="#2c7fb8",
            alpha=alpha,
            lw=0,
            label=f"{percentiles[i]:g}-{percentiles[-1 - i]:g} %",
        )
    if n % 2:
        ax.plot(d, q[n // 2], color="#08306b", lw=2, label="median")
    ax.set_xlabel(dlabel)
    ax.set_ylabel(slabel)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    _mark_base_road(ax, ds, units)
    twin = ax.twinx()
    twin.plot(dist, reached, color="#777777", ls="--", lw=1)
    twin.set_ylim(0, 1.05)
    twin.set_ylabel("fraction of trucks still moving [-]", color="#777777")
    ax.legend(loc="lower left", fontsize=8, frameon=False, title=f"{sp.shape[0]} traces", title_fontsize=8)
    stamp_once(ax, ds)
    return ax


def _mark_base_road(ax: Axes, ds: xr.Dataset, units: str) -> None:
    """Ramp entrances and stopped traffic of the base scenario on a distance axis."""
    from gradesim.output.figures import mark_positions

    f = _DISPLAY[units]["m"][1]
    xs = [x * f for x in ds.attrs.get("base_ramp_positions_m", [])]
    q = ds.attrs.get("base_queue_position_m", -1.0)
    mark_positions(ax, xs, ["ramp"] * len(xs), q * f if q is not None and q >= 0 else None)


def plot_sobol(ax: Axes, indices: pd.DataFrame, outcome: str = "") -> Axes:
    """Horizontal bars of first-order (S1) and total (ST) Sobol' indices with 95 % intervals.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    indices : pandas.DataFrame
        One row per input (index: the dotted key), columns ``S1``,
        ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of the 95 % intervals).
    outcome : str
        Name of the output analysed, for the axis label.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    References
    ----------
    .. [1] A. Saltelli et al., Variance based sensitivity analysis of model
       output: design and estimator for the total sensitivity index, Computer
       Physics Communications 181 (2010) 259-270.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from gradesim.sweeps.plots import plot_sobol
    >>> idx = pd.DataFrame({"S1": [0.6, 0.2], "S1_conf": [0.05, 0.04], "ST": [0.7, 0.3], "ST_conf": [0.06, 0.05]},
    ...                    index=["truck.gross_weight", "driver.initial_speed"])
    >>> fig, ax = plt.subplots()
    >>> ax = plot_sobol(ax, idx, "impact_speed_mps")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['driver.initial_speed', 'truck.gross_weight']
    """
    df = indices.sort_values("ST")
    y = np.arange(len(df))
    h = 0.38
    ax.barh(y + h / 2, df["ST"], h, xerr=df["ST_conf"], color="#2c7fb8", label="total (ST)", capsize=2)
    ax.barh(y - h / 2, df["S1"], h, xerr=df["S1_conf"], color="#a6bddb", label="first order (S1)", capsize=2)
    ax.set_yticks(y, df.index)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(f"Sobol' index of {outcome} [-]" if outcome else "Sobol' index [-]")
    ax.set_xlim(min(-0.05, float(df[["S1", "ST"]].min().min())), max(1.05, float(df["ST"].max()) + 0.05))
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


# ------------------------------------------------------------------ figures
def _stamp(fig: Figure, ds: xr.Dataset) -> None:
    stamp_once(fig.axes[0], ds)


def heatmap_figure(ds: xr.Dataset, var: str = "impact_speed_mps", units: str = "us", **kw: Any) -> Figure:
    """Heatmap (two swept keys) or line (one) of ``var`` with outcome kinds; stamped.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes.
    var : str
        Outcome variable.
    units : {"us", "si"}
        Display units: mph, mi, degF; or km/h, km, degC.
    **kw
        Passed to :func:`plot_heatmap` (``x``, ``y``, ``sel``, ...).

    Returns
    -------
    matplotlib.figure.Figure
        Stamped with version, scenario hash and design.

    Examples
    --------
    >>> heatmap_figure(sw.outcomes).savefig("heatmap.png")  # doctest: +SKIP
    """
    grid_dims = [d for d in ds["kind"].dims if d != SAMPLE_DIM]
    fig, ax = plt.subplots(figsize=(9, 6.2), layout="constrained")
    if len(grid_dims) >= 2:
        plot_heatmap(ax, ds, var, units=units, **kw)
    else:
        plot_outcome_line(ax, ds, var, units=units)
    fig.suptitle(ds.attrs.get("scenario_name", ""), fontsize=10, x=0.01, ha="left")
    _stamp(fig, ds)
    return fig


def fan_figure(ds: xr.Dataset, units: str = "us") -> Figure:
    """Fan chart of the kept traces (:func:`plot_fan`); stamped.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes with traces.
    units : {"us", "si"}
        Display units: mph, mi, degF; or km/h, km, degC.

    Returns
    -------
    matplotlib.figure.Figure
        Stamped with version, scenario hash and design.

    Examples
    --------
    >>> fan_figure(sw.outcomes, "si").savefig("fan.png")  # doctest: +SKIP
    """
    fig, ax = plt.subplots(figsize=(9, 5.5), layout="constrained")
    plot_fan(ax, ds, units=units)
    fig.suptitle(ds.attrs.get("scenario_name", ""), fontsize=10, x=0.01, ha="left")
    _stamp(fig, ds)
    return fig


def sobol_figure(indices: pd.DataFrame, ds: xr.Dataset, outcome: str) -> Figure:
    """Bar chart of Sobol' indices (:func:`plot_sobol`); stamped.

    Parameters
    ----------
    indices : pandas.DataFrame
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` per input.
    ds : xarray.Dataset
        The sweep outcomes behind them (for the scenario name and the stamp).
    outcome : str
        Name of the output analysed.

    Returns
    -------
    matplotlib.figure.Figure
        Stamped with version, scenario hash and design.

    References
    ----------
    .. [1] A. Saltelli et al., Computer Physics Communications 181 (2010) 259-270.

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.sweeps.analysis import sobol_indices
    >>> sob = sobol_indices(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), samples=256)  # doctest: +SKIP
    >>> sobol_figure(sob.indices, sob.sweep.outcomes, "impact_speed_mps")  # doctest: +SKIP
    """
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.55 * len(indices)), layout="constrained")
    plot_sobol(ax, indices, outcome)
    fig.suptitle(f"Sensitivity of {outcome}: {ds.attrs.get('scenario_name', '')}", fontsize=10, x=0.01, ha="left")
    _stamp(fig, ds)
    return fig
