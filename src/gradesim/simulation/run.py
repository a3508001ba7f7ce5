"""The only place that calls into :mod:`gradesim.core`: ``simulate(scenario) -> Result``.

A run the integrator had to give up (step cap, step size below round-off, a
NaN in the right-hand side) is *flagged*, not raised: its outcome kind is
``"failed"``, :func:`simulate` emits an :class:`IntegrationWarning` naming the
likely cause, and :func:`failure_message` gives the same text (the command line
prints it and exits with code 1).  Flagging keeps a sweep of a million runs
going when a few of them fail; they show as ``failed`` in its outcome table.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from gradesim.core import layout as L
from gradesim.core.integrate import MAX_STEPS, diagnostics, integrate
from gradesim.scenario import Scenario
from gradesim.scenario.pack import KernelInput
from gradesim.simulation.result import Result

DEFAULT_TRACE_ROWS = 20_000
COMPILE_NOTICE = "compiling the simulator once (~20 s); later runs use the cache"


class IntegrationWarning(RuntimeWarning):
    """The integrator gave up on a run (outcome ``failed``); the message names the likely cause."""


class EngineDamageWarning(RuntimeWarning):
    """The engine passed its damage speed: the run's result from then on is outside the model."""


class ImplausibleResultWarning(RuntimeWarning):
    """A result outside what the model covers (e.g. a speed no truck tyre is rated for)."""


class RefusedActionWarning(RuntimeWarning):
    """A scripted action the simulator did not carry out (a shift refused: the engine would overspeed)."""


class OutOfRangeWarning(RuntimeWarning):
    """A value outside a table's or a model's range (drums past the friction table, an impact past crash data)."""


#: Speed past which a result is flagged [m/s]: 100 mph.  Commercial truck tyres carry speed symbol L
#: (120 km/h, 75 mph) or M (130 km/h, 81 mph) [ISO 4000-1 / ETRTO speed symbols]; beyond ~100 mph the
#: tyre, aerodynamic and brake models are extrapolated far past any truck measurement.
IMPLAUSIBLE_SPEED = 100 * 0.44704


def _cache_is_cold(*dispatchers) -> bool:
    """True if a numba dispatcher has neither a compiled version in memory nor one in the on-disk cache."""
    for d in dispatchers:
        if d.signatures:
            continue
        try:
            if not d._cache._cache_file._load_index():  # numba's index of cached versions (empty: none or stale)
                return True
        except Exception:  # an unknown numba version: say nothing rather than guess
            continue
    return False


_NOTICE_SHOWN = False


def compile_notice(*dispatchers) -> None:
    """Print :data:`COMPILE_NOTICE` on stderr, once per process, if the kernels must be compiled.

    Parameters
    ----------
    *dispatchers : numba dispatcher
        The kernels about to be called (compiled with ``cache=True``).

    Examples
    --------
    >>> from gradesim.core.integrate import diagnostics, integrate
    >>> compile_notice(integrate, diagnostics)  # silent when the cache is warm  # doctest: +SKIP
    """
    global _NOTICE_SHOWN
    if _NOTICE_SHOWN or not _cache_is_cold(*dispatchers):
        return
    _NOTICE_SHOWN = True
    print(COMPILE_NOTICE, file=sys.stderr, flush=True)


def run_kernel(ki: KernelInput, trace_rows: int = DEFAULT_TRACE_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Run the integrator once; grow the trace buffer until the whole run fits.

    Parameters
    ----------
    ki : KernelInput
        The packed SI arrays of a scenario.
    trace_rows : int
        Trace rows to allocate at first (0: no trace).

    Returns
    -------
    summary : numpy.ndarray
        The integrator's summary vector, shape ``(layout.NS,)``.
    rows : numpy.ndarray
        Trace rows ``(t, y, mode)``, shape ``(n, layout.ROW_COLS)``.

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.core import layout as L
    >>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()  # doctest: +SKIP
    >>> summary, rows = run_kernel(ki)  # doctest: +SKIP
    >>> L.KIND_NAMES[int(summary[L.S_KIND])]  # doctest: +SKIP
    'impact'
    """
    compile_notice(integrate, diagnostics)
    rows = max(int(trace_rows), 0)
    while True:
        out = np.empty((rows, L.ROW_COLS))
        summary = np.empty(L.NS)
        n = integrate(ki.P, ki.road, ki.ramps, ki.actions, out, summary)
        if summary[L.S_TRUNC] < 0.5 or rows == 0:
            return summary, out[:n]
        rows *= 4


def failure_message(summary: np.ndarray, P: np.ndarray) -> str | None:
    """Why the integrator gave up on a run, with the likely cause and a fix; None if it did not.

    Parameters
    ----------
    summary : numpy.ndarray
        The integrator's summary vector, shape ``(layout.NS,)``.
    P : numpy.ndarray
        The packed parameters the run used (for its tolerances).

    Returns
    -------
    str or None
        One line: where the run stopped, the reason, the likely cause.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> s, P = np.zeros(L.NS), np.zeros(L.NP)
    >>> failure_message(s, P) is None
    True
    >>> s[L.S_KIND], s[L.S_FAIL], s[L.S_NSTEP], P[L.P_RTOL] = L.KIND_FAILED, L.FAIL_STEP_CAP, 2e6, 1e-13
    >>> failure_message(s, P)[:59]
    'the integrator hit its cap of 2,000,000 steps at t = 0.0 s,'
    """
    if int(summary[L.S_KIND]) != L.KIND_FAILED:
        return None
    where = f"at t = {summary[L.S_T]:.1f} s, s = {summary[L.S_S]:.1f} m, v = {summary[L.S_V]:.2f} m/s"
    rtol, n_step, n_rej = P[L.P_RTOL], int(summary[L.S_NSTEP]), int(summary[L.S_NREJ])
    reason = int(summary[L.S_FAIL])
    if reason == L.FAIL_NOT_FINITE:
        return f"the right-hand side became NaN or infinite {where}: an input far outside its physical range"
    if reason == L.FAIL_STEP_SIZE:
        head = f"the step size fell below round-off {where}"
    else:
        head = f"the integrator hit its cap of {MAX_STEPS:,} steps {where}"
    if rtol < 1e-11:
        cause = f"simulation.rtol = {rtol:g} is at the limit of double precision; use 1e-10 or looser"
    elif n_rej > n_step:
        cause = (
            f"{n_rej:,} rejected against {n_step:,} accepted steps: the forces switch back and forth "
            "(a driver mode or brake state chattering); try a looser simulation.rtol"
        )
    else:
        max_step = P[L.P_MAX_STEP]
        small = f"simulation.max_step = {max_step:g} s is very small; " if 0.0 < max_step < 1e-2 else ""
        cause = f"{small}the run is too long for its step size; raise max_step or lower max_time"
    return f"{head}: {cause}"


def simulate(scenario: Scenario, *, trace: bool = True) -> Result:
    """Simulate one descent of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The descent: truck, road, ramps, traffic, driver and solver settings.
    trace : bool
        Keep the trace (rows every ``simulation.output_interval``); ``False``
        gives only the outcome and the energy budget, faster.

    Returns
    -------
    Result
        ``outcome``, ``trace`` (a pandas DataFrame in SI units) and ``energy``
        (the energy budget in J).  If the integrator gave up, ``outcome.kind``
        is ``"failed"`` and an :class:`IntegrationWarning` names the likely
        cause (see :func:`failure_message`); nothing is raised.  An engine
        driven past its damage speed (``truck.engine.overspeed``, 2,500 rpm on
        the presets: the manufacturer's "operator-induced overspeed") gives an
        :class:`EngineDamageWarning`: what breaks first is not published, so the
        run goes on as if the engine held, and its result from
        ``outcome.overspeed_time_s`` on is outside the model.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/missed_ramp_lumber_truck.toml"))
    >>> res.outcome.kind, round(res.outcome.speed_mps, 1)
    ('impact', 36.4)

    References
    ----------
    J.R. Dormand, P.J. Prince, "A family of embedded Runge-Kutta formulae",
    J. Comput. Appl. Math. 6 (1980) 19-26 (the integrator, :mod:`gradesim.core.integrate`).
    """
    ki = scenario.to_kernel()
    summary, rows = run_kernel(ki, DEFAULT_TRACE_ROWS if trace else 0)
    diag = np.empty((rows.shape[0], L.ND))
    if rows.shape[0]:
        diagnostics(rows, ki.P, ki.road, ki.ramps, diag)
    msg = failure_message(summary, ki.P)
    if msg is not None:
        warnings.warn(f"{scenario.source or scenario.name}: {msg}", IntegrationWarning, stacklevel=2)
    if summary[L.S_T_OVERSPEED] >= 0.0:
        warnings.warn(
            f"{scenario.source or scenario.name}: the engine passed its damage speed "
            f"({ki.P[L.P_N_OVERSPEED]:.0f} rpm) at t = {summary[L.S_T_OVERSPEED]:.1f} s; engine damage is not "
            "modelled, so the result from then on is outside the model",
            EngineDamageWarning,
            stacklevel=2,
        )
    if summary[L.S_VMAX] > IMPLAUSIBLE_SPEED:
        warnings.warn(
            f"{scenario.source or scenario.name}: the truck reaches {summary[L.S_VMAX] / 0.44704:.0f} mph, past "
            f"{IMPLAUSIBLE_SPEED / 0.44704:.0f} mph: truck tyres are rated for 75-81 mph and the tyre, drag and "
            "brake models are extrapolated; treat the result as outside the model",
            ImplausibleResultWarning,
            stacklevel=2,
        )
    res = Result(scenario, ki, summary, rows, diag)
    if rows.shape[0]:
        _warn_events(res)
    return res


def _warn_events(res: Result) -> None:
    """Warn of refused shifts and of values outside a table's or a model's range (from the event log)."""
    from gradesim.simulation.events_log import analyse

    name = res.scenario.source or res.scenario.name
    _, refused, out_of_range = analyse(res)
    for rs in refused:
        warnings.warn(rs.message(name), RefusedActionWarning, stacklevel=3)
    for msg in out_of_range:
        warnings.warn(f"{name}: {msg}", OutOfRangeWarning, stacklevel=3)
