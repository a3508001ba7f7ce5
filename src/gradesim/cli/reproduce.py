"""Reproduction bundles: what ``gradesim run`` and ``report`` leave beside their outputs, and ``gradesim reproduce``.

A bundle is the run's output folder.  Beside the figures, trace and outcomes it holds

- ``scenario.toml``: the scenario as run (``extends`` merged), reading its data files from the bundle;
- ``scenario_resolved.toml``: the same with the truck preset and every default written out, for the reader;
- ``tables_resolved.toml``: the named tables it uses (friction curve, chambers, transmission);
- ``profile_<name>.csv``: a copy of each data file the scenario reads;
- ``manifest.json``: the code identity (version, commit, modified flag, SHA-256 of the package sources,
  dependency versions), the SHA-256 of the scenario file as given, of the resolved scenario, of every data
  file and of every output, a bit-exact digest of each trace, and the time of the run.

``gradesim reproduce BUNDLE`` checks the files and the code against the manifest, re-runs the scenario and
its variants and compares the traces bit for bit.  Any difference ends with exit code 1 and one line naming it.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradesim.cli.app import UserError, subcommand
from gradesim.provenance import code_identity, file_sha256, resolved_tree, scenario_sha256

if TYPE_CHECKING:
    import pandas as pd

    from gradesim.scenario import Scenario

MANIFEST = "manifest.json"
FORMAT = "gradesim bundle 1"
#: files a bundle adds to a run's output folder (globs, for ``write_atomically(own=...)``)
BUNDLE_FILES = ("scenario.toml", "scenario_resolved.toml", "tables_resolved.toml", "profile_*.csv", MANIFEST)


def trace_sha256(trace: pd.DataFrame) -> str:
    """A bit-exact digest of a trace: its column names and every value as a little-endian float64.

    Parameters
    ----------
    trace : pandas.DataFrame
        A result's trace (SI columns).

    Returns
    -------
    str
        64 hex digits; one changed bit in one value changes it.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [0.1, 0.2]})
    >>> b = pd.DataFrame({"x": [0.1, 0.2 + 2**-54]})
    >>> trace_sha256(a) == trace_sha256(b)
    False
    """
    import hashlib

    import numpy as np

    h = hashlib.sha256("\n".join(map(str, trace.columns)).encode())
    h.update(np.ascontiguousarray(trace.to_numpy(dtype=np.float64), dtype="<f8").tobytes())
    return h.hexdigest()


def bundle_writers(
    sc: Scenario,
    variants: dict[str, dict[str, Any]],
    traces: dict[str, pd.DataFrame],
    command: list[str],
    extra: dict[str, Any] | None = None,
) -> dict[str, Callable[[Path], None]]:
    """Writers of a bundle's own files, to add to a run's ``write_atomically`` call (the manifest last).

    Parameters
    ----------
    sc : Scenario
        The scenario run.
    variants : dict of str to dict
        Its counterfactuals: name to dotted-key changes.
    traces : dict of str to pandas.DataFrame
        ``"base"`` and each variant name to its trace.
    command : list of str
        The command line (``["run", "scenarios/x.toml", ...]``).
    extra : dict, optional
        More manifest entries (``{"uncertainty": {"n": ..., "seed": ..., "method": ...}}``).

    Returns
    -------
    dict of str to callable
        File name to ``writer(path)``; the manifest's writer hashes every file written before it.
    """
    from gradesim.scenario import Scenario
    from gradesim.scenario.toml_io import dumps

    data = copy.deepcopy(sc.data)
    data.pop("extends", None)
    files: dict[str, Callable[[Path], None]] = {}
    data_files = []
    if sc.model.road.profile:
        src = sc.profile_path()
        name = f"profile_{src.stem}.csv"
        data["road"]["profile"] = name
        files[name] = lambda p, src=src: shutil.copyfile(src, p)
        data_files.append({"role": "road profile", "source": str(src), "file": name, "sha256": file_sha256(src)})
    resolved = resolved_tree(sc)
    if data_files:
        resolved["road"]["profile"] = data["road"]["profile"]

    def write_scenario(p: Path) -> None:
        Scenario.from_dict(data, base_dir=p.parent).to_toml(p)

    files["scenario.toml"] = write_scenario
    tables = sc.resolved_dict().get("resolved_tables") or {}
    files["tables_resolved.toml"] = lambda p: p.write_text(
        "# the named tables the scenario uses (friction curve, chambers, transmission), from the package's presets\n"
        + dumps(tables),
        encoding="utf-8",
    )
    files["scenario_resolved.toml"] = lambda p: p.write_text(
        f"# {sc.name}: scenario hash {sc.hash}; the truck preset and every default written out\n" + dumps(resolved),
        encoding="utf-8",
    )
    source = Path(sc.source) if sc.source else None
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": ["gradesim", *command],
        "code": code_identity(),
        "scenario": {
            "name": sc.name,
            "source": str(source) if source else None,
            "source_sha256": file_sha256(source) if source and source.is_file() else None,
            "resolved_sha256": scenario_sha256(sc),
            "hash": sc.hash,
        },
        "data_files": data_files,
        "variants": variants,
        "trace_sha256": {name: trace_sha256(tr) for name, tr in traces.items()},
        **(extra or {}),
    }

    def write_manifest(p: Path) -> None:
        outputs = {q.name: file_sha256(q) for q in sorted(p.parent.iterdir()) if q.is_file() and q.name != p.name}
        p.write_text(json.dumps({**manifest, "files": outputs}, indent=2, sort_keys=False) + "\n", encoding="utf-8")

    files[MANIFEST] = write_manifest
    return files


def current_package_sha256() -> str:
    """SHA-256 of the package sources this process runs (taken once per process, see :func:`code_identity`).

    Returns
    -------
    str
        64 hex digits.
    """
    return code_identity()["package_sha256"]


class NotReproduced(UserError):
    """A bundle did not reproduce: one line naming what changed; exit code 1.

    Parameters
    ----------
    message : str
        What changed.
    """

    def __init__(self, message: str):
        super().__init__(message, code=1)


def _load_manifest(bundle: Path) -> dict[str, Any]:
    path = bundle / MANIFEST
    if not path.is_file():
        raise UserError(f"{bundle}: not a bundle (no {MANIFEST}; `gradesim run` and `report` write one)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NotReproduced(f"{path}: not valid JSON ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise UserError(f"{path}: format {manifest.get('format')!r} is not {FORMAT!r}")
    return manifest


def check_bundle(bundle: Path) -> dict[str, Any]:
    """Check a bundle's input files and this process's code against its manifest.

    Parameters
    ----------
    bundle : pathlib.Path
        The run's output folder.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    NotReproduced
        The first difference: a changed or missing scenario or data file, or different package sources.
    """
    manifest = _load_manifest(bundle)
    inputs = ["scenario.toml", *(d["file"] for d in manifest["data_files"])]
    for name in inputs:
        want = manifest["files"].get(name)
        path = bundle / name
        if not path.is_file():
            raise NotReproduced(f"{path}: missing from the bundle")
        got = file_sha256(path)
        if got != want:
            raise NotReproduced(
                f"{path} changed since the run: SHA-256 {got[:16]}..., the manifest says {want[:16]}..."
            )
    was, now = manifest["code"]["package_sha256"], current_package_sha256()
    if was != now:
        commit = manifest["code"].get("git_commit")
        at = f" (run at commit {commit[:12]}{' with changes' if manifest['code'].get('git_modified') else ''})"
        raise NotReproduced(
            f"the gradesim package sources differ from the run's: SHA-256 {now[:16]}..., the run's {was[:16]}..."
            + (at if commit else "")
        )
    return manifest


def reproduce(bundle: str | Path) -> list[str]:
    """Re-run a bundle and check it bit for bit: files, code, traces and outcomes.

    Parameters
    ----------
    bundle : str or pathlib.Path
        The output folder of ``gradesim run`` or ``report``.

    Returns
    -------
    list of str
        One line per run reproduced.

    Raises
    ------
    NotReproduced
        The first difference found, in one line.

    Examples
    --------
    >>> reproduce("out/instructor_6pct_5mi")  # doctest: +SKIP
    ['base: trace identical (366 rows x 51 columns, SHA-256 4f1c...)']
    """
    import warnings

    from gradesim.scenario import Scenario
    from gradesim.simulation.run import simulate

    bundle = Path(bundle)
    manifest = check_bundle(bundle)
    sc = Scenario.from_toml(bundle / "scenario.toml")
    if scenario_sha256(sc) != manifest["scenario"]["resolved_sha256"]:
        raise NotReproduced(f"{bundle / 'scenario.toml'}: the resolved scenario differs from the run's")
    runs = {"base": sc, **{name: sc.replace(ch) for name, ch in manifest["variants"].items()}}
    lines = []
    for name, s in runs.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = simulate(s)
        got, want = trace_sha256(res.trace), manifest["trace_sha256"].get(name)
        if got != want:
            raise NotReproduced(f"{name}: the re-run trace differs from the run's (SHA-256 {got[:16]}... vs {want})")
        out = "outcome.json" if name == "base" else f"outcome_{_safe(name)}.json"
        old = bundle / out
        if old.is_file():
            was = json.loads(old.read_text(encoding="utf-8"))
            was.pop("uncertainty", None)  # the Monte Carlo part is checked below
            if was != json.loads(res.to_json()):
                raise NotReproduced(f"{old}: the re-run outcome differs from the one in the bundle")
        rows, cols = res.trace.shape
        lines.append(f"{name}: trace identical bit for bit ({rows} rows x {cols} columns, SHA-256 {got[:16]}...)")
    if "uncertainty" in manifest:
        lines.append(_reproduce_uncertainty(bundle, sc, manifest))
    return lines


def _reproduce_uncertainty(bundle: Path, sc: Scenario, manifest: dict[str, Any]) -> str:
    """Re-run the Monte Carlo of ``--uncertainty`` with its N, seed and design; compare ``uncertainty.csv``."""
    import io

    from gradesim.uncertainty import propagate

    spec = manifest["uncertainty"]
    u = propagate(sc, samples=spec["n"], seed=spec["seed"], method=spec.get("method", "sobol"))
    buf = io.StringIO()
    u.to_dataframe().to_csv(buf, index=False, float_format="%.9g", lineterminator="\n")
    import hashlib

    got = hashlib.sha256(buf.getvalue().encode()).hexdigest()
    want = manifest["files"].get("uncertainty.csv")
    if got != want:
        raise NotReproduced(f"uncertainty.csv: the re-run Monte Carlo ({spec['n']} runs, seed {spec['seed']}) differs")
    return f"uncertainty: {spec['n']} Monte Carlo runs (seed {spec['seed']}) identical (uncertainty.csv)"


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", help="output folder of `gradesim run` or `gradesim report` (holds manifest.json)")


@subcommand("reproduce", "re-run a run's output folder and check it bit for bit against its manifest", _add_arguments)
def cmd_reproduce(args: argparse.Namespace) -> int:
    """``gradesim reproduce BUNDLE``: exit 0 when every trace is reproduced bit for bit, else 1 with one line.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line: ``bundle``.

    Returns
    -------
    int
        0 when reproduced.

    Raises
    ------
    NotReproduced
        What changed (exit code 1).
    """
    bundle = Path(args.bundle)
    if not bundle.is_dir():
        raise UserError(f"{bundle}: no such folder")
    for line in reproduce(bundle):
        print(line)
    print(f"{bundle}: reproduced (package SHA-256 {current_package_sha256()[:16]}...)", file=sys.stdout)
    return 0
