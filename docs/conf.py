"""Sphinx configuration of newsim's documentation site.

Build it with ``make docs`` (``sphinx-build -W --keep-going -b html docs build/docs``): offline,
warnings are errors. The notebooks are shown as committed (``nb_execution_mode = "off"``),
the command-line page comes from the parser (``_ext/newsim_cli.py``) and the benchmarks page
from ``benchmarks/RESULTS.md`` (``_ext/newsim_results.py``), both at build time.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import newsim  # noqa: E402  (the newsim that is imported: installed, or a dev tree on PYTHONPATH)

project = "newsim"
author = "newsim developers"
copyright = "newsim developers"
release = newsim.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "newsim_cli",
    "newsim_results",
]

# No intersphinx: the build must work offline and never fetch inventories.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

# --------------------------------------------------------------------------- API reference
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False  # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# Every cross-reference must resolve (-n with -W in `make docs`), except these, each for a
# reason; none is a blanket suppression.
nitpicky = True
nitpick_ignore = [
    # Other projects' objects: no intersphinx, so that the build never goes online.
    ("py:class", "sklearn.feature_extraction.text.TfidfVectorizer"),  # TfidfVectorizer's summary
    ("py:class", "sklearn.feature_extraction.text.CountVectorizer"),  # SklearnCountVectorizer's
    ("py:class", "sklearn.decomposition.LatentDirichletAllocation"),  # CountVectorizer's summary
    ("py:func", "scipy.sparse.save_npz"),  # blockwise_top_k's Parameters
    ("py:mod", "importlib.resources"),  # datasets.load_sample
]

# --------------------------------------------------------------------------- Markdown, notebooks
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # the notebooks run in tests/test_notebooks.py, not here
nb_merge_streams = True

# --------------------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"newsim {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
html_show_sourcelink = False


def _skip_member(
    app: object, what: str, name: str, obj: object, skip: bool, options: object
) -> bool:
    """Leave out scikit-learn's metadata-routing methods (``set_*_request``).

    scikit-learn adds them to every estimator class; they are scikit-learn's API, documented
    there, and their docstrings refer to labels of scikit-learn's own site.
    """
    if name == "get_metadata_routing" or (name.startswith("set_") and name.endswith("_request")):
        return True
    return skip


def setup(app: object) -> None:
    """Connect the member filter."""
    app.connect("autodoc-skip-member", _skip_member)  # type: ignore[attr-defined]


def _copy_notebooks() -> None:
    """Copy ``notebooks/*.ipynb`` into ``docs/notebooks/`` (not committed), as they are.

    Sphinx reads documents only from the source folder; the copies are rewritten only when the
    notebooks change, so that an incremental build rereads only those.
    """
    target = DOCS / "notebooks"
    target.mkdir(exist_ok=True)
    sources = sorted((DOCS.parent / "notebooks").glob("*.ipynb"))
    for stale in set(target.glob("*.ipynb")) - {target / s.name for s in sources}:
        stale.unlink()
    for source in sources:
        copy = target / source.name
        data = source.read_bytes()
        if not copy.is_file() or copy.read_bytes() != data:
            copy.write_bytes(data)


_copy_notebooks()
