"""Fuzzing the scenario input from its schema: every malformed or extreme input ends cleanly.

Cases are generated from :func:`gradesim.scenario.describe.schema_rows` (every
key a scenario accepts, with its type and bounds): wrong types, absurd
magnitudes, unsafe expressions, unknown keys and units, values at and just past
the plausibility bounds, deep nesting, bad profile bytes and ``[sweep]``
faults.  Each one must end in either

- a clean :class:`~gradesim.scenario.ScenarioError` (on the CLI: exit 2 and one
  line naming the file and a key), or
- a run that finishes with a closed energy budget.

Profiles: ``GRADESIM_FUZZ=ci`` (default, well under a minute) or ``GRADESIM_FUZZ=dev``
(many more examples, for local runs).
"""

from __future__ import annotations

import copy
import os
import time
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradesim as gs
from gradesim.cli.app import main
from gradesim.scenario.describe import ANY_KEY, INDEX, schema_rows
from gradesim.scenario.quantities import QtyInfo
from gradesim.scenario.scenario import ScenarioWarning, set_dotted

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "dev", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FUZZ = settings.get_profile(os.environ.get("GRADESIM_FUZZ", "ci"))

BASE = {
    "name": "fuzz base",
    "truck": {"preset": "tractor_semitrailer_5axle"},
    "road": {
        "start_elevation": "2000 m",
        "segments": [{"length": "1.5 km", "grade": "-6 %"}, {"length": "0.5 km", "grade": "0 %"}],
        "ramps": [{"position": "1 km", "length": "300 m", "grade": "+5 %", "bed": "sand"}],
    },
    "traffic": {"queue_position": "1.9 km"},
    "driver": {
        "initial_speed": "20 m/s",
        "gear": 8,
        "strategy": "steady",
        "brake_pressure": "20 psi",
        "actions": [{"at": "0.5 km", "do": "shift", "gear": 7}],
    },
    "simulation": {"max_time": "30 min"},
}

# every leaf key of the schema that exists in BASE once list indices are 0 (tables and free keys left out)
ROWS = [r for r in schema_rows() if r.type != "table" and ANY_KEY not in r.key and not r.key.startswith("sweep")]
LEAVES = [r for r in ROWS if not r.key.startswith("extends")]

NASTY = [
    True,
    "yes",
    "1e-6",
    [],
    [[[]]],
    {"a": 1},
    "",
    " ",
    "nan",
    "inf lb",
    "10**10**10 lb",
    "10**1000 mi",
    "1e1000 psi",
    "2**2**2**2**2 s",
    "(10**10)**10 m",
    "80000 lbz",
    "80000 lbs/s",
    "5 PSI/mph",
    "9" * 300,
    "-0 %",
    "\x00",
    "🚚",
    -1,
    0,
    10**30,
    1e300,
    -1e300,
    1e-300,
]


def _key_of(row_key: str) -> str:
    return row_key.replace(f".{INDEX}.", ".0.").replace(f".{INDEX}", ".0")


def _bound_values(info: QtyInfo) -> list[str]:
    """Values at and just past the plausibility bounds, in the bound's own unit."""
    out = []
    for bound, sign in ((info.lo, -1), (info.hi, +1)):
        if bound is None:
            continue
        mag, unit = bound.split(None, 1)
        x = float(mag)
        step = max(abs(x) * 1e-6, 1e-9)
        out += [bound, f"{x + sign * step!r} {unit}", f"{x + sign * 1e6 * max(abs(x), 1)!r} {unit}"]
    return out


def _extreme_values(row) -> list:
    info = next((m for m in _qty_infos() if m[0] == row.key), None)
    return _bound_values(info[1]) if info else []


def _qty_infos() -> list[tuple[str, QtyInfo]]:
    """(schema key, QtyInfo) for every quantity field (first member of a union)."""
    import typing

    from gradesim.scenario import schema
    from gradesim.scenario.describe import _members, _meta

    out = []

    def walk(model, prefix):
        for name, field in model.model_fields.items():
            key = f"{prefix}{name}"
            infos = [m for m in field.metadata if isinstance(m, QtyInfo)]
            for member in _members(field.annotation):
                base, meta = _meta(member)
                infos += [m for m in meta if isinstance(m, QtyInfo)]
                inner = typing.get_args(base)[0] if typing.get_origin(base) is list else base
                if isinstance(inner, type) and issubclass(inner, schema.BaseModel):
                    walk(inner, f"{key}.{INDEX}." if inner is not base else f"{key}.")
            if infos:
                out.append((key, infos[0]))

    walk(schema.ScenarioModel, "")
    return out


def _outcome(data: dict) -> str:
    """Build and run; 'refused' for a clean ScenarioError, else check the energy budget."""
    try:
        sc = gs.Scenario.from_dict(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)
            res = gs.simulate(sc)
    except gs.ScenarioError as exc:
        assert exc.key or exc.file, str(exc)
        assert "\n" not in str(exc)
        return "refused"
    e = res.energy
    scale = max(abs(e["potential"]), abs(e["kinetic"]), 1e5)
    assert res.outcome.kind != "failed", res.outcome
    assert abs(e["residual"]) < 1e-5 * scale, (e, res.outcome.kind)
    return res.outcome.kind


@FUZZ
@given(row=st.sampled_from(LEAVES), value=st.sampled_from(NASTY))
def test_malformed_value_at_any_key_is_refused_or_runs_closed(row, value):
    data = copy.deepcopy(BASE)
    try:
        set_dotted(data, _key_of(row.key), value)
    except gs.ScenarioError:
        return  # the key's list is empty in BASE (nothing to corrupt)
    _outcome(data)


@FUZZ
@given(row=st.sampled_from([r for r in LEAVES if r.unit]), data_=st.data())
def test_values_at_and_past_the_bounds_are_refused_or_run_closed(row, data_):
    values = _extreme_values(row)
    if not values or row.key.startswith("simulation."):
        return
    data = copy.deepcopy(BASE)
    value = data_.draw(st.sampled_from(values))
    try:
        set_dotted(data, _key_of(row.key), value)
    except gs.ScenarioError:
        return
    t0 = time.perf_counter()
    _outcome(data)
    assert time.perf_counter() - t0 < 30


@FUZZ
@given(
    parent=st.sampled_from(["", "truck", "truck.brakes", "truck.brakes.drive", "road", "road.ramps.0", "driver"]),
    name=st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=20),
)
def test_unknown_keys_are_refused_naming_the_key(parent, name):
    from gradesim.scenario.describe import check_dotted_key

    key = f"{parent}.{name}" if parent else name
    if ".." in key or key.endswith(".") or name.startswith(".") or check_dotted_key(key) is None:
        return  # not a key, or a real one
    data = copy.deepcopy(BASE)
    node = data
    for part in filter(None, parent.split(".")):
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[name] = "1 m"
    with pytest.raises(gs.ScenarioError, match="unknown key") as info:
        gs.Scenario.from_dict(data)
    assert info.value.key.startswith(parent)


SWEEP_FAULTS = st.one_of(
    st.builds(
        lambda n: {"random": {"samples": n, "truck.gross_weight": {"uniform": ["6e4 lb", "8e4 lb"]}}},
        st.one_of(st.integers(max_value=0), st.integers(min_value=20_000_001), st.just("10"), st.just(True)),
    ),
    st.builds(
        lambda m: {"random": {"samples": 4, "method": m, "truck.gross_weight": {"uniform": ["6e4 lb", "8e4 lb"]}}},
        st.text(max_size=8).filter(lambda m: m not in ("random", "lhs", "sobol", "saltelli")),
    ),
    st.builds(
        lambda lo, hi: {"random": {"samples": 4, "truck.gross_weight": {"uniform": [f"{lo} lb", f"{hi} lb"]}}},
        st.integers(60_000, 80_000),
        st.integers(10_000, 60_000),
    ),
    st.builds(
        lambda k: {"grid": {"driver.initial_speed": ["30 mph"]}, k: 1},
        st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10).filter(
            lambda k: k not in ("grid", "random", "traces", "chunk_size")
        ),
    ),
    st.builds(
        lambda n: {"grid": {"driver.initial_speed": {"linspace": ["10 mph", "50 mph", n]}}},
        st.one_of(st.integers(max_value=0), st.integers(min_value=1_000_001), st.just(2.5)),
    ),
    st.builds(lambda v: {"grid": {"driver.initial_speed": [v]}}, st.sampled_from([*NASTY[8:14], "-5 mph", "900 mph"])),
    st.builds(lambda k: {"grid": {k: [1, 2]}}, st.sampled_from(["driver.intial_speed", "truck", "sweep.grid", "x"])),
)


@FUZZ
@given(spec=SWEEP_FAULTS)
def test_sweep_faults_are_refused_by_check(spec, tmp_path_factory, capsys):
    from gradesim.scenario.toml_io import dumps

    path = tmp_path_factory.mktemp("sweep") / "s.toml"
    data = copy.deepcopy(BASE)
    data["sweep"] = spec
    path.write_text(dumps(data))
    t0 = time.perf_counter()
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2, (spec, err)
    assert time.perf_counter() - t0 < 2.0
    assert err.count("\n") == 1 and str(path) in err and "sweep" in err, err


@FUZZ
@given(depth=st.integers(33, 20_000), kind=st.sampled_from(["[", "{ a = "]))
def test_deep_nesting_is_one_line(depth, kind, tmp_path_factory, capsys):
    close = "]" if kind == "[" else " }"
    path = tmp_path_factory.mktemp("deep") / "s.toml"
    path.write_text("x = " + kind * depth + "1" + close * depth + "\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err


@FUZZ
@given(
    blob=st.one_of(
        st.binary(min_size=1, max_size=300),
        st.just("distance [mi], elevation [ft]\n0, 7000\n1, 6000\n".encode("utf-16")),
        st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    )
)
def test_profile_bytes_are_refused_in_one_line_or_used(blob, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("prof")
    (folder / "p.csv").write_bytes(blob)
    (folder / "s.toml").write_text('[road]\nprofile = "p.csv"\n[driver]\ninitial_speed = "30 mph"\n')
    code = main(["check", str(folder / "s.toml")])
    err = capsys.readouterr().err
    assert code in (0, 2)
    if code == 2:
        assert err.count("\n") == 1 and "road.profile" in err, err
