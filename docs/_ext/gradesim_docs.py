"""Local Sphinx extension: pages generated from the source, so they cannot drift from it.

- ``.. gradesim-models::`` renders :data:`gradesim.references.MODELS` (every
  equation the simulator uses, where it is implemented, its references);
- ``.. gradesim-layers::`` renders the import map between the subpackages, read
  from the source with :mod:`ast` (module-level imports only; lazy imports inside
  functions are listed apart).
"""

from __future__ import annotations

import ast
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

PKG = Path(__file__).resolve().parents[2] / "src" / "gradesim"


def _table(header: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    """A reStructuredText list-table."""
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {' '.join(map(str, widths))}", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return lines


class _Generated(SphinxDirective):
    """Parse generated reStructuredText into the document."""

    def lines(self) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        node = nodes.container()
        self.state.nested_parse(StringList(self.lines(), source="<gradesim_docs>"), self.content_offset, node)
        return node.children


def _targets(implemented_in: str) -> list[str]:
    """Full dotted names of ``"core.forces.aero_drag, air_density_isa"``: a bare name shares the module before it."""
    out: list[str] = []
    for part in (p.strip() for p in implemented_in.split(",")):
        if "." not in part and out:
            part = f"{out[-1].rpartition('.')[0]}.{part}"
        out.append(part if part.startswith("gradesim.") else f"gradesim.{part}")
    return out


class ModelsDirective(_Generated):
    """The citation registry's models, with their references in full."""

    def link(self, target: str) -> str:
        """A cross-reference to ``target``; a warning (an error under ``-W``) if it does not exist."""
        import importlib

        module, _, name = target.rpartition(".")
        try:
            importlib.import_module(target)
            return f":mod:`~{target}`"
        except ImportError:
            pass
        try:
            if hasattr(importlib.import_module(module), name):
                return f":func:`~{target}`"
        except ImportError:
            pass
        self.state.document.reporter.warning(f"gradesim.references.MODELS names {target}, which does not exist")
        return f"``{target}``"

    def lines(self) -> list[str]:
        from gradesim.references import MODELS, REFERENCES, cited

        rows = []
        for m in MODELS:
            impl = ", ".join(self.link(target) for target in _targets(m.implemented_in))
            refs = ", ".join(f"[{k}]_" for k in m.refs)
            note = f" {m.note}" if m.note else ""
            rows.append([m.name, f"``{m.equation}``{note}", impl, refs])
        out = _table(["model", "equation", "implemented in", "references"], rows, [14, 46, 22, 18])
        out.append("")
        for key, text in cited():
            out.append(f".. [{key}] {text}")
        unused = sorted(set(REFERENCES) - {k for k, _ in cited()})
        if unused:
            out += ["", "Also cited in docstrings and the report:", ""]
            out += [f"- **{k}**: {REFERENCES[k]}" for k in unused]
        return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "gradesim"


def _imports(path: Path, name: str) -> tuple[set[str], set[str]]:
    """(module-level, lazy) gradesim modules imported by the module ``name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    eager: set[str] = set()
    lazy: set[str] = set()
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
        elif isinstance(node, ast.Import):
            mod = next((a.name for a in node.names if a.name.startswith("gradesim")), "")
        else:
            continue
        if mod.startswith("gradesim"):
            (eager if id(node) in top else lazy).add(mod)
    return eager, lazy


class LayersDirective(_Generated):
    """Which subpackages each subpackage imports, eagerly and lazily."""

    def lines(self) -> list[str]:
        eager: dict[str, set[str]] = {}
        lazy: dict[str, set[str]] = {}
        for path in sorted(PKG.rglob("*.py")):
            rel = path.relative_to(PKG.parent).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join(parts)
            layer = _layer(name)
            e, z = _imports(path, name)
            eager.setdefault(layer, set()).update(_layer(m) for m in e)
            lazy.setdefault(layer, set()).update(_layer(m) for m in z)
        rows = []
        for layer in sorted(eager, key=lambda k: (k != "core", k)):
            if layer == "gradesim":
                continue
            e = sorted(eager[layer] - {layer, "gradesim"})
            z = sorted(lazy[layer] - eager[layer] - {layer, "gradesim"})
            rows.append([f"``{layer}``", ", ".join(e) or "(nothing)", ", ".join(z) or "-"])
        return _table(
            ["subpackage / module", "imports at module level", "imports lazily (inside functions)"], rows, [20, 45, 35]
        )


def setup(app):
    app.add_directive("gradesim-models", ModelsDirective)
    app.add_directive("gradesim-layers", LayersDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
