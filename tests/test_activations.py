"""Activations: values and derivatives against finite differences, per-layer
lists, the user-defined :class:`skbp.Activation`, and the seed's network."""

import pickle
import warnings

import numpy as np
import pytest
from scipy.special import erf, expit
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from skbp import Activation, MLPBackpropClassifier, MLPBackpropRegressor
from skbp._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from skbp._network import LayerStack, Workspace

REFERENCE = {
    "identity": lambda z: z,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "gelu": lambda z: 0.5 * z * (1 + erf(z / np.sqrt(2))),
    "exp": np.exp,
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
}


def softsign(Z):
    """A user-defined activation, module-level so that it pickles."""
    return Z / (1 + np.abs(Z))


def softsign_derivative(Z, A):
    return 1 / (1 + np.abs(Z)) ** 2


def wrong_derivative(Z, A):
    return 1 / (1 + np.abs(Z))


SOFTSIGN = Activation("softsign", softsign, softsign_derivative)


def _points(dtype=np.float64):
    # away from the kinks of relu and friends at 0
    Z = np.linspace(-4, 4, 24).reshape(6, 4) + 0.0123
    return Z.astype(dtype)


def test_every_activation_has_a_reference():
    assert set(REFERENCE) == set(OUTPUT_ACTIVATIONS)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(OUTPUT_ACTIVATIONS))
def test_values_match_reference(name, dtype):
    Z = _points(dtype)
    A = Z.copy()
    OUTPUT_ACTIVATIONS[name].apply(A)
    assert A.dtype == dtype
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(
        A, REFERENCE[name](Z.astype(float)), rtol=rtol, atol=rtol
    )


@pytest.mark.parametrize("name", sorted(OUTPUT_ACTIVATIONS))
def test_derivative_matches_finite_differences(name):
    """``multiply_by_derivative`` = sigma' (a Jacobian-vector product for softmax)."""
    sigma = OUTPUT_ACTIVATIONS[name]
    Z = _points()
    A = Z.copy()
    sigma.apply(A)
    v = np.random.RandomState(0).normal(size=Z.shape)
    delta = v.copy()
    sigma.multiply_by_derivative(A, delta, Z if sigma.needs_z else None)
    # finite differences of <v, sigma(Z)> with respect to Z, entry by entry
    step = 1e-6
    numeric = np.empty_like(Z)
    for idx in np.ndindex(Z.shape):
        shift = np.zeros_like(Z)
        shift[idx] = step
        numeric[idx] = np.sum(
            v * (REFERENCE[name](Z + shift) - REFERENCE[name](Z - shift))
        ) / (2 * step)
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-8)


def test_only_silu_and_gelu_keep_z():
    """Memory stays as before for the activations whose sigma' is written from A."""
    needs_z = {name for name, a in OUTPUT_ACTIVATIONS.items() if a.needs_z}
    assert needs_z == {"silu", "gelu"}
    stack = LayerStack([3, 4, 5, 6, 2], ["relu", "silu", "tanh"], "identity", "float64")
    work = Workspace(stack, 7)
    assert [z is not None for z in work.Z] == [False, False, True, False, False]
    assert all(z is None for z in Workspace(stack, 7, gradients=False).Z)


def test_softplus_and_elu_derivatives_from_a_are_exact_in_the_tails():
    for name, ref in [
        ("softplus", expit),
        ("elu", lambda z: np.where(z > 0, 1, np.exp(z))),
    ]:
        Z = np.array([[-30.0, -5.0, -1e-3, 1e-3, 5.0, 30.0]])
        A = Z.copy()
        OUTPUT_ACTIVATIONS[name].apply(A)
        delta = np.ones_like(Z)
        OUTPUT_ACTIVATIONS[name].multiply_by_derivative(A, delta)
        # elu's a + 1 = exp(z) is exact up to the rounding of a near -1
        np.testing.assert_allclose(delta, ref(Z), rtol=1e-9, atol=1e-16)


def test_forward_keeps_z_and_matches_in_place_forward():
    stack = LayerStack([3, 4, 5, 2], ["gelu", SOFTSIGN], "silu", np.float64)
    stack.glorot_uniform_init(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(6, 3))
    work = Workspace(stack, 6)
    out = stack.forward(X, work.A, Z=work.Z).copy()
    np.testing.assert_array_equal(out, stack.predict(X))
    np.testing.assert_allclose(work.Z[1], X @ stack.coefs[0] + stack.intercepts[0])


def test_glorot_factor_per_layer():
    """k = 2 for logistic layers, 6 otherwise; the output takes the last hidden's."""
    stack = LayerStack([50, 50, 50, 50], ["relu", "logistic"], "identity", np.float64)
    stack.glorot_uniform_init(np.random.RandomState(0))
    bounds = [np.abs(W).max() / np.sqrt(1 / 100) for W in stack.coefs]
    assert bounds[0] > np.sqrt(2) * 1.2  # sqrt(6)-ish
    assert bounds[1] < np.sqrt(2) and bounds[2] < np.sqrt(2)


@pytest.mark.parametrize("name", [*sorted(HIDDEN_ACTIVATIONS), "softsign"])
def test_float32_stays_float32(name):
    sigma = SOFTSIGN if name == "softsign" else name
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(4, 4),
        activation=[sigma, sigma],
        output_activation=sigma,
        loss="huber",
        dtype=np.float32,
        max_iter=5,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert all(W.dtype == np.float32 for W in reg.coefs_)
    assert reg.predict(X).dtype == np.float32
    assert np.isfinite(reg.predict(X)).all()


def test_string_and_one_element_list_give_the_same_model():
    X, y = load_iris(return_X_y=True)
    kw = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    a = MLPBackpropClassifier(activation="tanh", **kw).fit(X, y)
    b = MLPBackpropClassifier(activation=["tanh"], **kw).fit(X, y)
    for Wa, Wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(Wa, Wb)


def test_per_layer_list_trains_and_predicts():
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier(
        hidden_layer_sizes=(8, 8, 8, 8, 8),
        activation=("leaky_relu", "elu", "softplus", "silu", "gelu"),
        solver="lbfgs",
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) > 0.9


def test_list_length_must_match_hidden_layers():
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier(hidden_layer_sizes=(4, 4), activation=["relu"])
    with pytest.raises(ValueError, match="activation has 1 entries.*2 hidden layers"):
        clf.fit(X, y)


def test_bad_list_entry_is_named():
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier(hidden_layer_sizes=(4, 4), activation=["relu", "swish"])
    with pytest.raises(ValueError, match=r"activation\[1\]='swish'"):
        clf.fit(X, y)


def test_unknown_activation_string_is_rejected():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="activation"):
        MLPBackpropClassifier(activation="swish").fit(X, y)


def test_user_activation_trains_clones_and_pickles():
    X = np.linspace(-2, 2, 60).reshape(-1, 1)
    y = np.sin(2 * X).ravel()
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(10,), activation=SOFTSIGN, solver="lbfgs", random_state=0
    )
    cloned = clone(reg)
    assert cloned.activation == SOFTSIGN
    assert cloned.get_params() == reg.get_params()
    reg.fit(X, y)
    assert reg.score(X, y) > 0.9
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    assert restored.activation == SOFTSIGN


def test_user_activation_as_output_and_in_a_list():
    X = np.linspace(-2, 2, 40).reshape(-1, 1)
    y = np.tanh(X).ravel()
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(6, 6),
        activation=[SOFTSIGN, "gelu"],
        output_activation=SOFTSIGN,
        solver="lbfgs",
        random_state=0,
    ).fit(X, y)
    assert reg.out_activation_ == "softsign"
    assert np.all(np.abs(reg.predict(X)) < 1)
    assert reg.score(X, y) > 0.9


def test_wrong_user_derivative_is_a_clear_error():
    bad = Activation("softsign", softsign, wrong_derivative)
    X = np.linspace(-1, 1, 10).reshape(-1, 1)
    reg = MLPBackpropRegressor(activation=bad)
    with pytest.raises(ValueError, match="'softsign': derivative.*finite differences"):
        reg.fit(X, X.ravel())
    assert not hasattr(reg, "coefs_")


def test_user_activation_with_wrong_shape_is_a_clear_error():
    bad = Activation("sum", np.sum, softsign_derivative)
    X = np.linspace(-1, 1, 10).reshape(-1, 1)
    with pytest.raises(ValueError, match="arrays of Z's shape"):
        MLPBackpropRegressor(activation=bad).fit(X, X.ravel())


def test_user_activation_repr_and_equality():
    assert repr(SOFTSIGN) == (
        f"Activation('softsign', function={__name__}.softsign, "
        f"derivative={__name__}.softsign_derivative)"
    )
    assert SOFTSIGN == Activation("softsign", softsign, softsign_derivative)
    assert SOFTSIGN != Activation("softsign", softsign, wrong_derivative)
    assert "softsign" in repr(MLPBackpropRegressor(activation=SOFTSIGN))


def test_hidden_registry():
    assert set(HIDDEN_ACTIVATIONS) == {
        "identity", "logistic", "tanh", "relu",
        "leaky_relu", "elu", "softplus", "silu", "gelu",
    }  # fmt: skip


def test_seed_network_classifier_trains():
    """The seed's network: logistic outputs and the quadratic cost."""
    X, y = load_iris(return_X_y=True)
    clf = MLPBackpropClassifier(
        hidden_layer_sizes=(10,),
        activation="logistic",
        output_activation="logistic",
        loss="squared_error",
        solver="lbfgs",
        random_state=0,
    ).fit(X, y)
    assert clf.out_activation_ == "logistic"
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))


def test_seed_network_regressor_trains():
    X = np.linspace(-2, 2, 80).reshape(-1, 1)
    y = expit(3 * X).ravel()
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(10,),
        activation="logistic",
        output_activation="logistic",
        solver="lbfgs",
        random_state=0,
    ).fit(X, y)
    assert reg.score(X, y) > 0.95
    assert np.all((reg.predict(X) > 0) & (reg.predict(X) < 1))
