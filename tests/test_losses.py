"""Losses: values, f'(a) and BP1's delta against finite differences for every
(loss, output activation) pair; clear errors for invalid pairs."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_multilabel_classification

from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._activations import OUTPUT_ACTIVATIONS
from skbp._losses import LOSSES, huber_loss


def _targets(loss_name, rng, shape):
    if loss_name == "log_loss":
        return np.eye(shape[1])[rng.randint(shape[1], size=shape[0])]
    if loss_name == "binary_log_loss":
        return rng.randint(2, size=shape).astype(float)
    if loss_name == "poisson":
        return rng.poisson(2.0, size=shape).astype(float)
    return rng.normal(size=shape)


def _pairs():
    """Every allowed (loss, output activation) pair."""
    for loss_name, loss in sorted(LOSSES.items()):
        for output in sorted(OUTPUT_ACTIVATIONS):
            if loss.outputs is None or output in loss.outputs:
                yield loss_name, output


PAIRS = list(_pairs())


def _cost(loss, output, Y, Z, sample_weight=None):
    A = Z.copy()
    OUTPUT_ACTIVATIONS[output].apply(A)
    return loss.value(Y, A, sample_weight)


def _per_sample_gradient(mean_cost, point, step):
    """Central differences of ``mean_cost`` at ``point``, times the row count."""
    numeric = np.empty_like(point)
    for idx in np.ndindex(point.shape):
        shift = np.zeros_like(point)
        shift[idx] = step
        forward, backward = mean_cost(point + shift), mean_cost(point - shift)
        numeric[idx] = (forward - backward) / (2 * step) * point.shape[0]
    return numeric


REFERENCE_VALUES = {
    "squared_error": lambda Y, A: 0.5 * ((A - Y) ** 2).sum(axis=1),
    "absolute_error": lambda Y, A: np.abs(A - Y).sum(axis=1),
    "huber": lambda Y, A: np.where(
        np.abs(A - Y) <= 1, 0.5 * (A - Y) ** 2, np.abs(A - Y) - 0.5
    ).sum(axis=1),
    "poisson": lambda Y, A: (
        np.where(Y > 0, Y * np.log(np.where(Y > 0, Y, 1) / A), 0) - Y + A
    ).sum(axis=1),
    "log_loss": lambda Y, A: -(Y * np.log(A)).sum(axis=1),
    "binary_log_loss": lambda Y, A: (
        -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=1)
    ),
}


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_value_matches_reference(loss_name):
    rng = np.random.RandomState(0)
    loss = LOSSES[loss_name]
    Y = _targets(loss_name, rng, (9, 3))
    Z = rng.normal(scale=2, size=(9, 3))
    A = Z.copy()
    OUTPUT_ACTIVATIONS[loss.output_activation].apply(A)
    w = rng.uniform(0.1, 2, 9)
    per_sample = REFERENCE_VALUES[loss_name](Y, A)
    np.testing.assert_allclose(loss.value(Y, A, None), per_sample.mean())
    np.testing.assert_allclose(loss.value(Y, A, w), np.average(per_sample, weights=w))


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_derivative_matches_finite_differences(loss_name):
    """f'(a): the derivative of the per-sample cost with respect to a."""
    rng = np.random.RandomState(1)
    loss = LOSSES[loss_name]
    Y = _targets(loss_name, rng, (5, 3))
    A = rng.uniform(0.1, 0.9, size=(5, 3))  # inside every loss's domain
    exact = loss.derivative(Y, A, np.empty_like(A))
    # x n: the derivative of the per-sample cost, not of the batch mean
    numeric = _per_sample_gradient(lambda A: loss.value(Y, A, None), A, step=1e-7)
    np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("loss_name", "output"), PAIRS)
def test_bp1_matches_finite_differences(loss_name, output):
    """BP1's delta^L = dC/dz^L for every allowed pair (shortcut or general)."""
    rng = np.random.RandomState(2)
    loss = LOSSES[loss_name]
    sigma = OUTPUT_ACTIVATIONS[output]
    Y = _targets(loss_name, rng, (5, 3))
    Z = rng.normal(size=(5, 3)) + 0.0123
    A = Z.copy()
    sigma.apply(A)
    delta = loss.bp1(Y, A, Z if sigma.needs_z else None, sigma, np.empty_like(A))
    numeric = _per_sample_gradient(lambda Z: _cost(loss, output, Y, Z), Z, 1e-6)
    np.testing.assert_allclose(delta, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    "loss_name", ["squared_error", "poisson", "log_loss", "binary_log_loss"]
)
def test_canonical_shortcut_equals_general_bp1(loss_name):
    rng = np.random.RandomState(3)
    loss = LOSSES[loss_name]
    sigma = OUTPUT_ACTIVATIONS[loss.output_activation]
    assert loss.is_canonical_for(sigma)
    Y = _targets(loss_name, rng, (6, 3))
    A = rng.normal(size=(6, 3))
    sigma.apply(A)
    general = loss.derivative(Y, A, np.empty_like(A))
    sigma.multiply_by_derivative(A, general)
    np.testing.assert_allclose(loss.output_delta(Y, A, np.empty_like(A)), general)


def test_non_canonical_losses_have_no_shortcut():
    for name in ["absolute_error", "huber"]:
        assert not LOSSES[name].is_canonical_for(OUTPUT_ACTIVATIONS["identity"])
    assert not LOSSES["squared_error"].is_canonical_for(OUTPUT_ACTIVATIONS["logistic"])


def test_huber_threshold():
    Y = np.zeros((1, 3))
    A = np.array([[0.5, 2.0, -4.0]])
    loss = huber_loss(2.0)
    # 0.5 * 0.25 + 0.5 * 4 + 2 * (4 - 1)
    np.testing.assert_allclose(loss.value(Y, A, None), 0.125 + 2 + 6)
    np.testing.assert_allclose(loss.derivative(Y, A, np.empty_like(A)), [[0.5, 2, -2]])


@pytest.mark.parametrize(
    ("loss_name", "output", "match"),
    [
        ("poisson", "softmax", "loss='poisson' cannot be paired with .*softmax"),
        ("poisson", "relu", "loss='poisson' cannot be paired with .*relu"),
        ("log_loss", "identity", "loss='log_loss' cannot be paired with .*identity"),
        ("binary_log_loss", "tanh", "cannot be paired"),
    ],
)
def test_invalid_pairs_name_both(loss_name, output, match):
    with pytest.raises(ValueError, match=match):
        LOSSES[loss_name].check_output(OUTPUT_ACTIVATIONS[output], 3)


def test_softmax_needs_two_outputs():
    with pytest.raises(ValueError, match="'softmax'.*'squared_error'.*at least 2"):
        LOSSES["squared_error"].check_output(OUTPUT_ACTIVATIONS["softmax"], 1)


def test_regressor_invalid_pair_is_a_clear_error():
    X = np.random.RandomState(0).uniform(size=(20, 2))
    reg = MLPBackpropRegressor(loss="poisson", output_activation="softmax")
    with pytest.raises(ValueError, match="loss='poisson'.*output_activation="):
        reg.fit(X, np.c_[X, X])
    with pytest.raises(ValueError, match="at least 2 outputs"):
        MLPBackpropRegressor(output_activation="softmax").fit(X, X[:, 0])


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"output_activation": "identity"}, "'identity' with loss='log_loss'"),
        ({"output_activation": "relu", "loss": "squared_error"}, "probabilities"),
    ],
)
def test_classifier_needs_probability_outputs(params, match):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        MLPBackpropClassifier(**params).fit(X, y)


def test_classifier_softmax_needs_multiclass():
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier(output_activation="softmax")
    with pytest.raises(ValueError, match="'softmax'.*multiclass.*binary"):
        clf.fit(X, y > 0)


def test_invalid_parameter_values():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="loss"):
        MLPBackpropClassifier(loss="poisson").fit(X, y)
    with pytest.raises(ValueError, match="huber_delta"):
        MLPBackpropRegressor(loss="huber", huber_delta=0).fit(X, y)
    with pytest.raises(ValueError, match="output_activation"):
        MLPBackpropRegressor(output_activation="sigmoid").fit(X, y)


def _classification_problems():
    X, y = load_iris(return_X_y=True)
    Xm, Ym = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    return {"multiclass": (X, y), "binary": (X, y > 0), "multilabel": (Xm, Ym)}


CLASSIFIER_PAIRS = [
    ("log_loss", None),
    ("log_loss", "logistic"),
    ("log_loss", "softmax"),
    ("squared_error", None),
    ("squared_error", "logistic"),
    ("squared_error", "softmax"),
]


@pytest.mark.parametrize("target", ["multiclass", "binary", "multilabel"])
@pytest.mark.parametrize(("loss", "output"), CLASSIFIER_PAIRS)
def test_predict_proba_stays_valid(loss, output, target):
    X, y = _classification_problems()[target]
    clf = MLPBackpropClassifier(
        (5,), loss=loss, output_activation=output, max_iter=30, random_state=0
    )
    if output == "softmax" and target != "multiclass":
        with pytest.raises(ValueError, match="softmax"):
            clf.fit(X, y)
        return
    clf.fit(X, y)
    proba = clf.predict_proba(X)
    assert np.all((proba > 0) & (proba <= 1))
    if target != "multilabel":
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-6)


def test_huber_and_absolute_error_regressors_resist_outliers():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(200, 1))
    y = 2 * X.ravel()
    y_dirty = y.copy()
    y_dirty[:10] += 50  # gross outliers
    kw = dict(hidden_layer_sizes=(), solver="lbfgs", random_state=0, alpha=0)
    slopes = {
        loss: MLPBackpropRegressor(loss=loss, **kw).fit(X, y_dirty).coefs_[0][0, 0]
        for loss in ["squared_error", "huber", "absolute_error"]
    }
    assert abs(slopes["huber"] - 2) < 0.3
    assert abs(slopes["absolute_error"] - 2) < 0.3
    assert abs(slopes["huber"] - 2) < abs(slopes["squared_error"] - 2)
