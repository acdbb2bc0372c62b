"""Tests of the ``python -m skbp compare`` command (skbp/_compare.py)."""

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier

import skbp
from skbp import _compare
from skbp._activations import HIDDEN_ACTIVATIONS
from skbp._compare import main

REPO_ROOT = Path(__file__).resolve().parents[1]

# Tiny, fast settings: each run fits 2 folds x 2 models of an 8-unit MLP.
FAST = ["--cv", "2", "--max-iter", "20", "--hidden-layer-sizes", "8"]

OPTIONS = [
    "--dataset",
    "--data",
    "--target",
    "--task",
    "--cv",
    "--hidden-layer-sizes",
    "--activation",
    "--solver",
    "--alpha",
    "--max-iter",
    "--learning-rate-init",
    "--batch-size",
    "--random-state",
    "--n-jobs",
    "--scale",
    "--no-scale",
    "--format",
]

NUMBER = r"(-?\d+\.\d+)"
ROW = re.compile(
    rf"^(\w+)\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+"
    rf"({NUMBER}x \({NUMBER}-{NUMBER}\)|reference)$"
)


def run(capsys, *args):
    """Run ``compare`` with `args`; return (exit code, stdout, stderr)."""
    try:
        code = main(["compare", *args])
    except SystemExit as exc:  # --help and usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args):
    """Run ``compare --format json`` with `args` and FAST; return the document."""
    code, out, _ = run(capsys, *args, "--format", "json", *FAST)
    assert code == 0
    return json.loads(out)


def usage_error(capsys, *args):
    """Run ``compare`` expecting a usage error; return its stderr."""
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    return err


def table_rows(out):
    """Parse the table rows of a report into {model: (mean, std, time, speed-up)}."""
    rows = {}
    for line in out.splitlines():
        match = ROW.match(line)
        if match:
            mean, std, time = (float(match.group(i)) for i in (2, 3, 4))
            rows[match.group(1)] = (mean, std, time, match.group(5))
    return rows


def write_csv(tmp_path, header, columns):
    """Write `columns` under `header` to a CSV file in `tmp_path`; return its path."""
    path = tmp_path / "data.csv"
    lines = [",".join(header), *(",".join(map(str, row)) for row in zip(*columns))]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture
def iris_csv(tmp_path):
    """Iris's first two features and its species names, as a CSV file."""
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    return write_csv(
        tmp_path, ["sepal length", "sepal width", "species"], [*X.T[:2], names]
    )


def test_help_documents_every_option(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for option in OPTIONS:
        assert option in out
    for dataset in ("digits", "iris", "wine", "breast_cancer", "diabetes"):
        assert dataset in out
    assert "noisy" in out and "at most 20 distinct values" in out


def test_choices_come_from_the_registries(capsys):
    _, out, _ = run(capsys, "--help")
    activations = ",".join(sorted(HIDDEN_ACTIVATIONS))
    assert f"--activation {{{activations}}}" in out
    assert "--solver {adam,lbfgs,sgd}" in out


def test_module_help_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "skbp", "compare", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "--hidden-layer-sizes" in proc.stdout


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"skbp {skbp.__version__}\n"


def test_no_subcommand_prints_usage_and_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "compare" in capsys.readouterr().err


def test_iris_table(capsys):
    code, out, _ = run(capsys, "--dataset", "iris", *FAST)
    assert code == 0
    assert "iris (150 samples, 4 features, 3 classes" in out
    assert "hidden_layer_sizes=(8,)" in out
    rows = table_rows(out)
    assert set(rows) == {"MLPBackpropClassifier", "MLPClassifier"}
    for mean, std, time, _ in rows.values():
        assert 0 <= mean <= 1
        assert std >= 0
        assert time > 0
    assert rows["MLPClassifier"][3] == "reference"
    assert re.search(r"ConvergenceWarnings.*MLPBackpropClassifier \d/2 fits", out)
    assert "noisy" in out
    assert "less reliable" not in out


def test_progress_per_fold_on_stderr(capsys):
    code, out, err = run(capsys, "--dataset", "iris", "--format", "csv", *FAST)
    assert code == 0
    assert "fold" not in out
    progress = err.splitlines()
    assert len(progress) == 2
    for i, line in enumerate(progress, 1):
        assert re.fullmatch(
            rf"fold {i}/2: MLPBackpropClassifier \d+\.\d+ s, MLPClassifier \d+\.\d+ s",
            line,
        )


def test_diabetes_uses_regressors(capsys):
    code, out, _ = run(capsys, "--dataset", "diabetes", *FAST)
    assert code == 0
    assert "regression" in out
    assert "scoring=r2" in out
    assert "TransformedTargetRegressor" in out
    assert set(table_rows(out)) == {"MLPBackpropRegressor", "MLPRegressor"}


@pytest.mark.parametrize(
    "option, value",
    [
        ("--cv", "1"),
        ("--cv", "five"),
        ("--hidden-layer-sizes", "64,0"),
        ("--hidden-layer-sizes", "64,"),
        ("--activation", "softmax"),
        ("--solver", "rmsprop"),
        ("--alpha", "-1"),
        ("--alpha", "nan"),
        ("--max-iter", "0"),
        ("--learning-rate-init", "0"),
        ("--batch-size", "-5"),
        ("--batch-size", "big"),
        ("--random-state", "-1"),
        ("--n-jobs", "0"),
        ("--dataset", "mnist"),
        ("--format", "xml"),
        ("--task", "clustering"),
    ],
)
def test_bad_option_value_exits_2_naming_option(capsys, option, value):
    assert f"argument {option}" in usage_error(capsys, option, value)


@pytest.mark.parametrize(
    "option, value",
    [
        ("--alpha", "-1"),
        ("--max-iter", "0"),
        ("--learning-rate-init", "0"),
        ("--batch-size", "big"),
        ("--random-state", str(2**32)),
    ],
)
def test_hyperparameter_errors_come_from_the_estimator(capsys, option, value):
    name = option[2:].replace("-", "_")
    err = usage_error(capsys, "--dataset", "iris", option, value)
    assert f"The '{name}' parameter of MLPBackpropClassifier must be" in err


@pytest.mark.parametrize(
    "dataset, folds, fragment",
    [("wine", "49", "only 48 members"), ("diabetes", "500", "n_samples=442")],
)
def test_too_many_folds_error_comes_from_the_splitter(capsys, dataset, folds, fragment):
    err = usage_error(capsys, "--dataset", dataset, "--cv", folds)
    assert "argument --cv" in err and fragment in err


def test_csv_format(capsys):
    code, out, _ = run(capsys, "--dataset", "iris", "--format", "csv", *FAST)
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert [r["model"] for r in records] == ["MLPBackpropClassifier", "MLPClassifier"]
    for record in records:
        assert 0 <= float(record["score_mean"]) <= 1
        assert float(record["fit_time_mean"]) > 0
        assert int(record["n_fits"]) == 2
        assert float(record["speedup_min"]) <= float(record["speedup_median"])
        assert float(record["speedup_median"]) <= float(record["speedup_max"])
    assert float(records[1]["speedup_median"]) == 1.0


def test_json_format(capsys):
    document = run_json(capsys, "--dataset", "diabetes", "--no-scale")
    assert document["task"] == "regression"
    assert document["scoring"] == "r2"
    assert document["scale"] is False
    assert document["hyperparameters"]["hidden_layer_sizes"] == [8]
    results = document["results"]
    assert [r["model"] for r in results] == ["MLPBackpropRegressor", "MLPRegressor"]
    for result in results:
        assert len(result["test_scores"]) == len(result["fit_times"]) == 2
        assert result["convergence_warnings"] <= 2


def test_speedup_is_the_median_and_range_of_per_fold_ratios():
    # Per fold, per model: (score, fit seconds, ConvergenceWarnings); the
    # reference (last model) takes 2, 4 and 1 times as long as the first.
    per_fold = [
        [(1.0, 1.0, 0), (1.0, 2.0, 1)],
        [(0.5, 1.0, 1), (0.5, 4.0, 1)],
        [(1.0, 3.0, 0), (1.0, 3.0, 0)],
    ]
    model = _compare.summarize("A", per_fold, 0)
    assert (model["speedup_median"], model["speedup_min"], model["speedup_max"]) == (
        2.0,
        1.0,
        4.0,
    )
    assert model["fit_time_mean"] == pytest.approx(5 / 3)
    assert model["convergence_warnings"] == 1
    reference = _compare.summarize("B", per_fold, 1)
    settings = {
        "dataset": "toy",
        "task": "classification",
        "n_samples": 6,
        "n_features": 1,
        "n_classes": 2,
        "scoring": "accuracy",
        "cv": 3,
        "scale": True,
        "n_jobs": 2,
        "hyperparameters": {"random_state": 0},
        "versions": {"skbp": "0", "scikit-learn": "0"},
    }
    out = _compare.format_table(settings, [model, reference])
    assert table_rows(out)["A"][3] == "2.00x (1.00-4.00)"
    assert "Folds ran in parallel: the timings are less reliable." in out


class _RecordingClassifier(MLPClassifier):
    """An MLPClassifier that logs the class of each fitted estimator."""

    log = []

    def fit(self, X, y):
        self.log.append(type(self).__name__)
        return super().fit(X, y)


class First(_RecordingClassifier):
    pass


class Second(_RecordingClassifier):
    pass


def test_folds_are_fitted_interleaved_alternating_order(capsys, monkeypatch):
    monkeypatch.setattr(_RecordingClassifier, "log", [])
    monkeypatch.setitem(_compare.MODELS, "classification", (First, Second, "accuracy"))
    run_json(capsys, "--dataset", "iris")  # 2 folds
    assert _RecordingClassifier.log == ["First", "Second", "Second", "First"]


def test_convergence_warnings_are_silenced_and_counted(capsys, recwarn):
    code, out, _ = run(capsys, "--dataset", "iris", "--cv", "2", "--max-iter", "1")
    assert code == 0
    assert "MLPBackpropClassifier 2/2 fits, MLPClassifier 2/2 fits" in out
    assert not [w for w in recwarn if "converge" in str(w.message).lower()]


def test_same_folds_and_hyperparameters_for_both_models(capsys, monkeypatch):
    # Compare scikit-learn's MLPClassifier with an identical twin: same folds
    # and same hyperparameters must give the same score on every fold.
    class TwinClassifier(MLPClassifier):
        pass

    monkeypatch.setitem(
        _compare.MODELS, "classification", (TwinClassifier, MLPClassifier, "accuracy")
    )
    twin, reference = run_json(capsys, "--dataset", "iris")["results"]
    assert twin["model"] == "TwinClassifier"
    assert twin["test_scores"] == reference["test_scores"]


def test_parallel_folds_still_count_warnings(capsys):
    args = ["--dataset", "iris", "--cv", "2", "--max-iter", "1", "--n-jobs", "2"]
    code, out, err = run(capsys, *args, "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["convergence_warnings"]) for r in records] == [2, 2]
    assert "fold 2/2" in err


def test_data_csv_with_text_labels(capsys, iris_csv):
    document = run_json(capsys, "--data", iris_csv, "--target", "species")
    assert document["dataset"] == iris_csv
    assert document["task"] == "classification"
    assert (document["n_samples"], document["n_features"]) == (150, 2)
    assert document["n_classes"] == 3
    assert document["results"][0]["model"] == "MLPBackpropClassifier"


@pytest.mark.parametrize(
    "target, task, expected",
    [
        ([0, 1, 2] * 10, None, "classification"),  # few distinct integers
        (list(range(30)), None, "regression"),  # more than 20 distinct integers
        ([0.5, 1.5, 2.5] * 10, None, "regression"),  # not integers
        ([0, 1, 2] * 10, "regression", "regression"),  # --task overrides
    ],
)
def test_data_task_inference(capsys, tmp_path, target, task, expected):
    path = write_csv(tmp_path, ["x", "y"], [np.arange(30.0), target])
    extra = ["--task", task] if task else []
    document = run_json(capsys, "--data", path, "--target", "y", *extra)
    assert document["task"] == expected
    assert document["scoring"] == {"classification": "accuracy"}.get(expected, "r2")


def test_data_errors_name_the_column(capsys, tmp_path, iris_csv):
    err = usage_error(capsys, "--data", iris_csv, "--target", "petal")
    assert "argument --target: 'petal' not in columns" in err
    assert "sepal length, sepal width, species" in err
    err = usage_error(capsys, "--data", iris_csv, "--target", "sepal width")
    assert "argument --data: non-numeric feature columns: species" in err
    err = usage_error(
        capsys, "--data", iris_csv, "--target", "species", "--task", "regression"
    )
    assert "argument --task" in err and "'species'" in err


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--data", "missing.csv", "--target", "y"], "argument --data: [Errno 2]"),
        (["--data", "data.csv"], "argument --data: needs --target"),
        (["--target", "y"], "--target and --task: need --data"),
        (["--data", "data.csv", "--dataset", "iris"], "not allowed with argument"),
        (["--data", "ragged.csv", "--target", "y"], "needs rows of 2 cells"),
        (["--data", "one.csv", "--target", "y"], "no column besides 'y'"),
    ],
)
def test_data_usage_errors(capsys, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path, ["x", "y"], [[1, 2], [0, 1]])
    (tmp_path / "ragged.csv").write_text("x,y\n1,0\n2\n")
    (tmp_path / "one.csv").write_text("y\n1\n0\n")
    assert fragment in usage_error(capsys, *args)
