"""Packing of the brake groups: chambers, linkage, drums, heat and the friction curve."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario import parameter_sets
from gradesim.scenario.packer import Packer

GROUPS = L.GROUP_NAMES


def pack_brakes(pk: Packer, P: np.ndarray, tr: dict[str, Any], v_res: float) -> None:
    """Fill the brake blocks of ``P`` from ``truck.brakes`` and the air drawn per application.

    Per axle group (steer, drive, trailer): chamber area and rated stroke,
    push-out pressure, free stroke at rest and linkage compliance, slack
    length and torque ratio, drum diameter and thermal expansion, drum heat
    capacity, cooling area and convection ``h(v) = h0 + h1 v^0.8``, the slow
    thermal node (hub heat capacity, drum-hub conductance, hub cooling), load
    share, spring brakes, initial temperature and the lining friction curve
    mu(T).  Also the fraction of the reservoir one full application draws,
    ``sum(n_ends x area x rated stroke x 1.19) / V_res``, the brakes' heat
    fraction, emissivity and temperature limit.

    Parameters
    ----------
    pk : Packer
        The scenario's packer (unit parsing; errors name file and key).
    P : numpy.ndarray
        Parameter vector, shape ``(layout.NP,)``, filled in place (SI units).
    tr : dict
        The resolved ``[truck]`` table (preset merged with overrides).
    v_res : float
        Reservoir volume. [m^3]

    Raises
    ------
    ScenarioError
        A value that is not a quantity of the right kind, a non-positive
        compliance, a negative expansion, a convection that falls with speed,
        a friction curve that rises with temperature, or load shares that do
        not add up to 1 (within 0.02).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.scenario import Scenario
    >>> from gradesim.scenario.packer import Packer
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> P = np.zeros(L.NP)
    >>> pack_brakes(Packer(sc), P, sc.truck, 10_000 * 0.0254**3)  # a 10,000 in^3 reservoir
    >>> drive = L.P_BRK + 1 * L.NB
    >>> int(P[drive + L.B_N_ENDS]), round(float(P[drive + L.B_STROKE_REST]) / 0.0254, 2)  # wheel ends, [in]
    (4, 0.5)
    >>> round(float(P[L.P_AIR_DRAW]), 3)  # the chambers of a full application hold 8.2 % of the reservoir's volume
    0.082

    References
    ----------
    49 CFR 571.121 (FMVSS No. 121, Air brake systems), S5.1 and Table V (brake
    chamber rated volumes); 49 CFR 393.47(e) (chamber types, rated strokes and
    readjustment limits).
    """
    brakes = tr.get("brakes", {})
    _, _, chambers = parameter_sets.common()
    vol_ch = 0.0
    for gi, grp in enumerate(GROUPS):
        vol_ch += _pack_group(pk, P, gi, brakes[grp], chambers)
    n_extra = 0
    for gi in range(L.NGROUPS):  # state slots of the extra wheel-end classes, group by group
        base = L.P_BRK + gi * L.NB
        for c in range(1, int(P[base + L.B_N_CLS])):
            P[base + L.B_CLS_Y + c] = L.Y_X0 + 2 * n_extra
            n_extra += 1
    P[L.P_N_EXTRA] = n_extra
    P[L.P_AIR_DRAW] = vol_ch / v_res
    P[L.P_HEAT_FRACTION] = float(brakes.get("heat_fraction", 1.0))
    P[L.P_EMISSIVITY] = float(brakes.get("emissivity", 0.7))
    P[L.P_T_LIMIT] = pk.si(brakes.get("temperature_limit", "500 degF"), "temperature", "truck.brakes.temperature_limit")
    share = sum(float(brakes[g].get("load_share", 0.0)) for g in GROUPS if int(brakes[g].get("wheel_ends", 0)) > 0)
    if abs(share - 1.0) > 0.02:
        raise pk.err("truck.brakes", f"load_share of the groups adds up to {share:.3f}, not 1")


def _pack_group(pk: Packer, P: np.ndarray, gi: int, g: dict[str, Any], chambers: dict[str, Any]) -> float:
    """Fill group ``gi``'s block of P; return its chambers' rated volume [m^3]."""
    key = f"truck.brakes.{GROUPS[gi]}"
    base = L.P_BRK + gi * L.NB
    n_ends = int(g.get("wheel_ends", 0))
    P[base + L.B_N_ENDS] = n_ends
    if n_ends == 0:
        P[base + L.B_HEAT_CAP] = 1.0
        P[base + L.B_MU_N] = 1
        P[base + L.B_MU_V0] = 0.4
        P[base + L.B_MU_REF] = 0.4
        P[base + L.B_STROKE_MAX] = 1.0
        P[base + L.B_ROLLOFF] = 0.1
        P[base + L.B_T_INIT] = 300.0
        P[base + L.B_T_HUB_INIT] = 300.0
        return 0.0
    ch = chambers[str(g["chamber"])]
    area = pk.si(ch["area"], "area", f"{key}.chamber")
    P[base + L.B_AREA] = area
    P[base + L.B_STROKE_MAX] = pk.si(ch["rated_stroke"], "length", f"{key}.chamber")
    P[base + L.B_P_TH] = pk.si(g["pushout_pressure"], "pressure", f"{key}.pushout_pressure")
    _pack_classes(pk, P, base, g, key, n_ends)
    P[base + L.B_COMPLIANCE] = pk.compound(g["compliance"], "m/Pa", f"{key}.compliance")
    if P[base + L.B_COMPLIANCE] <= 0.0:
        raise pk.err(f"{key}.compliance", f"{g['compliance']!r} must be positive")
    P[base + L.B_ROLLOFF] = pk.si(g["rolloff"], "length", f"{key}.rolloff")
    P[base + L.B_SLACK] = pk.si(g["slack_length"], "length", f"{key}.slack_length")
    P[base + L.B_TORQUE_RATIO] = float(g["torque_ratio"])
    P[base + L.B_DRUM_DIAM] = pk.si(g["drum_diameter"], "length", f"{key}.drum_diameter")
    P[base + L.B_EXPANSION] = pk.compound(g["expansion"], "1/K", f"{key}.expansion")
    if P[base + L.B_EXPANSION] < 0.0:
        raise pk.err(f"{key}.expansion", f"{g['expansion']!r} must not be negative")
    P[base + L.B_STROKE_GAIN] = float(g["stroke_gain"])
    P[base + L.B_T_REF] = pk.si(g["adjusted_at"], "temperature", f"{key}.adjusted_at")
    P[base + L.B_HEAT_CAP] = pk.si(g["heat_capacity"], "heat_capacity", f"{key}.heat_capacity")
    P[base + L.B_AREA_COOL] = pk.si(g["cooling_area"], "area", f"{key}.cooling_area")
    _pack_slow_node(pk, P, base, g, key)
    conv = g["convection"]
    h0 = pk.compound(conv["still"], "W/m**2/K", f"{key}.convection.still")
    h_ref = pk.compound(conv["at_speed"], "W/m**2/K", f"{key}.convection.at_speed")
    v_ref = pk.si(conv["speed"], "speed", f"{key}.convection.speed")
    if h0 < 0.0 or h_ref < h0:
        raise pk.err(f"{key}.convection", "needs 0 <= still <= at_speed (cooling never falls with speed)")
    P[base + L.B_H0] = h0
    P[base + L.B_H1] = (h_ref - h0) / v_ref**0.8
    P[base + L.B_LOAD_SHARE] = float(g["load_share"])
    P[base + L.B_SPRING] = 1.0 if g.get("spring_brakes") else 0.0
    P[base + L.B_T_INIT] = pk.si(g["initial_temperature"], "temperature", f"{key}.initial_temperature")
    temps, mus = _friction_curve(pk, g["friction_curve"], f"{key}.friction_curve")
    shift = pk.compound(g.get("fade_shift", 0.0), "K", f"{key}.fade_shift")  # a temperature difference [K]
    temps = [t + shift for t in temps]
    P[base + L.B_MU_N] = len(temps)
    P[base + L.B_MU_T0 : base + L.B_MU_T0 + len(temps)] = temps
    P[base + L.B_MU_V0 : base + L.B_MU_V0 + len(mus)] = mus
    P[base + L.B_MU_REF] = float(g.get("friction_reference", 0.40))
    # rated chamber volume ~ area x rated stroke (FMVSS 121 Table V lists 89 in^3 for Type 30)
    return n_ends * area * P[base + L.B_STROKE_MAX] * 1.19


def _per_end(pk: Packer, g: dict[str, Any], name: str, key: str, n_ends: int, default: Any) -> list[Any]:
    """A per-end key as one value per wheel end: a scalar is the shorthand for every end."""
    val = g.get(name, default)
    if not isinstance(val, list):
        return [val] * n_ends
    if len(val) != n_ends:
        raise pk.err(
            f"{key}.{name}", f"{val!r} has {len(val)} values but the group has {n_ends} wheel ends (one per end)"
        )
    return list(val)


def end_classes(strokes: list[float], off: list[bool]) -> dict[tuple[float, bool], list[int]]:
    """Wheel ends grouped into classes of identical per-end values, in order of first appearance.

    Parameters
    ----------
    strokes : list of float
        Free stroke of each wheel end. [m]
    off : list of bool
        Whether each end is out of service (linings do not touch the drum).

    Returns
    -------
    dict
        ``(free stroke [m], out of service)`` to the indices of the ends in
        that class; the first key is class 0 (the first end's).

    Examples
    --------
    >>> end_classes([0.066, 0.066, 0.066, 0.028], [False] * 4)
    {(0.066, False): [0, 1, 2], (0.028, False): [3]}
    """
    classes: dict[tuple[float, bool], list[int]] = {}
    for i, end in enumerate(zip(strokes, off, strict=True)):
        classes.setdefault(end, []).append(i)
    return classes


def _pack_classes(pk: Packer, P: np.ndarray, base: int, g: dict[str, Any], key: str, n_ends: int) -> None:
    """Group the wheel ends into classes of identical per-end values (free stroke, out of service).

    Class 0 is the first end's; the others follow in order of first appearance.
    Class 0's free stroke is also the group's ``B_STROKE_REST``.
    """
    strokes = [
        pk.si(r, "length", f"{key}.stroke_at_rest") for r in _per_end(pk, g, "stroke_at_rest", key, n_ends, None)
    ]
    off = [bool(x) for x in _per_end(pk, g, "out_of_service", key, n_ends, False)]
    classes = end_classes(strokes, off)
    if len(classes) > L.MAX_CLASSES:
        raise pk.err(
            f"{key}.stroke_at_rest",
            f"{len(classes)} different wheel-end conditions (stroke_at_rest, out_of_service); "
            f"at most {L.MAX_CLASSES} per group are modelled",
        )
    P[base + L.B_N_CLS] = len(classes)
    for c, ((stroke, is_off), ends) in enumerate(classes.items()):
        P[base + L.B_CLS_MULT + c] = len(ends)
        P[base + L.B_CLS_STROKE + c] = stroke
        P[base + L.B_CLS_OFF + c] = 1.0 if is_off else 0.0
    P[base + L.B_STROKE_REST] = strokes[0]


def _pack_slow_node(pk: Packer, P: np.ndarray, base: int, g: dict[str, Any], key: str) -> None:
    """The slow thermal node (hub, wheel, shoes): capacity, coupling to the drum, loss, start temperature."""
    cap = g.get("hub_heat_capacity")
    P[base + L.B_HUB_CAP] = 0.0 if cap is None else pk.si(cap, "heat_capacity", f"{key}.hub_heat_capacity")
    if P[base + L.B_HUB_CAP] > 0.0:
        for name, idx in (("hub_conductance", L.B_G_DH), ("hub_cooling", L.B_HUB_COOL)):
            if name not in g:
                raise pk.err(f"{key}.{name}", "is needed with a hub_heat_capacity above 0 [W/K]")
            P[base + idx] = pk.compound(g[name], "W/K", f"{key}.{name}")
            if P[base + idx] < 0.0:
                raise pk.err(f"{key}.{name}", f"{g[name]!r} must not be negative")
    t_hub = g.get("hub_initial_temperature", g["initial_temperature"])
    P[base + L.B_T_HUB_INIT] = pk.si(t_hub, "temperature", f"{key}.hub_initial_temperature")


def _friction_curve(pk: Packer, spec: Any, key: str) -> tuple[list[float], list[float]]:
    """A named or inline lining friction curve as (temperatures [K], mu [-]), checked to fade only."""
    if isinstance(spec, str):
        curves = parameter_sets.friction_curves()
        if spec not in curves:
            raise pk.err(key, f"{spec!r} is not a friction curve (have: {', '.join(curves)})")
        spec = curves[spec]
    temps = [pk.si(t, "temperature", key) for t in spec["temperature"]]
    mus = [float(v) for v in spec["mu"]]
    if len(temps) != len(mus) or not 1 <= len(temps) <= L.MU_POINTS:
        raise pk.err(key, f"needs 1 to {L.MU_POINTS} (temperature, mu) pairs of equal length")
    if any(b <= a for a, b in itertools.pairwise(temps)):
        raise pk.err(key, "temperatures must increase")
    if any(b > a for a, b in itertools.pairwise(mus)):
        raise pk.err(key, "friction must not rise with temperature (fade only lowers it)")
    return temps, mus
