"""``python -m skbp compare``: skbp's MLP against scikit-learn's, fold by fold."""

import argparse
import csv
import io
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from joblib import Parallel, delayed
from sklearn import datasets
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skbp
from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._activations import HIDDEN_ACTIVATIONS

#: Built-in datasets, ``sklearn.datasets.load_<name>``; all but diabetes classify.
DATASETS = ("digits", "iris", "wine", "breast_cancer", "diabetes")
#: Per task: (skbp estimator, scikit-learn reference, what their ``score`` is).
MODELS = {
    "classification": (MLPBackpropClassifier, MLPClassifier, "accuracy"),
    "regression": (MLPBackpropRegressor, MLPRegressor, "r2"),
}
SPLITTERS = {"classification": StratifiedKFold, "regression": KFold}
SOLVERS = sorted(MLPBackpropClassifier._parameter_constraints["solver"][0].options)
MAX_CLASSES = 20

EPILOG = f"""\
The task of --data is classification if --target is not numeric or holds
integers with at most {MAX_CLASSES} distinct values, else regression (or --task).

speed-up = scikit-learn's fit time / skbp's per fold (median and range; above 1,
skbp is faster). A fold's two fits run back to back, in alternating order. Times
on a shared machine are noisy, more so with --n-jobs (folds in parallel).
Progress goes to stderr; ConvergenceWarnings are silenced and counted."""


class _Help(
    argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter
):
    """Keep the epilog's line breaks; show every option's default."""


def _sizes(text):
    """Parse layer widths such as ``"64,32"`` into a tuple of ints."""
    return tuple(int(part) for part in text.split(","))


def _value(text):
    """Parse ``"none"`` to None and integers to int; keep any other string."""
    return None if text == "none" else int(text) if text.lstrip("-").isdigit() else text


def build_parser():
    """Build the parser of ``python -m skbp``; values are checked by their owners."""
    parser = argparse.ArgumentParser(prog="python -m skbp")
    version = f"skbp {skbp.__version__}"
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", required=True)
    about = "cross-validate skbp's MLP and scikit-learn's on the same folds"
    compare = commands.add_parser(
        "compare", help=about, description=about, epilog=EPILOG, formatter_class=_Help
    )
    compare.set_defaults(run=run_compare, parser=compare)
    data = compare.add_argument_group("data and cross-validation")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="PATH", help="your CSV file, with a header")
    data.add_argument("--target", metavar="COLUMN", help="the column to predict")
    scale, text = argparse.BooleanOptionalAction, "StandardScaler on X (and y) per fold"
    data.add_argument("--scale", action=scale, default=True, help=text)
    mlp = compare.add_argument_group("hyperparameters of both MLPs")
    for group, flag, kind, choices, default, text in (  # kind: the argparse type
        (source, "--dataset", None, DATASETS, "digits", "built-in dataset"),
        (data, "--task", None, MODELS, None, "of --data; None: inferred (below)"),
        (data, "--format", None, FORMATTERS, "table", "of stdout"),
        (data, "--cv", int, None, 5, "folds (StratifiedKFold or KFold, shuffled)"),
        (data, "--n-jobs", int, None, 1, "folds fitted in parallel by joblib"),
        (mlp, "--activation", None, sorted(HIDDEN_ACTIVATIONS), "relu", "hidden"),
        (mlp, "--solver", None, SOLVERS, "adam", "the optimizer"),
        (mlp, "--hidden-layer-sizes", _sizes, None, (100,), "widths, e.g. 64,32"),
        (mlp, "--alpha", float, None, 0.0001, "L2 penalty"),
        (mlp, "--max-iter", int, None, 200, "epochs (adam, sgd) or lbfgs iterations"),
        (mlp, "--learning-rate-init", float, None, 0.001, "adam's and sgd's step"),
        (mlp, "--batch-size", _value, None, "auto", "'auto': min(200, n_samples)"),
        (mlp, "--random-state", _value, None, 0, "of the MLPs and folds, or 'none'"),
    ):
        group.add_argument(flag, type=kind, choices=choices, default=default, help=text)
    return parser


def load_csv(parser, path, target, task):
    """Read `path` with the csv module; return ``(X, y, task)`` or exit 2."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            header, *rows = [row for row in csv.reader(file) if row] or [[]]
    except OSError as exc:
        parser.error(f"argument --data: {exc}")
    if target not in header:
        parser.error(
            f"argument --target: {target!r} not in columns: {', '.join(header)}"
        )
    if not rows or any(len(row) != len(header) for row in rows):
        parser.error(f"argument --data: {path} needs rows of {len(header)} cells")
    columns = {}  # name: floats, or None if a cell is not a number
    for name, cells in zip(header, zip(*rows)):
        try:
            columns[name] = np.array(cells, dtype=float)
        except ValueError:
            columns[name] = None
    numeric = columns.pop(target)
    if not columns:
        parser.error(f"argument --data: {path} has no column besides {target!r}")
    if bad := [name for name, cells in columns.items() if cells is None]:
        parser.error(f"argument --data: non-numeric feature columns: {', '.join(bad)}")
    few = numeric is None or len(np.unique(numeric)) <= MAX_CLASSES
    labels = few and (numeric is None or np.all(numeric % 1 == 0))
    task = task or ("classification" if labels else "regression")
    if task == "regression" and numeric is None:
        parser.error(f"argument --task: regression needs a numeric {target!r}")
    y = np.array([row[header.index(target)] for row in rows])
    X = np.column_stack(list(columns.values()))
    return X, (y if task == "classification" else numeric), task


def make_estimator(parser, mlp_class, params, task, scale):
    """Build `mlp_class` with `params`, validated one by one, before any fit."""
    mlp = mlp_class()
    for name, value in params.items():
        try:
            mlp.set_params(**{name: value})._validate_params()
        except ValueError as exc:  # InvalidParameterError is a ValueError
            parser.error(f"argument --{name.replace('_', '-')}: {exc}")
    if scale:
        mlp = make_pipeline(StandardScaler(), mlp)
    if scale and task == "regression":
        return TransformedTargetRegressor(mlp, transformer=StandardScaler())
    return mlp


def fit_fold(estimators, X, y, train, test, first):
    """Fit both, ``estimators[first]`` first: (score, seconds, ConvergenceWarnings)."""
    results = [None, None]
    for i in (first, 1 - first):
        model, X_train, y_train = clone(estimators[i]), X[train], y[train]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
        others = [w for w in caught if not issubclass(w.category, ConvergenceWarning)]
        for w in others:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        results[i] = (model.score(X[test], y[test]), seconds, len(caught) - len(others))
    return results


def summarize(model, per_fold, j):
    """Model `j`'s per-fold lists and summaries; speed-up = reference time / its."""
    folds = np.array(per_fold)  # (n_folds, n_models, 3): score, seconds, warnings
    scores, times, counts = folds[:, j].T
    ratios = folds[:, -1, 1] / times  # the last model is the reference
    return {
        "model": model,
        "score_mean": scores.mean(),
        "score_std": scores.std(),
        "fit_time_mean": times.mean(),
        "speedup_median": np.median(ratios),
        "speedup_min": ratios.min(),
        "speedup_max": ratios.max(),
        "convergence_warnings": int(counts.sum()),
        "n_fits": len(times),
        "test_scores": scores.tolist(),
        "fit_times": times.tolist(),
    }


def format_table(settings, results):
    """Format the human-readable report; the last result is the reference."""
    s, reference = settings, results[-1]
    row = "{:<22}{:>11}{:>11}{:>14}{:>19}"
    table = [row.format("model", "score mean", "score std", "fit time (s)", "speed-up")]
    for r in results:
        cells = [f"{r[k]:.4f}" for k in ("score_mean", "score_std", "fit_time_mean")]
        ratio = "{speedup_median:.2f}x ({speedup_min:.2f}-{speedup_max:.2f})"
        ratio = "reference" if r is reference else ratio.format(**r)
        table.append(row.format(r["model"], *cells, ratio))
    classes = f", {s['n_classes']} classes" if s["n_classes"] else ""
    scaled_y = " and y (TransformedTargetRegressor)" * (s["task"] == "regression")
    hyper = ", ".join(f"{k}={v!r}" for k, v in s["hyperparameters"].items())
    counts = [
        f"{r['model']} {r['convergence_warnings']}/{r['n_fits']}" for r in results
    ]
    lines = [
        f"dataset:          {s['dataset']} ({s['n_samples']} samples, "
        f"{s['n_features']} features{classes}; {s['task']})",
        f"cross-validation: {s['cv']}-fold {SPLITTERS[s['task']].__name__}(shuffle="
        f"True, random_state={s['hyperparameters']['random_state']}), "
        f"scoring={s['scoring']}, n_jobs={s['n_jobs']}",
        "preprocessing:    "
        + (f"StandardScaler on X{scaled_y}" if s["scale"] else "none (raw data)"),
        f"hyperparameters:  {hyper}",
        f"versions:         {', '.join(map(' '.join, s['versions'].items()))}",
        "",
        *table,
        "",
        f"speed-up = {reference['model']} time / model time, per-fold median (min-max)",
        "Times on a shared machine are noisy: read the range, not only the median.",
        *["Folds ran in parallel: the timings are less reliable."] * (s["n_jobs"] != 1),
        f"ConvergenceWarnings (silenced): {' fits, '.join(counts)} fits",
    ]
    return "\n".join(lines) + "\n"


def format_csv(settings, results):
    """Format one CSV row per model (the reference's speed-up is 1)."""
    buffer = io.StringIO()
    fields = list(results[0])[:-2]  # not the per-fold lists
    writer = csv.DictWriter(buffer, fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(results)
    return buffer.getvalue()


def format_json(settings, results):
    """Format `settings` and the results, with their per-fold lists, as JSON."""
    document = {**settings, "reference": results[-1]["model"], "results": results}
    return json.dumps(document, indent=2) + "\n"


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}


def run_compare(parser, args):
    """Load the data and validate everything, then fit the folds interleaved."""
    if args.data is None and (args.target or args.task) is not None:
        parser.error("arguments --target and --task: need --data PATH")
    if args.data is None:
        task = "regression" if args.dataset == "diabetes" else "classification"
        X, y = getattr(datasets, f"load_{args.dataset}")(return_X_y=True)
    elif args.target is None:
        parser.error("argument --data: needs --target COLUMN")
    else:
        X, y, task = load_csv(parser, args.data, args.target, args.task)
    classes, names = MODELS[task][:2], MODELS[task][0]().get_params()
    params = {key: value for key, value in vars(args).items() if key in names}
    estimators = [make_estimator(parser, c, params, task, args.scale) for c in classes]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # e.g. too small a class
            cv = SPLITTERS[task](args.cv, shuffle=True, random_state=args.random_state)
            splits = list(cv.split(X, y))
    except (ValueError, UserWarning) as exc:
        parser.error(f"argument --cv: {exc}")
    try:
        folds = Parallel(n_jobs=args.n_jobs, return_as="generator")(
            delayed(fit_fold)(estimators, X, y, train, test, i % 2)
            for i, (train, test) in enumerate(splits)
        )
    except ValueError as exc:
        parser.error(f"argument --n-jobs: {exc}")
    per_fold = []  # per fold, per model: (score, fit seconds, ConvergenceWarnings)
    for fold in folds:
        per_fold.append(fold)
        times = ", ".join(f"{c.__name__} {f[1]:.3f} s" for c, f in zip(classes, fold))
        print(f"fold {len(per_fold)}/{len(splits)}: {times}", file=sys.stderr)
    results = [summarize(c.__name__, per_fold, j) for j, c in enumerate(classes)]
    settings = {
        "dataset": args.data or args.dataset,
        "task": task,
        "n_samples": X.shape[0],
        "n_features": X.shape[1],
        "n_classes": len(np.unique(y)) if task == "classification" else None,
        "scoring": MODELS[task][2],
        "cv": args.cv,
        "scale": args.scale,
        "n_jobs": args.n_jobs,
        "hyperparameters": params,
        "versions": {"skbp": skbp.__version__, "scikit-learn": sklearn.__version__},
    }
    sys.stdout.write(FORMATTERS[args.format](settings, results))
    return 0


def main(argv=None):
    """Run ``python -m skbp`` on `argv`; return 0, or exit 2 on a usage error."""
    args = build_parser().parse_args(argv)
    return args.run(args.parser, args)
