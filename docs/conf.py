"""Sphinx configuration for skbp's documentation.

The build is offline by design: no intersphinx, no remote images, no theme
assets fetched at build or view time; ``python -m sphinx -W -b html docs
docs/_build/html`` must pass with warnings as errors.
"""

import os
import sys
from pathlib import Path

# The examples' matrices are small: one BLAS thread per process is faster, and on a
# shared 2-core machine several BLAS threads spinning against each other made an
# example 3x slower (37 s instead of 11 s wall). Set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHONHASHSEED", "0")

import skbp  # noqa: E402

project = "skbp"
author = "skbp developers"
copyright = "2026, skbp developers"
release = version = skbp.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

# Nothing is fetched at build time. MathJax (sphinx's default CDN URL) is loaded
# by the reader's browser when a page is viewed; offline, formulas show as TeX.

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
# benchmark_results.md includes benchmarks/results.md verbatim; that report jumps
# from "#" to "###" headings, which MyST would warn about (and -W fail on).
suppress_warnings = ["myst.header"]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"skbp {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "icon_links": [],
    "check_switcher": False,
    "navbar_end": ["theme-switcher"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"changelog": [], "**": ["sidebar-nav-bs"]}

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("skbp",),
    "reference_url": {"skbp": None},  # link locally; never fetch other projects
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "write_computation_times": False,  # its page loads scripts from CDNs
    "image_scrapers": ("matplotlib",),
}


def _skops_untrusted_types():
    """The types skops reports as untrusted for fitted skbp estimators."""
    import warnings

    import skops.io as sio
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    found = {}
    configs = [
        ("MLPBackpropClassifier", {"solver": "adam"}),
        ("MLPBackpropClassifier", {"solver": "sgd"}),
        ("MLPBackpropClassifier", {"solver": "lbfgs"}),
        ("MLPBackpropRegressor", {"solver": "adam"}),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, params in configs:
            est = getattr(skbp, name)(max_iter=5, random_state=0, **params)
            types = sio.get_untrusted_types(data=sio.dumps(est.fit(X, y)))
            found[f"{name}(solver={params['solver']!r})"] = types
    return found


def _write_untrusted_table(app):
    rows = ["   * - estimator", "     - ``skops.io.get_untrusted_types``"]
    for key, types in _skops_untrusted_types().items():
        rows.append(f"   * - ``{key}``")
        rows.append("     - " + ", ".join(f"``{t}``" for t in types))
    text = ".. list-table::\n   :header-rows: 1\n\n" + "\n".join(rows) + "\n"
    out = Path(app.srcdir) / "generated" / "skops_untrusted.inc"
    out.parent.mkdir(exist_ok=True)
    if not out.exists() or out.read_text() != text:
        out.write_text(text)


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_*_request`` methods.

    They are documented by scikit-learn (metadata routing) and their docstrings
    link to scikit-learn's glossary, which an offline build cannot resolve.
    """
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("builder-inited", _write_untrusted_table)
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
