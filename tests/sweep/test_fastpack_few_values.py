"""A continuous sweep key with four values or fewer packs like ``Scenario.replace(...).to_kernel()``.

With so few samples every value is a probe point; they used to reach ``replace`` as NumPy
scalars, whose repr (``np.float64(...)``) is no quantity, and the sweep was refused.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradesim.sweeps.design import build_design, normalise_spec
from gradesim.sweeps.fastpack import build_packer


@pytest.mark.parametrize("samples", [1, 3, 4])
@pytest.mark.parametrize(
    ("key", "dist"),
    [
        ("truck.gross_weight", {"uniform": ["60000 lb", "80000 lb"]}),
        ("road.ramps.0.grade", {"uniform": ["3 %", "8 %"]}),  # not affine: the slow path
    ],
)
def test_few_samples_pack_as_replace_does(ramp_demo, samples, key, dist):
    design = build_design(normalise_spec({"random": {"samples": samples, "seed": 3, "method": "random", key: dist}}))
    packer = build_packer(ramp_demo, design)
    P, road, ramps, actions = packer.arrays(design.inputs(np.arange(design.size)))
    for i in range(design.size):
        ki = ramp_demo.replace(design.changes(i)).to_kernel()
        np.testing.assert_array_equal(P[i], ki.P)
        np.testing.assert_array_equal(ramps[i, : ki.ramps.shape[0]], ki.ramps)
        np.testing.assert_array_equal(road[i, : ki.road.shape[0]], ki.road)
        np.testing.assert_array_equal(actions[i, : ki.actions.shape[0]], ki.actions)
