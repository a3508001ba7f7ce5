"""Reconstruct a real runaway: priors, evidence as data, posterior, counterfactuals, attribution.

``reconstruct(scenario)`` runs the scenario's ``[reconstruct.priors]`` on the
ensemble kernel and weights every run by its ``[[evidence]]``;
:func:`counterfactual` and :func:`attribution` rerun posterior draws with
changes (common random numbers).

Examples
--------
>>> from gradesim.reconstruct import shapley
>>> shapley([0.0, 1.0, 2.0, 5.0], 2).tolist()
[2.0, 3.0]
"""

import sys
import types

from gradesim.reconstruct.counterfactual import attribution, counterfactual, ramp_lengths
from gradesim.reconstruct.evidence import Evidence, parse_evidence
from gradesim.reconstruct.posterior import Reconstruction, held_out, reconstruct, weighted_quantile
from gradesim.reconstruct.shapley import shapley

__all__ = [
    "Evidence",
    "Reconstruction",
    "attribution",
    "counterfactual",
    "held_out",
    "parse_evidence",
    "ramp_lengths",
    "reconstruct",
    "shapley",
    "weighted_quantile",
]


class _CallableModule(types.ModuleType):
    """The subpackage shares its name with :func:`reconstruct`: importing it sets ``gradesim.reconstruct``
    to the module, so calling the module calls the function (``gs.reconstruct(sc)`` works either way)."""

    def __call__(self, *args, **kwargs):
        return reconstruct(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
