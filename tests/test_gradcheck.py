"""skbp.check_gradients across every activation x every (output, loss) pair,
with and without sample weights, L2 penalty on; and the tool itself."""

import doctest

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris

import skbp._activations
import skbp._gradcheck
from skbp import (
    Activation,
    MLPBackpropClassifier,
    MLPBackpropRegressor,
    check_gradients,
)
from skbp._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from skbp._losses import LOSSES

TOLERANCE = 1e-6


def softsign(Z):
    return Z / (1 + np.abs(Z))


def softsign_derivative(Z, A):
    return 1 / (1 + np.abs(Z)) ** 2


SOFTSIGN = Activation("softsign", softsign, softsign_derivative)
HIDDEN = [*sorted(HIDDEN_ACTIVATIONS), SOFTSIGN]


def _regressor_pairs():
    for loss in ["squared_error", "absolute_error", "huber", "poisson"]:
        for output in [*sorted(OUTPUT_ACTIVATIONS), SOFTSIGN]:
            name = getattr(output, "name", output)
            allowed = LOSSES[loss].outputs
            if allowed is None or (isinstance(output, str) and name in allowed):
                yield "regression", loss, output


CLASSIFIER_PAIRS = [
    ("multiclass", "log_loss", None),  # softmax, categorical log loss
    ("multiclass", "log_loss", "logistic"),  # one-vs-rest binary log loss
    ("multiclass", "squared_error", "logistic"),  # the seed's network
    ("multiclass", "squared_error", "softmax"),  # softmax Jacobian-vector product
    ("binary", "log_loss", None),
    ("binary", "squared_error", "logistic"),
    ("multilabel", "log_loss", None),
    ("multilabel", "squared_error", "logistic"),
]
PAIRS = CLASSIFIER_PAIRS + list(_regressor_pairs())


def _pair_id(pair):
    task, loss, output = pair
    return f"{task}-{loss}-{getattr(output, 'name', output)}"


def _problem(task, rng):
    X = rng.normal(size=(8, 3))
    if task == "multiclass":
        return X, np.array([0, 1, 2, 0, 1, 2, 2, 1])
    if task == "binary":
        return X, np.array([0, 1, 1, 0, 1, 0, 0, 1])
    if task == "multilabel":
        return X, rng.randint(2, size=(8, 3))
    return X, rng.poisson(2.0, size=(8, 2)).astype(float)  # >= 0 for poisson


def _estimator(task, loss, output, hidden, **kw):
    common = dict(
        hidden_layer_sizes=(4, 3),
        activation=hidden,
        output_activation=output,
        loss=loss,
        alpha=0.3,
        random_state=0,
        **kw,
    )
    if task == "regression":
        return MLPBackpropRegressor(huber_delta=0.5, **common)
    return MLPBackpropClassifier(**common)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda a: getattr(a, "name", a))
def test_every_configuration(hidden, pair, weighted):
    rng = np.random.RandomState(0)
    X, y = _problem(pair[0], rng)
    sample_weight = rng.uniform(0.1, 3.0, len(X)) if weighted else None
    result = check_gradients(
        _estimator(*pair, hidden), X, y, sample_weight=sample_weight
    )
    assert result.max_error < TOLERANCE, result


def test_per_layer_activations_mixed():
    rng = np.random.RandomState(1)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(4, 4, 4, 4, 4),
        activation=["leaky_relu", "gelu", SOFTSIGN, "silu", "elu"],
        output_activation="tanh",
        loss="huber",
        alpha=0.1,
        random_state=0,
    )
    assert check_gradients(reg, X, y).max_error < TOLERANCE


def test_fitted_estimator_is_checked_at_its_weights_and_left_unchanged():
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier(
        (5,),
        output_activation="logistic",
        loss="squared_error",
        solver="lbfgs",
        max_iter=50,
        random_state=0,
    )
    unfitted = check_gradients(clf, X, y)
    clf.fit(X, y)
    before = [W.copy() for W in clf.coefs_]
    fitted = check_gradients(clf, X, y)
    assert fitted.max_error < TOLERANCE
    for W, W_before in zip(clf.coefs_, before):
        np.testing.assert_array_equal(W, W_before)
    assert fitted.loss < unfitted.loss  # evaluated at the trained weights
    np.testing.assert_allclose(fitted.loss, clf.loss_, rtol=1e-6)


def test_unfitted_estimator_uses_fit_initialisation():
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier((5,), random_state=3, max_iter=1, solver="sgd")
    result = check_gradients(clf, X, y)
    assert not hasattr(clf, "coefs_")
    # the same random_state gives the same initial cost as fit's first batch pass
    again = check_gradients(clf, X, y)
    assert result.loss == again.loss


def test_n_checks_and_repr():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(6, 5)), rng.normal(size=6)
    reg = MLPBackpropRegressor(hidden_layer_sizes=(7,), random_state=0)
    result = check_gradients(reg, X, y, n_checks=3)
    assert result.n_checked == 3 + 3 + 3 + 1  # 2 weight matrices, 2 bias vectors
    text = repr(result)
    assert "layer" in text and "weights" in text and "biases" in text
    assert "max relative error" in text
    assert len(result.weight_errors) == len(result.intercept_errors) == 2


def test_sparse_and_float32_estimators_are_checked_in_float64():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(8, 4)), rng.normal(size=8)
    X[X < 0.3] = 0
    reg = MLPBackpropRegressor(hidden_layer_sizes=(3,), dtype="float32", random_state=0)
    assert check_gradients(reg, sp.csr_matrix(X), y).max_error < TOLERANCE


def test_wrong_user_derivative_fails_before_checking():
    bad = Activation("softsign", softsign, lambda Z, A: 1 - A)  # wrong sigma'
    X, y = np.random.RandomState(0).normal(size=(6, 2)), np.arange(6.0)
    with pytest.raises(ValueError, match="finite differences"):
        check_gradients(MLPBackpropRegressor(activation=bad), X, y)


@pytest.mark.parametrize("module", [skbp._activations, skbp._gradcheck])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
