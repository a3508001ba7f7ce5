"""Small core kernels against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from gradesim.core.forces import air_density_isa


@pytest.mark.parametrize("h", np.linspace(-600.0, 9000.0, 97))
def test_isa_density_matches_the_icao_formula(h):
    exact = 1.225 * max(1.0 - 2.25577e-5 * h, 0.1) ** 4.2559
    assert air_density_isa(h) == pytest.approx(exact, rel=2e-15)


def test_isa_density_at_7500_ft_is_20_percent_thin():
    # ICAO standard atmosphere tables: 0.978 kg/m^3 at 2,286 m
    assert air_density_isa(7500 * 0.3048) == pytest.approx(0.978, abs=5e-4)
