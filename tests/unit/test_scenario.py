"""Scenario schema, units at the border, dotted-key replace, road profiles."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.scenario.road import ProfileError, from_points, read_profile_csv
from gradesim.scenario.units import UnitError, to_si
from tests.conftest import SCENARIOS, grade_scenario_dict


@pytest.mark.parametrize(
    ("text", "kind", "si"),
    [
        ("85 mph", "speed", 85 * 0.44704),
        ("80000 lb", "mass", 80000 * 0.45359237),
        ("6 %", "dimensionless", 0.06),
        ("-6 %", "dimensionless", -0.06),
        ("150 degF", "temperature", (150 + 459.67) * 5 / 9),
        ("40 psi", "pressure", 40 * 6894.757293168361),
        ("1.75 in", "length", 1.75 * 0.0254),
        ("5 mi", "length", 5 * 1609.344),
        ("350 kW", "power", 350e3),
    ],
)
def test_units_to_si(text, kind, si):
    assert to_si(text, kind) == pytest.approx(si, rel=1e-12)


@pytest.mark.parametrize(("text", "kind"), [("80000 lbs/s", "mass"), ("3 m", "speed"), (12, "mass"), ("abc", "length")])
def test_units_reject(text, kind):
    with pytest.raises(UnitError):
        to_si(text, kind)


def test_every_shipped_scenario_loads_and_packs():
    paths = sorted(SCENARIOS.glob("*.toml"))
    assert len(paths) >= 2
    for p in paths:
        sc = gs.Scenario.from_toml(p)
        ki = sc.to_kernel()
        assert ki.P.shape == (L.NP,)
        assert np.all(np.isfinite(ki.P))


def test_replace_dotted_keys_and_hash():
    sc = gs.Scenario.from_dict(grade_scenario_dict())
    sc2 = sc.replace({"truck.gross_weight": "75000 lb", "road.segments.0.grade": "-5 %"})
    assert sc2.to_kernel().P[L.P_MASS] == pytest.approx(75000 * 0.45359237)
    g = sc2.to_kernel().road[0, L.ROAD_GRADE]
    assert g == pytest.approx(-0.05)
    assert sc2.to_kernel().road[0, L.ROAD_SIN] == pytest.approx(-0.05 / math.sqrt(1.0025))
    assert sc.hash != sc2.hash
    assert sc.hash == gs.Scenario.from_dict(grade_scenario_dict()).hash
    assert sc.to_kernel().P[L.P_MASS] == pytest.approx(80000 * 0.45359237)  # original untouched


def test_group_overrides_and_brake_level_defaults():
    sc = gs.Scenario.from_dict(grade_scenario_dict()).replace(
        {"truck.brakes.stroke_at_rest": "1.0 in", "truck.brakes.drive.stroke_at_rest": "1.5 in"}
    )
    P = sc.to_kernel().P
    rest = [P[L.P_BRK + g * L.NB + L.B_STROKE_REST] / 0.0254 for g in range(3)]
    assert rest == pytest.approx([1.0, 1.5, 1.0])
    assert "scenario file" in sc.parameter_sources["truck.brakes.drive.stroke_at_rest"]
    assert (
        "Bendix"
        in gs.Scenario.from_dict(grade_scenario_dict()).parameter_sources["truck.brakes.trailer.stroke_at_rest"]
    )


def test_errors_name_key_and_value():
    sc = gs.Scenario.from_dict(grade_scenario_dict())
    with pytest.raises(gs.ScenarioError, match=r"truck\.gross_weight: '12 m' is not a mass"):
        sc.replace({"truck.gross_weight": "12 m"})
    with pytest.raises(gs.ScenarioError, match=r"driver\.strategy"):
        sc.replace({"driver.strategy": "pray"})
    with pytest.raises(gs.ScenarioError, match=r"truck\.preset.*not a preset"):
        sc.replace({"truck.preset": "nope"})
    with pytest.raises(gs.ScenarioError, match="exactly one"):
        gs.Scenario.from_dict({"road": {}})
    with pytest.raises(gs.ScenarioError, match=r"steady.*brake_pressure"):
        sc.replace({"driver.strategy": "steady"}).to_kernel()


def test_profile_csv_with_units(tmp_path):
    p = tmp_path / "prof.csv"
    p.write_text("distance [mi], elevation [ft]\n0, 7000\n1, 6683.2\n2, 6366.4\n")
    table = read_profile_csv(p)
    assert table[-1, L.ROAD_X] == pytest.approx(2 * 1609.344)
    sin_expected = (6683.2 - 7000) * 0.3048 / 1609.344
    assert table[0, L.ROAD_SIN] == pytest.approx(sin_expected)
    assert table[0, L.ROAD_GRADE] == pytest.approx(sin_expected / math.sqrt(1 - sin_expected**2))
    scen = tmp_path / "s.toml"
    scen.write_text('[road]\nprofile = "prof.csv"\n[driver]\ninitial_speed = "30 mph"\n')
    res = gs.simulate(gs.Scenario.from_toml(scen))
    assert res.outcome.kind in {"end_of_road", "stopped"}
    assert res.trace["elevation_m"].iloc[0] == pytest.approx(7000 * 0.3048)


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("distance, elevation [ft]\n0, 1\n1, 2\n", "names no unit"),
        ("distance [mi], elevation [ft]\n0, 1\n0, 2\n", "increase"),
        ("distance [mi], elevation [s]\n0, 1\n1, 2\n", "not a length"),
    ],
)
def test_bad_profile(tmp_path, text, msg):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(ProfileError, match=msg):
        read_profile_csv(p)


def test_from_points_rejects_cliffs():
    with pytest.raises(ProfileError, match="not a road"):
        from_points([0, 10], [0, 9])
