"""Invariants of one wheel end's brake (hypothesis), calling core.brakes.wheel_end_force directly.

Over random application pressures, drum temperatures, adjustments (free stroke)
and axle groups of the shipped presets:
* a hotter drum never gives more brake force (lining friction falls, stroke grows);
* more pressure never gives less force (the roll-off near the rated stroke saturates, never reverses);
* the pushrod stroke never shrinks as the drum heats (thermal growth of the drum);
* force is never negative and the stroke never exceeds the chamber's rated stroke.
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gradesim as gs
from gradesim.core import layout as L
from gradesim.core.brakes import wheel_end_force

PSI = 6894.757293168361
IN = 0.0254
PRESETS = ("tractor_semitrailer_5axle", "straight_truck_3axle")
SETTINGS = settings(max_examples=300, deadline=None)

pressure = st.floats(0.0, 130.0)  # [psi], beyond full application on purpose
temperature = st.floats(250.0, 1100.0)  # [K], below ambient to far past fade
free_stroke = st.floats(0.3, 2.6)  # [in], well adjusted to past the rated stroke


@functools.cache
def params(preset: str) -> np.ndarray:
    sc = gs.Scenario.from_dict(
        {"truck": {"preset": preset}, "road": {"segments": [{"length": "1 km", "grade": "0 %"}]}}
    )
    return sc.to_kernel().P


def present(preset: str, g: int) -> bool:
    return params(preset)[L.P_BRK + g * L.NB + L.B_N_ENDS] > 0  # the straight truck has no trailer group


group = st.sampled_from([(p, g) for p in PRESETS for g in range(L.NGROUPS) if present(p, g)])


def force(pg, s_rest_in, p_psi, t_K):
    preset, g = pg
    P = params(preset).copy()
    base = L.P_BRK + g * L.NB
    P[base + L.B_STROKE_REST] = s_rest_in * IN
    out = np.zeros(3)
    f = wheel_end_force(p_psi * PSI, t_K, P[L.P_WHEEL_RADIUS], P, base, out)
    return f, out[0], P[base + L.B_STROKE_MAX]


TOL = 1e-9  # [N], [m]: round-off only


@SETTINGS
@given(pg=group, s=free_stroke, p=pressure, t1=temperature, dt=st.floats(0.0, 500.0))
def test_hotter_drum_never_gives_more_force(pg, s, p, t1, dt):
    f1, *_ = force(pg, s, p, t1)
    f2, *_ = force(pg, s, p, t1 + dt)
    assert f2 <= f1 + TOL * max(1.0, f1)


@SETTINGS
@given(pg=group, s=free_stroke, t=temperature, p1=pressure, dp=st.floats(0.0, 60.0))
def test_more_pressure_never_gives_less_force(pg, s, t, p1, dp):
    f1, *_ = force(pg, s, p1, t)
    f2, *_ = force(pg, s, p1 + dp, t)
    assert f2 >= f1 - TOL * max(1.0, f1)


@SETTINGS
@given(pg=group, s=free_stroke, p=pressure, t1=temperature, dt=st.floats(0.0, 500.0))
def test_stroke_never_decreases_with_temperature(pg, s, p, t1, dt):
    _, s1, s_max = force(pg, s, p, t1)
    _, s2, _ = force(pg, s, p, t1 + dt)
    assert s2 >= s1 - TOL
    assert 0.0 <= s1 <= s_max + TOL


@SETTINGS
@given(pg=group, s=free_stroke, p=pressure, t=temperature)
def test_force_is_never_negative(pg, s, p, t):
    """Round-off aside: with no pressure and the contact point in the roll-off band, pushrod_force
    computes k (s - s_c) with s = (k s_c)/k, which can come out at -1e-12 N."""
    f, *_ = force(pg, s, p, t)
    assert f >= -1e-6
