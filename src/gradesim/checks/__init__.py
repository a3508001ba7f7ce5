"""Checks of the model: reference models and standard tests the simulator is held against.

- :mod:`~gradesim.checks.gsrs`: the FHWA Grade Severity Rating System, a
  closed-form brake-temperature model fitted to instrumented descents;
- :mod:`~gradesim.checks.gsrs_compare`: the simulator beside the GSRS;
- :mod:`~gradesim.checks.brake_test`: FMVSS 121-style stops and fade sequence;
- :mod:`~gradesim.checks.validate`: ``gradesim validate``.
"""
