"""Integration tests: skbp's estimators on real data and in scikit-learn's tooling.

* accuracy / R^2 on small real datasets, against scikit-learn's MLP trained
  with the same hyperparameters and seed, for every solver;
* Pipeline, GridSearchCV, cross_validate, clone, pickle and joblib;
* ``dtype=np.float32``, bit-for-bit reproducibility, chunked prediction;
* interrupted and failing fits; parameter validation.

Every fit is small (tens of units, tens of epochs) so the file runs in seconds.
"""

import copy
import pickle
import re
import warnings

import joblib
import numpy as np
import pytest
import sklearn
from _helpers import SOLVERS, assert_same_network, raise_after, split_dataset
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

import skbp._network
from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._optimizers import SGD, Adam

# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


def _raw(name):
    """The unscaled (X, y) of a dataset."""
    return {"breast_cancer": load_breast_cancer, "digits": load_digits}[name](
        return_X_y=True
    )


SOLVER_PARAMS = {
    "adam": dict(solver="adam", max_iter=30, learning_rate_init=0.005),
    "sgd": dict(solver="sgd", max_iter=30, learning_rate_init=0.01),
    "lbfgs": dict(solver="lbfgs", max_iter=40),
}


def _params(solver, **extra):
    base = dict(hidden_layer_sizes=(24,), random_state=0, **SOLVER_PARAMS[solver])
    return base | extra


# ---------------------------------------------------------------------------
# accuracy against scikit-learn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("dataset", ["digits", "breast_cancer"])
def test_classifier_accuracy_matches_sklearn(dataset, solver):
    X_train, X_test, y_train, y_test = split_dataset(dataset)
    params = _params(solver)
    ours = MLPBackpropClassifier(**params).fit(X_train, y_train)
    ref = MLPClassifier(**params).fit(X_train, y_train)
    ours_score = ours.score(X_test, y_test)
    ref_score = ref.score(X_test, y_test)
    assert ours_score > 0.85, (dataset, solver, ours_score)
    assert abs(ours_score - ref_score) <= 0.02, (ours_score, ref_score)


@pytest.mark.parametrize("solver", SOLVERS)
def test_regressor_r2_matches_sklearn(solver):
    X_train, X_test, y_train, y_test = split_dataset("diabetes")
    params = _params(solver, alpha=1.0, hidden_layer_sizes=(16,))
    ours = MLPBackpropRegressor(**params).fit(X_train, y_train)
    ref = MLPRegressor(**params).fit(X_train, y_train)
    ours_score = ours.score(X_test, y_test)
    ref_score = ref.score(X_test, y_test)
    assert ours_score > 0.1, (solver, ours_score)
    assert abs(ours_score - ref_score) <= 0.05, (ours_score, ref_score)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("hidden_layer_sizes", [(), []])
def test_no_hidden_layer_matches_sklearn(hidden_layer_sizes, solver):
    """hidden_layer_sizes=() or [] is valid in scikit-learn: a network with no
    hidden layer (multinomial logistic regression); skbp must do the same."""
    X_train, X_test, y_train, y_test = split_dataset("digits")
    params = _params(solver, hidden_layer_sizes=hidden_layer_sizes)
    ours = MLPBackpropClassifier(**params).fit(X_train, y_train)
    ref = MLPClassifier(**params).fit(X_train, y_train)
    assert ours.n_layers_ == ref.n_layers_ == 2
    assert [W.shape for W in ours.coefs_] == [W.shape for W in ref.coefs_]
    assert ours.out_activation_ == ref.out_activation_ == "softmax"
    np.testing.assert_allclose(
        ours.predict_proba(X_test), ref.predict_proba(X_test), rtol=1e-5, atol=1e-7
    )
    assert abs(ours.score(X_test, y_test) - ref.score(X_test, y_test)) <= 0.02

    X_train, _, y_train, _ = split_dataset("diabetes")
    reg = MLPBackpropRegressor(**params).fit(X_train, y_train)
    assert reg.n_layers_ == 2 and reg.coefs_[0].shape == (X_train.shape[1], 1)


def test_divergence_raises_like_sklearn():
    """SGD on an unscaled target diverges: scikit-learn raises ValueError
    ("Solver produced non-finite parameter weights") rather than returning a
    model that predicts inf. skbp must not return such a model either."""
    X_train, X_test, _, _ = split_dataset("diabetes")
    X, y = load_diabetes(return_X_y=True)
    y_train, _ = train_test_split(y, test_size=0.25, random_state=0)
    params = dict(hidden_layer_sizes=(32,), solver="sgd", learning_rate_init=0.01)
    params |= dict(max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="non-finite"):
            MLPRegressor(**params).fit(X_train, y_train)
        reg = MLPBackpropRegressor(**params)
        with pytest.raises(ValueError, match="non-finite"):
            reg.fit(X_train, y_train)
    with pytest.raises(NotFittedError):
        check_is_fitted(reg)


# ---------------------------------------------------------------------------
# scikit-learn tooling
# ---------------------------------------------------------------------------


def test_pipeline():
    X, y = _raw("breast_cancer")
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    params = _params("adam")
    pipe = make_pipeline(StandardScaler(), MLPBackpropClassifier(**params))
    pipe.fit(X_train, y_train)
    ref = make_pipeline(StandardScaler(), MLPClassifier(**params))
    ref.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.9
    assert abs(pipe.score(X_test, y_test) - ref.score(X_test, y_test)) <= 0.02
    assert pipe.predict_proba(X_test).shape == (len(X_test), 2)
    np.testing.assert_array_equal(pipe.classes_, [0, 1])
    # Parameters are reachable through the pipeline.
    pipe.set_params(mlpbackpropclassifier__alpha=0.5)
    assert pipe[-1].alpha == 0.5


def test_grid_search():
    X, y = _raw("breast_cancer")
    grid = {
        "mlp__alpha": [1e-4, 1.0],
        "mlp__hidden_layer_sizes": [(4,), (16,)],
    }
    params = _params("adam", max_iter=20)

    def search(estimator):
        pipe = Pipeline([("scale", StandardScaler()), ("mlp", estimator)])
        return GridSearchCV(pipe, grid, cv=2).fit(X, y)

    ours = search(MLPBackpropClassifier(**params))
    ref = search(MLPClassifier(**params))
    assert ours.best_params_["mlp__alpha"] in grid["mlp__alpha"]
    assert ours.best_score_ > 0.9
    assert len(ours.cv_results_["params"]) == 4
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"],
        ref.cv_results_["mean_test_score"],
        atol=0.02,
    )
    assert isinstance(ours.best_estimator_[-1], MLPBackpropClassifier)
    check_is_fitted(ours.best_estimator_[-1])
    assert ours.score(X, y) > 0.9


def test_cross_validate_classifier_and_regressor():
    X, y = _raw("breast_cancer")
    params = _params("lbfgs", max_iter=30, hidden_layer_sizes=(8,))
    ours = cross_validate(
        make_pipeline(StandardScaler(), MLPBackpropClassifier(**params)),
        X,
        y,
        cv=3,
        return_train_score=True,
    )
    ref = cross_validate(
        make_pipeline(StandardScaler(), MLPClassifier(**params)), X, y, cv=3
    )
    assert ours["test_score"].shape == (3,)
    assert np.all(ours["test_score"] > 0.9)
    assert np.all(ours["train_score"] >= ours["test_score"] - 0.05)
    np.testing.assert_allclose(ours["test_score"], ref["test_score"], atol=0.02)

    X_train, _, y_train, _ = split_dataset("diabetes")
    result = cross_validate(
        MLPBackpropRegressor(**_params("adam", alpha=1.0, hidden_layer_sizes=(8,))),
        X_train,
        y_train,
        cv=2,
        scoring="r2",
    )
    assert result["test_score"].shape == (2,)
    assert np.all(np.isfinite(result["test_score"]))


@pytest.mark.parametrize("Estimator", [MLPBackpropClassifier, MLPBackpropRegressor])
def test_clone(Estimator):
    est = Estimator(
        hidden_layer_sizes=(7, 3),
        alpha=0.3,
        solver="sgd",
        momentum=0.5,
        random_state=42,
        dtype=np.float32,
        max_iter=5,
    )
    X_train, _, y_train, _ = split_dataset("breast_cancer")
    est.fit(X_train[:100], y_train[:100])
    cloned = clone(est)
    assert cloned is not est
    assert type(cloned) is Estimator
    assert cloned.get_params() == est.get_params()
    assert cloned.dtype is np.float32
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    for attr in ("coefs_", "intercepts_", "n_iter_", "loss_curve_", "_training_state"):
        assert not hasattr(cloned, attr), attr
    # The clone trains to the same network as the original.
    assert_same_network(cloned.fit(X_train[:100], y_train[:100]), est)


@pytest.mark.parametrize("solver", SOLVERS)
def test_pickle_round_trip(solver):
    X_train, X_test, y_train, _ = split_dataset("digits")
    est = MLPBackpropClassifier(**_params(solver, max_iter=10)).fit(X_train, y_train)
    restored = pickle.loads(pickle.dumps(est))
    assert_same_network(restored, est)
    np.testing.assert_array_equal(restored.predict(X_test), est.predict(X_test))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), est.predict_proba(X_test)
    )
    np.testing.assert_array_equal(restored.classes_, est.classes_)
    assert restored.get_params() == est.get_params()
    if solver == "lbfgs":
        assert not hasattr(restored, "partial_fit")
        return
    # The unpickled model keeps training exactly as the original would
    # (optimizer state and learning rate travel in the pickle).
    before = [W.copy() for W in restored.coefs_]
    restored.partial_fit(X_train, y_train)
    est.partial_fit(X_train, y_train)
    assert_same_network(restored, est)
    assert not np.array_equal(before[0], restored.coefs_[0])
    assert restored.score(X_test, split_dataset("digits")[3]) > 0.85


def test_pickle_regressor_partial_fit():
    X_train, X_test, y_train, _ = split_dataset("diabetes")
    est = MLPBackpropRegressor(**_params("sgd", max_iter=5)).fit(X_train, y_train)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X_test), est.predict(X_test))
    restored.partial_fit(X_train, y_train)
    est.partial_fit(X_train, y_train)
    assert_same_network(restored, est)
    assert restored.t_ == est.t_


@pytest.mark.parametrize("Estimator", [MLPBackpropClassifier, MLPBackpropRegressor])
def test_joblib_dump_load(tmp_path, Estimator):
    name = "breast_cancer" if Estimator is MLPBackpropClassifier else "diabetes"
    X_train, X_test, y_train, _ = split_dataset(name)
    est = Estimator(**_params("adam", max_iter=10)).fit(X_train, y_train)
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    loaded = joblib.load(path)
    assert_same_network(loaded, est)
    np.testing.assert_array_equal(loaded.predict(X_test), est.predict(X_test))
    loaded.partial_fit(X_train, y_train)  # still trainable
    assert loaded.n_iter_ == 1


# ---------------------------------------------------------------------------
# dtype
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_classifier(solver):
    X_train, X_test, y_train, y_test = split_dataset("digits")
    assert X_train.dtype == np.float64
    params = _params(solver)
    est32 = MLPBackpropClassifier(dtype=np.float32, **params).fit(X_train, y_train)
    est64 = MLPBackpropClassifier(**params).fit(X_train, y_train)
    for W in est32.coefs_ + est32.intercepts_:
        assert W.dtype == np.float32
    for W in est64.coefs_ + est64.intercepts_:
        assert W.dtype == np.float64
    assert est32.predict_proba(X_test).dtype == np.float32
    assert est32.predict_log_proba(X_test).dtype == np.float32
    assert est32.predict(X_test).dtype == est64.predict(X_test).dtype
    assert abs(est32.score(X_test, y_test) - est64.score(X_test, y_test)) <= 0.02
    # Same initial weights, so the two networks stay close.
    np.testing.assert_allclose(
        est32.predict_proba(X_test), est64.predict_proba(X_test), atol=0.05
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_regressor(solver):
    X_train, X_test, y_train, y_test = split_dataset("diabetes")
    params = _params(solver, alpha=1.0, hidden_layer_sizes=(16,))
    est32 = MLPBackpropRegressor(dtype="float32", **params).fit(X_train, y_train)
    est64 = MLPBackpropRegressor(**params).fit(X_train, y_train)
    assert all(W.dtype == np.float32 for W in est32.coefs_ + est32.intercepts_)
    assert est32.predict(X_test).dtype == np.float32
    assert est64.predict(X_test).dtype == np.float64
    assert abs(est32.score(X_test, y_test) - est64.score(X_test, y_test)) <= 0.05


def test_dtype_none_follows_input_and_dtype_overrides_it():
    X_train, X_test, y_train, _ = split_dataset("breast_cancer")
    X32 = X_train.astype(np.float32)
    est = MLPBackpropClassifier(**_params("adam", max_iter=3)).fit(X32, y_train)
    assert est.coefs_[0].dtype == np.float32
    assert est.predict_proba(X_test).dtype == np.float32  # float64 X at predict
    est = MLPBackpropClassifier(dtype=np.float64, **_params("adam", max_iter=3))
    est.fit(X32, y_train)
    assert est.coefs_[0].dtype == np.float64
    # Integer input trains in float64, as in scikit-learn.
    est = MLPBackpropClassifier(**_params("adam", max_iter=3))
    est.fit(np.round(X_train * 10).astype(np.int64), y_train)
    assert est.coefs_[0].dtype == np.float64


# ---------------------------------------------------------------------------
# reproducibility
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", [MLPBackpropClassifier, MLPBackpropRegressor])
def test_same_seed_same_network_bit_for_bit(Estimator, solver):
    name = "breast_cancer" if Estimator is MLPBackpropClassifier else "diabetes"
    X_train, X_test, y_train, _ = split_dataset(name)
    params = _params(solver, max_iter=10, hidden_layer_sizes=(12, 6))
    a = Estimator(**params).fit(X_train, y_train)
    b = Estimator(**params).fit(X_train, y_train)
    assert_same_network(a, b)
    assert a.loss_curve_ == b.loss_curve_
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_array_equal(a.predict(X_test), b.predict(X_test))
    # A RandomState instance seeded alike gives the same network too.
    c = Estimator(**params | {"random_state": np.random.RandomState(0)})
    assert_same_network(c.fit(X_train, y_train), a)
    # Refitting the same estimator (not warm) also reproduces it.
    assert_same_network(a.fit(X_train, y_train), b)

    d = Estimator(**params | {"random_state": 1}).fit(X_train, y_train)
    for x, y in zip(a.coefs_, d.coefs_):
        assert not np.array_equal(x, y)


# ---------------------------------------------------------------------------
# chunked prediction
# ---------------------------------------------------------------------------


def _count_forward_passes(monkeypatch):
    calls = []
    original = skbp._network.LayerStack.forward

    def counting(self, X, *args, **kwargs):
        calls.append(X.shape[0])
        return original(self, X, *args, **kwargs)

    monkeypatch.setattr(skbp._network.LayerStack, "forward", counting)
    return calls


def test_chunked_prediction_with_small_working_memory(monkeypatch):
    rng = np.random.RandomState(0)
    X_train, _, y_train, _ = split_dataset("digits")
    clf = MLPBackpropClassifier(**_params("adam", max_iter=3)).fit(X_train, y_train)
    reg = MLPBackpropRegressor(
        **_params("adam", max_iter=3, hidden_layer_sizes=(16, 8))
    )
    reg.fit(X_train, np.c_[y_train, -y_train])
    X = rng.standard_normal((50_000, X_train.shape[1]))

    def predictions():
        return (
            clf.predict(X),
            clf.predict_proba(X),
            clf.predict_log_proba(X),
            reg.predict(X),
        )

    calls = _count_forward_passes(monkeypatch)
    default = predictions()
    assert calls == [50_000] * 4  # one chunk under the default configuration
    del calls[:]
    with sklearn.config_context(working_memory=1):
        chunked = predictions()
    assert len(calls) > 4 * 10, "working_memory=1 (MiB) must split 50000 rows"
    assert max(calls) < 10_000
    assert sum(calls) == 4 * 50_000

    labels, proba, log_proba, y_reg = chunked
    np.testing.assert_array_equal(labels, default[0])
    # Bit-identity is not guaranteed: OpenBLAS picks its GEMM kernel (and thus
    # its summation order) by matrix size, so plain `X @ W` already differs in
    # the last bit between row blocks of different heights. Allow 1e-12.
    np.testing.assert_allclose(proba, default[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(log_proba, default[2], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y_reg, default[3], rtol=1e-12, atol=1e-12)
    assert proba.shape == (50_000, 10) and y_reg.shape == (50_000, 2)


# ---------------------------------------------------------------------------
# interrupted and failing fits
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Optimizer", [Adam, SGD])
def test_keyboard_interrupt_keeps_a_usable_model(monkeypatch, Optimizer):
    X_train, X_test, y_train, y_test = split_dataset("digits")
    solver = "adam" if Optimizer is Adam else "sgd"
    # 1347 rows / batch 200 = 7 steps per epoch: interrupt in the 2nd epoch.
    raise_after(monkeypatch, Optimizer, "step", 10, KeyboardInterrupt)
    clf = MLPBackpropClassifier(**_params(solver))
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        clf.fit(X_train, y_train)
    check_is_fitted(clf)
    assert clf.n_iter_ == 1
    assert all(np.isfinite(W).all() for W in clf.coefs_ + clf.intercepts_)
    assert clf.predict(X_test).shape == y_test.shape
    assert clf.predict_proba(X_test).shape == (len(X_test), 10)
    # The interrupted estimator can be trained further.
    monkeypatch.undo()
    t_before, coefs_before = clf.t_, clf.coefs_[0].copy()
    clf.partial_fit(X_train, y_train)
    assert clf.t_ == t_before + len(X_train)
    assert not np.array_equal(clf.coefs_[0], coefs_before)


def test_keyboard_interrupt_matches_sklearn(monkeypatch):
    """Same seed, interrupted after the same number of steps: same weights."""
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    X_train, X_test, y_train, _ = split_dataset("breast_cancer")
    params = _params("adam")
    raise_after(monkeypatch, Adam, "step", 5, KeyboardInterrupt)
    raise_after(monkeypatch, AdamOptimizer, "update_params", 5, KeyboardInterrupt)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        ours = MLPBackpropClassifier(**params).fit(X_train, y_train)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        ref = MLPClassifier(**params).fit(X_train, y_train)
    assert ours.n_iter_ == ref.n_iter_
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))


# Per solver, a method called during training that a test makes raise.
FAILURE_POINTS = [
    ("adam", (Adam, "step")),
    ("sgd", (SGD, "step")),
    ("lbfgs", (skbp._network.LayerStack, "backprop")),
]


@pytest.fixture(
    params=[
        (Estimator, solver, target)
        for Estimator in (MLPBackpropClassifier, MLPBackpropRegressor)
        for solver, target in FAILURE_POINTS
    ],
    ids=lambda p: f"{p[0].__name__}-{p[1]}",
)
def failure_case(request):
    """(Estimator, solver, (class, method) made to fail, its data split)."""
    Estimator, solver, patch_target = request.param
    name = "digits" if Estimator is MLPBackpropClassifier else "diabetes"
    return Estimator, solver, patch_target, split_dataset(name)


def test_error_during_warm_start_refit_leaves_model_untouched(
    monkeypatch, failure_case
):
    Estimator, solver, patch_target, (X_train, X_test, y_train, _) = failure_case
    est = Estimator(**_params(solver, max_iter=5, warm_start=True))
    est.fit(X_train, y_train)
    saved = copy.deepcopy(est)
    coefs = [W.copy() for W in est.coefs_ + est.intercepts_]
    pred = est.predict(X_test)
    state = {
        k: copy.deepcopy(getattr(est, k))
        for k in ("n_iter_", "t_", "loss_", "loss_curve_", "best_loss_")
        if hasattr(est, k)
    }

    cls, method = patch_target
    raise_after(monkeypatch, cls, method, 3, RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        est.fit(X_train, y_train)
    monkeypatch.undo()

    for before, after in zip(coefs, est.coefs_ + est.intercepts_):
        assert np.array_equal(before, after)
    np.testing.assert_array_equal(est.predict(X_test), pred)
    for k, v in state.items():
        assert getattr(est, k) == v, k
    if solver != "lbfgs":
        # The optimizer state survived too: continuing gives the same network
        # as continuing from a copy taken before the failed call.
        est.partial_fit(X_train, y_train)
        saved.partial_fit(X_train, y_train)
        assert_same_network(est, saved)
    else:
        est.fit(X_train, y_train)
        saved.fit(X_train, y_train)
        assert_same_network(est, saved)


def test_error_during_first_fit_leaves_model_unfitted(monkeypatch, failure_case):
    Estimator, solver, patch_target, (X_train, X_test, y_train, _) = failure_case
    est = Estimator(**_params(solver, max_iter=5))
    attributes = set(vars(est))
    cls, method = patch_target
    raise_after(monkeypatch, cls, method, 3, RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        est.fit(X_train, y_train)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    with pytest.raises(NotFittedError):
        est.predict(X_test)
    assert set(vars(est)) == attributes  # no half-fitted state left behind
    if solver != "lbfgs":
        with pytest.raises(RuntimeError, match="boom"):
            kwargs = (
                {"classes": np.unique(y_train)}
                if Estimator is MLPBackpropClassifier
                else {}
            )
            est.partial_fit(X_train, y_train, **kwargs)
        with pytest.raises(NotFittedError):
            check_is_fitted(est)
    monkeypatch.undo()
    est.fit(X_train, y_train)  # and it still fits normally afterwards
    check_is_fitted(est)


# ---------------------------------------------------------------------------
# parameter validation
# ---------------------------------------------------------------------------

BAD_PARAMS = [
    ("alpha", -1),
    ("hidden_layer_sizes", (0,)),
    ("hidden_layer_sizes", (2.5,)),
    ("hidden_layer_sizes", (3, -1)),
    ("hidden_layer_sizes", 0),
    ("solver", "foo"),
    ("activation", "swish"),
    ("batch_size", 0),
    ("learning_rate", "cyclic"),
    ("learning_rate_init", 0),
    ("power_t", -0.5),
    ("momentum", 1.5),
    ("validation_fraction", 1.0),
    ("beta_1", 1.0),
    ("beta_2", -0.1),
    ("epsilon", 0.0),
    ("tol", -1e-3),
    ("n_iter_no_change", 0),
    ("max_iter", 0),
    ("max_fun", 0),
    ("dtype", "float16"),
    ("dtype", np.int32),
]


def _check_bad_param(Estimator, name, value):
    X, y = np.random.RandomState(0).standard_normal((20, 3)), np.arange(20) % 2
    est = Estimator(**{"max_iter": 2} | {name: value})
    with pytest.raises(ValueError) as excinfo:
        est.fit(X, y)
    message = str(excinfo.value)
    assert name in message, message
    shown = value.__name__ if isinstance(value, type) else repr(value)
    assert shown in message, message
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@pytest.mark.parametrize("name, value", BAD_PARAMS, ids=lambda p: repr(p))
def test_bad_parameter_classifier(name, value):
    _check_bad_param(MLPBackpropClassifier, name, value)


@pytest.mark.parametrize(
    "name, value", BAD_PARAMS + [("loss", "quantile")], ids=lambda p: repr(p)
)
def test_bad_parameter_regressor(name, value):
    _check_bad_param(MLPBackpropRegressor, name, value)


@pytest.mark.parametrize("Estimator", [MLPBackpropClassifier, MLPBackpropRegressor])
def test_validation_fraction_zero_is_allowed_unless_early_stopping(Estimator):
    """As scikit-learn: validation_fraction in [0, 1); 0 only fails when used."""
    X, y = np.random.RandomState(0).standard_normal((20, 3)), np.arange(20) % 2
    Estimator(validation_fraction=0.0, max_iter=2).fit(X, y)
    est = Estimator(validation_fraction=0.0, early_stopping=True, max_iter=2)
    with pytest.raises(ValueError, match="validation_fraction=0.0"):
        est.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@pytest.mark.parametrize("Estimator", [MLPBackpropClassifier, MLPBackpropRegressor])
def test_bad_parameter_in_partial_fit(Estimator):
    X, y = np.random.RandomState(0).standard_normal((20, 3)), np.arange(20) % 2
    kwargs = {"classes": [0, 1]} if Estimator is MLPBackpropClassifier else {}
    est = Estimator(alpha=-1)
    with pytest.raises(ValueError, match=re.escape("'alpha'")):
        est.partial_fit(X, y, **kwargs)
