"""The I-70 profile keeps its sources; elevation bands per row; smooth perturbations stay in band."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradesim.scenario.road import (
    ProfileError,
    elevation_band,
    read_profile_csv,
    read_profile_rows,
    smooth_perturbation,
)

ROOT = Path(__file__).resolve().parents[2]
I70 = ROOT / "scenarios" / "profiles" / "i70_eb_mp247_264.csv"
FT = 0.3048
MI = 1609.344


def test_i70_profile_reads_with_sources_kept():
    rows = read_profile_rows(I70)
    table = read_profile_csv(I70)
    assert np.array_equal(rows.distance_m, table[:, 0])
    assert rows.distance_m[0] == pytest.approx(247 * MI) and rows.distance_m[-1] == pytest.approx(264 * MI)
    assert len(rows.columns["source"]) == len(rows.distance_m) == 20
    # the ramp row: position H, elevation L -> the L band
    i = int(np.argmin(np.abs(rows.distance_m - 257 * MI)))
    assert "RUNAWAY RAMP" in rows.columns["note"][i]
    assert rows.band_m[i] == pytest.approx(150 * FT)
    # El Rancho (cyclepass, M-L)
    j = int(np.argmin(np.abs(rows.distance_m - 251 * MI)))
    assert rows.band_m[j] == pytest.approx(100 * FT)
    # the police's 6 % descent: Genesee (254) to Morrison (259) averages 5-6.5 % down
    k = int(np.argmin(np.abs(rows.distance_m - 254 * MI)))
    m = int(np.argmin(np.abs(rows.distance_m - 259 * MI)))
    mean = (rows.elevation_m[k] - rows.elevation_m[m]) / (rows.distance_m[m] - rows.distance_m[k])
    assert 0.05 < mean < 0.065


def test_band_column_overrides_confidence(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("# a comment\ndistance [m],elevation [m],elevation_band [m],confidence\n0,100,3,L\n100,95,4,L\n")
    rows = read_profile_rows(p)
    assert rows.band_m.tolist() == [3.0, 4.0]


def test_bad_confidence_names_the_line(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("distance [m],elevation [m],confidence\n0,100,H\n100,95,maybe\n")
    with pytest.raises(ProfileError, match="line 3"):
        read_profile_rows(p)
    q = tmp_path / "q.csv"
    q.write_text("distance [m],elevation [m]\n0,100\n100,95\n")
    with pytest.raises(ProfileError, match="confidence"):
        read_profile_rows(q)


def test_confidence_tags():
    assert elevation_band("H") == pytest.approx(20 * FT)
    assert elevation_band("M-L") == pytest.approx(100 * FT)
    assert elevation_band("H position / L elev") == pytest.approx(150 * FT)


def test_perturbations_stay_in_band_and_are_smooth():
    rows = read_profile_rows(I70)
    rng = np.random.default_rng(7)
    ell = 2.0 * MI
    dz = smooth_perturbation(rows.distance_m, rows.band_m, 4000, ell, rng)
    assert np.all(np.abs(dz) < rows.band_m)
    # they use the band: the spread is a good part of it, and every sample differs
    assert np.all(dz.std(axis=0) > 0.4 * rows.band_m)
    # smooth: neighbours 1 mi apart correlate as exp(-1/8) of the process (tanh keeps most of it),
    # white noise would give 0
    r = np.corrcoef(dz[:, 5], dz[:, 6])[0, 1]
    assert r > 0.75
    # the perturbation adds far less grade noise than independent offsets of the same size
    white = rows.band_m * np.tanh(rng.standard_normal(dz.shape))
    d2 = np.mean(np.diff(dz, 2, axis=1) ** 2)
    assert d2 < 0.15 * np.mean(np.diff(white, 2, axis=1) ** 2)


def test_zero_band_rows_stay_put_and_bad_length():
    dz = smooth_perturbation([0.0, 1.0, 2.0], [0.0, 5.0, 0.0], 10, 1.0, np.random.default_rng(0))
    assert np.all(dz[:, [0, 2]] == 0.0) and np.any(dz[:, 1] != 0.0)
    with pytest.raises(ValueError):
        smooth_perturbation([0.0, 1.0], [1.0, 1.0], 1, 0.0, np.random.default_rng(0))
