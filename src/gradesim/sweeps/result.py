"""The result of a sweep: :class:`SweepResult` and the exceedance curve it offers."""

from __future__ import annotations

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
    """P(``var`` > x) for each threshold x [SI units of ``var``].

    Taken over the ``sample`` dimension of a Monte Carlo (one value per grid
    point left), or over every scenario of a pure grid.  The coordinate ``n``
    is the number of scenarios behind each probability.
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
        Wall time of the simulation part [s].
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
        """Outcome kinds as strings."""
        names = np.array((*L.KIND_NAMES, "not computed"), dtype=object)
        return xr.apply_ufunc(lambda k: names[k], self.outcomes["kind"].astype(int))

    def to_dataframe(self) -> pd.DataFrame:
        """One row per scenario: swept values (as given), sampled inputs and outcomes (kind as text)."""
        ds = self.outcomes.drop_vars([TRACE_VAR, "trace_scenario", "trace_distance"], errors="ignore")
        df = ds.to_dataframe().reset_index()
        df["kind"] = np.array((*L.KIND_NAMES, "not computed"))[df["kind"].to_numpy().astype(int)]
        return df

    def exceedance(self, thresholds: Any, var: str = "impact_speed_mps") -> xr.DataArray:
        """P(``var`` > x) over the samples (or all scenarios) for each threshold x (SI)."""
        return exceedance(self.outcomes, thresholds, var=var)

    def plot_heatmap(self, ax: Axes | None = None, var: str = "impact_speed_mps", **kw: Any) -> Axes:
        """Heatmap of ``var`` over two swept keys (see :func:`gradesim.sweeps.plots.plot_heatmap`)."""
        from gradesim.sweeps.plots import plot_heatmap

        return plot_heatmap(_axes(ax), self.outcomes, var=var, **kw)

    def plot_fan(self, ax: Axes | None = None, **kw: Any) -> Axes:
        """Fan chart of the kept traces (see :func:`gradesim.sweeps.plots.plot_fan`)."""
        from gradesim.sweeps.plots import plot_fan

        return plot_fan(_axes(ax), self.outcomes, **kw)

    def __repr__(self) -> str:
        ds = self.outcomes
        kinds = np.bincount(ds["kind"].values.ravel().astype(int) + 1, minlength=len(L.KIND_NAMES) + 1)[1:]
        parts = ", ".join(f"{n} {k}" for k, n in zip(L.KIND_NAMES, kinds, strict=True) if n)
        return f"SweepResult({ds.attrs.get('design', '')}: {parts})"


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    return ax
