"""Fast packing gives the arrays of ``Scenario.replace(...).to_kernel()`` bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from gradesim.scenario import ScenarioError
from gradesim.sweeps.design import build_design, normalise_spec
from gradesim.sweeps.fastpack import AffinePlan, TablePlan, build_packer
from gradesim.sweeps.fastpack import _same_bits as same_bits

GRID_KEYS = {
    "truck.gross_weight": ["60000 lb", "27 t", "80000 lb"],
    "road.ramps.0.position": ["1 mi", "2500 m", "4.9 mi"],
    "road.ramps.0.length": ["300 ft", "1000 ft"],
    "road.ramps.0.bed": ["pea_gravel", "sand", "gravel_loose"],
    "road.ramps.0.grade": ["0 %", "5 %", "10 %"],
    "driver.take_ramp": [0, "none", "auto"],
    "driver.strategy": ["snub", "steady", "none"],
    "driver.gear": [10, "neutral"],
    "driver.engine_brake": ["off", "high"],
    "driver.initial_speed": ["45 mph", "70 mph"],
    "driver.brake_pressure": ["20 psi", "60 psi"],
    "truck.brakes.stroke_at_rest": ["1.0 in", "1.5 in"],
    "truck.brakes.drive.stroke_at_rest": ["1.0 in", "1.9 in"],
    "truck.brakes.initial_temperature": ["150 degF", "450 degF"],
    "traffic.queue_position": ["5.0 mi", "5.5 mi", "none"],
    "driver.actions.0.at": ["0.1 mi", "1 mi"],
}

RANDOM_KEYS = {
    "truck.gross_weight": {"uniform": ["55000 lb", "80000 lb"]},
    "road.ramps.0.position": {"uniform": ["1 mi", "4.5 mi"]},
    "road.ramps.0.length": {"triangular": ["300 ft", "500 ft", "900 ft"]},
    "driver.initial_speed": {"normal": ["55 mph", "4 mph"]},
    "driver.brake_pressure": {"uniform": ["20 psi", "50 psi"]},
    "truck.brakes.trailer.stroke_at_rest": {"triangular": ["1.0 in", "1.4 in", "1.8 in"]},
    "truck.brakes.initial_temperature": {"normal": ["300 degF", "40 degF"]},
    "road.ambient_temperature": {"uniform": ["0 degC", "35 degC"]},
    "driver.strategy": {"choice": ["snub", "none"], "weights": [3, 1]},
}


def _exact(sc, design, packer, flat):
    fast = packer.flats(design.inputs(flat))
    for row, i in zip(fast, flat, strict=True):
        ki = sc.replace(design.changes(int(i))).to_kernel()
        assert packer.layout.fits(ki)
        slow = packer.layout.flat(ki)
        bad = np.flatnonzero(~same_bits(row, slow))
        assert bad.size == 0, (design.changes(int(i)), bad, row[bad], slow[bad])


@pytest.mark.parametrize("key", [k for k in GRID_KEYS if k != "road.ramps.0.grade"])
def test_grid_key_packs_exactly(ramp_demo, key):
    design = build_design(normalise_spec({"grid": {key: GRID_KEYS[key]}}))
    packer = build_packer(ramp_demo, design)
    assert packer.fast, packer.slow_reason
    _exact(ramp_demo, design, packer, np.arange(design.size))


@pytest.mark.parametrize("key", list(RANDOM_KEYS))
def test_random_key_packs_exactly(ramp_demo, key):
    spec = {"random": {"samples": 40, "seed": 7, "method": "lhs", key: RANDOM_KEYS[key]}}
    design = build_design(normalise_spec(spec))
    packer = build_packer(ramp_demo, design)
    assert packer.fast, packer.slow_reason
    _exact(ramp_demo, design, packer, np.arange(0, 40, 3))


def test_many_keys_at_once(ramp_demo):
    spec = {
        "grid": {"driver.take_ramp": [0, "none"], "road.ramps.0.bed": ["pea_gravel", "sand"]},
        "random": {"samples": 64, "seed": 1, **{k: v for k, v in RANDOM_KEYS.items() if k != "driver.strategy"}},
    }
    design = build_design(normalise_spec(spec))
    packer = build_packer(ramp_demo, design)
    assert packer.fast, packer.slow_reason
    assert {type(p) for p in packer.plans} == {TablePlan, AffinePlan}
    _exact(ramp_demo, design, packer, np.arange(0, design.size, 7))


def test_long_numeric_grid_is_affine(ramp_demo):
    spec = {"grid": {"road.ramps.0.position": {"linspace": ["0.5 mi", "4.9 mi", 200]}}}
    design = build_design(normalise_spec(spec))
    packer = build_packer(ramp_demo, design)
    assert [type(p) for p in packer.plans] == [AffinePlan]
    _exact(ramp_demo, design, packer, np.arange(0, 200, 9))


def test_non_affine_key_takes_the_slow_path(ramp_demo):
    # the ramp grade enters as sin(theta) = G / sqrt(1 + G^2)
    spec = {"random": {"samples": 6, "seed": 1, "road.ramps.0.grade": {"uniform": ["2 %", "9 %"]}}}
    design = build_design(normalise_spec(spec))
    packer = build_packer(ramp_demo, design)
    assert not packer.fast and "road.ramps.0.grade" in packer.slow_reason
    P, _, ramps, _ = packer.arrays(design.inputs(np.arange(6)))
    for i in range(6):
        ki = ramp_demo.replace(design.changes(i)).to_kernel()
        assert np.array_equal(P[i], ki.P) and np.array_equal(ramps[i, : ki.ramps.shape[0]], ki.ramps)


def test_coupled_discrete_keys_are_packed_jointly(ramp_demo):
    # both change the distance at which the driver reacts to the queue
    spec = {
        "grid": {"traffic.queue_position": ["5.0 mi", "5.4 mi"], "driver.traffic_sight_distance": ["300 ft", "900 ft"]}
    }
    design = build_design(normalise_spec(spec))
    packer = build_packer(ramp_demo, design)
    assert packer.fast and len(packer.plans) == 1 and packer.plans[0].shape == (2, 2)
    _exact(ramp_demo, design, packer, np.arange(4))


@pytest.mark.parametrize(
    ("spec", "key", "words"),
    [
        ({"grid": {"truck.gros_weight": ["1 lb"]}}, "sweep.grid.truck.gros_weight", "unknown key"),
        ({"grid": {"truck.gross_weight": ["80000 lbs/s"]}}, "sweep.grid.truck.gross_weight", "not a mass"),
        ({"grid": {"driver.take_ramp": [0, 3]}}, "sweep.grid.driver.take_ramp", "no ramp 3"),
        ({"grid": {"road.ramps.0.position": ["9 mi"]}}, "sweep.grid.road.ramps.0.position", "past the end"),
        (
            {"random": {"samples": 5, "truck.gross_weight": {"uniform": ["80000 lb", "60000 lb"]}}},
            "sweep.random.truck.gross_weight",
            "lo < hi",
        ),
        (
            {"random": {"samples": 5, "truck.gross_weight": {"uniform": ["60000 lb", "80 m"]}}},
            "sweep.random.truck.gross_weight",
            "same kind of unit",
        ),
        (
            {"random": {"samples": 5, "truck.gross_weight": {"gamma": [1, 2]}}},
            "sweep.random.truck.gross_weight",
            "one distribution",
        ),
        (
            {"random": {"samples": 5, "truck.gross_weight": {"normal": ["60000 lb", "-1 lb"]}}},
            "sweep.random.truck.gross_weight",
            "positive sd",
        ),
        (
            {"random": {"samples": 0, "truck.gross_weight": {"uniform": ["6 t", "8 t"]}}},
            "sweep.random.samples",
            "positive",
        ),
        (
            {"random": {"samples": 5, "method": "halton", "truck.gross_weight": {"uniform": ["6 t", "8 t"]}}},
            "sweep.random.method",
            "halton",
        ),
        ({"grdi": {"truck.gross_weight": ["1 lb"]}}, "sweep.grdi", "unknown key"),
        (
            {"random": {"samples": 5, "driver.initial_speed": {"uniform": ["-10 mph", "50 mph"]}}},
            "sweep.random.driver.initial_speed",
            "greater than",
        ),
    ],
)
def test_bad_spec_names_the_key(ramp_demo, spec, key, words):
    with pytest.raises(ScenarioError) as info:
        design = build_design(normalise_spec(spec))
        build_packer(ramp_demo, design)
    assert info.value.key == key, str(info.value)
    assert words in str(info.value)


def test_bad_combination_is_reported(ramp_demo_dict):
    from gradesim import Scenario

    d = ramp_demo_dict
    d["road"]["ramps"].append({"position": "4.6 mi", "length": "400 ft", "bed": "sand"})
    sc = Scenario.from_dict(d)
    # each value is fine alone, but ramp 0 at 4.8 mi comes after ramp 1
    spec = {"grid": {"road.ramps.0.position": ["1 mi", "4.5 mi"], "road.ramps.1.position": ["2 mi", "4.7 mi"]}}
    with pytest.raises(ScenarioError, match="in order"):
        build_packer(sc, build_design(normalise_spec(spec)))


def test_random_samples_that_put_ramps_out_of_order_are_refused(ramp_demo_dict):
    from gradesim import Scenario, sweep

    d = ramp_demo_dict
    d["road"]["ramps"].append({"position": "4.6 mi", "length": "400 ft", "bed": "sand"})
    sc = Scenario.from_dict(d)
    # each key alone is fine and both ranges overlap only a little: some samples swap the ramps
    spec = {
        "samples": 3000,
        "seed": 3,
        "road.ramps.0.position": {"uniform": ["0.5 mi", "2 mi"]},
        "road.ramps.1.position": {"uniform": ["1.9 mi", "3 mi"]},
    }
    with pytest.raises(ScenarioError, match="in order"):
        sweep(sc, random=spec, progress=False)
