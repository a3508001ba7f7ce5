"""One-screen text summary of a result (CLI and notebooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradesim.scenario.units import from_si

if TYPE_CHECKING:
    from gradesim.simulation.result import Result

KIND_TEXT = {
    "stopped": "stopped on the road",
    "ramp_stop": "stopped in the escape ramp",
    "ramp_overrun": "ran off the end of the escape ramp",
    "impact": "struck the stopped traffic",
    "end_of_road": "reached the end of the simulated road still moving",
    "time_limit": "still moving when the time limit was reached",
    "failed": "integration failed",
}


def fmt_speed(v_mps: float, units: str) -> str:
    if units == "si":
        return f"{v_mps * 3.6:.1f} km/h"
    return f"{from_si(v_mps, 'mph', 'speed'):.1f} mph"


def fmt_dist(x_m: float, units: str) -> str:
    if units == "si":
        return f"{x_m / 1000:.3f} km"
    return f"{from_si(x_m, 'mi', 'length'):.3f} mi"


def fmt_temp(t_K: float, units: str) -> str:
    if units == "si":
        return f"{t_K - 273.15:.0f} degC"
    return f"{from_si(t_K, 'degF', 'temperature'):.0f} degF"


def summary_text(res: Result, units: str = "us") -> str:
    from gradesim._version import __version__

    o = res.outcome
    sc = res.scenario
    lines = [
        f"gradesim {__version__}  scenario {sc.hash}  {sc.name}",
        f"outcome:   {KIND_TEXT[o.kind]}",
        f"           at {fmt_dist(o.position_m, units)}, {fmt_speed(o.speed_mps, units)}, after {o.time_s:.1f} s",
    ]
    if o.ramp is not None:
        ramp = sc.model.road.ramps[o.ramp]
        lines.append(
            f"ramp:      {o.ramp} ({ramp.name or ramp.position}), entered at {fmt_speed(o.ramp_entry_speed_mps, units)}"
            + (" (above its design speed)" if o.ramp_above_design_speed else "")
        )
    if o.impact is not None:
        im = o.impact
        lines.append(
            f"impact:    {fmt_speed(im.speed_mps, units)},"
            f" truck kinetic energy {im.truck_kinetic_energy_J / 1e6:.2f} MJ"
        )
        lines.append(
            f"           struck car ({im.car_mass_kg:.0f} kg, e = {im.restitution:g}):"
            f" delta-v {fmt_speed(im.car_delta_v_mps, units)}"
        )
    lines.append(f"max speed: {fmt_speed(o.max_speed_mps, units)}")
    lines.append(f"hottest brake drum: {fmt_temp(o.max_brake_temp_K, units)}")
    if o.brake_limit_time_s is not None:
        lines.append(f"           passed the brake temperature limit at t = {o.brake_limit_time_s:.1f} s")
    if o.low_air_time_s is not None:
        lines.append(f"low-air warning at t = {o.low_air_time_s:.1f} s")
    if o.overspeed_time_s is not None:
        lines.append(f"engine overspeed at t = {o.overspeed_time_s:.1f} s")
    e = res.energy
    lines.append(
        "energy [MJ]: potential {p:.2f} = kinetic {k:.2f} + brakes {b:.2f} + engine {eng:.2f}"
        " + rolling {r:.2f} + aero {a:.2f} + bed {bed:.2f} + shifts {sh:.3f} (residual {res:.1e})".format(
            p=e["potential"] / 1e6,
            k=e["kinetic"] / 1e6,
            b=e["service_brakes"] / 1e6,
            eng=e["engine_brake"] / 1e6,
            r=e["rolling"] / 1e6,
            a=e["aero"] / 1e6,
            bed=e["arrester_bed"] / 1e6,
            sh=e["driveline_shifts"] / 1e6,
            res=e["residual"] / 1e6,
        )
    )
    lines.append(f"solver:    {o.n_steps} steps, {o.n_rejected} rejected, {o.n_rhs} RHS calls")
    return "\n".join(lines)
