"""Brakes per wheel end: the wheel-end classes of a run and their trace columns.

The ends of a brake group that share every per-end value (free stroke
``stroke_at_rest``, ``out_of_service``) form one *class*; the core integrates
one drum node and one slow node per class and multiplies its force by the
number of ends in it (:mod:`gradesim.core.layout`, ``B_CLS_*``).  A group with
a single class is what the lumped model always was.  This module tells which
ends are in which class and builds the per-class trace columns; the
group-level columns stay (hottest end, total force, longest stroke).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.core import layout as L

if TYPE_CHECKING:
    from gradesim.simulation.result import Result

PSI = 6894.757293168361  # [Pa]


@dataclass(frozen=True)
class WheelEndClass:
    """Wheel ends of one group with identical per-end values.

    Attributes
    ----------
    group : str
        ``"steer"``, ``"drive"`` or ``"trailer"``.
    index : int
        Class number in its group (0 is the first end's class).
    ends : tuple of int
        Wheel ends in the class, numbered from 0 in the order of the
        scenario's per-end lists.
    stroke_at_rest_m : float
        Free stroke of these ends, cold. [m]
    out_of_service : bool
        The linings do not touch the drum (no brake force).
    drum_state : int
        Index of the drum node in the state vector ``y``.
    hub_state : int
        Index of the slow node (hub, wheel, shoes) in ``y``.
    """

    group: str
    index: int
    ends: tuple[int, ...]
    stroke_at_rest_m: float
    out_of_service: bool
    drum_state: int
    hub_state: int

    @property
    def label(self) -> str:
        """Short label, e.g. ``"trailer ends 2-4"`` (ends numbered from 1)."""
        e = [i + 1 for i in self.ends]
        if len(e) == 1:
            return f"{self.group} end {e[0]}"
        if e == list(range(e[0], e[-1] + 1)):
            return f"{self.group} ends {e[0]}-{e[-1]}"
        return f"{self.group} ends {','.join(map(str, e))}"


def wheel_end_classes(res: Result) -> list[WheelEndClass]:
    """The wheel-end classes of a run, group by group.

    Parameters
    ----------
    res : Result
        A simulation result.

    Returns
    -------
    list of WheelEndClass
        Every class of every group that has brakes (one per group when all its
        ends are alike).

    Examples
    --------
    >>> [c.label for c in wheel_end_classes(res)]  # doctest: +SKIP
    ['steer ends 1-2', 'drive ends 1-4', 'trailer ends 1-3', 'trailer end 4']
    """
    from gradesim.scenario.pack_brakes import end_classes
    from gradesim.scenario.units import to_si

    P = res.kernel_input.P
    out = []
    for gi, grp in enumerate(L.GROUP_NAMES):
        base = L.P_BRK + gi * L.NB
        n_ends = int(P[base + L.B_N_ENDS])
        if n_ends <= 0:
            continue
        g = res.scenario.truck["brakes"][grp]
        rest, off = g["stroke_at_rest"], g.get("out_of_service", False)
        strokes = [to_si(r, "length") for r in (rest if isinstance(rest, list) else [rest] * n_ends)]
        offs = [bool(x) for x in (off if isinstance(off, list) else [off] * n_ends)]
        for c, ((stroke, is_off), ends) in enumerate(end_classes(strokes, offs).items()):
            i_d = L.Y_T0 + gi if c == 0 else int(P[base + L.B_CLS_Y + c])
            i_h = L.Y_TH0 + gi if c == 0 else i_d + 1
            out.append(WheelEndClass(grp, c, tuple(ends), stroke, is_off, i_d, i_h))
    return out


def inspection_stroke_class(P: np.ndarray, group: int, cls: WheelEndClass, temp_K: np.ndarray) -> np.ndarray:
    """Pushrod stroke of one wheel-end class at a 90 psi application (as an inspector measures).

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters (:mod:`gradesim.core.layout`).
    group : int
        Axle group index: 0 steer, 1 drive, 2 trailer.
    cls : WheelEndClass
        The class (its free stroke; an end out of service strokes to the
        chamber's rated stroke).
    temp_K : array_like
        Drum temperatures. [K]

    Returns
    -------
    numpy.ndarray
        Pushrod stroke at each temperature. [m]

    References
    ----------
    .. [1] 49 CFR 393.47(e), brake adjustment limits (strokes measured at
       80-90 psi).

    Examples
    --------
    >>> inspection_stroke_class(res.kernel_input.P, 2, wheel_end_classes(res)[-1], [300.0])  # doctest: +SKIP
    """
    from gradesim.core.brakes import contact_stroke_scalar, pushrod_force_scalar

    b = L.P_BRK + group * L.NB
    temp = np.asarray(temp_K, dtype=float)
    if cls.out_of_service:
        return np.full(temp.shape, P[b + L.B_STROKE_MAX])
    res = np.empty(temp.shape)
    for i, t in enumerate(temp):
        sc = contact_stroke_scalar(
            t,
            cls.stroke_at_rest_m,
            P[b + L.B_STROKE_GAIN],
            P[b + L.B_EXPANSION],
            P[b + L.B_DRUM_DIAM],
            P[b + L.B_T_REF],
        )
        a, pth, comp, smax, w = (P[b + k] for k in (L.B_AREA, L.B_P_TH, L.B_COMPLIANCE, L.B_STROKE_MAX, L.B_ROLLOFF))
        res[i] = pushrod_force_scalar(90.0 * PSI, sc, a, pth, comp, smax, w)[1]
    return res


def group_columns(res: Result, gi: int, limit: float) -> dict[str, Any]:
    """Trace columns of one brake group: group-level, and per class when its ends differ.

    Group level: ``brake_temp_<g>_K`` and ``hub_temp_<g>_K`` of the hottest
    end, total ``brake_force_<g>_N``, the longest ``stroke_<g>_m``, the
    smallest ``stroke_factor_<g>`` and ``lining_mu_<g>`` of the ends in
    service, ``spring_pressure_<g>_Pa``, the longest
    ``inspection_stroke_<g>_m`` and ``over_adjustment_limit_<g>``.  With more
    than one class, per class ``c``: ``brake_temp_<g>_c<c>_K``,
    ``hub_temp_<g>_c<c>_K``, ``brake_force_<g>_c<c>_N`` (one end),
    ``stroke_<g>_c<c>_m`` and ``inspection_stroke_<g>_c<c>_m``.

    Parameters
    ----------
    res : Result
        A simulation result.
    gi : int
        Axle group index: 0 steer, 1 drive, 2 trailer.
    limit : float
        The group's readjustment limit. [m]

    Returns
    -------
    dict of str to numpy.ndarray
        Column name to values, one per trace row (SI).

    Examples
    --------
    >>> sorted(group_columns(res, 2, 0.0508))[:2]  # doctest: +SKIP
    ['brake_force_trailer_N', 'brake_force_trailer_c0_N']
    """
    grp = L.GROUP_NAMES[gi]
    r, d, P = res.rows, res.diag, res.kernel_input.P
    classes = [c for c in wheel_end_classes(res) if c.group == grp]
    temps = np.column_stack([r[:, L.R_Y0 + c.drum_state] for c in classes])
    hubs = np.column_stack([r[:, L.R_Y0 + c.hub_state] for c in classes])
    insp = np.column_stack([inspection_stroke_class(P, gi, c, temps[:, k]) for k, c in enumerate(classes)])
    cols: dict[str, Any] = {
        f"brake_temp_{grp}_K": temps.max(axis=1),
        f"hub_temp_{grp}_K": hubs.max(axis=1),
        f"brake_force_{grp}_N": d[:, L.D_FB0 + gi],
        f"stroke_{grp}_m": d[:, L.D_STROKE0 + gi],
        f"stroke_factor_{grp}": d[:, L.D_STROKEF0 + gi],
        f"lining_mu_{grp}": d[:, L.D_MU0 + gi],
        f"spring_pressure_{grp}_Pa": d[:, L.D_P_SPRING0 + gi],
        f"inspection_stroke_{grp}_m": insp.max(axis=1),
        f"over_adjustment_limit_{grp}": insp.max(axis=1) > limit,
    }
    if len(classes) > 1:
        for k, c in enumerate(classes):
            j = gi * L.MAX_CLASSES + c.index
            cols[f"brake_temp_{grp}_c{c.index}_K"] = temps[:, k]
            cols[f"hub_temp_{grp}_c{c.index}_K"] = hubs[:, k]
            cols[f"brake_force_{grp}_c{c.index}_N"] = d[:, L.D_CF0 + j]
            cols[f"stroke_{grp}_c{c.index}_m"] = d[:, L.D_CS0 + j]
            cols[f"inspection_stroke_{grp}_c{c.index}_m"] = insp[:, k]
    return cols
