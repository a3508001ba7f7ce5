"""Scenario files: loading, validation, ``replace``, hashing, writing back and packing for the core.

Every quantity is a unit string parsed by pint (:mod:`gradesim.scenario.units`); bare
numbers are accepted only for dimensionless values.  Unknown keys are errors, with a
"did you mean ...?".  Errors are raised as :class:`ScenarioError` naming the file,
the dotted key and the value.  :meth:`Scenario.to_kernel` packs the SI arrays for
:mod:`gradesim.core`; :meth:`Scenario.to_toml` writes the scenario back;
:meth:`Scenario.validate_all` checks everything ``run`` and ``sweep`` would.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import warnings
from pathlib import Path
from typing import Any

import pydantic

from gradesim.scenario import parameter_sets
from gradesim.scenario.describe import check_dotted_key, child_keys, generic_key
from gradesim.scenario.schema import DEFAULT_FOOT_ELEVATION, BrakeGroup, ScenarioError, ScenarioModel, Truck
from gradesim.scenario.toml_io import dumps, read_toml, rebase_profile, resolve_extends
from gradesim.scenario.units import to_si


class ScenarioWarning(UserWarning):
    """Something the simulator assumed for a scenario (printed as one line naming the file and key)."""


_WARNED: dict[Any, Any] = {}  # warning registry: each distinct warning once per process


def warn(message: str, file: str | None, key: str) -> None:
    """Issue a :class:`ScenarioWarning` ``key: message`` attributed to the scenario ``file`` (one line).

    Parameters
    ----------
    message : str
        What was assumed and how to say it explicitly.
    file : str or None
        The scenario file (``<scenario>`` for one built in code).
    key : str
        The dotted key concerned.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("assumed 0 m", "x.toml", "road.start_elevation")
    >>> str(caught[0].message)
    'road.start_elevation: assumed 0 m'
    """
    # line 0: ``warnings`` prints no source line, so the CLI shows exactly one line
    warnings.warn_explicit(f"{key}: {message}", ScenarioWarning, file or "<scenario>", 0, registry=_WARNED)


# ----------------------------------------------------------------- helpers
def _loc(loc: tuple[Any, ...], prefix: str = "", keep_last: bool = False) -> str:
    """Dotted key of a pydantic error location, without the union-member and validator names it adds."""
    parts: list[str] = []
    for i, p in enumerate(loc):
        parent = generic_key(prefix + ".".join(parts)).strip(".")
        if isinstance(p, int):
            parts.append(str(p))
        elif parent in ("sweep.grid", "sweep.random") and p not in child_keys(parent):
            parts.append(p)  # a dotted scenario key inside the sweep table
            break
        elif p in child_keys(parent) or (keep_last and i == len(loc) - 1):
            parts.append(p)
    return ".".join(parts)


def _get_path(tree: Any, key: str) -> Any:
    node = tree
    for part in key.split("."):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(key)
    return node


def set_dotted(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set ``tree[a][b][0][c] = value`` for ``key = "a.b.0.c"`` (creating tables).

    Parameters
    ----------
    tree : dict
        Nested scenario tree, changed in place.
    key : str
        Dotted key; numeric parts index lists.
    value : Any
        New value; ``None`` removes the key (or the list item).

    Raises
    ------
    ScenarioError
        A list index out of range.

    Examples
    --------
    >>> tree = {"road": {"ramps": [{"position": 1}]}}
    >>> set_dotted(tree, "road.ramps.0.position", 2)
    >>> tree
    {'road': {'ramps': [{'position': 2}]}}
    """
    parts = key.split(".")
    node: Any = tree
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(node, list):
            idx = int(part)
            if idx >= len(node):
                raise ScenarioError(f"index {idx} is out of range", key=key)
            node = node[idx]
        else:
            if part not in node or node[part] is None:
                node[part] = [] if nxt.isdigit() else {}
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        idx = int(last)
        if idx >= len(node):
            raise ScenarioError(f"index {idx} is out of range", key=key)
        if value is None:
            node.pop(idx)
        else:
            node[idx] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "convection":
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


GROUP_KEYS = tuple(BrakeGroup.model_fields)


class Scenario:
    """A validated scenario: the user's TOML tree, resolved against its truck preset.

    Use :meth:`from_toml` or :meth:`from_dict`; :meth:`replace` makes a variant,
    :meth:`to_toml` writes it back, :attr:`hash` identifies it.

    Parameters
    ----------
    data : dict
        The scenario tree (as read from TOML; ``extends`` already resolved).
    source : str, optional
        The file it came from (named in errors and warnings).
    base_dir : pathlib.Path, optional
        Folder that ``road.profile`` is relative to (default: the current folder).

    Raises
    ------
    ScenarioError
        Any invalid key or value (one line: file, dotted key, value, what is wrong).

    Examples
    --------
    >>> sc = Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
    >>> sc.replace({"truck.gross_weight": "75000 lb"}).model.truck.gross_weight
    '75000 lb'
    """

    def __init__(self, data: dict[str, Any], source: str | None = None, base_dir: Path | None = None):
        self.source = source
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.data = copy.deepcopy(data)
        self.model = self._validate(self.data)
        self.truck, self.parameter_sources = self._resolve_truck()
        self._kernel = None  # packed arrays, built on first use

    # -- construction
    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Read, resolve ``extends`` and validate a scenario file (its ``[sweep]`` table included).

        Parameters
        ----------
        path : str or pathlib.Path
            The TOML file.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            Unreadable file, bad TOML, an ``extends`` cycle, or an invalid key or value.

        Examples
        --------
        >>> Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").name[:15]
        'Instructor demo'
        """
        path = Path(path)
        data = resolve_extends(read_toml(path), path.parent, str(path), (path.resolve(),))
        sc = cls(data, source=str(path), base_dir=path.parent)
        sc.check_sweep(probe=False)
        return sc

    @classmethod
    def from_dict(cls, data: dict[str, Any], base_dir: str | Path | None = None) -> Scenario:
        """A scenario from a tree built in code (``extends`` and profiles relative to ``base_dir``).

        Parameters
        ----------
        data : dict
            The scenario tree, as the TOML file would hold it.
        base_dir : str or pathlib.Path, optional
            Folder for relative paths (default: the current folder).

        Returns
        -------
        Scenario

        Examples
        --------
        >>> road = {"start_elevation": "1000 m", "segments": [{"length": "2 km", "grade": "-5 %"}]}
        >>> Scenario.from_dict({"road": road}).model.road.segments[0].grade
        '-5 %'
        """
        base = Path(base_dir) if base_dir else Path.cwd()
        return cls(resolve_extends(data, base, None), source=None, base_dir=base)

    def replace(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted keys set, e.g. ``{"truck.gross_weight": "75000 lb"}``.

        Parameters
        ----------
        changes : dict
            Dotted key -> value (unit strings as in the file); ``None`` removes a key (or a list item).

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            An unknown key (with a "did you mean ...?") or an invalid value.

        Examples
        --------
        >>> sc = Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
        >>> try:
        ...     sc.replace({"driver.take_rmap": 0})
        ... except ScenarioError as exc:
        ...     print(exc.key, "|", exc.message)
        driver.take_rmap | unknown key 'driver.take_rmap' (did you mean 'driver.take_ramp'?)
        """
        data = copy.deepcopy(self.data)
        for key, value in changes.items():
            why = check_dotted_key(key) if isinstance(key, str) else "a key is a dotted string"
            if why is not None:
                raise ScenarioError(why, file=self.source, key=str(key))
            try:
                set_dotted(data, key, value)
            except ScenarioError as exc:
                raise ScenarioError(exc.message, file=self.source, key=key) from None
            except (ValueError, TypeError, AttributeError, KeyError):
                raise ScenarioError("cannot set this key", file=self.source, key=key) from None
        return Scenario(data, source=self.source, base_dir=self.base_dir)

    # -- validation
    def _error(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=self.source or "<scenario>", key=key)

    def _validate(self, data: dict[str, Any]) -> ScenarioModel:
        try:
            model = ScenarioModel.model_validate(data)
        except pydantic.ValidationError as exc:
            raise self._pydantic_error(exc, data, "") from None
        road = model.road
        if (road.segments is None) == (road.profile is None):
            raise self._error("road", "give either segments or profile (exactly one)")
        for k, ramp in enumerate(road.ramps):
            if (ramp.bed is None) == (ramp.rolling_resistance is None):
                raise self._error(f"road.ramps.{k}", "give its bed (e.g. 'pea_gravel') or rolling_resistance, not both")
        d = model.driver
        if d.strategy in ("snub", "target") and "target_speed" not in d.model_fields_set:
            raise self._error("driver.target_speed", f"strategy {d.strategy!r} needs a target_speed")
        for k, a in enumerate(d.actions):
            if a.do == "brake" and a.strategy == "steady" and a.pressure is None:
                raise self._error(f"driver.actions.{k}.pressure", "a steady brake application needs a pressure")
        self._assumed: list[tuple[str, str]] = []
        if road.segments is not None and road.start_elevation is None:
            road.start_elevation = self._default_start_elevation(road.segments)
        return model

    def _default_start_elevation(self, segments: list[Any]) -> str:
        """Start elevation that puts the lowest point of a segment road at :data:`DEFAULT_FOOT_ELEVATION`."""
        z = lowest = 0.0
        for seg in segments:
            g = to_si(seg.grade, "dimensionless")
            z += to_si(seg.length, "length") * g / math.sqrt(1.0 + g * g)
            lowest = min(lowest, z)
        start = to_si(DEFAULT_FOOT_ELEVATION, "length") - lowest
        self._assumed.append(
            (
                "road.start_elevation",
                f"not given: assumed {start:.0f} m ({start / 0.3048:,.0f} ft), which puts the lowest point of the "
                f"road at {DEFAULT_FOOT_ELEVATION}; the air density follows from it. Give road.start_elevation",
            )
        )
        return f"{start!r} m"

    def _pydantic_error(self, exc: pydantic.ValidationError, data: Any, prefix: str) -> ScenarioError:
        """One line from pydantic's errors: the dotted key, the value, what is wrong (did you mean ...?)."""
        errors = exc.errors()
        err = next((e for e in errors if e["type"] in ("value_error", "extra_forbidden", "missing")), errors[0])
        key = prefix + _loc(err["loc"], prefix, keep_last=err["type"] == "extra_forbidden")
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = check_dotted_key(key) or f"unknown key {key.rpartition('.')[2]!r}"
        elif err["type"] == "missing":
            msg = "is required"
        else:
            try:
                val = _get_path(data, key[len(prefix) :])
                if repr(val) not in msg and not isinstance(val, dict | list):
                    msg = f"{val!r}: {msg}"
            except (KeyError, IndexError, ValueError, TypeError):
                pass
        return self._error(key, msg)

    def _resolve_truck(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Merge preset + common defaults + the user's truck table; return (tree, sources)."""
        user = self.data.get("truck", {}) or {}
        name = self.model.truck.preset
        try:
            pvals, psrc = parameter_sets.load(name)
        except KeyError:
            raise self._error(
                "truck.preset", f"{name!r} is not a preset (have: {', '.join(parameter_sets.available())})"
            ) from None
        cvals, csrc, _ = parameter_sets.common()
        merged = _merge(pvals, {k: v for k, v in user.items() if k != "preset"})
        sources = dict(psrc)
        for key in _flatten(user):
            if key != "preset":
                sources[f"truck.{key}"] = f"scenario file {self.source or ''}".strip()
        # each group: common defaults < preset [truck.brakes] < preset group < scenario [truck.brakes] < scenario group
        brakes = merged.setdefault("brakes", {})
        p_brakes = pvals.get("brakes", {})
        u_brakes = user.get("brakes", {}) or {}
        here = f"scenario file {self.source or ''}".strip()
        for grp in ("steer", "drive", "trailer"):
            group: dict[str, Any] = {}
            src_of: dict[str, str] = {}
            layers = (
                (cvals, lambda k: csrc.get(f"truck.brakes.{k}", "")),
                ({k: v for k, v in p_brakes.items() if k in GROUP_KEYS}, lambda k: psrc.get(f"truck.brakes.{k}", "")),
                (p_brakes.get(grp, {}), lambda k, g=grp: psrc.get(f"truck.brakes.{g}.{k}", "")),
                ({k: v for k, v in u_brakes.items() if k in GROUP_KEYS}, lambda k: here),
                (u_brakes.get(grp, {}) or {}, lambda k: here),
            )
            for values, source in layers:
                for k, v in values.items():
                    group[k] = copy.deepcopy(v)
                    src_of[k] = source(k)
            brakes[grp] = group
            for k, src in src_of.items():
                if src:
                    sources[f"truck.brakes.{grp}.{k}"] = src
        try:
            Truck.model_validate(merged)
        except pydantic.ValidationError as exc:
            raise self._pydantic_error(exc, merged, "truck.") from None
        required = ["gross_weight", "wheel_radius", "axle_ratio", "transmission"]
        for k in required:
            if merged.get(k) is None:
                raise self._error(f"truck.{k}", "is required (not in the preset either)")
        return merged, sources

    # -- identity
    def resolved_dict(self) -> dict[str, Any]:
        """The full scenario with the truck preset merged in (what the hash covers)."""
        out = copy.deepcopy(self.data)
        out["truck"] = copy.deepcopy(self.truck)
        out["truck"]["preset"] = self.model.truck.preset
        out.pop("sweep", None)
        # the tables behind names (friction curve, transmission, chamber type), so an edited
        # parameter file changes the hash as well
        curves = parameter_sets.friction_curves()
        _, _, chambers = parameter_sets.common()
        tables: dict[str, Any] = {}
        for grp in ("steer", "drive", "trailer"):
            g = self.truck["brakes"][grp]
            if isinstance(g.get("friction_curve"), str) and g["friction_curve"] in curves:
                tables[f"friction_curve.{g['friction_curve']}"] = curves[g["friction_curve"]]
            if g.get("chamber") in chambers:
                tables[f"chamber.{g['chamber']}"] = chambers[g["chamber"]]
        tr = self.truck.get("transmission")
        if isinstance(tr, str):
            tables[f"transmission.{tr}"] = parameter_sets.transmissions().get(tr)
        out["resolved_tables"] = tables
        if self.model.road.profile:
            # the profile's content, not where it lies: a copy written elsewhere (to_toml) keeps the hash
            out.setdefault("road", {})["profile"] = "(see profile_sha256)"
            out["road"]["profile_sha256"] = _file_hash(self.profile_path())
        return out

    @property
    def hash(self) -> str:
        """Short SHA-256 of the resolved scenario (stamped on every figure).

        It covers the scenario after ``extends`` and the preset are merged in, the
        tables behind names (friction curve, chamber, transmission) and the
        content of a road profile, but not where the files lie.
        """
        blob = json.dumps(self.resolved_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:10]

    @property
    def name(self) -> str:
        """The scenario's ``name``."""
        return self.model.name

    def profile_path(self) -> Path:
        """Where ``road.profile`` lies (relative paths are relative to the scenario file)."""
        p = Path(self.model.road.profile or "")
        return p if p.is_absolute() else self.base_dir / p

    def to_kernel(self):
        """Packed SI arrays for the core (see :mod:`gradesim.scenario.pack`); a fresh copy each call.

        The first call also issues a :class:`ScenarioWarning` for each value the
        simulator assumed (e.g. a missing ``road.start_elevation``).

        Returns
        -------
        gradesim.scenario.packer.KernelInput
        """
        if self._kernel is None:
            from gradesim.scenario.pack import pack

            self._kernel = pack(self)
            for key, message in self._assumed:
                warn(message, self.source, key)
        return self._kernel.copy()

    # -- writing and checking
    def to_toml(self, path: str | Path | None = None) -> str:
        """The scenario as TOML text; with ``path``, also written there (atomically).

        ``extends`` is already merged in, so the text stands alone; a relative
        ``road.profile`` is rewritten to resolve from ``path``'s folder.  Reading
        it back gives the same :attr:`hash`.

        Parameters
        ----------
        path : str or pathlib.Path, optional
            File to write.

        Returns
        -------
        str
            The TOML text.

        Examples
        --------
        >>> sc = Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
        >>> import tomllib
        >>> Scenario.from_dict(tomllib.loads(sc.to_toml()), base_dir="scenarios").hash == sc.hash
        True
        """
        data = copy.deepcopy(self.data)
        if path is not None:
            path = Path(path)
            rebase_profile(data, self.base_dir, path.parent)
        text = f"# {self.name}: scenario hash {self.hash}, written by gradesim Scenario.to_toml\n" + dumps(data)
        if path is not None:
            tmp = path.with_name(f".{path.name}.partial")
            try:
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise ScenarioError(
                    f"cannot write ({exc.strerror or exc.__class__.__name__})", file=str(path)
                ) from None
        return text

    def check_sweep(self, probe: bool = False) -> None:
        """Check the ``[sweep]`` table (if any) as ``gradesim sweep`` would, before anything is allocated.

        Parameters
        ----------
        probe : bool
            Also build the scenario at each grid value and at the extremes of each distribution.

        Raises
        ------
        ScenarioError
            The first problem, naming ``sweep.<...>``.
        """
        spec = self.data.get("sweep")
        if spec is not None:
            from gradesim.scenario.sweep_spec import check_sweep_spec

            check_sweep_spec(spec, self.source, self if probe else None)

    def validate_all(self) -> None:
        """Everything ``gradesim run`` and ``gradesim sweep`` would check, without running.

        Packs the scenario for the core (road, ramps, brakes, actions...) and checks
        the ``[sweep]`` table, building the scenario at every grid value and at the
        extremes of every distribution.

        Raises
        ------
        ScenarioError
            The first problem found (one line: file, key, value).

        Examples
        --------
        >>> Scenario.from_toml("scenarios/missed_ramp_lumber_truck.toml").validate_all()
        """
        self.to_kernel()
        self.check_sweep(probe=True)

    def __repr__(self) -> str:
        """``Scenario('name', hash=...)``."""
        return f"Scenario({self.name!r}, hash={self.hash})"


def _flatten(tree: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for k, v in tree.items():
        if isinstance(v, dict) and k not in ("convection", "torque_curve"):
            keys.extend(_flatten(v, f"{prefix}{k}."))
        else:
            keys.append(f"{prefix}{k}")
    return keys


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"
