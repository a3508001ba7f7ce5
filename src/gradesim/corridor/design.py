"""A fleet on a corridor as a sweep design: the sampled trucks become factors of the ensemble.

The design has a ``sample`` dimension (one truck per sample) and, for ramp
siting, grid dimensions (candidate layouts).  Every layout sees the same trucks
(common random numbers), and the job runs on the sweeps' chunked, resumable
Zarr store, locally or on Dask.

Examples
--------
>>> import gradesim as gs
>>> from gradesim.corridor.fleet import DEFAULT_FLEET, Fleet
>>> job = fleet_job(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi_ramp.toml"),
...                 Fleet.from_toml(DEFAULT_FLEET), samples=100, seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.corridor.fleet import ENDS
from gradesim.scenario import Scenario, ScenarioError
from gradesim.sweeps.backends import Job
from gradesim.sweeps.design import SAMPLE_DIM, Design, Factor, grid_factor, to_si

#: keys the fleet sets, and the sample arrays behind them
CONTINUOUS = {
    "truck.gross_weight": ("gross_weight_lb", "lb"),
    "truck.brakes.drive.stroke_at_rest": ("stroke_drive_in", "inch"),
    "truck.brakes.trailer.stroke_at_rest": ("stroke_trailer_in", "inch"),
    "truck.brakes.initial_temperature": ("initial_temperature_degF", "degF"),
    "driver.reaction_time": ("reaction_time_s", "s"),
}


def _choice_factor(key: str, values: list[Any], index: np.ndarray, source: str | None) -> Factor:
    """A sampled factor over listed values (``index`` picks the value of each sample)."""

    def err(msg: str) -> ScenarioError:
        return ScenarioError(msg, source, key)

    g = grid_factor(key, values, err)
    return Factor(key, SAMPLE_DIM, g.labels, g.values, g.unit, g.user, g.si, index.astype(np.int64), {"fleet": key})


def gear_values(right_gear: Any, offsets: list[int], n_gears: int) -> list[Any]:
    """The gears the fleet's drivers pick: the right gear plus each offset (within 1..n), and ``"neutral"``.

    Parameters
    ----------
    right_gear : int or str
        The scenario's ``driver.gear``: the gear an attentive driver selects for the grade.
    offsets : list of int
        Offsets from it (positive: a higher gear, less engine braking).
    n_gears : int
        Forward gears of the transmission.

    Returns
    -------
    list
        Gear numbers, then ``"neutral"`` (a missed shift).

    Examples
    --------
    >>> gear_values(8, [-1, 0, 1, 2], 10)
    [7, 8, 9, 10, 'neutral']
    """
    if not isinstance(right_gear, int):
        raise ScenarioError(f"the corridor's driver.gear is the right gear for the grade; not {right_gear!r}", None)
    return [*sorted({min(max(right_gear + int(o), 1), n_gears) for o in offsets}), "neutral"]


def fleet_factors(sc: Scenario, fleet: Any, samples: dict[str, np.ndarray]) -> list[Factor]:
    """The sweep factors that put each sampled truck on the scenario.

    Parameters
    ----------
    sc : Scenario
        The corridor scenario (its ``driver.gear`` is the right gear).
    fleet : Fleet
        The fleet the samples came from.
    samples : dict of numpy.ndarray
        :meth:`Fleet.sample` output.

    Returns
    -------
    list of Factor
        Factors on the ``sample`` dimension.

    Examples
    --------
    >>> fs = fleet_factors(sc, fleet, fleet.sample(10))  # doctest: +SKIP
    """
    out = []
    per_end = per_end_strokes(sc)
    for key, (name, unit) in CONTINUOUS.items():
        if per_end and key.endswith(".stroke_at_rest"):
            g = key.split(".")[2]
            names = [(f"{key}.{k}", f"stroke_{g}_{k}_in") for k in range(ENDS[g])]
        else:
            names = [(key, name)]
        for k, n in names:
            x = np.asarray(samples[n], dtype=float)
            out.append(Factor(k, SAMPLE_DIM, [], None, unit, x, to_si(x, unit), None, {"fleet": n}))
    offsets = [int(o) for o in fleet.choices("driver.gear_offset")]
    n_gears = int(sc.to_kernel().P[L.P_N_GEARS])
    gears = gear_values(sc.model.driver.gear, offsets, n_gears)
    usable = _usable_gears(sc, gears[:-1])
    chosen = np.array([min(max(sc.model.driver.gear + offsets[int(k)], 1), n_gears) for k in samples["gear_offset"]])
    gears = [*sorted(set(usable.values())), "neutral"]
    gear_index = np.array([gears.index(usable[int(g)]) for g in chosen])
    gear_index[samples["missed_shift"] > 0] = len(gears) - 1
    out.append(_choice_factor("driver.gear", gears, gear_index, fleet.source))
    for key, entry in (("driver.strategy", "strategy"), ("driver.engine_brake", "engine_brake")):
        out.append(_choice_factor(key, fleet.choices(f"driver.{entry}"), samples[entry], fleet.source))
    take = np.where(samples["takes_ramp"] > 0, 0, 1)
    out.append(_choice_factor("driver.take_ramp", ["auto", "none"], take, fleet.source))
    return out


def per_end_strokes(sc: Scenario) -> bool:
    """True if the scenario takes one stroke per wheel end (``stroke_at_rest = [...]``) for the sampled groups.

    Then every wheel end gets its own sampled stroke; otherwise (the group-level
    fallback) a group gets the mean stroke of its ends.

    Parameters
    ----------
    sc : Scenario
        The corridor scenario.

    Returns
    -------
    bool

    Examples
    --------
    >>> per_end_strokes(sc)  # doctest: +SKIP
    False
    """
    try:
        with_per_end_lists(sc).to_kernel()
    except ScenarioError:
        return False
    return True


def with_per_end_lists(sc: Scenario) -> Scenario:
    """The scenario with each sampled group's ``stroke_at_rest`` written as a per-wheel-end list.

    Parameters
    ----------
    sc : Scenario
        The corridor scenario.

    Returns
    -------
    Scenario
        Ends at 0.60, 0.65, ... in: different per end, so a scenario that lumps
        the ends of a group refuses it (the values are replaced by the fleet's draws).

    Examples
    --------
    >>> with_per_end_lists(sc)  # doctest: +SKIP
    """
    return sc.replace(
        {f"truck.brakes.{g}.stroke_at_rest": [f"{0.6 + 0.05 * k:.2f} in" for k in range(n)] for g, n in ENDS.items()}
    )


def _usable_gears(sc: Scenario, gears: list[int]) -> dict[int, int]:
    """Each gear, or the next higher one the scenario accepts at its initial speed (a warning says which)."""
    import warnings

    ok = []
    for g in gears:
        try:
            sc.replace({"driver.gear": g}).to_kernel()
            ok.append(g)
        except ScenarioError:
            pass
    if not ok:
        raise ScenarioError(
            f"none of the fleet's gears {gears} is usable at the initial speed", sc.source, "driver.gear"
        )
    out = {g: next((h for h in ok if h >= g), ok[-1]) for g in gears}
    moved = {g: h for g, h in out.items() if g != h}
    if moved:
        warnings.warn(
            f"{sc.source or 'corridor'}: gears {sorted(moved)} overspeed the engine at the initial speed; "
            f"those drivers take gear {sorted(set(moved.values()))} instead",
            UserWarning,
            stacklevel=3,
        )
    return out


def with_ramps(sc: Scenario, ramps: list[dict[str, Any]] | None) -> Scenario:
    """The scenario with ``road.ramps`` replaced (``None``: unchanged), sorted by position.

    Parameters
    ----------
    sc : Scenario
        The corridor scenario.
    ramps : list of dict or None
        Ramp tables as in the scenario file (``position``, ``length``, ``grade``, ``bed``).

    Returns
    -------
    Scenario

    Examples
    --------
    >>> ramp = {"position": "3 mi", "length": "1000 ft", "grade": "5 %", "bed": "pea_gravel"}
    >>> with_ramps(sc, [ramp]).model.road.ramps[0].position  # doctest: +SKIP
    '3 mi'
    """
    if ramps is None:
        return sc
    data = copy.deepcopy(sc.data)
    data.setdefault("road", {})["ramps"] = [dict(r) for r in ramps]
    return Scenario(data, source=sc.source, base_dir=sc.base_dir)


def fleet_job(
    sc: Scenario,
    fleet: Any,
    samples: int,
    seed: int,
    *,
    grid: dict[str, list[Any]] | None = None,
    traces: int = 0,
    chunk_size: int | None = None,
) -> Job:
    """A prepared sweep :class:`~gradesim.sweeps.backends.Job`: ``samples`` fleet trucks (x the grid).

    Parameters
    ----------
    sc : Scenario
        The corridor scenario.
    fleet : Fleet
        The traffic mix.
    samples : int
        Trucks drawn.
    seed : int
        Seed of the draw (same seed: same trucks, for every layout of the grid).
    grid : dict, optional
        ``{dotted key: [values]}`` layouts to compare on the same trucks.
    traces : int
        Speed-vs-distance traces to keep (for speeds at given points).
    chunk_size : int, optional
        Scenarios per chunk.

    Returns
    -------
    Job

    Examples
    --------
    >>> job = fleet_job(sc, fleet, 1000, 1)  # doctest: +SKIP
    """
    from gradesim.sweeps.fastpack import build_packer
    from gradesim.sweeps.run import DEFAULT_CHUNK, SLOW_CHUNK, TRACE_POINTS
    from gradesim.sweeps.store import Chunking

    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise ScenarioError(f"samples needs a whole number >= 1, not {samples!r}", sc.source, "samples")
    factors: list[Factor] = []
    for key, values in (grid or {}).items():

        def err(msg: str, key: str = key) -> ScenarioError:
            return ScenarioError(msg, sc.source, key)

        factors.append(grid_factor(key, values, err))
    if per_end_strokes(sc):
        sc = with_per_end_lists(sc)
    factors += fleet_factors(sc, fleet, fleet.sample(samples, seed))
    dims = (*[f.dim for f in factors if f.dim != SAMPLE_DIM], SAMPLE_DIM)
    shape = (*[len(f.values or ()) for f in factors if f.dim != SAMPLE_DIM], samples)
    spec = {
        "grid": {k: list(v) for k, v in (grid or {}).items()},
        "random": {"method": "fleet", "samples": samples, "seed": int(seed), "fleet": fleet.hash, "name": fleet.name},
        "traces": int(traces),
    }
    design = Design(factors, dims, shape, spec)
    packer = build_packer(sc, design)
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK if packer.fast else SLOW_CHUNK
        chunk_size = min(chunk_size, max(256 if packer.fast else 16, -(-design.size // 16)))
    chunking = Chunking.for_shape(design.shape, int(chunk_size))
    n_tr = min(int(traces), design.size)
    trace_index = (
        np.unique(np.linspace(0, design.size - 1, n_tr).round().astype(np.int64)) if n_tr else np.zeros(0, int)
    )
    return Job(design, packer, chunking, trace_index, np.linspace(0.0, packer.max_path_m, TRACE_POINTS))
