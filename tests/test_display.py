"""LossCurveDisplay: artists, axes, solvers, errors, lazy matplotlib import."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier

from skbp import LossCurveDisplay, MLPBackpropClassifier, MLPBackpropRegressor

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_from_estimator_draws_the_loss_curve(iris, solver):
    X, y = iris
    clf = MLPBackpropClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=12, random_state=0
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    np.testing.assert_allclose(display.line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.line_.get_xdata(), np.arange(1, len(clf.loss_curve_) + 1)
    )
    assert display.ax_.get_ylabel() == "Training loss"
    assert display.figure_ is display.ax_.figure
    assert display.validation_line_ is None
    assert display.ax_validation_ is None
    assert display.line_.get_label() == "MLPBackpropClassifier"


def test_validation_scores_on_a_second_y_axis(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), max_iter=15, n_iter_no_change=50)
    clf = MLPBackpropClassifier(early_stopping=True, random_state=0, **params)
    clf.fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.ax_validation_ is not display.ax_
    assert display.ax_validation_.figure is display.figure_
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), clf.validation_scores_
    )
    # twinx: both axes share the x axis
    assert display.ax_validation_.get_shared_x_axes().joined(
        display.ax_, display.ax_validation_
    )
    assert display.ax_validation_.get_ylabel() == "Validation score"


def test_given_axes_and_line_kwargs(iris):
    X, y = iris
    reg = MLPBackpropRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    Xr, yr = make_regression(n_samples=50, n_features=3, random_state=0)
    reg.fit(Xr, yr / yr.std())
    fig, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(reg, ax=ax, color="k", label="mine")
    assert display.ax_ is ax
    assert display.figure_ is fig
    assert display.line_.get_label() == "mine"
    assert matplotlib.colors.same_color(display.line_.get_color(), "k")


def test_plot_from_data_and_twice_on_one_axes():
    first = LossCurveDisplay(loss_curve=[3.0, 2.0, 1.0], estimator_name="a").plot()
    second = LossCurveDisplay(loss_curve=[2.0, 1.5]).plot(ax=first.ax_)
    assert second.ax_ is first.ax_
    assert len(first.ax_.get_lines()) == 2


def test_scikit_learn_mlp_is_accepted(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    display = LossCurveDisplay.from_estimator(clf.fit(X, y))
    assert len(display.line_.get_ydata()) == 5


def test_scikit_learn_lbfgs_has_no_curve(iris):
    X, y = iris
    clf = MLPClassifier(solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="no loss_curve_"):
        LossCurveDisplay.from_estimator(clf)


def test_unfitted_estimator_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(MLPBackpropClassifier())


def test_import_skbp_does_not_import_matplotlib():
    code = "import sys, skbp; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
