"""The distributions are data: every numeric input of the shipped scenarios is drawn or held exact with a reason."""

from __future__ import annotations

import fnmatch
import warnings
from pathlib import Path

import pytest

import gradesim as gs
from gradesim.uncertainty.distributions import exact_inputs, model_uncertainty, parameter_distributions

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
MPH = 0.44704


def _leaves(tree, prefix=""):
    for k, v in tree.items():
        if isinstance(v, dict):
            yield from _leaves(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, list):
        return any(_numeric(v) for v in value)
    if isinstance(value, str):
        try:
            float(value.split()[0])
        except (ValueError, IndexError):
            return False
        return True
    return False


def _matches(key: str, pattern: str) -> bool:
    parts, pat = key.split("."), pattern.split(".")
    if pat[-1] == "*" and len(parts) >= len(pat):  # a trailing * takes the rest of the key
        parts = [*parts[: len(pat) - 1], ".".join(parts[len(pat) - 1 :])]
    return len(parts) == len(pat) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, pat, strict=True))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_numeric_input_is_drawn_or_held_exact_with_a_reason(path):
    sc = gs.Scenario.from_toml(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drawn = set(model_uncertainty(sc))
    exact = exact_inputs()
    assert all(len(reason) > 15 for reason in exact.values())
    tree = {k: v for k, v in sc.resolved_dict().items() if k in ("truck", "road", "traffic", "driver", "simulation")}
    missing = []
    for key, value in _leaves(tree):
        if not _numeric(value) or key in drawn:
            continue
        brakes_level = key.replace(".steer.", ".").replace(".drive.", ".").replace(".trailer.", ".")
        if brakes_level in drawn:  # drawn once for all groups (scope "brakes")
            continue
        if not any(_matches(key, p) for p in exact):
            missing.append(key)
    assert not missing, f"{path.name}: no distribution and not listed exact: {missing}"


def test_every_distribution_is_sourced_and_well_formed():
    for name, spec in parameter_distributions().items():
        assert spec.get("scope", "key") in ("group", "brakes", "key"), name
        kinds = [k for k in ("relative", "plus_minus", "range", "triangular") if k in spec]
        assert len(kinds) == 1, name
        assert len(spec["source"]) > 30 and "PHYSICS.md" not in spec["source"], name


def test_fade_shift_equals_the_friction_table_moved_by_hand():
    """Independent check: a +50 degF shift = the same curve written 50 degF hotter, point by point."""
    sc = gs.Scenario.from_toml(ROOT / "scenarios/instructor_6pct_5mi.toml")
    table = sc.resolved_dict()["resolved_tables"]["friction_curve.typical_drum_lining"]
    hotter = {
        "temperature": [f"{float(t.split()[0]) + 50:g} degF" for t in table["temperature"]],
        "mu": table["mu"],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shifted = gs.simulate(sc.replace({"truck.brakes.fade_shift": "50 delta_degF"}), trace=False).outcome
        by_hand = gs.simulate(sc.replace({"truck.brakes.friction_curve": hotter}), trace=False).outcome
        nominal = gs.simulate(sc, trace=False).outcome
    assert shifted.kind == by_hand.kind
    assert shifted.speed_mps == pytest.approx(by_hand.speed_mps, rel=1e-9)
    assert shifted.speed_mps < nominal.speed_mps - 5 * MPH  # fading later: the truck arrives much slower
