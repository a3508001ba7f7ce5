"""The result of a sweep: :class:`SweepResult` and the exceedance curve it offers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gradesim.core import layout as L
from gradesim.sweeps.design import SAMPLE_DIM
from gradesim.sweeps.store import TRACE_VAR

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def exceedance(ds: xr.Dataset, thresholds: Any, var: str = "impact_speed_mps") -> xr.DataArray:
    """Exceedance probability ``P(var > x)`` for each threshold x.

    Taken over the ``sample`` dimension of a Monte Carlo (one curve per grid
    point left), or over every scenario of a pure grid.  The coordinate ``n``
    is the number of scenarios behind each probability.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep outcomes (:attr:`SweepResult.outcomes`).
    thresholds : float or array_like
        Thresholds x, in the SI unit of ``var`` (m/s for speeds).
    var : str
        Outcome variable, e.g. ``"impact_speed_mps"`` or ``"max_brake_temp_K"``.

    Returns
    -------
    xarray.DataArray
        Probabilities [-] along a ``threshold`` dimension, named
        ``P(<var> > x)``.

    Examples
    --------
    >>> import xarray as xr
    >>> from gradesim.sweeps.result import exceedance
    >>> ds = xr.Dataset({"impact_speed_mps": ("sample", [0.0, 5.0, 10.0, 20.0])})
    >>> p = exceedance(ds, [1.0, 15.0])
    >>> p.values.tolist(), int(p.n)
    ([0.75, 0.25], 4)
    """
    x = np.atleast_1d(np.asarray(thresholds, dtype=float))
    da = ds[var]
    dims = [SAMPLE_DIM] if SAMPLE_DIM in da.dims else list(da.dims)
    thr = xr.DataArray(x, dims="threshold", coords={"threshold": x}, attrs=dict(da.attrs))
    p = (da > thr).mean(dim=dims)
    n = int(np.prod([da.sizes[d] for d in dims]))
    return p.assign_coords(n=n).rename(f"P({var} > x)")


class SweepResult:
    """A finished sweep: the outcome Dataset and how it was made.

    Attributes
    ----------
    outcomes : xarray.Dataset
        One dimension per grid key (coordinates: the values as given, plus
        ``<key>_value`` in the user's unit and ``<key>_si`` in SI) and/or a
        ``sample`` dimension (the sampled inputs are variables).  Outcomes:
        ``kind`` (codes, names in ``attrs["flag_meanings"]``), ``position_m``,
        ``speed_mps``, ``time_s``, ``max_speed_mps``, ``max_brake_temp_K``,
        ``impact_speed_mps``, ``ramp``, ``n_steps``; ``trace_speed_mps`` with
        ``traces``.
    computed_chunks, skipped_chunks : list of int
        Chunks simulated in this call, and chunks found finished in the store.
    n_simulated : int
        Scenarios simulated in this call.
    seconds : float
        Wall time of the simulation part. [s]

    Parameters
    ----------
    outcomes : xarray.Dataset
        The outcome Dataset, kept as :attr:`outcomes`.
    computed : list of int
        Chunks simulated in this call.
    skipped : list of int
        Chunks found finished in the store.
    n_simulated : int
        Scenarios simulated in this call.
    seconds : float
        Wall time of the simulation part. [s]

    See Also
    --------
    gradesim.sweep : the usual way to get one.

    Examples
    --------
    >>> import gradesim as gs
    >>> sw = gs.sweep(gs.Scenario.from_toml("scenarios/missed_ramp_lumber_truck.toml"))  # doctest: +SKIP
    >>> sw.to_dataframe().head()  # doctest: +SKIP
    >>> sw.plot_heatmap(var="impact_speed_mps")  # doctest: +SKIP
    """

    def __init__(self, outcomes: xr.Dataset, computed: list[int], skipped: list[int], n_simulated: int, seconds: float):
        self.outcomes = outcomes
        self.computed_chunks = computed
        self.skipped_chunks = skipped
        self.n_simulated = n_simulated
        self.seconds = seconds

    @property
    def dataset(self) -> xr.Dataset:
        """Alias of :attr:`outcomes`."""
        return self.outcomes

    @property
    def kind_names(self) -> xr.DataArray:
        """Outcome kinds as strings (``"not computed"`` where a chunk is missing)."""
        names = np.array((*L.KIND_NAMES, "not computed"), dtype=object)
        return xr.apply_ufunc(lambda k: names[k], self.outcomes["kind"].astype(int))

    def to_dataframe(self) -> pd.DataFrame:
        """One row per scenario: swept values (as given), sampled inputs and outcomes, kind as text.

        Returns
        -------
        pandas.DataFrame
            SI outcome columns, as in :attr:`outcomes`, without the traces.

        Examples
        --------
        >>> sw.to_dataframe()["kind"].value_counts()  # doctest: +SKIP
        """
        ds = self.outcomes.drop_vars([TRACE_VAR, "trace_scenario", "trace_distance"], errors="ignore")
        df = ds.to_dataframe().reset_index()
        df["kind"] = np.array((*L.KIND_NAMES, "not computed"))[df["kind"].to_numpy().astype(int)]
        return df

    def named(self) -> xr.Dataset:
        """The outcomes with identifier dims (``road_ramps_0_position``) so ``ds.sel(name=...)`` works.

        Returns
        -------
        xarray.Dataset
            Each renamed dim, coordinate and variable keeps its dotted key in ``attrs["key"]``
            (:func:`gradesim.sweeps.export.named`).

        Examples
        --------
        >>> sw.named().sel(road_ramps_0_position="2 mi")  # doctest: +SKIP
        """
        from gradesim.sweeps.export import named

        return named(self.outcomes)

    def export(self, path: str | Path) -> Path:
        """Write the outcomes by the file's suffix: ``.csv`` (units in the headers), ``.nc`` or ``.parquet``.

        Parameters
        ----------
        path : str or Path
            Output file.

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        ValueError
            Another suffix.

        Examples
        --------
        >>> sw.export("out/outcomes.nc")  # doctest: +SKIP
        """
        from gradesim.sweeps import export as ex

        writers = {".csv": ex.write_csv, ".nc": ex.write_netcdf, ".parquet": ex.write_parquet}
        suffix = Path(path).suffix.lower()
        if suffix not in writers:
            raise ValueError(f"{path}: export writes .csv, .nc or .parquet, not {suffix or 'no suffix'}")
        return writers[suffix](self.outcomes, path)

    def exceedance(self, thresholds: Any, var: str = "impact_speed_mps") -> xr.DataArray:
        """Exceedance probability ``P(var > x)`` over the samples (or all scenarios); see :func:`exceedance`.

        Parameters
        ----------
        thresholds : float or array_like
            Thresholds x, in the SI unit of ``var``.
        var : str
            Outcome variable.

        Returns
        -------
        xarray.DataArray
            Probabilities along a ``threshold`` dimension.

        Examples
        --------
        >>> sw.exceedance([0.0, 10.0, 20.0])  # doctest: +SKIP
        """
        return exceedance(self.outcomes, thresholds, var=var)

    def plot_heatmap(self, ax: Axes | None = None, var: str = "impact_speed_mps", **kw: Any) -> Axes:
        """Heatmap of ``var`` over two swept keys (see :func:`gradesim.sweeps.plots.plot_heatmap`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when None.
        var : str
            Outcome variable.
        **kw
            Passed to :func:`~gradesim.sweeps.plots.plot_heatmap` (``x``,
            ``y``, ``units``, ``sel``, ``mark_kind``, ``cmap``).

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> sw.plot_heatmap(var="max_speed_mps", units="si")  # doctest: +SKIP
        """
        from gradesim.sweeps.plots import plot_heatmap

        return plot_heatmap(_axes(ax), self.outcomes, var=var, **kw)

    def plot_fan(self, ax: Axes | None = None, **kw: Any) -> Axes:
        """Fan chart of the kept traces (see :func:`gradesim.sweeps.plots.plot_fan`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when None.
        **kw
            Passed to :func:`~gradesim.sweeps.plots.plot_fan` (``units``,
            ``percentiles``).

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Examples
        --------
        >>> sw.plot_fan(units="us")  # doctest: +SKIP
        """
        from gradesim.sweeps.plots import plot_fan

        return plot_fan(_axes(ax), self.outcomes, **kw)

    def __repr__(self) -> str:
        """``SweepResult(design: counts of each outcome kind)``."""
        ds = self.outcomes
        kinds = np.bincount(ds["kind"].values.ravel().astype(int) + 1, minlength=len(L.KIND_NAMES) + 1)[1:]
        parts = ", ".join(f"{n} {k}" for k, n in zip(L.KIND_NAMES, kinds, strict=True) if n)
        return f"SweepResult({ds.attrs.get('design', '')}: {parts})"


def _axes(ax):
    """``ax``, or the axes of a new 8 x 5 in figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    return ax
