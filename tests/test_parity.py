"""Parity suite: the same scenario on scikit-learn's MLP and on skbp's.

Every test runs one small scenario (a few dozen samples, a 5-unit hidden
layer, a handful of epochs) on ``sklearn.neural_network.MLPClassifier`` /
``MLPRegressor`` and on ``MLPBackpropClassifier`` / ``MLPBackpropRegressor``
and compares what a user can observe: fitted attributes, their shapes and
dtypes, ``n_iter_`` / ``loss_curve_`` semantics, warnings, exceptions and
scores. With the same ``random_state`` skbp draws the same initial weights and
the same shuffles as scikit-learn, so single-output trajectories agree to
rounding and are compared with tight tolerances.

Where skbp deliberately departs from scikit-learn (documented extensions and
fixes of scikit-learn's known bugs) the test says so and pins skbp's
behaviour; scikit-learn's behaviour is asserted only where that shows the
difference.
"""

import pickle
import re
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _helpers import (
    SKLEARN_POISSON,
    SKLEARN_SAMPLE_WEIGHT,
    SOLVERS,
    STOCHASTIC,
    assert_same_network,
    make_data,
)
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    NotFittedError,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.validation import check_is_fitted

from skbp import MLPBackpropClassifier, MLPBackpropRegressor

CLASSIFICATION_TASKS = ("binary", "multiclass", "multilabel")
SINGLE_OUTPUT_TASKS = ("binary", "multiclass", "regression")
SMALL = dict(hidden_layer_sizes=(5,), random_state=0)

# Tolerances for "the same computation, different rounding".
EXACT = dict(rtol=1e-7, atol=1e-10)
# L-BFGS amplifies rounding differences from one iteration to the next.
LBFGS = dict(rtol=1e-4, atol=1e-6)


# -- helpers ------------------------------------------------------------------


def classes_of(task):
    """Estimator pair (scikit-learn's, skbp's) for `task`."""
    if task in CLASSIFICATION_TASKS:
        return MLPClassifier, MLPBackpropClassifier
    return MLPRegressor, MLPBackpropRegressor


def both(task, **params):
    """Unfitted (scikit-learn, skbp) estimators with identical parameters."""
    params = {**SMALL, **params}
    return tuple(cls(**params) for cls in classes_of(task))


def fit_both(task, X, y, sample_weight=None, **params):
    ests = both(task, **params)
    # scikit-learn < 1.7's MLP fit takes no sample_weight, not even None
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    for est in ests:
        est.fit(X, y, **kwargs)
    return ests


def output(est, X):
    """The continuous output a user sees: predict_proba or predict."""
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


def public_fitted(est):
    return {a for a in vars(est) if a.endswith("_") and not a.startswith("_")}


def params_of(est):
    return [p.copy() for p in est.coefs_ + est.intercepts_]


def assert_params_equal(before, est):
    after = est.coefs_ + est.intercepts_
    assert len(before) == len(after)
    for p, q in zip(before, after):
        assert_array_equal(p, q)


def recorded_warnings(fn):
    """Call fn() and return the categories of all warnings it emitted."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fn()
    return {w.category for w in record}


def raised(fn):
    """The exception fn() raises (None if it returns)."""
    try:
        fn()
    except Exception as exc:  # the type is what the caller compares
        return exc
    return None


def partial_fit_kwargs(est, y):
    """``classes=`` for a classifier's first partial_fit call (required even
    for multilabel y, where it is otherwise ignored)."""
    if not isinstance(est, MLPClassifier | MLPBackpropClassifier):
        return {}
    return {"classes": np.unique(y) if np.ndim(y) == 1 else np.arange(y.shape[1])}


# -- fitted attributes --------------------------------------------------------


@pytest.mark.parametrize("task", SINGLE_OUTPUT_TASKS)
@pytest.mark.parametrize(
    "solver, early_stopping",
    [("adam", False), ("adam", True), ("sgd", False), ("sgd", True), ("lbfgs", False)],
)
def test_fitted_attributes_superset_of_sklearn(task, solver, early_stopping):
    """Every public fitted attribute of scikit-learn's MLP exists on ours.

    The only extra is ``loss_curve_`` under L-BFGS (documented skbp extension;
    scikit-learn records no curve for L-BFGS). Layer shapes/dtypes, the scalar
    bookkeeping and the None-ness of the early-stopping attributes agree.
    """
    X, y = make_data(task)
    sk, ours = fit_both(
        task, X, y, solver=solver, early_stopping=early_stopping, max_iter=5
    )
    assert public_fitted(sk) <= public_fitted(ours)
    extras = public_fitted(ours) - public_fitted(sk)
    assert extras == ({"loss_curve_"} if solver == "lbfgs" else set())

    assert [W.shape for W in ours.coefs_] == [W.shape for W in sk.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in sk.intercepts_]
    assert [W.dtype for W in ours.coefs_] == [W.dtype for W in sk.coefs_]
    assert [b.dtype for b in ours.intercepts_] == [b.dtype for b in sk.intercepts_]
    for name in ("n_iter_", "t_", "n_layers_", "n_outputs_", "out_activation_"):
        assert getattr(ours, name) == getattr(sk, name), name
    assert ours.n_features_in_ == sk.n_features_in_
    if hasattr(sk, "classes_"):
        assert_array_equal(ours.classes_, sk.classes_)
    for name in public_fitted(sk):
        assert (getattr(sk, name) is None) == (getattr(ours, name) is None), name

    if solver in STOCHASTIC:
        # n_iter_ / loss_curve_ semantics: one entry per epoch of this fit.
        assert len(ours.loss_curve_) == ours.n_iter_ == len(sk.loss_curve_)
        assert ours.loss_ == ours.loss_curve_[-1]
        if early_stopping:
            assert ours.best_loss_ is None
            assert len(ours.validation_scores_) == ours.n_iter_
            assert ours.best_validation_score_ == max(ours.validation_scores_)
        else:
            assert ours.best_loss_ == min(ours.loss_curve_)
    else:
        # skbp extension: one loss per L-BFGS iteration, ending at loss_.
        assert len(ours.loss_curve_) == ours.n_iter_
        assert_allclose(ours.loss_curve_[-1], ours.loss_)


# -- 1. L-BFGS ----------------------------------------------------------------


@pytest.mark.parametrize("task", SINGLE_OUTPUT_TASKS)
@pytest.mark.parametrize("max_iter, max_fun", [(3, 15000), (200, 6)])
def test_lbfgs_budget_honoured_with_convergence_warning(task, max_iter, max_fun):
    """max_iter and max_fun cap L-BFGS; stopping on either warns, as sklearn."""
    X, y = make_data(task)
    ests = both(task, solver="lbfgs", max_iter=max_iter, max_fun=max_fun)
    for est in ests:
        with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
            est.fit(X, y)
    sk, ours = ests
    assert ours.n_iter_ == sk.n_iter_
    assert ours.n_iter_ <= min(max_iter, max_fun)
    assert_allclose(ours.loss_, sk.loss_, **LBFGS)
    assert abs(ours.score(X, y) - sk.score(X, y)) <= 0.05


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_lbfgs_converged_no_warning_similar_score(task):
    """A run that converges (gradient below tol) warns in neither estimator."""
    X, y = make_data(task)
    ests = both(task, solver="lbfgs", max_iter=2000, tol=1e-2, alpha=1e-2)
    for est in ests:
        assert ConvergenceWarning not in recorded_warnings(lambda e=est: e.fit(X, y))
    sk, ours = ests
    assert ours.n_iter_ < 2000
    assert abs(ours.n_iter_ - sk.n_iter_) <= 2
    assert abs(ours.score(X, y) - sk.score(X, y)) <= 0.02


# -- 2. SGD learning-rate schedules --------------------------------------------


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("learning_rate", ["invscaling", "adaptive"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_sgd_schedule_loss_curve_matches(task, learning_rate, early_stopping, capsys):
    """invscaling / adaptive follow scikit-learn's schedule epoch for epoch.

    Same loss curve and n_iter_; 'adaptive' divides the rate by 5 on the same
    plateaus (the verbose "Setting learning rate to ..." lines) and stops at
    the same epoch once the rate falls below 1e-6.
    """
    X, y = make_data(task)
    params = dict(
        solver="sgd",
        learning_rate=learning_rate,
        learning_rate_init=0.1 if task == "binary" else 0.02,
        n_iter_no_change=2,
        max_iter=150,
        early_stopping=early_stopping,
        verbose=True,
    )
    plateau_lines = []
    sk, ours = both(task, **params)
    for est in (sk, ours):
        est.fit(X, y)
        out = capsys.readouterr().out
        plateau_lines.append([ln for ln in out.splitlines() if "did not improve" in ln])
    assert ours.n_iter_ == sk.n_iter_
    assert_allclose(ours.loss_curve_, sk.loss_curve_, **EXACT)
    if early_stopping:
        assert_allclose(ours.validation_scores_, sk.validation_scores_, **EXACT)
    assert plateau_lines[1] == plateau_lines[0]
    if learning_rate == "adaptive":
        assert ours.n_iter_ < params["max_iter"]  # stopped by the schedule
        assert any("Setting learning rate" in ln for ln in plateau_lines[1])
        assert "Learning rate too small. Stopping." in plateau_lines[1][-1]


# -- 3. early stopping ---------------------------------------------------------


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_early_stopping_matches_sklearn_exactly(task, solver):
    """Binary and regression split the validation data exactly as sklearn.

    Same validation_scores_, best_validation_score_, n_iter_, best_loss_ None,
    and the same restored (best) weights.
    """
    X, y = make_data(task, n_samples=60)
    sk, ours = fit_both(
        task,
        X,
        y,
        solver=solver,
        early_stopping=True,
        learning_rate_init=0.01,
        n_iter_no_change=3,
        max_iter=60,
    )
    assert sk.best_loss_ is None and ours.best_loss_ is None
    assert ours.n_iter_ == sk.n_iter_
    assert_allclose(ours.validation_scores_, sk.validation_scores_, **EXACT)
    assert_allclose(ours.best_validation_score_, sk.best_validation_score_, **EXACT)
    assert_allclose(ours.loss_curve_, sk.loss_curve_, **EXACT)
    assert_same_network(ours, sk, **EXACT)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_early_stopping_multiclass_close_to_sklearn(solver):
    """Multiclass: skbp stratifies the split (sklearn only binary), so the
    validation sets differ; attributes have sklearn's semantics and the scores
    agree within a tolerance."""
    X, y = make_data("multiclass", n_samples=90)
    sk, ours = fit_both(
        "multiclass",
        X,
        y,
        solver=solver,
        early_stopping=True,
        learning_rate_init=0.05,
        validation_fraction=0.2,
        n_iter_no_change=20,
        max_iter=100,
    )
    for est in (sk, ours):
        assert est.best_loss_ is None
        assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
        assert est.best_validation_score_ == max(est.validation_scores_)
    assert abs(ours.best_validation_score_ - sk.best_validation_score_) <= 0.25
    assert abs(ours.score(X, y) - sk.score(X, y)) <= 0.25
    assert min(ours.score(X, y), sk.score(X, y)) >= 0.7


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_early_stopping_restores_best_epoch(task):
    """After early stopping the weights are those of the best validation epoch.

    Rerunning with max_iter = best epoch (same seed: same split, same
    shuffles) ends exactly on that epoch, so its final weights are the best
    epoch's weights; the full run must have restored those.
    """
    X, y = make_data(task, n_samples=60)
    params = dict(
        solver="sgd",
        early_stopping=True,
        learning_rate_init=0.05,
        n_iter_no_change=4,
        max_iter=100,
    )
    _, full = both(task, **params)
    full.fit(X, y)
    best_epoch = int(np.argmax(full.validation_scores_)) + 1
    assert best_epoch < full.n_iter_  # otherwise restoring would be a no-op
    _, truncated = both(task, **{**params, "max_iter": best_epoch})
    truncated.fit(X, y)
    assert truncated.validation_scores_[-1] == full.best_validation_score_
    assert_same_network(full, truncated, rtol=0, atol=0)
    assert_array_equal(full.predict(X), truncated.predict(X))


@pytest.mark.parametrize(
    "task, n_samples", [(t, n) for t in SINGLE_OUTPUT_TASKS for n in (12, 5, 3, 2)]
)
def test_early_stopping_tiny_data(task, n_samples):
    """Tiny data under early stopping: it works, or (too small to split) it
    trains without early stopping and says so -- never an exception."""
    rng = np.random.RandomState(0)
    X = rng.randn(n_samples, 3)
    if task == "regression":
        y = X[:, 0]
    else:
        y = np.arange(n_samples) % (2 if task == "binary" else 3)
    _, ours = both(task, early_stopping=True, max_iter=5)
    if n_samples >= 12:  # 12 samples hold out 2: early stopping works
        ours.fit(X, y)
        assert len(ours.validation_scores_) == ours.n_iter_ > 0
    else:
        with pytest.warns(UserWarning, match="Early stopping is off.*validation_"):
            ours.fit(X, y)
        assert ours.validation_scores_ is None and ours.best_validation_score_ is None
        assert ours.n_iter_ > 0 and np.isfinite(ours.best_loss_)
    assert np.isfinite(output(ours, X)).all()


def test_early_stopping_tiny_imbalanced_binary():
    """12 samples, one of them positive: scikit-learn's stratified split fails
    inside train_test_split; ours works (falls back to a random split) or says
    what to change."""
    rng = np.random.RandomState(0)
    X = rng.randn(12, 3)
    y = np.r_[np.zeros(11, int), 1]
    sk, ours = both("binary", early_stopping=True, max_iter=5)
    with pytest.raises(ValueError, match="least populated class"):
        sk.fit(X, y)
    try:
        ours.fit(X, y)
    except ValueError as exc:
        assert "validation_fraction" in str(exc)
    else:
        assert_array_equal(ours.classes_, [0, 1])
        assert np.isfinite(ours.predict_proba(X)).all()


# -- 4. partial_fit ------------------------------------------------------------


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_partial_fit_requires_classes_on_first_call(solver):
    """The classifier's first partial_fit needs ``classes`` (ValueError)."""
    X, y = make_data("binary")
    for est in both("binary", solver=solver):
        with pytest.raises(ValueError, match="classes must be passed"):
            est.partial_fit(X, y)


@pytest.mark.parametrize("first_call", [True, False])
def test_partial_fit_rejects_labels_outside_classes(first_call):
    """Labels outside ``classes`` raise a ValueError naming the classes."""
    X, y = make_data("multiclass")
    for est in both("multiclass"):
        if not first_call:
            est.partial_fit(X, y, classes=[0, 1, 2])
        kwargs = {"classes": [0, 1, 2]} if first_call else {}
        with pytest.raises(ValueError, match="classes"):
            est.partial_fit(X, np.where(y == 2, 7, y), **kwargs)


@pytest.mark.parametrize("task", [*SINGLE_OUTPUT_TASKS, "multilabel"])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_partial_fit_one_epoch_per_call(task, solver):
    """Each call is one epoch: n_iter_ == 1, t_ grows by n_samples, the loss
    curve grows by one, and the weights follow sklearn's."""
    X, y = make_data(task)
    ests = both(task, solver=solver, learning_rate_init=0.01, batch_size=16)
    for call in range(1, 4):
        for est in ests:
            est.partial_fit(X, y, **(partial_fit_kwargs(est, y) if call == 1 else {}))
            assert est.n_iter_ == 1
            assert est.t_ == call * X.shape[0]
            assert len(est.loss_curve_) == call
        sk, ours = ests
        assert_allclose(ours.loss_curve_, sk.loss_curve_, **EXACT)
        assert_same_network(ours, sk, **EXACT)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_partial_fit_absent_under_lbfgs(task):
    """partial_fit does not exist under solver='lbfgs', for both estimators.

    scikit-learn's MLPClassifier hides it; its MLPRegressor wrongly keeps it
    (``available_if(lambda est: est._check_solver)`` tests the bound method,
    which is always truthy, instead of calling it) and only fails when called.
    skbp hides it on both.
    """
    sk, ours = both(task, solver="lbfgs")
    assert not hasattr(ours, "partial_fit")
    X, y = make_data(task)
    with pytest.raises(AttributeError, match="partial_fit"):
        ours.partial_fit(X, y)
    if task == "binary":
        assert not hasattr(sk, "partial_fit")
    for solver in STOCHASTIC:
        assert hasattr(both(task, solver=solver)[1], "partial_fit")


@pytest.mark.parametrize("task", ["multiclass", "regression"])
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("roundtrip", ["pickle", "joblib"])
def test_partial_fit_continues_after_roundtrip(task, solver, roundtrip, tmp_path):
    """A pickled / joblib-dumped estimator continues partial_fit exactly as
    the original (the optimizer state travels with it), as sklearn's."""
    X, y = make_data(task)
    for est in both(task, solver=solver, batch_size=16):
        est.partial_fit(X, y, **partial_fit_kwargs(est, y))
        est.partial_fit(X, y)
        if roundtrip == "pickle":
            copy = pickle.loads(pickle.dumps(est))
        else:
            joblib.dump(est, tmp_path / "est.joblib")
            copy = joblib.load(tmp_path / "est.joblib")
        est.partial_fit(X, y)
        copy.partial_fit(X, y)
        assert copy.t_ == est.t_ == 3 * X.shape[0]
        assert copy.loss_curve_ == est.loss_curve_
        assert_same_network(copy, est, rtol=0, atol=0)


def test_failed_partial_fit_changes_nothing():
    """skbp: a partial_fit rejected for bad labels leaves the estimator as it
    was, so training continues exactly as if the call had not happened."""
    X, y = make_data("multiclass")
    _, clean = both("multiclass", batch_size=16)
    _, interrupted = both("multiclass", batch_size=16)
    for est in (clean, interrupted):
        est.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError):
        interrupted.partial_fit(X, y + 5)
    for est in (clean, interrupted):
        est.partial_fit(X, y)
    assert interrupted.t_ == clean.t_
    assert_same_network(interrupted, clean, rtol=0, atol=0)


# -- 5. warm_start -------------------------------------------------------------


@pytest.mark.parametrize("task", SINGLE_OUTPUT_TASKS)
@pytest.mark.parametrize(
    "solver, early_stopping",
    [("sgd", False), ("adam", False), ("sgd", True), ("adam", True), ("lbfgs", False)],
)
def test_warm_start_continues_like_sklearn(task, solver, early_stopping):
    """warm_start continues from the current weights with max_iter per call:
    n_iter_ counts this call's epochs, loss_curve_ (and validation_scores_)
    accumulate over calls."""
    X, y = make_data(task, n_samples=60)
    ests = both(
        task,
        solver=solver,
        warm_start=True,
        early_stopping=early_stopping,
        learning_rate_init=0.01,
        max_iter=7,
    )
    for est in ests:
        est.fit(X, y)
        first_n_iter = est.n_iter_
        first_curve = list(getattr(est, "loss_curve_", None) or [])
        est.fit(X, y)
        assert est.n_iter_ <= 7
        if solver in STOCHASTIC:
            assert est.loss_curve_[: len(first_curve)] == first_curve
            assert len(est.loss_curve_) == first_n_iter + est.n_iter_
    sk, ours = ests
    if early_stopping and task == "multiclass":
        # Stratified (ours) vs plain (sklearn) split: compare loosely.
        assert len(ours.validation_scores_) == len(ours.loss_curve_)
        assert abs(ours.score(X, y) - sk.score(X, y)) <= 0.2
        return
    assert ours.n_iter_ == sk.n_iter_
    if solver == "lbfgs":
        assert_same_network(ours, sk, **LBFGS)
        return
    assert_allclose(ours.loss_curve_, sk.loss_curve_, **EXACT)
    if early_stopping:
        assert_allclose(ours.validation_scores_, sk.validation_scores_, **EXACT)
        assert_allclose(ours.best_validation_score_, sk.best_validation_score_)
    else:
        # (With early stopping scikit-learn may restore aliased weights, see
        # test_warm_start_early_stopping_keeps_best_of_all_calls.)
        assert_same_network(ours, sk, **EXACT)


def test_warm_start_early_stopping_keeps_best_of_all_calls():
    """Warm start + early stopping: if the second call never beats the best
    validation score of the first, the first call's best weights are kept.

    scikit-learn bug: after the first fit its coefs_ *are* its _best_coefs
    (same list); the second fit updates them in place, so "restoring the best
    weights" restores the last epoch's. skbp keeps a real copy.
    """
    X, y = make_data("regression", n_samples=60)
    params = dict(
        solver="sgd",
        warm_start=True,
        early_stopping=True,
        learning_rate_init=0.01,
        max_iter=7,
    )
    _, ours = both("regression", **params)
    ours.fit(X, y)
    first_best = ours.best_validation_score_
    first_n_iter = ours.n_iter_
    best_weights = params_of(ours)
    ours.fit(X, y)
    second_call_scores = ours.validation_scores_[first_n_iter:]
    assert max(second_call_scores) < first_best  # the scenario we pin
    assert ours.best_validation_score_ == first_best
    assert_params_equal(best_weights, ours)


def test_warm_start_changed_classes_rejected():
    """warm_start with different classes raises sklearn's ValueError."""
    X, y = make_data("binary")
    for est in both("binary", warm_start=True, max_iter=3):
        est.fit(X, y)
        with pytest.raises(ValueError, match="warm_start can only be used"):
            est.fit(X, y + 1)


# -- 6. sample_weight ----------------------------------------------------------

WEIGHTS = np.array([0, 1, 2, 3] * 10, dtype=float)  # 40 samples, some zero


def _fit_weighted(est, method, X, y, sample_weight=None, calls=2):
    """fit once, or partial_fit `calls` times (full batch: n < 200)."""
    if method == "fit":
        return est.fit(X, y, sample_weight=sample_weight)
    for call in range(calls):
        kwargs = partial_fit_kwargs(est, y) if call == 0 else {}
        est.partial_fit(X, y, sample_weight=sample_weight, **kwargs)
    return est


WEIGHT_CASES = [
    (task, solver, method)
    for task in SINGLE_OUTPUT_TASKS
    for solver in SOLVERS
    for method in ("fit", "partial_fit")
    if not (solver == "lbfgs" and method == "partial_fit")
]


@pytest.mark.parametrize("task, solver, method", WEIGHT_CASES)
def test_zero_weights_equal_removing_samples(task, solver, method):
    """A zero weight removes the sample (full batch, so shuffling is moot)."""
    X, y = make_data(task)
    keep = WEIGHTS > 0
    params = dict(solver=solver, max_iter=10, learning_rate_init=0.01, shuffle=False)
    _, weighted = both(task, **params)
    _, removed = both(task, **params)
    _fit_weighted(weighted, method, X, y, (WEIGHTS > 0).astype(float))
    _fit_weighted(removed, method, X[keep], y[keep])
    tol = LBFGS if solver == "lbfgs" else EXACT
    assert_allclose(output(weighted, X), output(removed, X), **tol)


@pytest.mark.parametrize("task, solver, method", WEIGHT_CASES)
def test_integer_weights_equal_repeating_samples(task, solver, method):
    """An integer weight k counts the sample k times (full batch)."""
    X, y = make_data(task)
    repeat = np.repeat(np.arange(len(X)), WEIGHTS.astype(int))
    params = dict(solver=solver, max_iter=10, learning_rate_init=0.01, shuffle=False)
    _, weighted = both(task, **params)
    _, repeated = both(task, **params)
    _fit_weighted(weighted, method, X, y, WEIGHTS)
    _fit_weighted(repeated, method, X[repeat], y[repeat])
    tol = LBFGS if solver == "lbfgs" else EXACT
    assert_allclose(output(weighted, X), output(repeated, X), **tol)


@SKLEARN_SAMPLE_WEIGHT
@pytest.mark.parametrize("task, solver, method", WEIGHT_CASES)
def test_sample_weight_same_as_sklearn(task, solver, method):
    """Same weights, same seed: same weights learned as scikit-learn."""
    X, y = make_data(task)
    ests = both(task, solver=solver, max_iter=10, learning_rate_init=0.01)
    for est in ests:
        _fit_weighted(est, method, X, y, WEIGHTS)
    sk, ours = ests
    tol = LBFGS if solver == "lbfgs" else EXACT
    assert_same_network(ours, sk, **tol)
    assert_allclose(ours.loss_, sk.loss_, **tol)


@SKLEARN_SAMPLE_WEIGHT
@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_sample_weight_with_early_stopping_same_as_sklearn(task, solver):
    """Weights (zeros included) are split along with the data and weight the
    validation score, as in scikit-learn (binary / regression: identical
    split). Zero weight == removal is not exact here: removing samples
    changes the random split itself."""
    X, y = make_data(task, n_samples=60)
    weights = np.r_[WEIGHTS, WEIGHTS[:20]]
    sk, ours = fit_both(
        task,
        X,
        y,
        sample_weight=weights,
        solver=solver,
        early_stopping=True,
        validation_fraction=0.2,
        learning_rate_init=0.01,
        max_iter=20,
    )
    assert ours.n_iter_ == sk.n_iter_
    assert_allclose(ours.validation_scores_, sk.validation_scores_, **EXACT)
    assert_same_network(ours, sk, **EXACT)


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_negative_sample_weight_rejected(task, solver):
    """skbp rejects negative weights with a ValueError (documented
    "Non-negative sample weights"); scikit-learn 1.9 silently accepts them."""
    X, y = make_data(task)
    _, ours = both(task, solver=solver, max_iter=3)
    with pytest.raises(ValueError, match="[Nn]egative"):
        ours.fit(X, y, sample_weight=-np.ones(len(X)))


# -- 7. input handling ---------------------------------------------------------


@pytest.mark.parametrize("task", [*SINGLE_OUTPUT_TASKS, "multilabel"])
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_equals_dense(task, solver, fmt):
    """CSR / CSC input trains and predicts like the dense array, and like
    scikit-learn on the same sparse input."""
    X, y = make_data(task)
    X[np.abs(X) < 0.5] = 0.0
    X_sparse = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    params = dict(solver=solver, max_iter=10, learning_rate_init=0.01, batch_size=16)
    tol = LBFGS if solver == "lbfgs" else EXACT
    _, dense = both(task, **params)
    sk, ours = both(task, **params)
    dense.fit(X, y)
    ours.fit(X_sparse, y)
    sk.fit(X_sparse, y)
    assert_same_network(ours, dense, **tol)
    assert_allclose(output(ours, X_sparse), output(dense, X), **tol)
    assert_allclose(output(ours, X_sparse), output(sk, X_sparse), **tol)
    assert_allclose(ours.predict(X_sparse), ours.predict(X), **EXACT)


@pytest.mark.parametrize("task", [*SINGLE_OUTPUT_TASKS, "multilabel"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_kept_end_to_end(task, solver):
    """float32 X gives float32 coefs_, intercepts_ and float32 outputs.

    scikit-learn keeps float32 for sgd/adam too; its L-BFGS returns float64
    weights (scipy works in float64), which skbp casts back to float32.
    """
    X, y = make_data(task)
    X32 = X.astype(np.float32)
    sk, ours = fit_both(task, X32, y, solver=solver, max_iter=5)
    for p in ours.coefs_ + ours.intercepts_:
        assert p.dtype == np.float32
    assert output(ours, X32).dtype == np.float32
    assert output(ours, X).dtype == np.float32  # float64 X at predict time too
    if task in CLASSIFICATION_TASKS:
        assert ours.predict(X32).dtype == sk.predict(X32).dtype
        assert ours.predict_log_proba(X32).dtype == np.float32
    if solver in STOCHASTIC:
        assert [W.dtype for W in ours.coefs_] == [W.dtype for W in sk.coefs_]
        assert output(ours, X32).dtype == output(sk, X32).dtype
        assert_allclose(output(ours, X32), output(sk, X32), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("task", ["multiclass", "regression"])
def test_dtype_parameter_float32(task):
    """skbp extension: dtype=np.float32 trains in float32 on float64 input."""
    X, y = make_data(task)
    ours = classes_of(task)[1](dtype=np.float32, max_iter=5, **SMALL).fit(X, y)
    assert all(p.dtype == np.float32 for p in ours.coefs_ + ours.intercepts_)
    assert output(ours, X).dtype == np.float32


@pytest.mark.parametrize("task", ["multiclass", "regression"])
def test_integer_X_cast_to_float64(task):
    """Integer X is cast to float64, as scikit-learn does."""
    X, y = make_data(task)
    X_int = np.round(3 * X).astype(np.int64)
    sk, ours = fit_both(task, X_int, y, max_iter=5)
    assert ours.coefs_[0].dtype == sk.coefs_[0].dtype == np.float64
    assert output(ours, X_int).dtype == np.float64
    assert_allclose(output(ours, X_int), output(sk, X_int), **EXACT)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_dataframe_feature_names(task):
    """A DataFrame sets feature_names_in_; predicting with other names raises,
    without names (or with names after an unnamed fit) warns -- as sklearn."""
    X, y = make_data(task)
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    ests = fit_both(task, df, y, max_iter=3)
    for est in ests:
        assert_array_equal(est.feature_names_in_, ["a", "b", "c", "d"])
        with pytest.warns(UserWarning, match="does not have valid feature names"):
            est.predict(X)
        with pytest.raises(ValueError, match="feature names should match"):
            est.predict(df.rename(columns={"a": "z"}))
    assert_allclose(output(ests[1], df), output(ests[0], df), **EXACT)
    for est in fit_both(task, X, y, max_iter=3):
        assert not hasattr(est, "feature_names_in_")
        with pytest.warns(UserWarning, match="has feature names"):
            est.predict(df)


def test_string_labels():
    """String class labels: same classes_, predictions of the same labels."""
    X, y = make_data("multiclass")
    labels = np.array(["low", "mid", "high"])[y]
    sk, ours = fit_both("multiclass", X, labels, max_iter=20)
    assert_array_equal(ours.classes_, sk.classes_)
    assert ours.predict(X).dtype.kind == sk.predict(X).dtype.kind == "U"
    assert_array_equal(ours.predict(X), sk.predict(X))


def test_mixed_int_str_labels_raise_same_exception_type():
    """Mixed int/str labels in an object array: scikit-learn raises TypeError
    (from sorting the labels); ours must raise an exception that callers
    catching scikit-learn's type also catch."""
    X, _ = make_data("binary", n_samples=20)
    labels = np.array([1, "a"] * 10, dtype=object)
    sk, ours = both("binary", max_iter=3)
    sk_exc = raised(lambda: sk.fit(X, labels))
    assert sk_exc is not None
    with pytest.raises(type(sk_exc)):
        ours.fit(X, labels)


def test_mixed_int_str_labels_in_a_list_become_strings():
    """The same labels as a plain list: numpy makes them strings, and both
    estimators fit with classes_ ['1', 'a']."""
    X, _ = make_data("binary", n_samples=20)
    labels = [1, "a"] * 10
    sk, ours = fit_both("binary", X, labels, max_iter=3)
    assert_array_equal(ours.classes_, sk.classes_)
    assert_array_equal(ours.classes_, ["1", "a"])


@pytest.mark.parametrize("solver", SOLVERS)
def test_multilabel_shapes(solver):
    """Multilabel indicator y: predict is (n_samples, n_labels) of 0/1,
    predict_proba (n_samples, n_labels) probabilities, as sklearn."""
    X, Y = make_data("multilabel")
    sk, ours = fit_both("multilabel", X, Y, solver=solver, max_iter=10)
    assert ours.predict(X).shape == sk.predict(X).shape == Y.shape
    assert set(np.unique(ours.predict(X))) <= {0, 1}
    proba = ours.predict_proba(X)
    assert proba.shape == sk.predict_proba(X).shape == Y.shape
    assert ours.out_activation_ == sk.out_activation_ == "logistic"
    tol = LBFGS if solver == "lbfgs" else EXACT
    assert_allclose(proba, sk.predict_proba(X), **tol)


BAD_FIT_INPUTS = {
    "nan_in_X": lambda X, y: (np.where(np.eye(*X.shape) > 0, np.nan, X), y, None),
    "inf_in_X": lambda X, y: (np.where(np.eye(*X.shape) > 0, np.inf, X), y, None),
    "empty_X": lambda X, y: (X[:0], y[:0], None),
    "no_features": lambda X, y: (X[:, :0], y, None),
    "1d_X": lambda X, y: (X[:, 0], y, None),
    "3d_X": lambda X, y: (X[:, :, None], y, None),
    "y_length_mismatch": lambda X, y: (X, y[:-1], None),
    "sample_weight_length": lambda X, y: (X, y, np.ones(len(X) - 1)),
}


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=SKLEARN_SAMPLE_WEIGHT)
        if case.startswith("sample_weight")
        else case
        for case in sorted(BAD_FIT_INPUTS)
    ],
)
def test_bad_fit_input_same_exception(task, solver, case):
    """Bad input to fit raises the same exception type as scikit-learn."""
    X, y, sample_weight = BAD_FIT_INPUTS[case](*make_data(task))
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    sk, ours = both(task, solver=solver, max_iter=3)
    sk_exc = raised(lambda: sk.fit(X, y, **kwargs))
    assert sk_exc is not None
    with pytest.raises(type(sk_exc)):
        ours.fit(X, y, **kwargs)


def test_nan_in_regression_target_same_exception():
    """NaN in a regression target: ValueError "Input y contains NaN" in both."""
    X, y = make_data("regression")
    y[0] = np.nan
    for est in both("regression", max_iter=3):
        with pytest.raises(ValueError, match="y contains NaN"):
            est.fit(X, y)


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("case", ["wrong_n_features", "nan", "empty", "1d"])
def test_bad_predict_input_same_exception(task, case):
    """Bad input to predict (and predict_proba) raises like scikit-learn."""
    X, y = make_data(task)
    bad = {
        "wrong_n_features": X[:, :2],
        "nan": np.where(np.eye(*X.shape) > 0, np.nan, X),
        "empty": X[:0],
        "1d": X[0],
    }[case]
    sk, ours = fit_both(task, X, y, max_iter=3)
    for method in ("predict", "predict_proba") if task == "binary" else ("predict",):
        sk_exc = raised(lambda m=method: getattr(sk, m)(bad))
        assert sk_exc is not None
        with pytest.raises(type(sk_exc)):
            getattr(ours, method)(bad)


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_single_sample(task, solver):
    """One sample: scikit-learn fits it; so do we, with the same outputs.

    A classifier that saw one class gives one probability column (one per
    entry of ``classes_``, all 1); scikit-learn gives two.
    """
    X, y = make_data(task)
    sk, ours = fit_both(task, X[:1], y[:1], solver=solver, max_iter=3)
    if task == "binary":
        assert_array_equal(ours.predict(X), sk.predict(X))
        assert_array_equal(ours.predict_proba(X), np.ones((len(X), 1)))
        assert_array_equal(ours.predict_log_proba(X), np.zeros((len(X), 1)))
        return
    tol = LBFGS if solver == "lbfgs" else EXACT
    assert_allclose(output(ours, X), output(sk, X), **tol)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_unfitted_predict_raises_not_fitted(task):
    """predict before fit raises NotFittedError in both."""
    X, _ = make_data(task)
    for est in both(task):
        with pytest.raises(NotFittedError):
            est.predict(X)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_same_warnings_as_sklearn(task):
    """Column-vector y (DataConversionWarning), batch_size > n_samples
    (UserWarning, clipped) and max_iter reached (ConvergenceWarning) warn in
    both estimators."""
    X, y = make_data(task)
    for est in both(task, batch_size=500, max_iter=3):
        categories = recorded_warnings(lambda e=est: e.fit(X, y.reshape(-1, 1)))
        assert {DataConversionWarning, UserWarning, ConvergenceWarning} <= categories
        with pytest.warns(UserWarning, match="batch_size"):
            est.fit(X, y)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_partial_fit_under_early_stopping_holds_nothing_out(task):
    """partial_fit under early_stopping=True: scikit-learn raises; skbp trains
    one pass on all the data, exactly as with early_stopping=False (a stream
    has no held-out set), so check_estimator passes on such instances."""
    X, y = make_data(task)
    sk, ours = both(task, early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support"):
        sk.partial_fit(X, y, **partial_fit_kwargs(sk, y))
    _, plain = both(task, early_stopping=False)
    for est in (ours, plain):
        est.partial_fit(X, y, **partial_fit_kwargs(est, y))
    assert_same_network(ours, plain, rtol=0, atol=0)
    assert ours.validation_scores_ is None


# -- 8. Poisson loss -----------------------------------------------------------


@SKLEARN_POISSON
@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_exponential_output(solver):
    """loss='poisson': exp output activation, positive predictions, and the
    same training as scikit-learn on non-negative targets."""
    X, y = make_data("counts")
    sk, ours = fit_both("regression", X, y, loss="poisson", solver=solver, max_iter=10)
    assert ours.out_activation_ == sk.out_activation_ == "exp"
    assert (ours.predict(X) > 0).all()
    assert (ours.predict(-5 * X) > 0).all()  # exp(.) > 0 even far out
    tol = LBFGS if solver == "lbfgs" else EXACT
    assert_allclose(ours.loss_, sk.loss_, **tol)
    assert_allclose(ours.predict(X), sk.predict(X), **tol)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_poisson_rejects_negative_targets(method):
    """y < 0 with loss='poisson' is a clear ValueError (scikit-learn 1.9 fits
    it silently, a known bug: the Poisson deviance is undefined there)."""
    X, y = make_data("regression")
    assert (y < 0).any()
    ours = MLPBackpropRegressor(**SMALL, loss="poisson", max_iter=3)
    with pytest.raises(ValueError, match="non-negative"):
        getattr(ours, method)(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(ours)


# -- 9. verbose ----------------------------------------------------------------

ITERATION_LINE = re.compile(r"^Iteration (\d+), loss = (\S+)$")


@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_prints_one_line_per_epoch(task, solver, early_stopping, capsys):
    """verbose=True prints "Iteration k, loss = ..." per epoch and, under
    early stopping, "Validation score: ..." per epoch -- the same lines (count
    and values) as scikit-learn."""
    X, y = make_data(task)
    outputs = []
    for est in both(
        task, solver=solver, early_stopping=early_stopping, max_iter=5, verbose=True
    ):
        est.fit(X, y)
        outputs.append(capsys.readouterr().out.splitlines())
    sk_lines, our_lines = outputs
    assert len(our_lines) == len(sk_lines) == 5 * (2 if early_stopping else 1)
    iterations = [ITERATION_LINE.match(ln) for ln in our_lines]
    iterations = [m for m in iterations if m]
    assert [int(m.group(1)) for m in iterations] == [1, 2, 3, 4, 5]
    sk_losses = [
        float(ITERATION_LINE.match(ln).group(2))
        for ln in sk_lines
        if ITERATION_LINE.match(ln)
    ]
    assert_allclose([float(m.group(2)) for m in iterations], sk_losses, atol=2e-8)
    validation = [ln for ln in our_lines if ln.startswith("Validation score: ")]
    assert validation == [ln for ln in sk_lines if ln.startswith("Validation score: ")]
    assert len(validation) == (5 if early_stopping else 0)


def test_verbose_lbfgs_prints_iterations(capsys):
    """skbp extension: under L-BFGS verbose prints one line per iteration
    (scikit-learn delegates to scipy's Fortran printer, which prints nothing
    capturable with recent scipy)."""
    X, y = make_data("binary")
    _, ours = both("binary", solver="lbfgs", max_iter=5, verbose=True)
    ours.fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == ours.n_iter_ == 5
    assert all(ITERATION_LINE.match(ln) for ln in lines)


# -- 10. non-finite weights ----------------------------------------------------

DIVERGING = dict(solver="sgd", learning_rate_init=1e3, max_iter=20, batch_size=4)


def diverging_data(task):
    X, y = make_data(task)
    return X * 1e200, (y * 1e200 if task == "regression" else y)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow noise
@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_divergence_raises_and_leaves_unfitted(task):
    """Huge inputs and learning rate: scikit-learn raises "Solver produced
    non-finite parameter weights"; so do we, and our estimator stays unfitted
    (scikit-learn keeps the non-finite weights)."""
    X, y = diverging_data(task)
    sk, ours = both(task, **DIVERGING)
    for est in (sk, ours):
        with pytest.raises(ValueError, match="non-finite parameter weights"):
            est.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(ours)
    assert not public_fitted(ours)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow noise
@pytest.mark.parametrize("task", ["binary", "regression"])
@pytest.mark.parametrize("mode", ["warm_start", "refit", "partial_fit"])
def test_divergence_keeps_previous_fit(task, mode):
    """A diverging warm_start fit, refit or partial_fit raises and leaves the
    previous coefs_ and history unchanged (skbp's guarantee)."""
    X, y = make_data(task)
    X_bad, y_bad = diverging_data(task)
    sk, ours = both(
        task, solver="sgd", max_iter=5, batch_size=4, warm_start=mode == "warm_start"
    )
    for est in (sk, ours):
        if mode == "partial_fit":
            est.partial_fit(X, y, **partial_fit_kwargs(est, y))
        else:
            est.fit(X, y)
    before = params_of(ours)
    history = (ours.n_iter_, ours.t_, list(ours.loss_curve_), ours.loss_)
    for est in (sk, ours):
        # fit builds a new optimizer with this rate; partial_fit keeps its
        # optimizer (and rate) and diverges on X_bad alone.
        est.set_params(learning_rate_init=1e3)
        with pytest.raises(ValueError, match="non-finite parameter weights"):
            getattr(est, "partial_fit" if mode == "partial_fit" else "fit")(
                X_bad, y_bad
            )
    assert_params_equal(before, ours)
    assert (ours.n_iter_, ours.t_, ours.loss_curve_, ours.loss_) == history
    assert np.isfinite(output(ours, X)).all()


DIVERGING_EARLY_STOPPING = dict(
    solver="sgd", learning_rate_init=0.1, early_stopping=True, max_iter=30
)


def test_diverging_early_stopping_keeps_best_finite_weights():
    """Under early stopping a run that diverges after a few epochs keeps the
    weights of the best validation epoch: finite, and the same as
    scikit-learn's restored weights."""
    X, y = make_data("regression")
    sk, ours = both("regression", **DIVERGING_EARLY_STOPPING)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sk.fit(3 * X, 3 * y)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        ours.fit(3 * X, 3 * y)
    # The scenario: training blows up after a few epochs (scikit-learn's
    # loss curve turns inf/NaN); ours stops there.
    assert not np.isfinite(sk.loss_curve_).all()
    assert ours.n_iter_ < 30
    best = int(np.nanargmax(ours.validation_scores_))  # NaN after divergence
    assert ours.best_validation_score_ == ours.validation_scores_[best]
    assert np.isfinite(ours.predict(X)).all()
    assert all(np.isfinite(p).all() for p in ours.coefs_ + ours.intercepts_)
    assert_allclose(ours.best_validation_score_, sk.best_validation_score_, **EXACT)
    assert_same_network(ours, sk, **EXACT)


def test_diverging_early_stopping_scores_aligned_with_loss_curve():
    """scikit-learn records one validation score per epoch (NaN once the
    network diverged), so validation_scores_ and loss_curve_ stay aligned
    epoch by epoch; ours must keep them aligned too when it stops on
    divergence."""
    X, y = make_data("regression")
    _, ours = both("regression", **DIVERGING_EARLY_STOPPING)
    ours.fit(3 * X, 3 * y)
    assert len(ours.validation_scores_) == len(ours.loss_curve_) == ours.n_iter_


# -- 11. scikit-learn bugs fixed ---------------------------------------------


def squared_error(est, X, Y, per_output_mean):
    """0.5 * mean_i sum_k r_ik**2 (or mean over k too) + the L2 penalty."""
    residual = est.predict(X) - Y
    data = 0.5 * np.mean(np.sum(residual**2, axis=1))
    if per_output_mean:
        data /= Y.shape[1]
    penalty = 0.5 * est.alpha * sum(np.sum(W**2) for W in est.coefs_) / len(X)
    return data + penalty


def test_multioutput_squared_error_matches_its_gradient():
    """scikit-learn issue 8349: for several outputs scikit-learn reports
    0.5 * mean over samples AND outputs of r**2, but its gradient (A - Y) is
    that of the sum over outputs. skbp reports the sum, consistent with the
    gradient; scikit-learn's data term is ours divided by n_outputs."""
    X, Y = make_data("regression2")
    sk, ours = fit_both("regression2", X, Y, solver="lbfgs", max_iter=5, alpha=1e-2)
    assert_allclose(ours.loss_, squared_error(ours, X, Y, per_output_mean=False))
    assert_allclose(sk.loss_, squared_error(sk, X, Y, per_output_mean=True))
    assert not np.isclose(ours.loss_, sk.loss_)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_multioutput_same_gradient_steps_loss_differs_by_n_outputs(solver):
    """Both follow the same gradient, so the same weights are learned; only
    the reported loss differs: ours == n_outputs * scikit-learn's (alpha=0)."""
    X, Y = make_data("regression2")
    sk, ours = fit_both(
        "regression2",
        X,
        Y,
        solver=solver,
        max_iter=10,
        alpha=0.0,
        learning_rate_init=0.01,
    )
    assert_same_network(ours, sk, **EXACT)
    assert_allclose(ours.loss_curve_, 2 * np.asarray(sk.loss_curve_), **EXACT)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_predict_log_proba_finite_where_sklearn_is_inf(task):
    """Extreme inputs saturate the output: scikit-learn's log(predict_proba)
    is -inf; ours, computed from the logits, is finite and agrees with
    scikit-learn wherever scikit-learn's is finite."""
    X, y = make_data(task)
    sk, ours = fit_both(task, X, y, max_iter=20, learning_rate_init=0.01)
    X_extreme = 1e4 * X
    with np.errstate(divide="ignore"):
        sk_log = sk.predict_log_proba(X_extreme)
    our_log = ours.predict_log_proba(X_extreme)
    assert np.isneginf(sk_log).any()  # the scikit-learn bug
    assert np.isfinite(our_log).all()
    finite = np.isfinite(sk_log) & (sk_log > -30)
    assert_allclose(our_log[finite], sk_log[finite], rtol=1e-6, atol=1e-8)
    # On ordinary inputs log_proba is log(proba), as scikit-learn's.
    assert_allclose(ours.predict_log_proba(X), sk.predict_log_proba(X), **EXACT)
    assert_allclose(np.exp(ours.predict_log_proba(X)), ours.predict_proba(X))
    assert_allclose(ours.predict_proba(X).sum(axis=1), 1.0)


def test_lbfgs_multilabel_predict_proba():
    """L-BFGS on a multilabel indicator y: predict_proba is an
    (n_samples, n_labels) float array of per-label probabilities."""
    X, Y = make_data("multilabel")
    _, ours = both("multilabel", solver="lbfgs", max_iter=20)
    ours.fit(X, Y)
    proba = ours.predict_proba(X)
    assert isinstance(proba, np.ndarray)
    assert proba.shape == Y.shape
    assert proba.dtype.kind == "f"
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_array_equal(ours.predict(X), (proba > 0.5).astype(int))
