"""Command-line comparison of skbp's MLPs against scikit-learn's.

``python -m skbp compare`` cross-validates :class:`skbp.MLPBackpropClassifier`
and :class:`sklearn.neural_network.MLPClassifier` (or, for the ``diabetes``
regression dataset, :class:`skbp.MLPBackpropRegressor` and
:class:`sklearn.neural_network.MLPRegressor`) with identical hyperparameters
on identical folds of a built-in scikit-learn dataset, and prints the mean and
standard deviation of the test score, the mean fit time and the fit-time ratio
(scikit-learn fit time / model fit time, so a ratio above 1 means the model is
faster than scikit-learn).

Examples
--------
::

    python -m skbp compare
    python -m skbp compare --dataset iris --hidden-layer-sizes 64,32 --cv 3
    python -m skbp compare --dataset diabetes --solver lbfgs --format json

The entry point is :func:`main`; ``python -m skbp`` calls it through
``skbp/__main__.py``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.base import BaseEstimator, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import skbp
from skbp import MLPBackpropClassifier, MLPBackpropRegressor

__all__ = ["main"]

PROG = "python -m skbp"

#: Built-in datasets: name -> (loader, task).
DATASETS = {
    "digits": (datasets.load_digits, "classification"),
    "iris": (datasets.load_iris, "classification"),
    "wine": (datasets.load_wine, "classification"),
    "breast_cancer": (datasets.load_breast_cancer, "classification"),
    "diabetes": (datasets.load_diabetes, "regression"),
}

#: Per task: (skbp estimator, scikit-learn reference estimator, scoring).
MODELS = {
    "classification": (MLPBackpropClassifier, MLPClassifier, "accuracy"),
    "regression": (MLPBackpropRegressor, MLPRegressor, "r2"),
}

ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
SOLVERS = ("adam", "sgd", "lbfgs")
FORMATS = ("table", "csv", "json")


# --------------------------------------------------------------------------
# Argument parsing
# --------------------------------------------------------------------------


def _int_at_least(minimum):
    """Make an argparse ``type`` accepting integers >= `minimum`.

    Parameters
    ----------
    minimum : int
        Smallest accepted value.

    Returns
    -------
    callable
        Parses a command-line string to an int, raising
        :class:`argparse.ArgumentTypeError` with a clear message otherwise.
    """
    kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}")
        return value

    return parse


def _non_negative_float(*, allow_zero):
    """Make an argparse ``type`` accepting finite floats >= 0 or > 0.

    Parameters
    ----------
    allow_zero : bool
        Whether zero is accepted.

    Returns
    -------
    callable
        Parses a command-line string to a float, raising
        :class:`argparse.ArgumentTypeError` with a clear message otherwise.
    """
    kind = "a non-negative number" if allow_zero else "a positive number"

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1)


def _hidden_layer_sizes(text):
    """Parse comma-separated layer widths such as ``"100"`` or ``"64,32"``.

    Parameters
    ----------
    text : str
        Command-line value.

    Returns
    -------
    tuple of int
        The width of each hidden layer.

    Raises
    ------
    argparse.ArgumentTypeError
        If any width is not a positive integer.
    """
    try:
        sizes = tuple(_positive_int(part.strip()) for part in text.split(","))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as '100' or "
            f"'64,32', got {text!r}"
        ) from None
    return sizes


def _batch_size(text):
    """Parse a mini-batch size: ``"auto"`` or a positive integer.

    Parameters
    ----------
    text : str
        Command-line value.

    Returns
    -------
    int or str
        The batch size, or ``"auto"`` (``min(200, n_samples)``).

    Raises
    ------
    argparse.ArgumentTypeError
        If `text` is neither ``"auto"`` nor a positive integer.
    """
    if text == "auto":
        return text
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected 'auto' or a positive integer, got {text!r}"
        ) from None


def _random_state(text):
    """Parse a random seed: a non-negative integer or ``"none"``.

    Parameters
    ----------
    text : str
        Command-line value.

    Returns
    -------
    int or None
        The seed, or None for unseeded randomness.

    Raises
    ------
    argparse.ArgumentTypeError
        If `text` is neither ``"none"`` nor an integer in ``[0, 2**32 - 1]``.
    """
    if text.lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"expected 'none' or an integer in [0, 2**32 - 1], got {text!r}"
        )
    return value


def _n_jobs(text):
    """Parse a joblib ``n_jobs`` value: a non-zero integer.

    Parameters
    ----------
    text : str
        Command-line value.

    Returns
    -------
    int
        The number of parallel jobs (negative values count back from the
        number of CPUs, ``-1`` meaning all of them).

    Raises
    ------
    argparse.ArgumentTypeError
        If `text` is not a non-zero integer.
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0:
        raise argparse.ArgumentTypeError(f"expected a non-zero integer, got {text!r}")
    return value


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the description's line breaks and widen the option column."""

    def __init__(self, prog):
        super().__init__(prog, max_help_position=32)


COMPARE_DESCRIPTION = """\
Cross-validate skbp's MLP against scikit-learn's with the same hyperparameters
on the same folds of a built-in dataset, and print the mean and standard
deviation of the test score (accuracy for classifiers, R^2 for regressors),
the mean fit time, and the fit-time ratio.

Classification datasets (digits, iris, wine, breast_cancer) compare
MLPBackpropClassifier with MLPClassifier; diabetes compares
MLPBackpropRegressor with MLPRegressor. Hyperparameters not listed below keep
their scikit-learn defaults.
"""

COMPARE_EPILOG = """\
fit time ratio:
  scikit-learn's mean fit time divided by the model's mean fit time; "1.43x
  faster" means the model fits 1.43 times faster than scikit-learn, "2.00x
  slower" that it takes twice as long. Each fit time covers the whole
  estimator, including the StandardScaler when --scale is on. With --n-jobs
  other than 1 folds run concurrently and the times are less reliable.

ConvergenceWarnings:
  are silenced during cross-validation and counted per model in a footer line
  (table format) or a convergence_warnings field (csv, json).

examples:
  python -m skbp compare
  python -m skbp compare --dataset iris --hidden-layer-sizes 64,32 --cv 3
  python -m skbp compare --dataset diabetes --solver lbfgs --format json
"""


def build_parser():
    """Build the command-line parser of ``python -m skbp``.

    Returns
    -------
    argparse.ArgumentParser
        Parser with one sub-command, ``compare``; each sub-command sets
        ``run``, a callable taking the parsed namespace and returning the
        exit status.
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Command-line tools of skbp, scikit-learn MLPs trained by "
        "hand-written backpropagation.",
        formatter_class=_HelpFormatter,
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands"
    )
    compare = subparsers.add_parser(
        "compare",
        help="cross-validate skbp's MLP against scikit-learn's MLP",
        description=COMPARE_DESCRIPTION,
        epilog=COMPARE_EPILOG,
        formatter_class=_HelpFormatter,
    )
    compare.set_defaults(run=run_compare)

    data = compare.add_argument_group("data and cross-validation")
    data.add_argument(
        "--dataset",
        choices=tuple(DATASETS),
        default="digits",
        help="built-in scikit-learn dataset (default: %(default)s)",
    )
    data.add_argument(
        "--cv",
        type=_int_at_least(2),
        default=5,
        metavar="K",
        help="number of folds, >= 2; StratifiedKFold for classification, KFold "
        "for regression, both shuffled with --random-state (default: %(default)s)",
    )
    data.add_argument(
        "--scale",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="standardize the features with a StandardScaler fitted inside each "
        "fold (a Pipeline before the MLP); for diabetes also standardize the "
        "target (TransformedTargetRegressor). --no-scale uses the raw data "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=1,
        metavar="N",
        help="folds fitted in parallel by cross_validate; -1 uses all CPUs "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output: a human-readable report, or machine-readable csv (one row "
        "per model) or json (default: %(default)s)",
    )

    mlp = compare.add_argument_group(
        "MLP hyperparameters (passed unchanged to both estimators)"
    )
    mlp.add_argument(
        "--hidden-layer-sizes",
        type=_hidden_layer_sizes,
        default=(100,),
        metavar="SIZES",
        help="comma-separated hidden layer widths, e.g. 100 or 64,32 (default: 100)",
    )
    mlp.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden-layer activation (default: %(default)s)",
    )
    mlp.add_argument(
        "--solver",
        choices=SOLVERS,
        default="adam",
        help="weight optimizer (default: %(default)s)",
    )
    mlp.add_argument(
        "--alpha",
        type=_non_negative_float(allow_zero=True),
        default=0.0001,
        metavar="ALPHA",
        help="L2 penalty strength, >= 0 (default: %(default)s)",
    )
    mlp.add_argument(
        "--max-iter",
        type=_positive_int,
        default=200,
        metavar="N",
        help="maximum epochs (adam, sgd) or iterations (lbfgs) (default: %(default)s)",
    )
    mlp.add_argument(
        "--learning-rate-init",
        type=_non_negative_float(allow_zero=False),
        default=0.001,
        metavar="RATE",
        help="initial step size, > 0; used by adam and sgd (default: %(default)s)",
    )
    mlp.add_argument(
        "--batch-size",
        type=_batch_size,
        default="auto",
        metavar="SIZE",
        help="mini-batch size, a positive integer or 'auto' for min(200, "
        "n_samples); used by adam and sgd (default: %(default)s)",
    )
    mlp.add_argument(
        "--random-state",
        type=_random_state,
        default=0,
        metavar="SEED",
        help="seed of both MLPs and of the fold shuffling, or 'none' "
        "(default: %(default)s)",
    )
    return parser


def hyperparameters(args):
    """Collect the MLP hyperparameters shared by both estimators.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``compare`` arguments.

    Returns
    -------
    dict
        Keyword arguments for the MLP constructors.
    """
    return {
        "hidden_layer_sizes": args.hidden_layer_sizes,
        "activation": args.activation,
        "solver": args.solver,
        "alpha": args.alpha,
        "batch_size": args.batch_size,
        "learning_rate_init": args.learning_rate_init,
        "max_iter": args.max_iter,
        "random_state": args.random_state,
    }


# --------------------------------------------------------------------------
# Data and estimators
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """A built-in dataset ready for cross-validation.

    Attributes
    ----------
    name : str
        Key in :data:`DATASETS`.
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : ndarray of shape (n_samples,)
        Class labels or regression targets.
    task : {"classification", "regression"}
        Learning task.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str

    def describe(self):
        """Return a one-line description such as ``iris (150 samples, ...)``."""
        n_samples, n_features = self.X.shape
        text = f"{self.name} ({n_samples} samples, {n_features} features"
        if self.task == "classification":
            text += f", {np.unique(self.y).size} classes"
        return text + f"; {self.task})"


def load_dataset(name):
    """Load a built-in dataset by name.

    Parameters
    ----------
    name : str
        Key in :data:`DATASETS`.

    Returns
    -------
    Dataset
        The features, targets and task.
    """
    loader, task = DATASETS[name]
    X, y = loader(return_X_y=True)
    return Dataset(name=name, X=X, y=y, task=task)


def make_estimator(mlp_class, params, *, task, scale):
    """Build one estimator to cross-validate.

    Both compared models go through this function, so they differ only in
    `mlp_class`.

    Parameters
    ----------
    mlp_class : type
        MLP estimator class, e.g. ``MLPBackpropClassifier`` or
        ``MLPClassifier``.
    params : dict
        Hyperparameters passed to `mlp_class`.
    task : {"classification", "regression"}
        Learning task.
    scale : bool
        Whether to standardize the features with a :class:`StandardScaler`
        in a :class:`Pipeline` and, for regression, the target with a
        :class:`TransformedTargetRegressor`.

    Returns
    -------
    estimator
        The unfitted MLP, possibly wrapped.
    """
    estimator = mlp_class(**params)
    if scale:
        estimator = Pipeline([("scaler", StandardScaler()), ("mlp", estimator)])
        if task == "regression":
            estimator = TransformedTargetRegressor(
                regressor=estimator, transformer=StandardScaler()
            )
    return estimator


def make_splits(dataset, n_splits, random_state):
    """Draw the cross-validation folds shared by both models.

    Parameters
    ----------
    dataset : Dataset
        The data to split.
    n_splits : int
        Number of folds.
    random_state : int or None
        Seed of the shuffling.

    Returns
    -------
    list of (ndarray, ndarray)
        ``(train_indices, test_indices)`` per fold; materialized so both
        models see the same folds even when `random_state` is None.
    """
    cv_class = StratifiedKFold if dataset.task == "classification" else KFold
    cv = cv_class(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(cv.split(dataset.X, dataset.y))


def check_n_splits(dataset, n_splits):
    """Explain why `n_splits` folds are too many for `dataset`, if they are.

    Parameters
    ----------
    dataset : Dataset
        The data to split.
    n_splits : int
        Requested number of folds.

    Returns
    -------
    str or None
        An error message, or None if `n_splits` is valid.
    """
    if dataset.task == "classification":
        smallest = np.unique(dataset.y, return_counts=True)[1].min()
        if n_splits > smallest:
            return (
                f"{n_splits} folds is more than the {smallest} samples of the "
                f"smallest class of {dataset.name}"
            )
    elif n_splits > dataset.X.shape[0]:
        return (
            f"{n_splits} folds is more than the {dataset.X.shape[0]} samples of "
            f"{dataset.name}"
        )
    return None


# --------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------


class _ConvergenceWarningCounter(BaseEstimator):
    """Fit a clone of `estimator`, silencing and counting ConvergenceWarnings.

    The count travels back with the fitted estimator, so it also works when
    ``cross_validate`` fits the folds in worker processes (``n_jobs != 1``).
    Other warnings are re-issued unchanged.

    Parameters
    ----------
    estimator : estimator
        The estimator to fit.

    Attributes
    ----------
    estimator_ : estimator
        The fitted clone of `estimator`.
    n_convergence_warnings_ : int
        Number of ConvergenceWarnings raised by the fit.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y):
        """Fit a clone of `estimator` on `X`, `y`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features.
        y : array-like of shape (n_samples,)
            Training targets.

        Returns
        -------
        self : _ConvergenceWarningCounter
            The fitted wrapper.
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            self.estimator_ = clone(self.estimator).fit(X, y)
        self.n_convergence_warnings_ = 0
        for warning in caught:
            if issubclass(warning.category, ConvergenceWarning):
                self.n_convergence_warnings_ += 1
            else:
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
        return self

    def predict(self, X):
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            Predictions of `estimator_`.
        """
        return self.estimator_.predict(X)


@dataclass
class ModelResult:
    """Cross-validation results of one model.

    Attributes
    ----------
    model : str
        Name of the MLP class.
    test_scores : ndarray of shape (n_splits,)
        Test score of each fold.
    fit_times : ndarray of shape (n_splits,)
        Fit time of each fold, in seconds.
    n_convergence_warnings : int
        ConvergenceWarnings raised over all folds.
    """

    model: str
    test_scores: np.ndarray
    fit_times: np.ndarray
    n_convergence_warnings: int

    @property
    def score_mean(self):
        """float: Mean test score over the folds."""
        return float(np.mean(self.test_scores))

    @property
    def score_std(self):
        """float: Standard deviation of the test scores over the folds."""
        return float(np.std(self.test_scores))

    @property
    def fit_time(self):
        """float: Mean fit time over the folds, in seconds."""
        return float(np.mean(self.fit_times))


def run_cv(name, estimator, dataset, splits, *, scoring, n_jobs):
    """Cross-validate one estimator.

    Parameters
    ----------
    name : str
        Model name to report.
    estimator : estimator
        Unfitted estimator, from :func:`make_estimator`.
    dataset : Dataset
        The data.
    splits : list of (ndarray, ndarray)
        Folds, from :func:`make_splits`.
    scoring : str
        scikit-learn scorer name.
    n_jobs : int
        Folds fitted in parallel.

    Returns
    -------
    ModelResult
        Scores, fit times and ConvergenceWarning count.
    """
    cv_results = cross_validate(
        _ConvergenceWarningCounter(estimator),
        dataset.X,
        dataset.y,
        cv=splits,
        scoring=scoring,
        n_jobs=n_jobs,
        return_estimator=True,
        error_score="raise",
    )
    return ModelResult(
        model=name,
        test_scores=cv_results["test_score"],
        fit_times=cv_results["fit_time"],
        n_convergence_warnings=sum(
            fitted.n_convergence_warnings_ for fitted in cv_results["estimator"]
        ),
    )


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def fit_time_ratio(result, reference):
    """Return ``reference.fit_time / result.fit_time`` (> 1: `result` faster).

    Parameters
    ----------
    result, reference : ModelResult
        The model and the scikit-learn reference.

    Returns
    -------
    float
        The speed-up of `result` over `reference` (inf if `result` took no
        measurable time).
    """
    if result.fit_time == 0:
        return float("inf")
    return reference.fit_time / result.fit_time


def _format_ratio(result, reference):
    """Format the fit-time ratio cell, e.g. ``1.43x faster``."""
    if result is reference:
        return "1.00 (reference)"
    ratio = fit_time_ratio(result, reference)
    if ratio >= 1:
        return f"{ratio:.2f}x faster"
    return f"{1 / ratio:.2f}x slower"


def format_table(results, reference):
    """Format the results as a fixed-width table.

    Parameters
    ----------
    results : list of ModelResult
        One row per model.
    reference : ModelResult
        The scikit-learn model of `results`, the base of the fit-time ratio.

    Returns
    -------
    str
        Header and one line per model, without a trailing newline.
    """
    header = ("model", "score mean", "score std", "fit time (s)", "fit time ratio")
    rows = [
        (
            result.model,
            f"{result.score_mean:.4f}",
            f"{result.score_std:.4f}",
            f"{result.fit_time:.4f}",
            _format_ratio(result, reference),
        )
        for result in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def format_report(dataset, params, args, results, reference):
    """Format the human-readable report: settings, table and footer.

    Parameters
    ----------
    dataset : Dataset
        The data.
    params : dict
        The shared MLP hyperparameters.
    args : argparse.Namespace
        Parsed ``compare`` arguments.
    results : list of ModelResult
        One entry per model.
    reference : ModelResult
        The scikit-learn model of `results`.

    Returns
    -------
    str
        The report, ending with a newline.
    """
    _, _, scoring = MODELS[dataset.task]
    cv_name = "StratifiedKFold" if dataset.task == "classification" else "KFold"
    if not args.scale:
        scaling = "none (raw data)"
    elif dataset.task == "regression":
        scaling = "StandardScaler on X and on y (TransformedTargetRegressor)"
    else:
        scaling = "StandardScaler on X"
    hyper = ", ".join(f"{key}={value!r}" for key, value in params.items())
    counts = ", ".join(
        f"{result.model} {result.n_convergence_warnings}/{len(result.fit_times)} fits"
        for result in results
    )
    settings = {
        "dataset": dataset.describe(),
        "cross-validation": f"{args.cv}-fold {cv_name}(shuffle=True, "
        f"random_state={args.random_state}), scoring={scoring}, n_jobs={args.n_jobs}",
        "preprocessing": scaling,
        "hyperparameters": hyper,
        "versions": f"skbp {getattr(skbp, '__version__', 'unknown')}, "
        f"scikit-learn {sklearn.__version__}",
    }
    width = max(len(key) for key in settings) + 2
    lines = [f"{key + ':':<{width}}{value}" for key, value in settings.items()]
    lines += [
        "",
        format_table(results, reference),
        "",
        f"fit time ratio = {reference.model} fit time / model fit time",
        f"ConvergenceWarnings (silenced): {counts}",
    ]
    return "\n".join(lines) + "\n"


def _result_record(result, reference):
    """Return the machine-readable fields of one model's results."""
    return {
        "model": result.model,
        "score_mean": result.score_mean,
        "score_std": result.score_std,
        "fit_time_mean": result.fit_time,
        "fit_time_ratio": fit_time_ratio(result, reference),
        "convergence_warnings": result.n_convergence_warnings,
        "n_fits": len(result.fit_times),
    }


def format_csv(results, reference):
    """Format the results as CSV, one row per model.

    Parameters
    ----------
    results : list of ModelResult
        One row per model.
    reference : ModelResult
        The scikit-learn model of `results`.

    Returns
    -------
    str
        CSV text with a header row; ``fit_time_ratio`` is the reference's
        fit time divided by the row's.
    """
    records = [_result_record(result, reference) for result in results]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def format_json(dataset, params, args, results, reference):
    """Format the settings and results as a JSON document.

    Parameters
    ----------
    dataset : Dataset
        The data.
    params : dict
        The shared MLP hyperparameters.
    args : argparse.Namespace
        Parsed ``compare`` arguments.
    results : list of ModelResult
        One entry per model.
    reference : ModelResult
        The scikit-learn model of `results`.

    Returns
    -------
    str
        Indented JSON ending with a newline. Each result also lists the
        per-fold ``test_scores`` and ``fit_times``.
    """
    _, _, scoring = MODELS[dataset.task]
    document = {
        "dataset": dataset.name,
        "task": dataset.task,
        "n_samples": dataset.X.shape[0],
        "n_features": dataset.X.shape[1],
        "scoring": scoring,
        "cv": args.cv,
        "scale": args.scale,
        "n_jobs": args.n_jobs,
        "hyperparameters": {
            **params,
            "hidden_layer_sizes": list(params["hidden_layer_sizes"]),
        },
        "reference": reference.model,
        "results": [
            {
                **_result_record(result, reference),
                "test_scores": result.test_scores.tolist(),
                "fit_times": result.fit_times.tolist(),
            }
            for result in results
        ],
        "versions": {
            "skbp": getattr(skbp, "__version__", None),
            "scikit-learn": sklearn.__version__,
        },
    }
    return json.dumps(document, indent=2) + "\n"


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def _usage_error(message):
    """Report a ``compare`` usage error like argparse does and return 2."""
    print(f"{PROG} compare: error: {message}", file=sys.stderr)
    return 2


def run_compare(args):
    """Run the ``compare`` sub-command.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``compare`` arguments.

    Returns
    -------
    int
        Exit status: 0 on success, 2 if `args` do not fit the dataset.
    """
    dataset = load_dataset(args.dataset)
    problem = check_n_splits(dataset, args.cv)
    if problem is not None:
        return _usage_error(f"argument --cv: {problem}")

    skbp_class, sklearn_class, scoring = MODELS[dataset.task]
    params = hyperparameters(args)
    splits = make_splits(dataset, args.cv, args.random_state)
    results = [
        run_cv(
            mlp_class.__name__,
            make_estimator(mlp_class, params, task=dataset.task, scale=args.scale),
            dataset,
            splits,
            scoring=scoring,
            n_jobs=args.n_jobs,
        )
        for mlp_class in (skbp_class, sklearn_class)
    ]
    reference = results[-1]

    if args.format == "csv":
        output = format_csv(results, reference)
    elif args.format == "json":
        output = format_json(dataset, params, args, results, reference)
    else:
        output = format_report(dataset, params, args, results, reference)
    sys.stdout.write(output)
    return 0


def main(argv=None):
    """Run ``python -m skbp``.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments without the program name; defaults to
        ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success (including ``--help``), 2 on a usage error
        or when no sub-command is given.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported
        return 0 if exc.code is None else exc.code
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return args.run(args)
