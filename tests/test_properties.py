"""Property-based tests (hypothesis): output shapes, dtypes and probabilities
of skbp's estimators on random small problems, and rejection of bad input.

Every example trains for at most 3 epochs / iterations on at most 30 rows, so
the whole file runs in a few seconds.
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning

from skbp import MLPBackpropClassifier, MLPBackpropRegressor

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

hidden_layer_sizes = st.lists(st.integers(1, 5), min_size=0, max_size=2).map(tuple)
solvers = st.sampled_from(["adam", "sgd", "lbfgs"])
activations = st.sampled_from(["identity", "logistic", "tanh", "relu"])
# (dtype of X, dtype parameter): None follows X, float32 forces single precision.
dtypes = st.sampled_from(
    [
        (np.float64, None),
        (np.float32, None),
        (np.float64, np.float32),
        (np.float32, np.float64),
    ]
)


def _expected_dtype(X_dtype, dtype_param):
    return np.dtype(dtype_param if dtype_param is not None else X_dtype)


@st.composite
def networks(draw):
    """Constructor parameters of a small, fast network."""
    X_dtype, dtype = draw(dtypes)
    params = dict(
        hidden_layer_sizes=draw(hidden_layer_sizes),
        activation=draw(activations),
        solver=draw(solvers),
        max_iter=3,
        random_state=draw(st.integers(0, 2**16)),
        dtype=dtype,
    )
    return params, X_dtype


def _features(draw, n_samples, n_features, dtype):
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([1e-3, 1.0, 10.0]))
    X = np.random.default_rng(seed).standard_normal((n_samples, n_features)) * scale
    return X.astype(dtype)


@st.composite
def classification_problems(draw):
    n_classes = draw(st.integers(2, 4))
    n_samples = draw(st.integers(max(2, n_classes), 30))
    n_features = draw(st.integers(1, 6))
    params, X_dtype = draw(networks())
    X = _features(draw, n_samples, n_features, X_dtype)
    labels = draw(
        st.sampled_from(
            [
                np.arange(n_classes),
                np.arange(n_classes) * 3 - 4,
                np.array(["cat", "dog", "emu", "yak"][:n_classes], dtype=object),
                np.array(["a", "bb", "ccc", "dddd"][:n_classes]),
            ]
        )
    )
    # Every class appears at least once, in a random order.
    order = draw(st.permutations(range(n_samples)))
    y = labels[np.arange(n_samples) % n_classes][list(order)]
    return params, X, y


@st.composite
def regression_problems(draw):
    n_samples = draw(st.integers(2, 30))
    n_features = draw(st.integers(1, 6))
    n_outputs = draw(st.integers(1, 3))
    params, X_dtype = draw(networks())
    X = _features(draw, n_samples, n_features, X_dtype)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    y = rng.standard_normal((n_samples, n_outputs))
    if n_outputs == 1 and draw(st.booleans()):
        y = y.ravel()
    return params, X, y


def _fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # y of shape (n, 1) warns, as in scikit-learn; not what is tested here.
        warnings.simplefilter("ignore", DataConversionWarning)
        return estimator.fit(X, y)


def _prediction_methods(est):
    """predict, and predict_proba / predict_log_proba for a classifier."""
    names = ["predict", "predict_proba", "predict_log_proba"]
    return [getattr(est, name) for name in names if hasattr(est, name)]


def _fit_problem(Estimator, problem):
    """The fitted estimator, X, y, and the dtype its outputs must have."""
    params, X, y = problem
    estimator = _fit(Estimator(**params), X, y)
    return estimator, X, y, _expected_dtype(X.dtype, params["dtype"])


@SETTINGS
@given(classification_problems())
def test_classifier_outputs(problem):
    clf, X, y, dtype = _fit_problem(MLPBackpropClassifier, problem)
    n_samples, n_hidden = X.shape[0], len(problem[0]["hidden_layer_sizes"])
    classes = np.unique(y)
    n_classes = len(classes)

    np.testing.assert_array_equal(clf.classes_, classes)
    assert clf.n_layers_ == n_hidden + 2
    assert clf.n_outputs_ == (1 if n_classes == 2 else n_classes)
    assert all(W.dtype == dtype for W in clf.coefs_ + clf.intercepts_)

    y_pred = clf.predict(X)
    assert y_pred.shape == (n_samples,)
    assert y_pred.dtype == clf.classes_.dtype
    assert np.isin(y_pred, clf.classes_).all()

    proba = clf.predict_proba(X)
    assert proba.shape == (n_samples, n_classes)
    assert proba.dtype == dtype
    assert np.all(proba > 0) and np.all(proba <= 1)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=0, atol=tol)
    # predict agrees with predict_proba (up to ties)
    best = proba.max(axis=1)
    chosen = proba[np.arange(n_samples), np.searchsorted(clf.classes_, y_pred)]
    np.testing.assert_allclose(chosen, best, rtol=tol)

    log_proba = clf.predict_log_proba(X)
    assert log_proba.shape == (n_samples, n_classes)
    assert log_proba.dtype == dtype
    assert np.isfinite(log_proba).all()
    assert np.all(log_proba <= tol)
    not_tiny = proba > 1e-30
    np.testing.assert_allclose(
        log_proba[not_tiny], np.log(proba[not_tiny]), rtol=0, atol=10 * tol
    )

    # Prediction on fewer rows, and a single row, gives the same answers.
    np.testing.assert_array_equal(clf.predict(X[:1]), y_pred[:1])
    np.testing.assert_allclose(clf.predict_proba(X[-1:]), proba[-1:], rtol=tol)


@SETTINGS
@given(regression_problems())
def test_regressor_outputs(problem):
    reg, X, y, dtype = _fit_problem(MLPBackpropRegressor, problem)
    n_samples, n_outputs = X.shape[0], 1 if y.ndim == 1 else y.shape[1]
    assert reg.n_outputs_ == n_outputs
    assert reg.n_layers_ == len(problem[0]["hidden_layer_sizes"]) + 2
    assert all(W.dtype == dtype for W in reg.coefs_ + reg.intercepts_)
    y_pred = reg.predict(X)
    expected_shape = (n_samples,) if n_outputs == 1 else (n_samples, n_outputs)
    assert y_pred.shape == expected_shape
    assert y_pred.dtype == dtype
    assert np.isfinite(y_pred).all()


@SETTINGS
@given(
    n_samples=st.integers(2, 30),
    n_labels=st.integers(1, 3),
    n_features=st.integers(1, 6),
    net=networks(),
    seed=st.integers(0, 2**32 - 1),
)
def test_multilabel_classifier_outputs(n_samples, n_labels, n_features, net, seed):
    params, X_dtype = net
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)).astype(X_dtype)
    Y = rng.integers(0, 2, (n_samples, n_labels))
    Y[0], Y[1] = 0, 1  # every label has both values
    if n_labels == 1:
        Y = np.c_[Y, 1 - Y]  # a 1-column indicator is not multilabel
        n_labels = 2
    clf = _fit(MLPBackpropClassifier(**params), X, Y)
    dtype = _expected_dtype(X_dtype, params["dtype"])
    y_pred = clf.predict(X)
    assert y_pred.shape == (n_samples, n_labels)
    assert set(np.unique(y_pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == (n_samples, n_labels)
    assert proba.dtype == dtype
    assert np.all(proba > 0) and np.all(proba <= 1)
    np.testing.assert_array_equal(y_pred, (proba > 0.5).astype(y_pred.dtype))


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

NON_FINITE = re.compile("NaN|infinity", re.IGNORECASE)


@st.composite
def corrupted(draw):
    """A small finite X, a copy with one NaN / inf entry, and a matching y."""
    n_samples = draw(st.integers(2, 30))
    n_features = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X = _features(draw, n_samples, n_features, dtype)
    bad = X.copy()
    i, j = draw(st.integers(0, n_samples - 1)), draw(st.integers(0, n_features - 1))
    bad[i, j] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    y = np.arange(n_samples) % 2
    return X, bad, y


@SETTINGS
@given(
    data=corrupted(),
    Estimator=st.sampled_from([MLPBackpropClassifier, MLPBackpropRegressor]),
    solver=solvers,
)
def test_non_finite_input_is_rejected(data, Estimator, solver):
    X, bad, y = data
    est = Estimator(hidden_layer_sizes=(3,), solver=solver, max_iter=2)
    with pytest.raises(ValueError, match=NON_FINITE):
        est.fit(bad, y)
    assert not hasattr(est, "coefs_")
    if solver != "lbfgs":
        kwargs = {"classes": [0, 1]} if Estimator is MLPBackpropClassifier else {}
        with pytest.raises(ValueError, match=NON_FINITE):
            est.partial_fit(bad, y, **kwargs)
        assert not hasattr(est, "coefs_")
    _fit(est, X, y)
    for method in _prediction_methods(est):
        with pytest.raises(ValueError, match=NON_FINITE):
            method(bad)
    if Estimator is MLPBackpropRegressor:
        y_bad = y.astype(float)
        y_bad[-1] = np.nan
        with pytest.raises(ValueError, match=NON_FINITE):
            Estimator(max_iter=2, solver=solver).fit(X, y_bad)


@SETTINGS
@given(
    n_samples=st.integers(2, 30),
    n_features=st.integers(1, 6),
    other=st.integers(1, 7),
    Estimator=st.sampled_from([MLPBackpropClassifier, MLPBackpropRegressor]),
    solver=solvers,
)
def test_wrong_number_of_features_is_rejected(
    n_samples, n_features, other, Estimator, solver
):
    if other == n_features:
        other = n_features + 1
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features))
    y = np.arange(n_samples) % 2
    est = _fit(Estimator(hidden_layer_sizes=(3,), solver=solver, max_iter=2), X, y)
    X_other = rng.standard_normal((n_samples, other))
    message = rf"X has {other} features, but \w+ is expecting {n_features} features"
    for method in _prediction_methods(est):
        with pytest.raises(ValueError, match=message):
            method(X_other)
    if solver != "lbfgs":
        coefs = [W.copy() for W in est.coefs_]
        with pytest.raises(ValueError, match=message):
            est.partial_fit(X_other, y)
        assert all(np.array_equal(a, b) for a, b in zip(coefs, est.coefs_))
