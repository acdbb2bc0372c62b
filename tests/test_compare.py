"""Tests of the ``python -m skbp compare`` command (skbp/_compare.py)."""

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.neural_network import MLPClassifier

from skbp import _compare
from skbp._compare import main

REPO_ROOT = Path(__file__).resolve().parents[1]

# Tiny, fast settings: each run fits 2 folds x 2 models of an 8-unit MLP.
FAST = ["--cv", "2", "--max-iter", "20", "--hidden-layer-sizes", "8"]

OPTIONS = [
    "--dataset",
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
    rf"^(MLP\w+)\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+"
    rf"({NUMBER}x (?:faster|slower)|1\.00 \(reference\))$"
)


def run(capsys, *args):
    """Run ``compare`` with `args`; return (exit code, stdout, stderr)."""
    code = main(["compare", *args])
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(out):
    """Parse the table rows of a report into {model: (mean, std, time, ratio)}."""
    rows = {}
    for line in out.splitlines():
        match = ROW.match(line)
        if match:
            mean, std, time = (float(match.group(i)) for i in (2, 3, 4))
            rows[match.group(1)] = (mean, std, time, match.group(5))
    return rows


def test_help_documents_every_option(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for option in OPTIONS:
        assert option in out
    for dataset in ("digits", "iris", "wine", "breast_cancer", "diabetes"):
        assert dataset in out


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


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert main([]) == 2
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
    assert rows["MLPClassifier"][3] == "1.00 (reference)"
    assert re.search(r"ConvergenceWarnings.*MLPBackpropClassifier \d/2 fits", out)


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
        ("--random-state", "-1"),
        ("--n-jobs", "0"),
        ("--dataset", "mnist"),
        ("--format", "xml"),
    ],
)
def test_bad_option_value_exits_2_naming_option(capsys, option, value):
    code, out, err = run(capsys, option, value)
    assert code == 2
    assert out == ""
    assert f"argument {option}" in err


def test_too_many_folds_for_dataset(capsys):
    # wine's smallest class has 48 samples.
    code, out, err = run(capsys, "--dataset", "wine", "--cv", "49")
    assert code == 2
    assert out == ""
    assert "argument --cv" in err and "48" in err


def test_csv_format(capsys):
    code, out, _ = run(capsys, "--dataset", "iris", "--format", "csv", *FAST)
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert [r["model"] for r in records] == ["MLPBackpropClassifier", "MLPClassifier"]
    for record in records:
        assert 0 <= float(record["score_mean"]) <= 1
        assert float(record["fit_time_mean"]) > 0
        assert int(record["n_fits"]) == 2
    assert float(records[1]["fit_time_ratio"]) == 1.0


def test_json_format(capsys):
    code, out, _ = run(
        capsys, "--dataset", "diabetes", "--no-scale", "--format", "json", *FAST
    )
    assert code == 0
    document = json.loads(out)
    assert document["task"] == "regression"
    assert document["scoring"] == "r2"
    assert document["scale"] is False
    assert document["hyperparameters"]["hidden_layer_sizes"] == [8]
    results = document["results"]
    assert [r["model"] for r in results] == ["MLPBackpropRegressor", "MLPRegressor"]
    for result in results:
        assert len(result["test_scores"]) == len(result["fit_times"]) == 2
        assert result["convergence_warnings"] <= 2


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
    code, out, _ = run(capsys, "--dataset", "iris", "--format", "json", *FAST)
    assert code == 0
    twin, reference = json.loads(out)["results"]
    assert twin["model"] == "TwinClassifier"
    assert twin["test_scores"] == reference["test_scores"]


def test_parallel_folds_still_count_warnings(capsys):
    args = ["--dataset", "iris", "--cv", "2", "--max-iter", "1", "--n-jobs", "2"]
    code, out, _ = run(capsys, *args, "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["convergence_warnings"]) for r in records] == [2, 2]
