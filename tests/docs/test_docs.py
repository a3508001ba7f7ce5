"""The API reference: it builds without a warning, covers every module, and every public name is documented.

- ``sphinx-build -W`` (warnings are errors) on ``docs/`` into a temporary folder, as ``make docs`` does;
- every module of the package has an ``automodule`` on one of the ``docs/api`` pages, and every
  name of ``gradesim.__all__`` is on the public-API page;
- every ``Examples`` section runs as a doctest (``# doctest: +SKIP`` where it needs files or time);
- numpydoc completeness: every public function, class, method and property of a documented
  module has a docstring that numpydoc parses, and every parameter it takes is documented
  (``Parameters``; for classes also ``Attributes``, or a pydantic field ``description``), with no
  documented parameter that does not exist.
"""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import inspect
import os
import re
import subprocess
import sys
import warnings
from functools import cached_property
from pathlib import Path

import pytest

numpydoc_docscrape = pytest.importorskip("numpydoc.docscrape", reason="the docs extra (pip install -e '.[docs]')")

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PKG = ROOT / "src" / "gradesim"
NOT_DOCUMENTED = {"gradesim.cli.__main__", "gradesim._version"}  # an entry point and a version string


def _package_modules() -> set[str]:
    names = set()
    for path in PKG.rglob("*.py"):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.add(".".join(parts))
    return names - NOT_DOCUMENTED


def _documented_modules() -> list[str]:
    found = []
    for page in sorted((DOCS / "api").glob("*.rst")):
        found += re.findall(r"^\.\. automodule:: (\S+)", page.read_text(encoding="utf-8"), flags=re.M)
    return found


DOCUMENTED = _documented_modules()


def _page(module: str) -> str:
    """The API page a module belongs on: its subpackage's (top-level modules go with the report)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else "report"


def test_every_module_has_an_api_page():
    missing = sorted(_package_modules() - set(DOCUMENTED))
    hint = "; ".join(f"add '.. automodule:: {m}' to docs/api/{_page(m)}.rst" for m in missing)
    assert not missing, f"modules missing from the API reference: {hint}"
    gone = sorted(set(DOCUMENTED) - _package_modules() - {"gradesim"})
    assert not gone, f"docs/api names modules that do not exist: {gone}"


def test_public_api_page_lists_every_public_name():
    import gradesim

    page = (DOCS / "api" / "gradesim.rst").read_text(encoding="utf-8")
    missing = [n for n in gradesim.__all__ if f"``gs.{n}``" not in page]
    assert not missing, f"docs/api/gradesim.rst does not list {missing}"


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(tmp_path):
    out = tmp_path / "html"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stderr[-6000:]}"
    core = (out / "api" / "core.html").read_text(encoding="utf-8")
    assert 'id="gradesim.core.forces.aero_drag"' in core  # numba kernels are documented like functions
    physics = (out / "physics.html").read_text(encoding="utf-8")
    from gradesim.references import MODELS, REFERENCES

    for model in MODELS:  # the table generated from the citation registry
        assert model.name in physics
    assert REFERENCES["fmvss121"].split(",")[0] in physics
    arch = (out / "architecture.html").read_text(encoding="utf-8")
    assert "imports at module level" in arch  # the import map generated from the source


def test_every_model_in_the_citation_registry_names_code_that_exists():
    """The physics page links each model to its implementation; a stale name would be a dead link."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from gradesim_docs import _targets
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    from gradesim.references import MODELS

    assert _targets("core.forces.aero_drag, air_density_isa") == [
        "gradesim.core.forces.aero_drag",
        "gradesim.core.forces.air_density_isa",
    ]
    missing = []
    for model in MODELS:
        for target in _targets(model.implemented_in):
            module, _, name = target.rpartition(".")
            try:
                importlib.import_module(target)
            except ImportError:
                if not hasattr(importlib.import_module(module), name):
                    missing.append(f"{model.name}: {target}")
    assert not missing


# ----------------------------------------------------------------------------- completeness
def _own_doc(obj) -> str | None:
    """The object's own docstring (not inherited; not the signature dataclasses write in)."""
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__")
        if dataclasses.is_dataclass(obj) and doc and doc.startswith(f"{obj.__name__}("):
            return None
        return inspect.cleandoc(doc) if doc else None
    if isinstance(obj, (property, cached_property)):
        obj = obj.fget if isinstance(obj, property) else obj.func
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if doc else None


def _signature_names(obj, is_class: bool) -> tuple[list[str], bool]:
    """Parameter names to document, and whether the signature takes ``*args``/``**kwargs``."""
    target = getattr(obj, "py_func", obj)  # a numba dispatcher documents its Python function
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return [], True
    names = []
    has_var = False
    for i, p in enumerate(sig.parameters.values()):
        if i == 0 and p.name in ("self", "cls"):
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            has_var = True
            if not is_class:  # a class's are an exception's or a base class's *args, **kwargs
                names.append(("*" if p.kind == p.VAR_POSITIONAL else "**") + p.name)
            continue
        names.append(p.name)
    return names, has_var


def _documented(doc: numpydoc_docscrape.NumpyDocString, sections: tuple[str, ...]) -> set[str]:
    out = set()
    for sec in sections:
        for item in doc[sec]:
            out.update(n.strip().lstrip("*") for n in item.name.split(",") if n.strip())
    return out


def _pydantic_described(cls) -> set[str]:
    fields = getattr(cls, "model_fields", None)
    if not isinstance(fields, dict):
        return set()
    out = set()
    for name, info in fields.items():
        if getattr(info, "description", None):
            out.add(name)
            if getattr(info, "alias", None):
                out.add(info.alias)
    return out


def _problems(qualname: str, obj, kind: str) -> list[str]:
    doc = _own_doc(obj)
    if not doc:
        return [f"{qualname}: no docstring"]
    if kind == "property":
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpydoc warns on unknown sections and malformed blocks
        try:
            parsed = numpydoc_docscrape.NumpyDocString(doc)
        except Exception as exc:
            return [f"{qualname}: numpydoc cannot parse the docstring ({exc})"]
    is_class = kind == "class"
    params, has_var = _signature_names(obj, is_class)
    in_params = _documented(parsed, ("Parameters", "Other Parameters"))
    accepted = in_params | (_documented(parsed, ("Attributes",)) | _pydantic_described(obj) if is_class else set())
    out = []
    missing = [p for p in params if p.lstrip("*") not in accepted]
    if missing:
        out.append(f"{qualname}: parameters not documented: {', '.join(missing)}")
    extra = sorted(in_params - {p.lstrip("*") for p in params})
    if extra and not (is_class and has_var):
        out.append(f"{qualname}: documents parameters it does not take: {', '.join(extra)}")
    return out


def _public_members(module) -> list[tuple[str, object, str]]:
    """(qualified name, object, kind) of everything autodoc shows for ``module``."""
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue  # imported from elsewhere: documented where it is defined
        qual = f"{module.__name__}.{name}"
        if inspect.isclass(obj):
            out.append((qual, obj, "class"))
            for mname, member in obj.__dict__.items():
                if mname.startswith("_"):
                    continue
                if isinstance(member, (property, cached_property)):
                    out.append((f"{qual}.{mname}", member, "property"))
                elif isinstance(member, (staticmethod, classmethod)):
                    out.append((f"{qual}.{mname}", member.__func__, "method"))
                elif inspect.isfunction(member):
                    out.append((f"{qual}.{mname}", member, "method"))
        elif inspect.isfunction(obj) or hasattr(obj, "py_func"):
            out.append((qual, obj, "function"))
    return out


@pytest.mark.parametrize("module", DOCUMENTED)
def test_public_api_has_numpydoc_docstrings(module):
    mod = importlib.import_module(module)
    problems = []
    if not (mod.__doc__ or "").strip():
        problems.append(f"{module}: no module docstring")
    for qual, obj, kind in _public_members(mod):
        problems += _problems(qual, obj, kind)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", DOCUMENTED)
def test_docstring_examples_run(module, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(ROOT)  # examples name scenarios/ relative to the repository
    mod = importlib.import_module(module)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    try:
        for test in doctest.DocTestFinder().find(mod, module):
            runner.run(test, out=report.append)
    finally:
        plt.close("all")
    assert runner.failures == 0, "".join(report)
    if module == "gradesim.core.forces":
        assert runner.tries >= 10  # the finder sees the numba kernels' docstrings


def test_completeness_check_catches_what_it_should():
    """The checker itself, on planted cases (so a passing run means something)."""

    def undocumented(a, b):
        return a + b

    def half(a, b):
        """Add.

        Parameters
        ----------
        a : float
            First [m].
        """
        return a + b

    def wrong(a):
        """Add.

        Parameters
        ----------
        a, c : float
            Grouped names [m].
        """
        return a

    def complete(a, *rest, **kw):
        """Add.

        Parameters
        ----------
        a : float
            First [m].
        *rest : float
            More [m].
        **kw
            Passed on.
        """
        return a

    @dataclasses.dataclass
    class Plain:
        x: float

    @dataclasses.dataclass
    class Described:
        """A value.

        Attributes
        ----------
        x : float
            The value [m].
        """

        x: float

    assert _problems("u", undocumented, "function") == ["u: no docstring"]
    assert _problems("h", half, "function") == ["h: parameters not documented: b"]
    assert _problems("w", wrong, "function") == ["w: documents parameters it does not take: c"]
    assert _problems("c", complete, "function") == []
    assert _problems("p", Plain, "class") == ["p: no docstring"]
    assert _problems("d", Described, "class") == []
