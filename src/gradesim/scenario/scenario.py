"""Scenario files: loading, validation, ``replace``, hashing and packing for the core.

Every quantity is a unit string parsed by pint (:mod:`gradesim.scenario.units`); bare
numbers are accepted only for dimensionless values.  Unknown keys are errors.
Errors are raised as :class:`ScenarioError` naming the file, the dotted key and
the value.  :meth:`Scenario.to_kernel` packs the SI arrays for :mod:`gradesim.core`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

import pydantic

from gradesim.scenario import parameter_sets
from gradesim.scenario.schema import BrakeGroup, ScenarioError, ScenarioModel, Truck


# ----------------------------------------------------------------- helpers
def _loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(str(p))
        elif isinstance(p, str) and (p.startswith("function-") or "[" in p or p in ("str", "float", "int")):
            continue
        else:
            parts.append(str(p))
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
    """Set ``tree[a][b][0][c] = value`` for ``key = "a.b.0.c"`` (creating tables)."""
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

    Use :meth:`from_toml` or :meth:`from_dict`; :meth:`replace` makes a variant.
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
        path = Path(path)
        if not path.is_file():
            raise ScenarioError("file not found", file=str(path))
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"not valid TOML ({exc})", file=str(path)) from None
        except UnicodeDecodeError:
            raise ScenarioError("not a text file", file=str(path)) from None
        return cls(data, source=str(path), base_dir=path.parent)

    @classmethod
    def from_dict(cls, data: dict[str, Any], base_dir: str | Path | None = None) -> Scenario:
        return cls(data, source=None, base_dir=Path(base_dir) if base_dir else None)

    def replace(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted keys set, e.g. ``{"truck.gross_weight": "75000 lb"}``.

        ``None`` removes a key (or a list item).
        """
        data = copy.deepcopy(self.data)
        for key, value in changes.items():
            try:
                set_dotted(data, key, value)
            except ScenarioError as exc:
                raise ScenarioError(exc.message, file=self.source, key=key) from None
            except (ValueError, TypeError, AttributeError):
                raise ScenarioError("cannot set this key", file=self.source, key=key) from None
        return Scenario(data, source=self.source, base_dir=self.base_dir)

    # -- validation
    def _error(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=self.source or "<scenario>", key=key)

    def _validate(self, data: dict[str, Any]) -> ScenarioModel:
        try:
            model = ScenarioModel.model_validate(data)
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            key = _loc(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {key.rsplit('.', 1)[-1]!r}"
            elif err["type"] == "missing":
                msg = "is required"
            else:
                try:
                    val = _get_path(data, key)
                    if repr(val) not in msg:
                        msg = f"{val!r}: {msg}"
                except (KeyError, IndexError, ValueError, TypeError):
                    pass
            raise self._error(key, msg) from None
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
        return model

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
            err = exc.errors()[0]
            key = "truck." + _loc(err["loc"])
            raise self._error(key, err["msg"].removeprefix("Value error, ")) from None
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
            out.setdefault("road", {})["profile_sha256"] = _file_hash(self.profile_path())
        return out

    @property
    def hash(self) -> str:
        """Short SHA-256 of the resolved scenario (stamped on every figure)."""
        blob = json.dumps(self.resolved_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:10]

    @property
    def name(self) -> str:
        return self.model.name

    def profile_path(self) -> Path:
        p = Path(self.model.road.profile or "")
        return p if p.is_absolute() else self.base_dir / p

    def to_kernel(self):
        """Packed SI arrays for the core (see :mod:`gradesim.scenario.pack`); a fresh copy each call."""
        if self._kernel is None:
            from gradesim.scenario.pack import pack

            self._kernel = pack(self)
        return self._kernel.copy()

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, hash={self.hash})"


def _flatten(tree: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for k, v in tree.items():
        if isinstance(v, dict) and k != "convection":
            keys.extend(_flatten(v, f"{prefix}{k}."))
        else:
            keys.append(f"{prefix}{k}")
    return keys


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"
