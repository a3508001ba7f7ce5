"""The package's layout rules, read from the source with ``ast``.

- No import cycle between modules of ``gradesim`` through module-level imports
  (an import inside a function, or under ``TYPE_CHECKING``, is lazy and allowed).
- Layers: ``core`` imports nothing else of gradesim; ``scenario`` nothing above it; and so on.
- Python-layer functions stay under ~80 lines and modules under ~400 lines (docstrings not
  counted; the numba kernels in ``core/`` are exempt).
- Every module imports on its own, in any order.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "src" / "gradesim"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400

# a module may import only from its own layer or the layers listed for it
BASE = {"_version", "references", "provenance"}  # leaf modules every layer above core may use
LAYERS = {
    "_version": set(),
    "references": set(),
    "provenance": {"_version"},
    "core": set(),
    "scenario": {"core"},
    "simulation": BASE | {"core", "scenario"},
    "output": BASE | {"core", "scenario", "simulation"},
    "checks": BASE | {"core", "scenario", "simulation", "output"},
    "sweeps": BASE | {"core", "scenario", "simulation", "output"},
    "corridor": BASE | {"core", "scenario", "simulation", "output", "sweeps"},
    "report": BASE | {"core", "scenario", "simulation", "output", "checks", "sweeps", "uncertainty"},
    "reconstruct": BASE | {"core", "scenario", "simulation", "output", "sweeps", "uncertainty"},
    "uncertainty": BASE | {"core", "scenario", "simulation", "output", "sweeps"},
    "classroom": BASE | {"core", "scenario", "simulation", "output", "sweeps"},
    "cli": BASE
    | {
        "core",
        "scenario",
        "simulation",
        "output",
        "checks",
        "sweeps",
        "report",
        "corridor",
        "reconstruct",
        "uncertainty",
        "classroom",
    },
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _eager_imports(name: str, path: Path) -> set[str]:
    """Modules of gradesim that ``name`` imports when it is imported (top level only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and not _is_type_checking(node):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("gradesim"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    mod = ".".join([*base, node.module] if node.module else base)
                else:
                    mod = node.module or ""
                if not mod.startswith("gradesim"):
                    continue
                subs = {f"{mod}.{a.name}" for a in node.names} & MODULES.keys()
                found.update(subs)
                if len(subs) < len(node.names):  # a name defined in ``mod`` itself
                    found.add(mod)

    visit(tree.body)
    # Importing a.b.c runs the package a.b first; that is not counted as an edge: a package's
    # ``__init__`` that re-exports its own modules is the usual layout, and a module that names
    # the package itself (``from a.b import name``) is counted above.
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _eager_imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in graph:
        if v not in index:
            strong(v)
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules():
    # the top-level package imports its public API from the subpackages; leave it out of the graph
    graph = {k: {m for m in v if m != "gradesim"} for k, v in GRAPH.items() if k != "gradesim"}
    assert _cycles(graph) == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m != "gradesim"))
def test_module_imports_only_from_lower_layers(module):
    layer = _layer(module)
    allowed = LAYERS[layer] | {layer}
    wrong = sorted(m for m in GRAPH[module] if m != "gradesim" and _layer(m) not in allowed)
    assert not wrong, f"{module} ({layer}) imports {wrong} from a layer above it"


def _docstring_lines(node: ast.AST) -> int:
    body = getattr(node, "body", None)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            return body[0].end_lineno - body[0].lineno + 1
    return 0


def _all_docstring_lines(tree: ast.Module) -> int:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)))]
    return sum(_docstring_lines(n) for n in nodes)


PYTHON_LAYER = {n: p for n, p in MODULES.items() if _layer(n) != "core"}


@pytest.mark.parametrize("module", sorted(PYTHON_LAYER))
def test_module_size(module):
    path = PYTHON_LAYER[module]
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n") - _all_docstring_lines(ast.parse(text))
    assert lines <= MAX_MODULE_LINES, f"{path.name}: {lines} lines without docstrings (limit {MAX_MODULE_LINES})"


@pytest.mark.parametrize("module", sorted(PYTHON_LAYER))
def test_function_size(module):
    tree = ast.parse(PYTHON_LAYER[module].read_text(encoding="utf-8"))
    long = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1 - _docstring_lines(node)
            if n > MAX_FUNCTION_LINES:
                long.append(f"{node.name} ({n} lines)")
    assert not long, f"{module}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_every_module_imports_on_its_own_in_any_order():
    """All modules in a fresh interpreter, in sorted and in reverse order."""
    names = sorted(m for m in MODULES if not m.endswith("__main__"))
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    for order in (names, names[::-1]):
        subprocess.run([sys.executable, "-c", code, *order], check=True, timeout=120)
    # the circle the old layout had: gsrs_compare before gsrs
    subprocess.run(
        [sys.executable, "-c", "import gradesim.checks.gsrs_compare, gradesim.checks.gsrs"], check=True, timeout=60
    )


def test_sweep_is_a_function_not_a_module():
    import inspect

    import gradesim as gs

    importlib.import_module("gradesim.sweeps.run")
    assert inspect.isfunction(gs.sweep)
    assert "grid" in inspect.signature(gs.sweep).parameters
