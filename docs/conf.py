"""Sphinx configuration of computemarket's documentation site.

Build it with ``python -m sphinx -W -b html docs docs/_build/html`` (warnings are
errors, as in the test suite's ``tests/test_docs.py``).
"""

from __future__ import annotations

import computemarket

project = "computemarket"
author = "computemarket developers"
copyright = "2026, computemarket developers"
release = version = computemarket.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "examples/README.md"]
root_doc = "index"

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_typehints = "none"  # numpydoc writes the types from the docstrings
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "alabaster"
html_title = f"computemarket {release}"
html_static_path: list[str] = []
