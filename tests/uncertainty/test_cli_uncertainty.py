"""The --uncertainty pieces cmd_run calls: the band on the figure, uncertainty.csv, quantiles in outcome.json."""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import gradesim as gs
from gradesim.cli.uncertainty import (
    add_uncertainty_arguments,
    run_uncertainty,
    uncertainty_summary,
    uncertainty_writers,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "instructor_6pct_5mi.toml"


def test_arguments_and_files(tmp_path):
    p = argparse.ArgumentParser()
    add_uncertainty_arguments(p)
    assert p.parse_args([]).uncertainty is None
    args = p.parse_args(["--uncertainty", "64", "--uncertainty-seed", "3"])
    sc = gs.Scenario.from_toml(DEMO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gs.simulate(sc)
    fig = res.plot()
    n_before = len(fig.axes[0].collections)
    u = run_uncertainty(args, sc, fig)
    assert u.n == 64 and u.seed == 3
    assert len(fig.axes[0].collections) == n_before + 1  # the band
    files = uncertainty_writers(u, res)
    for name, write in files.items():
        write(tmp_path / name)
    import pandas as pd

    df = pd.read_csv(tmp_path / "uncertainty.csv")
    assert len(df) == 64 and "impact_speed_mps" in df and "truck.brakes.drive.stroke_at_rest [in]" in df
    data = json.loads((tmp_path / "outcome.json").read_text())
    assert data["kind"] == res.outcome.kind
    q = data["uncertainty"]["quantiles"]["impact_speed_mps"]
    assert q["q05"] <= q["q50"] <= q["q95"]
    assert data["uncertainty"]["samples"] == 64
    assert "P(impact)" in uncertainty_summary(u)
    assert run_uncertainty(p.parse_args([]), sc, fig) is None
    assert uncertainty_writers(None, res) == {}
