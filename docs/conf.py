"""Sphinx configuration of the gradesim API reference (``make docs`` -> docs/_build/html)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent / "src"))  # document the source tree even without an install
os.environ.setdefault("MPLBACKEND", "Agg")

from gradesim import __version__  # noqa: E402

project = "gradesim"
author = "gradesim developers"
copyright = "gradesim developers, BSD-3-Clause"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "gradesim_docs",  # docs/_ext: the physics-model table and the layer map, generated from the source
]

root_doc = "index"
exclude_patterns = ["_build"]
templates_path: list[str] = []
html_static_path: list[str] = []
html_theme = "alabaster"
html_theme_options = {"description": "Runaway heavy trucks on mountain grades", "fixed_sidebar": True}
html_title = f"gradesim {release}"

# autodoc: members in source order, signatures with their type hints
autodoc_member_order = "bysource"
# members defined in each module only (a package re-exporting names would document them twice)
autodoc_default_options = {"members": True, "ignore-module-all": True}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
add_module_names = False

# numpydoc renders the Parameters/Returns/Examples/References sections; its member
# tables would list every inherited pydantic/xarray method, so they stay off
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# no network here: no intersphinx; unresolved references to numpy/pandas types are not errors
nitpicky = False
