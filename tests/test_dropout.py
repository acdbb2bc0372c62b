"""Dropout (the ``dropout`` parameter): training only, seeded, exact at 0."""

import numpy as np
import pytest
from _helpers import assert_same_network
from sklearn.datasets import load_digits, make_classification
from sklearn.metrics import log_loss
from sklearn.utils._param_validation import InvalidParameterError

from skbp import MLPBackpropClassifier, MLPBackpropRegressor

X, y = load_digits(return_X_y=True)
X = X / 16.0
SMALL = dict(hidden_layer_sizes=(32, 16), max_iter=8, random_state=0)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_rate_zero_is_training_without_dropout(solver):
    plain = MLPBackpropClassifier(solver=solver, **SMALL).fit(X[:300], y[:300])
    zero = MLPBackpropClassifier(solver=solver, dropout=[0.0, 0.0], **SMALL)
    assert_same_network(zero.fit(X[:300], y[:300]), plain)


def test_same_seed_same_model_and_masks_change_training():
    params = dict(dropout=0.3, **SMALL)
    a = MLPBackpropClassifier(**params).fit(X[:300], y[:300])
    b = MLPBackpropClassifier(**params).fit(X[:300], y[:300])
    assert_same_network(a, b)
    c = MLPBackpropClassifier(**SMALL).fit(X[:300], y[:300])
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_prediction_never_drops():
    clf = MLPBackpropClassifier(dropout=0.5, **SMALL).fit(X[:300], y[:300])
    first = clf.predict_proba(X[300:400])
    np.testing.assert_array_equal(clf.predict_proba(X[300:400]), first)
    # The whole network, unscaled: a forward pass by hand gives the same.
    hidden = X[300:400]
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        hidden = np.maximum(hidden @ W + b, 0)
    logits = hidden @ clf.coefs_[-1] + clf.intercepts_[-1]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(first, expected, rtol=1e-10)


def test_per_layer_rates_and_regressor():
    reg = MLPBackpropRegressor(dropout=[0.2, 0.0], **SMALL).fit(X[:300], y[:300])
    assert np.isfinite(reg.predict(X[:10])).all()
    reg.partial_fit(X[:300], y[:300])  # carries on under dropout too


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(dropout=1.0), "'dropout' parameter"),
        (dict(dropout=[0.5]), "one such rate per hidden layer"),
        (dict(dropout=[0.5, 1.5]), "one such rate per hidden layer"),
        (dict(dropout=0.2, solver="lbfgs"), "needs solver='sgd' or 'adam'"),
    ],
)
def test_bad_dropout_is_a_clear_error(params, match):
    clf = MLPBackpropClassifier(**{**SMALL, **params})
    with pytest.raises(InvalidParameterError, match=match):
        clf.fit(X[:50], y[:50])


def test_dropout_reduces_overfitting_on_a_small_problem():
    """200 noisy training samples (10% flipped labels), a wide network trained
    far past fitting them: dropout makes it less over-confident on new data
    (measured: test log loss 0.745 without, 0.598 with dropout=0.5)."""
    sizes = dict(n_samples=1200, n_features=40, n_informative=8, n_redundant=0)
    X, y = make_classification(flip_y=0.1, random_state=0, **sizes)
    params = dict(
        hidden_layer_sizes=(128,),
        alpha=0.0,
        max_iter=150,
        tol=0,
        learning_rate_init=0.003,
        random_state=0,
    )
    plain = MLPBackpropClassifier(**params).fit(X[:200], y[:200])
    dropped = MLPBackpropClassifier(dropout=0.5, **params).fit(X[:200], y[:200])
    assert plain.score(X[:200], y[:200]) == 1.0  # it does over-fit
    plain_loss = log_loss(y[200:], plain.predict_proba(X[200:]))
    dropped_loss = log_loss(y[200:], dropped.predict_proba(X[200:]))
    assert dropped_loss < 0.9 * plain_loss
