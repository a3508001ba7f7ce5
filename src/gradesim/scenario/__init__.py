"""Scenarios: the TOML schema, units, road profiles, truck presets and packing for the core.

The border of the package: everything here turns user input (unit strings,
presets, profile CSVs) into validated SI values and the float arrays that
:mod:`gradesim.core` runs on.  Nothing below this layer knows about units.
"""

from gradesim.scenario.scenario import Scenario
from gradesim.scenario.schema import ScenarioError

__all__ = ["Scenario", "ScenarioError"]
