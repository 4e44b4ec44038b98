"""Sphinx configuration: pydata theme, numpydoc, sphinx-gallery, as imbalanced-learn.

Build (warnings are errors, gallery examples executed)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

The examples that need the NSL-KDD files run only when ``AWDIDS_DATA`` (or
``~/awdids_data``) holds them; otherwise they are shown without output.
"""

import os
import re
import sys
from pathlib import Path

import awdids
from awdids.datasets import get_data_home

project = "awdids"
author = "awdids developers"
copyright = "2026, awdids developers"
release = awdids.__version__
version = release

# result_pages builds results.rst, benchmarks.rst and the README table from
# docs/results/*.json, and fails the build when a cited file is missing.
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

extensions = [
    "result_pages",
    "schema_pages",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Every public name documents its parameters and carries an Examples section.
numpydoc_validation_checks = {"PR01", "PR02", "EX01"}
numpydoc_validation_exclude = {r"\.__init__$", r"\._[a-z]", r"\.set_.*_request$"}

html_theme = "pydata_sphinx_theme"
html_title = f"awdids {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # The results and benchmark pages need the full width for their tables.
    "secondary_sidebar_items": {
        "**": ["page-toc", "sourcelink"],
        "results": [],
        "benchmarks": [],
        "index": [],
        "user_guide/columns": [],
    },
}
# Pages without children would show an empty "Section Navigation" column.
html_sidebars = {
    page: []
    for page in (
        "index",
        "install",
        "quickstart",
        "results",
        "benchmarks",
        "paper-notes",
        "changelog",
        "api",
    )
}
html_static_path = ["_static"]
html_css_files = ["awdids.css"]


def _nsl_kdd_available():
    home = Path(get_data_home())
    return all(
        (home / "nsl-kdd" / name).is_file() or (home / name).is_file()
        for name in ("KDDTrain+.txt", "KDDTest+.txt")
    )


# Examples whose first lines say they need NSL-KDD are executed only when it is here.
_examples = Path(__file__).parent.parent / "examples"
_needs_data = sorted(
    path.name
    for path in _examples.glob("plot_*.py")
    if "Needs the NSL-KDD files" in path.read_text(encoding="utf-8")
)
if _nsl_kdd_available() or not _needs_data:
    _run_pattern = r"/plot_"
else:
    _skip = "|".join(re.escape(name) for name in _needs_data)
    _run_pattern = rf"/(?!{_skip})plot_"

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": _run_pattern,
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "show_memory": False,
    "download_all_examples": False,
    "reset_modules": ("matplotlib",),
}
os.environ.setdefault("MPLBACKEND", "Agg")
