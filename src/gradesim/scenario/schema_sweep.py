"""Schema tables for sweeps: the ``[sweep]`` table with its grid and Monte Carlo parts.

Kept apart from :mod:`gradesim.scenario.schema` (which uses them and re-exports
:data:`MAX_GRID_VALUES`, :data:`MAX_SCENARIOS` and :class:`SweepTable`) so
that module stays small; the same strict rules apply (unknown keys are errors).

Examples
--------
>>> from gradesim.scenario.schema_sweep import SweepTable
>>> SweepTable(grid={"truck.mass": ["60000 lb", "80000 lb"]}).traces
0
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, model_validator

from gradesim.scenario.quantities import F


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, validate_default=False)


# ----------------------------------------------------------------- sweep
MAX_SCENARIOS = 20_000_000
"""Most scenarios one sweep may hold (design and outcomes stay within a few GB)."""
MAX_GRID_VALUES = 1_000_000
"""Most values of one grid key (a ``linspace`` included)."""
GridValue = StrictStr | StrictFloat | StrictInt | StrictBool


class Linspace(_Strict):
    """Evenly spaced grid values."""

    linspace: Annotated[list[StrictStr | StrictFloat | StrictInt], Field(min_length=3, max_length=3)] = F(
        description="[start, stop, num]"
    )


class RandomTable(_Strict):
    """Monte Carlo samples; every other key is a dotted scenario key = a distribution table."""

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)
    samples: Annotated[StrictInt, Field(ge=1)] = F(description="number of samples (saltelli: base points)")
    seed: Annotated[StrictInt, Field(ge=0)] = F(0, "random seed")
    method: Literal["random", "lhs", "sobol", "saltelli"] = F("random", "sampler: random | lhs | sobol | saltelli")
    dummy: StrictBool = F(False, "saltelli: add an input that enters nothing (noise floor)")

    @model_validator(mode="after")
    def _distributions(self) -> RandomTable:
        for key, spec in (self.model_extra or {}).items():
            if not isinstance(spec, dict):
                raise ValueError(f"{key}: a distribution is a table such as {{ uniform = [lo, hi] }}, not {spec!r}")
        return self


class SweepTable(_Strict):
    """The ``[sweep]`` table read by ``gradesim sweep`` (:mod:`gradesim.sweeps.design`)."""

    grid: dict[str, Annotated[list[GridValue], Field(min_length=1, max_length=MAX_GRID_VALUES)] | Linspace] | None = F(
        None, "dotted scenario key = [values] or { linspace = [start, stop, num] }"
    )
    random: RandomTable | None = F(
        None, "Monte Carlo: samples, seed, method and key = { uniform|normal|triangular|choice }"
    )
    traces: Annotated[StrictInt, Field(ge=0, le=100_000)] = F(0, "number of runs whose speed traces are kept")
    chunk_size: Annotated[StrictInt, Field(ge=1, le=10_000_000)] | None = F(None, "scenarios per chunk of the store")
