"""Public docstrings: their Examples run as doctests, and numpydoc validates them.

"Public" is every object in ``skbp.__all__`` and every public method that skbp
itself defines on those classes. Methods inherited unchanged from scikit-learn
(``get_params``, ``set_params``, ``score``, ``get_metadata_routing`` and the generated
``set_*_request``) are scikit-learn's docstrings and are validated there.

The snippets of the documentation pages (``docs/*.rst``) run as doctests too, so the
pages' examples stay true.
"""

import doctest
import importlib.util
import inspect
import warnings
from pathlib import Path

import pytest

import skbp

numpydoc_validate = pytest.importorskip("numpydoc.validate")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parents[1] / "docs"
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Pages whose snippets need a package of the ``docs`` extra.
PAGE_REQUIRES = {"persistence.rst": "skops"}
# Single snippets of a page that need an optional extra (or scikit-learn's
# callback API, new in 1.9): a ``# doctest: +REQUIRES_<NAME>`` comment skips
# that example where the module is missing (the .ci/min-versions run has no
# onnx or fast extra and scikit-learn 1.6), so the rest of the page still runs.
# Sphinx trims the comment from the rendered page.
SNIPPET_REQUIRES = {
    doctest.register_optionflag("REQUIRES_SKLEARN_CALLBACK"): "sklearn.callback",
    doctest.register_optionflag("REQUIRES_SKL2ONNX"): "skl2onnx",
    doctest.register_optionflag("REQUIRES_ONNXRUNTIME"): "onnxruntime",
    doctest.register_optionflag("REQUIRES_NUMBA"): "numba",
    doctest.register_optionflag("REQUIRES_DASK"): "dask.array",
}


def _importable(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a parent package is missing
        return False


# numpydoc error codes we accept, and why. Keep this list short.
ALLOWED_EVERYWHERE = {
    # "See Also" sections are welcome but not required.
    "SA01",
    # A single return value is named, as scikit-learn does ("self : object").
    "RT02",
}
ALLOWED_ON_METHODS = {
    # Methods of estimators (fit, predict, ...) are shown in the class's Examples;
    # an Examples section per method is not required.
    "EX01",
    # A one-line summary is enough for fit / predict / ...
    "ES01",
}


def _public_objects():
    """(dotted name, object, is_method) for every public object skbp defines."""
    found = []
    for name in skbp.__all__:
        obj = getattr(skbp, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue  # __version__
        found.append((f"skbp.{name}", obj, False))
        if not inspect.isclass(obj):
            continue
        for attr in sorted(vars(obj).keys() | set(dir(obj))):
            if attr.startswith("_"):
                continue
            try:
                member = inspect.getattr_static(obj, attr)
            except AttributeError:
                continue
            function = getattr(member, "__func__", getattr(member, "fn", member))
            module = getattr(function, "__module__", "") or ""
            if callable(getattr(obj, attr, None)) and module.startswith("skbp"):
                found.append((f"skbp.{name}.{attr}", getattr(obj, attr), True))
    return found


PUBLIC = _public_objects()
IDS = [name for name, _, _ in PUBLIC]


def test_every_public_name_is_collected():
    collected = {name.split(".")[1] for name in IDS}
    assert collected == set(skbp.__all__) - {"__version__"}
    assert "skbp.MLPBackpropClassifier.partial_fit" in IDS
    assert "skbp.LossCurveDisplay.from_estimator" in IDS


@pytest.mark.parametrize("name, obj, is_method", PUBLIC, ids=IDS)
def test_docstring_examples_run(name, obj, is_method):
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    tests = finder.find(obj, name, globs={})
    assert tests, f"{name} has no docstring"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} doctest(s) of {name} failed"
    if not is_method:
        assert results.attempted > 0, f"{name} has no Examples to run"


@pytest.mark.parametrize("name, obj, is_method", PUBLIC, ids=IDS)
def test_numpydoc_validation(name, obj, is_method):
    allowed = ALLOWED_EVERYWHERE | (ALLOWED_ON_METHODS if is_method else set())
    result = numpydoc_validate.validate(name)
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in allowed
    ]
    assert not errors, f"{name}:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    "page", sorted(p.name for p in DOCS.glob("*.rst")) if DOCS.is_dir() else []
)
def test_docs_page_snippets_run(page):
    if page in PAGE_REQUIRES:
        pytest.importorskip(PAGE_REQUIRES[page])
    path = DOCS / page
    test = doctest.DocTestParser().get_doctest(
        path.read_text(encoding="utf-8"), {}, page, str(path), 0
    )
    for example in test.examples:
        for flag, module in SNIPPET_REQUIRES.items():
            if example.options.get(flag) and not _importable(module):
                example.options[doctest.SKIP] = True
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0
