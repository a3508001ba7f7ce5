"""The event log: every decision of a run, refused shifts loud (warning; exit 2 on the CLI unless may_fail)."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import gradesim as gs
from gradesim.cli import main
from gradesim.core import layout as L
from gradesim.simulation.run import RefusedActionWarning

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "instructor_6pct_5mi.toml"


@pytest.fixture(scope="module")
def demo():
    return gs.simulate(gs.Scenario.from_toml(DEMO))


def test_demo_log_shows_the_missed_shift_with_its_reason_and_the_impact(demo):
    ev = demo.events
    assert list(ev.columns) == ["time_s", "position_m", "speed_mps", "kind", "detail"]
    assert np.all(np.diff(ev.time_s.to_numpy()) >= 0.0)
    missed = ev[ev.kind == "shift_missed"]
    assert len(missed) == 1
    assert "gear 8" in missed.detail.iloc[0] and "driver.actions.0" in missed.detail.iloc[0]
    # the action is at 0.3 mi and takes effect one reaction time (1.5 s) later
    t_trig = np.interp(0.3 * 1609.344, demo.trace.position_m, demo.trace.time_s)
    assert missed.time_s.iloc[0] == pytest.approx(t_trig + 1.5, abs=0.05)
    gear = ev[ev.kind == "gear"]
    assert gear.detail.iloc[0] == "gear 10 -> neutral"
    assert (demo.trace.gear.iloc[-1]) == 0
    assert "traffic_sighted" in set(ev.kind)
    sighted = ev[ev.kind == "traffic_sighted"].position_m.iloc[0]
    assert sighted == pytest.approx(5.3 * 1609.344 - 600 * 0.3048, abs=1.0)
    assert ev.kind.iloc[-1] == "impact"
    assert ev.speed_mps.iloc[-1] == pytest.approx(demo.outcome.speed_mps)


def test_brake_applications_in_the_log_match_the_kernel_count(demo):
    ev = demo.events
    assert (ev.kind == "brake_applied").sum() == demo.outcome.brake_applications


def _refused_scenario(tmp_path: Path, may_fail: bool) -> Path:
    extra = ", may_fail = true" if may_fail else ""
    text = DEMO.read_text(encoding="utf-8").replace(
        'actions = [ { at = "0.3 mi", do = "shift", gear = 8, fails = true } ]',
        f'actions = [ {{ at = "0.3 mi", do = "shift", gear = 4{extra} }} ]',
    )
    path = tmp_path / "refused.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_refused_shift_warns_and_logs_the_engine_speed(tmp_path):
    sc = gs.Scenario.from_toml(_refused_scenario(tmp_path, may_fail=False))
    with pytest.warns(RefusedActionWarning, match=r"driver\.actions\.0: shift to gear 4 refused"):
        res = gs.simulate(sc)
    ev = res.events
    row = ev[ev.kind == "shift_refused"].iloc[0]
    # independent: engine speed = v / r * gear ratio * axle ratio * 60 / (2 pi)
    P = res.kernel_input.P
    rpm = row.speed_mps / P[L.P_WHEEL_RADIUS] * P[L.P_GEAR0 + 3] * P[L.P_AXLE_RATIO] * 60 / (2 * math.pi)
    assert rpm > P[L.P_N_OVERSPEED]
    assert f"{rpm:,.0f} rpm" in row.detail
    assert (res.trace.gear.to_numpy()[res.trace.time_s.to_numpy() > row.time_s] == 0).all()


def test_refused_shift_fails_run_with_one_line_and_writes_nothing(tmp_path, capsys):
    path = _refused_scenario(tmp_path, may_fail=False)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "driver.actions.0" in err[0] and "gear 4" in err[0] and "may_fail" in err[0]
    assert not out.exists() or not any(out.iterdir())


def test_check_runs_scripted_shifts_and_refuses_a_refused_one_in_one_line(tmp_path, capsys):
    assert main(["check", str(_refused_scenario(tmp_path, may_fail=False))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "driver.actions.0" in err[0] and "gear 4" in err[0] and "may_fail" in err[0]
    assert main(["check", str(_refused_scenario(tmp_path, may_fail=True))]) == 0
    assert "ok" in capsys.readouterr().out


def test_may_fail_lets_the_run_go_on_with_a_warning(tmp_path, capsys):
    path = _refused_scenario(tmp_path, may_fail=True)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "gear 4 refused" in err
    assert (out / "outcome.json").exists()
    import json

    kinds = [e["kind"] for e in json.loads((out / "outcome.json").read_text())["events"]]
    assert "shift_refused" in kinds


def test_a_shift_that_can_engage_engages(tmp_path):
    sc = gs.Scenario.from_toml(DEMO).replace({"driver.actions": [{"at": "0.3 mi", "do": "shift", "gear": 9}]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RefusedActionWarning)
        res = gs.simulate(sc)
    details = list(res.events[res.events.kind == "gear"].detail)
    assert details[:2] == ["gear 10 -> neutral", "neutral -> gear 9"]


def _label_gear(sc: gs.Scenario) -> int | None:
    m = re.search(r"\((\d+)(?:st|nd|rd|th)\b", sc.name) or re.search(r"\bin (\d+)(?:st|nd|rd|th)\b", sc.name)
    return int(m.group(1)) if m else None


SHIPPED = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((ROOT / "scenarios" / "lessons").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_run_in_the_gear_they_say(path):
    """No shipped scenario relies on a refused shift, and one whose name says a gear starts and stays in it."""
    sc = gs.Scenario.from_toml(path)
    has_shift = any(a.do == "shift" for a in sc.model.driver.actions)
    label = _label_gear(sc)
    if not has_shift and label is None:
        pytest.skip("no scripted shift and no gear in the name")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gs.simulate(sc)
    from gradesim.simulation.events_log import refused_shifts

    assert [rs for rs in refused_shifts(res) if not rs.may_fail] == []
    if label is not None:
        assert res.trace.gear.iloc[0] == label
        if not has_shift:
            assert (res.trace.gear == label).all(), f"{path.name} says {label}th but the gear changed"
