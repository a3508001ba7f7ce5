"""Corridor risk: a fleet of trucks on a grade, runaway probabilities, and where to put an escape ramp.

* :mod:`gradesim.corridor.fleet`: the traffic mix as sourced distributions (:class:`Fleet`);
* :mod:`gradesim.corridor.design`: a fleet on a corridor as a resumable sweep design;
* :mod:`gradesim.corridor.risk`: :func:`corridor_risk` and its result;
* :mod:`gradesim.corridor.siting`: :func:`site_ramp`, one new ramp placed on common random numbers.
"""

from gradesim.corridor.fleet import DEFAULT_FLEET, Fleet
from gradesim.corridor.risk import CorridorRisk, corridor_risk
from gradesim.corridor.siting import SitingResult, site_ramp, site_ramps

__all__ = ["DEFAULT_FLEET", "CorridorRisk", "Fleet", "SitingResult", "corridor_risk", "site_ramp", "site_ramps"]
