"""Fast packing of sweep designs: fill the kernel arrays of many scenarios at once.

``Scenario.replace(...).to_kernel()`` costs ~10-15 ms per scenario (pydantic +
pint), far too slow for a million scenarios.  But a swept key touches only a
few entries of the packed arrays.  :func:`build_packer` finds them by packing
the scenario at probe values of each key and comparing with the base:

* a **table** factor (grid values, ``choice``) is packed once per value and the
  changed entries are copied from that table: exact by construction;
* a **continuous** factor (a distribution, or a grid of more than
  :data:`TABLE_MAX` numbers) must change entries that are affine in its SI
  value: fitted at the smallest and largest value, checked at two values in
  between.  Entries equal to the SI value itself are copied (exact); other
  affine entries agree with ``pack`` to rounding (~1e-16 relative);
* factors that change the same entries are coupled: discrete ones are packed
  jointly (up to :data:`JOINT_MAX` combinations).

Anything else (a non-affine continuous key such as a ramp grade, which enters
as sin(theta); a table shape that changes with a continuous key; coupled
continuous keys) takes the slow path: ``replace`` + ``pack`` per scenario.
Before a fast packer is trusted it is compared with the slow path on a few
whole scenarios of the design (first, last, extremes, random ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario import ScenarioError
from gradesim.scenario.pack import KernelInput
from gradesim.sweeps.design import SAMPLE_DIM, Design, Factor, format_value, to_si

if TYPE_CHECKING:
    from gradesim.scenario import Scenario

TABLE_MAX = 64  # discrete values packed one by one
JOINT_MAX = 256  # combinations of coupled discrete factors packed one by one
AFFINE_RTOL = 1e-12  # affine fit check at interior probes
N_RANDOM_CHECKS = 6
MAX_CHECKS = 48  # whole scenarios packed both ways before the fast path is trusted


# ------------------------------------------------------------------ flat layout
@dataclass(frozen=True)
class Layout:
    """All four kernel arrays of one scenario in one flat float64 vector (tables zero-padded).

    The vector is ``P``, then the road, ramp and action tables row by row,
    each table padded with zero rows to this layout's row count, so
    scenarios whose tables differ in length stack into one 2-D array.

    Attributes
    ----------
    n_road : int
        Rows of the road table.
    n_ramps : int
        Rows of the ramp table.
    n_actions : int
        Rows of the action table.

    Examples
    --------
    >>> from gradesim.core import layout as L
    >>> lay = Layout(n_road=2, n_ramps=1, n_actions=0)
    >>> lay.sizes == (L.NP, 2 * L.ROAD_COLS, L.RAMP_COLS, 0)
    True
    """

    n_road: int
    n_ramps: int
    n_actions: int

    @classmethod
    def covering(cls, kis: list[KernelInput]) -> Layout:
        """The smallest layout that holds every one of ``kis``.

        Parameters
        ----------
        kis : list of KernelInput
            Packed scenarios.

        Returns
        -------
        Layout
            The longest road, ramp and action tables among them.
        """
        return cls(
            max(k.road.shape[0] for k in kis),
            max(k.ramps.shape[0] for k in kis),
            max(k.actions.shape[0] for k in kis),
        )

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        """Flat lengths of P, road, ramps and actions."""
        return L.NP, self.n_road * L.ROAD_COLS, self.n_ramps * L.RAMP_COLS, self.n_actions * L.ACT_COLS

    @property
    def size(self) -> int:
        """Length of one scenario's flat vector."""
        return sum(self.sizes)

    def fits(self, ki: KernelInput) -> bool:
        """True if ``ki``'s tables have no more rows than this layout.

        Parameters
        ----------
        ki : KernelInput
            A packed scenario.

        Returns
        -------
        bool
        """
        return (
            ki.road.shape[0] <= self.n_road
            and ki.ramps.shape[0] <= self.n_ramps
            and ki.actions.shape[0] <= self.n_actions
        )

    def flat(self, ki: KernelInput) -> np.ndarray:
        """``ki`` as one flat vector (tables zero-padded).

        Parameters
        ----------
        ki : KernelInput
            A packed scenario that :meth:`fits` this layout.

        Returns
        -------
        numpy.ndarray
            Shape ``(size,)``, SI units as in ``ki``.
        """
        out = np.zeros(self.size)
        o = 0
        for arr, n in zip((ki.P, ki.road, ki.ramps, ki.actions), self.sizes, strict=True):
            out[o : o + arr.size] = arr.ravel()
            o += n
        return out

    def split(self, F: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The kernel arrays of ``n`` scenarios from their flat vectors.

        Parameters
        ----------
        F : numpy.ndarray
            Flat vectors, shape ``(n, size)``.

        Returns
        -------
        tuple of numpy.ndarray
            C-contiguous ``P`` ``(n, NP)``, ``road`` ``(n, n_road, ROAD_COLS)``,
            ``ramps`` ``(n, n_ramps, RAMP_COLS)`` and ``actions``
            ``(n, n_actions, ACT_COLS)``, as :func:`gradesim.core.ensemble`
            kernels take them.
        """
        n = F.shape[0]
        out = []
        o = 0
        for size, cols in zip(self.sizes, (None, L.ROAD_COLS, L.RAMP_COLS, L.ACT_COLS), strict=True):
            block = F[:, o : o + size]
            block = block.reshape(n, size // cols, cols) if cols else block
            out.append(np.ascontiguousarray(block))
            o += size
        return out[0], out[1], out[2], out[3]


def _same_bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise bit equality (so NaN == NaN and -0.0 != 0.0)."""
    return a.view(np.uint64) == b.view(np.uint64)


# ------------------------------------------------------------------ plans
@dataclass
class TablePlan:
    """Discrete factors (one, or several coupled): entries copied from packed values.

    Attributes
    ----------
    factors : list of int
        Indices of the factors (into the design's factor list).
    shape : tuple of int
        Number of values of each factor.
    entries : numpy.ndarray
        Indices into the flat vector that these factors change.
    table : numpy.ndarray
        Shape ``(prod(shape), len(entries))``: the entries for each
        combination of value indices (C order), packed by ``pack``.

    Examples
    --------
    >>> from gradesim.scenario import Scenario
    >>> from gradesim.sweeps.design import build_design, normalise_spec
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}],
    ...              "ramps": [{"position": "2 mi", "length": "1500 ft", "grade": "5 %", "bed": "pea_gravel"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> design = build_design(normalise_spec({"grid": {"road.ramps.0.bed": ["pea_gravel", "sand"]}}))
    >>> plan = build_packer(sc, design).plans[0]
    >>> plan.table.ravel().tolist()  # the bed's rolling resistance R, one row per value
    [0.25, 0.15]
    """

    factors: list[int]
    shape: tuple[int, ...]
    entries: np.ndarray
    table: np.ndarray  # (prod(shape), len(entries))

    def fill(self, F: np.ndarray, inputs: list[np.ndarray]) -> None:
        """Write this plan's entries into the flat vectors ``F`` (one row per scenario).

        Parameters
        ----------
        F : numpy.ndarray
            Flat vectors, shape ``(n, layout.size)``, changed in place.
        inputs : list of numpy.ndarray
            Per-factor inputs as for :meth:`Packer.flats`.
        """
        combo = np.ravel_multi_index([inputs[f].astype(np.int64) for f in self.factors], self.shape)
        F[:, self.entries] = self.table[combo]


@dataclass
class AffinePlan:
    """A continuous factor: ``y = y_a + slope (x - x_a)`` on its entries (x in SI).

    Attributes
    ----------
    factor : int
        Index of the factor (into the design's factor list).
    unit : str
        The user's unit of the factor's values (``""`` for numbers).
    entries : numpy.ndarray
        Indices into the flat vector that the factor changes.
    x_a : float
        SI value at which ``y_a`` was packed.
    y_a : numpy.ndarray
        The entries packed at ``x_a``.
    slope : numpy.ndarray
        d(entry)/dx, fitted between the smallest and largest probe value.
    identity : numpy.ndarray
        Bool per entry: the entry is ``x`` itself (copied exactly).
    lookup : numpy.ndarray or None
        For a long numeric grid: the user value of each value index.

    Examples
    --------
    >>> from gradesim.core import layout as L
    >>> from gradesim.scenario import Scenario
    >>> from gradesim.sweeps.design import build_design, normalise_spec
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}],
    ...              "ramps": [{"position": "2 mi", "length": "1500 ft", "grade": "5 %", "bed": "pea_gravel"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> spec = {"random": {"samples": 8, "seed": 1, "truck.gross_weight": {"uniform": ["60000 lb", "80000 lb"]}}}
    >>> plan = build_packer(sc, build_design(normalise_spec(spec))).plans[0]
    >>> plan.entries.tolist() == [L.P_MASS], plan.identity.tolist()  # the mass is the value itself, in kg
    (True, [True])
    """

    factor: int
    unit: str
    entries: np.ndarray
    x_a: float
    y_a: np.ndarray
    slope: np.ndarray
    identity: np.ndarray  # entries equal to x itself
    lookup: np.ndarray | None = None  # a long numeric grid: user value of each value index

    def fill(self, F: np.ndarray, inputs: list[np.ndarray]) -> None:
        """Write this plan's entries into the flat vectors ``F`` (one row per scenario).

        Parameters
        ----------
        F : numpy.ndarray
            Flat vectors, shape ``(n, layout.size)``, changed in place.
        inputs : list of numpy.ndarray
            Per-factor inputs as for :meth:`Packer.flats`.
        """
        x = inputs[self.factor]
        if self.lookup is not None:
            x = self.lookup[x.astype(np.int64)]
        x = to_si(x, self.unit)[:, None]
        F[:, self.entries] = np.where(self.identity, x, self.y_a + self.slope * (x - self.x_a))


@dataclass
class Packer:
    """Packs batches of a design's scenarios into stacked kernel arrays.

    Built by :func:`build_packer`.  On the fast path the base scenario's flat
    vector is copied and every plan writes the entries its factors change;
    otherwise (``slow_reason`` set) each scenario is ``replace`` + ``pack``-ed.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    factors : list of Factor
        The design's factors, in its order.
    layout : Layout
        Flat layout covering every probed scenario.
    base : numpy.ndarray
        The base scenario's flat vector.
    plans : list of TablePlan or AffinePlan
        How each group of coupled factors fills its entries.
    slow_reason : str
        Why the fast path cannot be used, or ``""``.
    max_path_m : float
        Longest distance a truck of the probed scenarios can travel (end of
        road or of a ramp). [m]

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.scenario import Scenario
    >>> from gradesim.sweeps.design import build_design, normalise_spec
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}],
    ...              "ramps": [{"position": "2 mi", "length": "1500 ft", "grade": "5 %", "bed": "pea_gravel"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> design = build_design(normalise_spec({"grid": {"road.ramps.0.position": ["1 mi", "2 mi", "3 mi"]}}))
    >>> packer = build_packer(sc, design)
    >>> packer.fast
    True
    >>> P, road, ramps, actions = packer.arrays(design.inputs(np.arange(design.size)))
    >>> ramps[:, 0, 0].round(1).tolist()  # entrance positions [m]
    [1609.3, 3218.7, 4828.0]
    """

    scenario: Scenario
    factors: list[Factor]
    layout: Layout
    base: np.ndarray
    plans: list[Any] = field(default_factory=list)
    slow_reason: str = ""
    max_path_m: float = 0.0

    @property
    def fast(self) -> bool:
        """True unless the design needs ``replace`` + ``pack`` per scenario (see ``slow_reason``)."""
        return not self.slow_reason

    def flats(self, inputs: list[np.ndarray]) -> np.ndarray:
        """Flat vectors of a batch of scenarios (fast path).

        Parameters
        ----------
        inputs : list of numpy.ndarray
            One array per factor, one element per scenario: the value index
            of a discrete factor, or the value (user's unit) of a continuous
            one (:meth:`Design.inputs`).

        Returns
        -------
        numpy.ndarray
            Shape ``(n, layout.size)``.
        """
        n = len(inputs[0]) if inputs else 1
        F = np.repeat(self.base[None, :], n, axis=0)
        for plan in self.plans:
            plan.fill(F, inputs)
        return F

    def arrays(self, inputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Stacked C-contiguous ``(P, road, ramps, actions)`` of a batch, for the ensemble kernel.

        The fast path also checks the constraints that involve several keys
        (ramp order, load shares, finite values) on every scenario.

        Parameters
        ----------
        inputs : list of numpy.ndarray
            Per-factor inputs as for :meth:`flats`.

        Returns
        -------
        tuple of numpy.ndarray
            As :meth:`Layout.split`; SI units.

        Raises
        ------
        ScenarioError
            A combination of values that ``pack`` would refuse, naming it.
        """
        if self.fast:
            out = self.layout.split(self.flats(inputs))
            self._check_batch(*out, inputs)
            return out
        kis = [self.pack_one(inputs, j) for j in range(len(inputs[0]))]
        lay = Layout.covering(kis)
        return lay.split(np.stack([lay.flat(k) for k in kis]))

    def _check_batch(self, P, road, ramps, actions, inputs) -> None:
        """Checks of :func:`gradesim.scenario.pack.pack` that involve several keys, on every fast-packed scenario.

        A key swept alone is validated value by value when the packer is built;
        two keys together (e.g. two ramp positions) can still make a scenario
        that ``pack`` would refuse.  Such a sample raises the same ScenarioError.
        """
        bad = ~np.all(np.isfinite(P), axis=1)
        msg = "a value is not finite"
        n_r = P[:, L.P_N_RAMPS].astype(np.int64)
        if ramps.shape[1] > 1:
            pos = ramps[:, :, L.RAMP_POS]
            idx = np.arange(ramps.shape[1] - 1)[None, :]
            unordered = np.any((np.diff(pos, axis=1) <= 0.0) & (idx + 1 < n_r[:, None]), axis=1)
            if np.any(unordered & ~bad):
                msg = "ramps must be listed in order along the road"
            bad |= unordered
        shares = np.zeros(P.shape[0])
        for g in range(L.NGROUPS):
            base = L.P_BRK + g * L.NB
            shares += np.where(P[:, base + L.B_N_ENDS] > 0, P[:, base + L.B_LOAD_SHARE], 0.0)
        off = np.abs(shares - 1.0) > 0.02
        if np.any(off & ~bad):
            msg = "the load shares of the axle groups do not add up to 1"
        bad |= off
        if np.any(bad):
            j = int(np.argmax(bad))
            combo = ", ".join(f"{k} = {v!r}" for k, v in self.changes(inputs, j).items())
            raise ScenarioError(f"{msg} (in the combination {combo})", file=self.scenario.source, key="sweep")

    def changes(self, inputs: list[np.ndarray], j: int) -> dict[str, Any]:
        """``Scenario.replace`` changes of scenario ``j`` of a batch.

        Parameters
        ----------
        inputs : list of numpy.ndarray
            Per-factor inputs as for :meth:`flats`.
        j : int
            Scenario of the batch.

        Returns
        -------
        dict
            ``{dotted key: value}``; continuous values as exact unit strings.
        """
        out = {}
        for f, x in zip(self.factors, inputs, strict=True):
            out[f.key] = f.values[int(x[j])] if not f.continuous else format_value(float(x[j]), f.unit)
        return out

    def pack_one(self, inputs: list[np.ndarray], j: int) -> KernelInput:
        """Slow path: ``replace`` + ``pack`` of scenario ``j`` of the batch.

        Parameters
        ----------
        inputs : list of numpy.ndarray
            Per-factor inputs as for :meth:`flats`.
        j : int
            Scenario of the batch.

        Returns
        -------
        KernelInput
            The scenario's arrays.
        """
        return _packed(self.scenario, self.changes(inputs, j))


def _spec_key(f: Factor) -> str:
    """Where a factor sits in the ``[sweep]`` table (``sweep.grid.<key>`` or ``sweep.random.<key>``)."""
    return f"sweep.{'random' if f.dim == SAMPLE_DIM else 'grid'}.{f.key}"


def _packed(sc: Scenario, changes: dict[str, Any], f: Factor | None = None) -> KernelInput:
    """``sc.replace(changes).to_kernel()``; a ScenarioError names the swept key."""
    try:
        return sc.replace(changes).to_kernel()
    except ScenarioError as exc:
        if f is None:
            raise
        value = changes.get(f.key)
        if exc.key and exc.key != f.key:  # the value breaks another key
            msg = f"at {value!r}, {exc.key}: {exc.message}"
        else:
            msg = exc.message if repr(value) in exc.message else f"{value!r}: {exc.message}"
        raise ScenarioError(msg, file=sc.source, key=_spec_key(f)) from None


# ------------------------------------------------------------------ building
def _resolve_words(sc: Scenario, f: Factor) -> None:
    """A grid word ``"none"`` the schema does not know means: remove the key."""
    if f.values is None:
        return
    for j, v in enumerate(f.values):
        if isinstance(v, str) and v.lower() == "none":
            try:
                sc.replace({f.key: v})
            except ScenarioError:
                try:
                    sc.replace({f.key: None})
                except ScenarioError:
                    continue
                f.values[j] = None


def _probe_points(f: Factor) -> list[float]:
    """Smallest, largest and two interior values of a continuous factor (all from the design)."""
    x = np.unique(f.user[np.isfinite(f.user)])
    if x.size <= 4:
        return [float(v) for v in x]
    return [float(x[0]), float(x[-1]), float(x[x.size // 3]), float(x[(2 * x.size) // 3])]


def build_packer(sc: Scenario, design: Design, *, force_slow: bool = False) -> Packer:
    """Probe every factor of ``design`` on ``sc`` and plan how to fill its scenarios' arrays.

    Every grid value, and each distribution's sampled extremes, go through
    ``Scenario.replace`` and ``pack`` once, so bad input raises a
    :class:`ScenarioError` naming the key (``sweep.grid.<key>`` /
    ``sweep.random.<key>``) before anything runs.  A fast plan is then
    compared with ``replace`` + ``pack`` on a few whole scenarios (all of a
    small design; corners, extremes and random ones of a large one) and
    dropped for the slow path if any entry differs.

    Parameters
    ----------
    sc : Scenario
        The base scenario.
    design : Design
        The sweep design (:func:`gradesim.sweeps.design.build_design`).
    force_slow : bool
        Skip the fast path (for tests and comparisons).

    Returns
    -------
    Packer
        Fast (``plans`` set) or slow (``slow_reason`` says why).

    Raises
    ------
    ScenarioError
        A swept value that the scenario refuses, naming the ``sweep`` key.

    Examples
    --------
    >>> from gradesim.scenario import Scenario
    >>> from gradesim.sweeps.design import build_design, normalise_spec
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}],
    ...              "ramps": [{"position": "2 mi", "length": "1500 ft", "grade": "5 %", "bed": "pea_gravel"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> spec = {"random": {"samples": 8, "seed": 1, "road.ramps.0.grade": {"uniform": ["3 %", "8 %"]}}}
    >>> build_packer(sc, build_design(normalise_spec(spec))).slow_reason  # grade enters as sin(theta)
    'road.ramps.0.grade does not enter the packed arrays linearly'
    """
    base_ki = sc.to_kernel()
    factors = design.factors
    for f in factors:
        _resolve_words(sc, f)
    # discrete factors with many numeric values are treated as continuous
    continuous = [f.continuous or (len(f.values) > TABLE_MAX and bool(np.all(np.isfinite(f.user)))) for f in factors]
    probes: list[list[tuple[Any, KernelInput]]] = []
    for f, cont in zip(factors, continuous, strict=True):
        if cont:
            pts = _probe_points(f)
            probes.append([(x, _packed(sc, {f.key: format_value(x, f.unit)}, f)) for x in pts])
            if f.values is not None:  # the other values of a long grid: validated, not packed
                for v in f.values:
                    _validate(sc, f, v)
        else:
            probes.append([(j, _packed(sc, {f.key: v}, f)) for j, v in enumerate(f.values)])
    layout = Layout.covering([base_ki] + [ki for pr in probes for _, ki in pr])
    base = layout.flat(base_ki)
    packer = Packer(sc, factors, layout, base)
    packer.max_path_m = max(_path_length(ki) for pr in probes for _, ki in pr) if probes else _path_length(base_ki)
    if force_slow:
        packer.slow_reason = "slow path requested"
        return packer

    touched = []
    for pr in probes:
        flats = np.stack([layout.flat(ki) for _, ki in pr])
        touched.append(np.flatnonzero(np.any(~_same_bits(flats, base[None, :]), axis=0)))
    groups = _coupled_groups(touched)
    plans = []
    for group in groups:
        plan, reason = _plan_group(sc, factors, continuous, probes, group, touched, layout, base)
        if plan is None:
            packer.slow_reason = reason
            return packer
        plans.append(plan)
    packer.plans = plans
    reason = _check_whole_scenarios(packer, design)
    if reason:
        packer.plans = []
        packer.slow_reason = reason
    return packer


def _validate(sc: Scenario, f: Factor, value: Any) -> None:
    """Refuse a value of a long grid that the scenario refuses, naming the ``sweep`` key."""
    try:
        sc.replace({f.key: value})
    except ScenarioError as exc:
        raise ScenarioError(exc.message, file=sc.source, key=_spec_key(f)) from None


def _path_length(ki: KernelInput) -> float:
    """Longest distance a truck can travel along its path [m]: end of road or end of a ramp."""
    n = int(ki.P[L.P_N_RAMPS])
    ends = ki.ramps[:n, L.RAMP_POS] + ki.ramps[:n, L.RAMP_LEN]
    return float(max([ki.P[L.P_ROAD_END], *ends]))


def _coupled_groups(touched: list[np.ndarray]) -> list[list[int]]:
    """Factors that change a common entry, joined transitively."""
    parent = list(range(len(touched)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for i, ent in enumerate(touched):
        for e in ent.tolist():
            if e in owner:
                parent[root(i)] = root(owner[e])
            else:
                owner[e] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(touched)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _plan_group(sc, factors, continuous, probes, group, touched, layout, base):
    """A plan for one group of coupled factors, or ``(None, why the fast path cannot be used)``."""
    entries = np.unique(np.concatenate([touched[i] for i in group])) if group else np.array([], int)
    if len(group) == 1 and continuous[group[0]]:
        return _affine_plan(factors, probes, group[0], entries, layout)
    if any(continuous[i] for i in group):
        keys = ", ".join(factors[i].key for i in group)
        return None, f"coupled keys with a continuous one ({keys}) change the same packed entries"
    shape = tuple(len(factors[i].values) for i in group)
    if len(group) == 1:
        table = np.stack([layout.flat(ki)[entries] for _, ki in probes[group[0]]])
        return TablePlan(group, shape, entries, table), ""
    n = int(np.prod(shape))
    if n > JOINT_MAX:
        keys = ", ".join(factors[i].key for i in group)
        return None, f"coupled keys ({keys}) have {n} combinations, more than {JOINT_MAX}"
    rows = []
    for combo in np.ndindex(*shape):
        ch = {factors[i].key: factors[i].values[j] for i, j in zip(group, combo, strict=True)}
        ki = _packed(sc, ch)
        if not layout.fits(ki):
            return None, f"coupled keys ({', '.join(ch)}) change the size of the packed tables"
        rows.append(layout.flat(ki)[entries])
    return TablePlan(group, shape, entries, np.stack(rows)), ""


def _affine_plan(factors, probes, i, entries, layout):
    """An :class:`AffinePlan` for continuous factor ``i``, or ``(None, reason)`` if it is not affine."""
    f = factors[i]
    pts = [x for x, _ in probes[i]]
    kis = [ki for _, ki in probes[i]]
    if any(ki.road.shape != kis[0].road.shape or ki.ramps.shape != kis[0].ramps.shape for ki in kis) or any(
        ki.actions.shape != kis[0].actions.shape for ki in kis
    ):
        return None, f"{f.key} changes the size of the packed tables"
    Y = np.stack([layout.flat(ki)[entries] for ki in kis])
    X = to_si(np.array(pts), f.unit)
    identity = np.all(_same_bits(Y, np.broadcast_to(X[:, None], Y.shape).copy()), axis=0)
    lookup = f.user if f.values is not None else None
    if len(pts) == 1:
        return AffinePlan(i, f.unit, entries, float(X[0]), Y[0], np.zeros(entries.size), identity, lookup), ""
    slope = (Y[1] - Y[0]) / (X[1] - X[0])
    pred = Y[0] + slope * (X[:, None] - X[0])
    scale = np.maximum(np.abs(Y).max(axis=0), 1e-300)
    bad = ~identity & ~(np.abs(pred - Y) <= AFFINE_RTOL * scale)
    if np.any(~np.isfinite(Y)) or bad.any():
        return None, f"{f.key} does not enter the packed arrays linearly"
    return AffinePlan(i, f.unit, entries, float(X[0]), Y[0], slope, identity, lookup), ""


def _check_points(design: Design) -> np.ndarray:
    """Scenarios on which fast packing is checked against the slow path.

    Small designs: all.  Otherwise the corners of the grid (smallest and
    largest value of each key, where order and range constraints between keys
    fail first), the samples holding each random key's extremes, and a few
    random scenarios.
    """
    n = design.size
    if n <= MAX_CHECKS:
        return np.arange(n)
    rng = np.random.default_rng(20240601)
    axes = []
    for d, size in zip(design.dims, design.shape, strict=True):
        if d == SAMPLE_DIM:
            ext = [
                int(i) for f in design.random_factors if f.continuous for i in (np.argmin(f.user), np.argmax(f.user))
            ]
            axes.append(sorted({0, size - 1, *ext}))
        else:
            f = next(f for f in design.grid_factors if f.key == d)
            if np.all(np.isfinite(f.user)):
                axes.append(sorted({int(np.argmin(f.user)), int(np.argmax(f.user))}))
            else:
                axes.append(list(range(size)) if size <= 4 else [0, size - 1])
    corners = np.array(np.meshgrid(*axes, indexing="ij")).reshape(len(axes), -1)
    picks = set(np.ravel_multi_index(tuple(corners), design.shape).tolist())
    if len(picks) > MAX_CHECKS - N_RANDOM_CHECKS:
        picks = set(rng.choice(sorted(picks), MAX_CHECKS - N_RANDOM_CHECKS, replace=False).tolist())
    picks |= set(rng.integers(0, n, size=N_RANDOM_CHECKS).tolist())
    return np.array(sorted(picks), dtype=np.int64)


def _check_whole_scenarios(packer: Packer, design: Design) -> str:
    """Compare fast and slow packing on a few whole scenarios; '' if they agree."""
    flat = _check_points(design)
    inputs = design.inputs(flat)
    fast = packer.flats(inputs)
    loose = np.zeros(packer.layout.size, bool)
    for plan in packer.plans:
        if isinstance(plan, AffinePlan):
            loose[plan.entries[~plan.identity]] = True
    for j in range(flat.size):
        try:
            ki = packer.pack_one(inputs, j)
        except ScenarioError as exc:
            combo = ", ".join(f"{k} = {v!r}" for k, v in packer.changes(inputs, j).items())
            raise ScenarioError(f"{exc.message} (in the combination {combo})", file=exc.file, key=exc.key) from None
        if not packer.layout.fits(ki):
            return "a combination of keys changes the size of the packed tables"
        slow = packer.layout.flat(ki)
        exact = _same_bits(fast[j], slow)
        with np.errstate(invalid="ignore"):
            close = np.abs(fast[j] - slow) <= AFFINE_RTOL * np.maximum(np.abs(slow), 1e-300)
        if not np.all(exact | (loose & close)):
            keys = ", ".join(design.changes(int(flat[j])))
            return f"the keys ({keys}) interact in the packed arrays"
    return ""
