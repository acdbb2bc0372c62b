"""Reliability (issue 9): regression tests for its numbered defects, a
property test over odd inputs and hyperparameters, fault injection at each
stage of a fit, and persistence through skops.

Every regression test is named after the defect it guards and failed on the
code before the fix (commit 5c2a901). Every fit here is tiny (tens of rows, a
few units, a few epochs) so the file runs in well under a minute.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

import skbp._mlp
import skbp._network
from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._optimizers import SGD, Adam

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [MLPBackpropClassifier, MLPBackpropRegressor]
SMALL = dict(hidden_layer_sizes=(3,), max_iter=3, random_state=0)

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _data(Estimator, n_samples=40, n_features=4, seed=0):
    """Standard-normal X and a target fitting ``Estimator`` (three classes)."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_samples, n_features))
    if Estimator is MLPBackpropClassifier:
        return X, np.arange(n_samples) % 3
    return X, X @ rng.standard_normal(n_features) + 0.1 * rng.standard_normal(n_samples)


def _optimizer(est):
    """The estimator's optimizer (before the fix it lived in ``_optimizer``)."""
    state = getattr(est, "_training_state", None)
    return state.optimizer if state is not None else est._optimizer


def _network(est):
    return [np.asarray(W) for W in est.coefs_ + est.intercepts_]


def _assert_same_network(a, b):
    """coefs_ and intercepts_ of a and b are equal bit for bit, dtype included."""
    for x, y in zip(_network(a), _network(b), strict=True):
        assert x.dtype == y.dtype
        assert np.array_equal(x, y)


def _raise_on_call(monkeypatch, owner, name, call, exception, *, after=False):
    """Make ``owner.name`` raise ``exception`` on its call number ``call``.

    With ``after``, the call runs first and raises on return (the work done).
    Works for functions stored on classes (methods) and on modules alike.
    """
    original = getattr(owner, name)
    count = [0]

    def patched(*args, **kwargs):
        count[0] += 1
        if count[0] == call and not after:
            raise exception
        result = original(*args, **kwargs)
        if count[0] == call:
            raise exception
        return result

    monkeypatch.setattr(owner, name, patched)
    return count


def _count_calls(monkeypatch, owner, name):
    """Count the calls of ``owner.name`` (a list of one int, updated live)."""
    original = getattr(owner, name)
    count = [0]

    def counted(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return count


# ---------------------------------------------------------------------------
# 1. dtype=float32 on float64 values beyond float32's range
# ---------------------------------------------------------------------------

FLOAT32_SOLVERS = [
    dict(solver="lbfgs"),
    dict(solver="adam"),
    dict(solver="adam", early_stopping=True),
]


def _with_huge_rows(X, column=1):
    X = X.copy()
    X[::7, column] = 1e39  # float32 holds at most 3.4e38
    return X


@pytest.mark.parametrize(
    "solver", FLOAT32_SOLVERS, ids=lambda p: "-".join(map(str, p.values()))
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_cast_overflow_raises(Estimator, solver):
    X, y = _data(Estimator, n_samples=60)
    est = Estimator(dtype=np.float32, **SMALL | solver)
    with pytest.raises(ValueError, match=r"X .*float32"):
        est.fit(_with_huge_rows(X), y)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)

    weights = np.ones(len(X))
    weights[3] = 1e39
    with pytest.raises(ValueError, match=r"sample_weight .*float32"):
        est.fit(X, y, sample_weight=weights)
    if Estimator is MLPBackpropRegressor:
        y_huge = y.copy()
        y_huge[5] = -1e39
        with pytest.raises(ValueError, match=r"y .*float32"):
            est.fit(X, y_huge)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_model_predict_overflow_raises(Estimator):
    X, y = _data(Estimator, n_samples=60)
    est = Estimator(**SMALL).fit(X.astype(np.float32), y)
    assert est.coefs_[0].dtype == np.float32
    methods = ["predict"]
    if Estimator is MLPBackpropClassifier:
        methods += ["predict_proba", "predict_log_proba"]
    for method in methods:
        with pytest.raises(ValueError, match=r"X .*float32"):
            getattr(est, method)(_with_huge_rows(X))
    # Values float32 can hold are predicted as before.
    getattr(est, methods[-1])(X)


# ---------------------------------------------------------------------------
# 2. predict_proba / predict_log_proba when the logits overflow
# ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "dtype, scale, output_weight",
    [(np.float32, 1e2, 1e36), (np.float64, 1e200, 1e110)],
    ids=["float32", "float64"],
)
def test_predict_log_proba_finite_when_logits_overflow(
    dtype, scale, output_weight, n_classes
):
    rng = np.random.RandomState(0)
    X = rng.uniform(1, 9, (30, 2))
    y = np.arange(30) % n_classes
    clf = MLPBackpropClassifier(
        (2,),
        activation="identity",
        solver="adam",
        learning_rate_init=1.0,
        **{k: v for k, v in SMALL.items() if k != "hidden_layer_sizes"},
    ).fit(X.astype(dtype), y)
    # An identity hidden layer and one huge output weight per class: the
    # logits exceed the dtype's range (+inf for some classes, -inf for others).
    W = np.zeros_like(clf.coefs_[1])
    W[0, 0] = output_weight
    if n_classes == 3:
        W[0, 1] = -output_weight
    clf.coefs_[1] = W
    X_big = (rng.uniform(1, 9, (20, 2)) * scale).astype(dtype)
    X_big[::2] *= -1
    with np.errstate(over="ignore"):
        hidden = X_big @ clf.coefs_[0] + clf.intercepts_[0]
        assert not np.isfinite(hidden @ W).all()  # the logits do overflow
    proba = clf.predict_proba(X_big)
    log_proba = clf.predict_log_proba(X_big)
    assert proba.shape == log_proba.shape == (len(X_big), n_classes)
    assert np.isfinite(proba).all()
    assert np.isfinite(log_proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    # predict decides as predict_proba (a softmax of inf logits would be NaN).
    np.testing.assert_array_equal(
        clf.classes_[proba.argmax(axis=1)], clf.predict(X_big)
    )


# ---------------------------------------------------------------------------
# 3. a float32 chunk in a float64 partial_fit stream
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_float32_chunk_keeps_dtype_and_adam_state(Estimator):
    X, y = _data(Estimator, n_samples=60)
    chunks = [
        (X[:20], y[:20]),
        (X[20:40].astype(np.float32), y[20:40]),
        (X[40:], y[40:]),
    ]
    extra = {"classes": np.unique(y)} if Estimator is MLPBackpropClassifier else {}
    est = Estimator(**SMALL)  # batch_size 'auto' = 20 rows: one step per chunk
    reference = clone(est)  # the same stream, the float32 chunk given as float64
    for step, (X_chunk, y_chunk) in enumerate(chunks, start=1):
        est.partial_fit(X_chunk, y_chunk, **extra)
        reference.partial_fit(X_chunk.astype(np.float64), y_chunk, **extra)
        assert all(W.dtype == np.float64 for W in _network(est))
        assert _optimizer(est).t == step
        _assert_same_network(est, reference)


# ---------------------------------------------------------------------------
# 4. persistence through skops
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "solver, optimizer", [("adam", "Adam"), ("sgd", "SGD"), ("lbfgs", None)]
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_skops_trusts_only_estimator_and_optimizer(Estimator, solver, optimizer):
    sio = pytest.importorskip("skops.io")
    X, y = _data(Estimator)
    est = Estimator(solver=solver, **SMALL).fit(X, y)
    dumped = sio.dumps(est)
    expected = [f"skbp._mlp.{Estimator.__name__}"]
    if optimizer is not None:
        expected.append(f"skbp._optimizers.{optimizer}")
    assert sio.get_untrusted_types(data=dumped) == expected

    loaded = sio.loads(dumped, trusted=expected)
    _assert_same_network(loaded, est)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    if solver == "lbfgs":
        return
    for _ in range(2):  # training continues bit-identically
        est.partial_fit(X, y)
        loaded.partial_fit(X, y)
        _assert_same_network(loaded, est)
        assert _optimizer(loaded).__dict__.keys() == _optimizer(est).__dict__.keys()
    assert loaded.t_ == est.t_


# ---------------------------------------------------------------------------
# 5. predict on wide sparse input
# ---------------------------------------------------------------------------


def test_sparse_wide_predict_uses_few_chunks(monkeypatch):
    n_samples, n_features = 2_000, 1_000_000
    rng = np.random.RandomState(0)
    X, y = _data(MLPBackpropRegressor, n_samples=30, n_features=5)
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(10,), max_iter=2, random_state=0
    ).fit(X, y)
    # The same network, widened to a million inputs (public coefs_ are the truth).
    reg.coefs_[0] = rng.standard_normal((n_features, 10)) * 1e-3
    reg.n_features_in_ = n_features
    # 10 non-zeros per row (sp.random would shuffle all 2e9 positions).
    rows = np.repeat(np.arange(n_samples), 10)
    cols = rng.randint(0, n_features, rows.size)
    X_wide = sp.csr_matrix(
        (rng.standard_normal(rows.size), (rows, cols)), shape=(n_samples, n_features)
    )
    assert X_wide.nnz > 19_900
    forward_calls = _count_calls(monkeypatch, skbp._network.LayerStack, "forward")
    # Each chunk is a row slice of X (this counts chunks whatever the forward
    # pass is called, so the test also ran against the code before the fix).
    slices = _count_calls(monkeypatch, type(X_wide), "__getitem__")
    y_pred = reg.predict(X_wide)
    assert 1 <= slices[0] <= 2  # before the fix: 250 chunks of 8 rows
    assert forward_calls[0] == slices[0]
    expected = np.maximum(X_wide @ reg.coefs_[0] + reg.intercepts_[0], 0)
    expected = expected @ reg.coefs_[1] + reg.intercepts_[1]
    np.testing.assert_allclose(y_pred, expected.ravel(), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# 6. edge cases
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_zero_weight_training_split_raises(Estimator):
    X, y = _data(Estimator, n_samples=40)
    weights = np.zeros(40)
    weights[[5, 30]] = 1.0
    raised = 0
    for seed in range(30):  # some seeds hold both weighted rows out
        est = Estimator(
            early_stopping=True,
            validation_fraction=0.5,
            **SMALL | {"random_state": seed},
        )
        try:
            est.fit(X, y, sample_weight=weights)
        except ValueError as error:
            assert "sample_weight" in str(error)
            raised += 1
    assert raised > 0


def _poisson_diverging():
    """Data on which Poisson regression overflows exp() in its first epoch."""
    rng = np.random.RandomState(0)
    return rng.uniform(1e3, 1e4, (60, 3)), rng.poisson(5, 60).astype(float)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_poisson_early_stopping_first_epoch_divergence_raises(solver):
    X, y = _poisson_diverging()
    reg = MLPBackpropRegressor(
        loss="poisson",
        solver=solver,
        activation="identity",
        early_stopping=True,
        max_iter=5,
        random_state=0,
    )
    with pytest.raises(ValueError, match="non-finite"):
        reg.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(reg)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_one_class_classifier_has_one_probability_column(solver):
    X, _ = _data(MLPBackpropClassifier, n_samples=20)
    clf = MLPBackpropClassifier(solver=solver, **SMALL).fit(X, ["only"] * 20)
    assert list(clf.classes_) == ["only"]
    proba = clf.predict_proba(X)
    assert proba.shape == (20, 1)
    np.testing.assert_array_equal(proba, 1.0)
    np.testing.assert_array_equal(clf.predict_log_proba(X), 0.0)
    assert list(clf.predict(X)) == ["only"] * 20


@pytest.mark.parametrize("early_stopping", [False, True])
def test_failed_fit_keeps_user_random_state(early_stopping):
    X, y = _poisson_diverging()
    generator = np.random.RandomState(42)
    generator.uniform(size=3)
    before = generator.get_state()
    reg = MLPBackpropRegressor(
        loss="poisson",
        activation="identity",
        early_stopping=early_stopping,
        max_iter=5,
        random_state=generator,
    )
    with pytest.raises(ValueError, match="non-finite"):
        reg.fit(X, y)
    after = generator.get_state()
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(before[1], after[1])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_keyboard_interrupt_in_first_epoch_sets_loss(monkeypatch, Estimator):
    X, y = _data(Estimator, n_samples=40)
    est = Estimator(batch_size=5, **SMALL)  # 8 steps per epoch
    _raise_on_call(monkeypatch, Adam, "step", 3, KeyboardInterrupt)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, y)
    check_is_fitted(est)
    assert np.isfinite(est.loss_)
    assert est.n_iter_ == 0
    assert est.predict(X).shape == y.shape


def _two_partial_fits(Estimator, **between):
    X, y = _data(Estimator)
    extra = {"classes": np.unique(y)} if Estimator is MLPBackpropClassifier else {}
    est = Estimator(**SMALL).partial_fit(X, y, **extra)
    first = _network(est)
    est.set_params(**between)
    return est.partial_fit(X, y), first


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_set_params_learning_rate_between_partial_fits_takes_effect(Estimator):
    unchanged, first = _two_partial_fits(Estimator)
    changed, first_again = _two_partial_fits(Estimator, learning_rate_init=0.1)
    for a, b in zip(first, first_again):
        assert np.array_equal(a, b)
    assert _optimizer(changed).learning_rate_init == 0.1
    assert _optimizer(changed).t == _optimizer(unchanged).t == 2  # Adam carries on
    # A larger step: every weight moved further from where the first call left it.
    moved_changed = [np.abs(a - s) for a, s in zip(_network(changed), first)]
    moved_unchanged = [np.abs(b - s) for b, s in zip(_network(unchanged), first)]
    for a, b in zip(moved_changed, moved_unchanged):
        assert np.all(a >= b)
    assert sum(a.sum() for a in moved_changed) > 10 * sum(
        b.sum() for b in moved_unchanged
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_set_params_solver_between_partial_fits_switches_to_sgd(Estimator):
    adam, _ = _two_partial_fits(Estimator)
    sgd, first = _two_partial_fits(Estimator, solver="sgd", momentum=0.0)
    assert isinstance(_optimizer(sgd), SGD)
    assert isinstance(_optimizer(adam), Adam)
    # Plain SGD (no momentum) moves by learning_rate_init * gradient: compare
    # with one full-batch gradient step computed from the first call's weights.
    X, y = _data(Estimator)
    probe = clone(sgd).set_params(max_iter=1, shuffle=False)
    probe.fit(X, y)  # fitted attributes of the right shape, then overwritten
    probe.coefs_ = [W.copy() for W in first[: len(probe.coefs_)]]
    probe.intercepts_ = [b.copy() for b in first[len(probe.coefs_) :]]
    probe.set_params(warm_start=True).fit(X, y)
    for a, b in zip(_network(sgd), _network(probe)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_coefs_as_nested_lists_predict_the_same(Estimator):
    X, y = _data(Estimator)
    est = Estimator(**SMALL).fit(X, y)
    methods = ["predict"]
    if Estimator is MLPBackpropClassifier:
        methods += ["predict_proba", "predict_log_proba"]
    expected = {m: getattr(est, m)(X) for m in methods}
    est.coefs_ = [W.tolist() for W in est.coefs_]
    est.intercepts_ = [b.tolist() for b in est.intercepts_]
    for method in methods:
        np.testing.assert_array_equal(getattr(est, method)(X), expected[method])


# ---------------------------------------------------------------------------
# fault injection: an exception at each stage of fit / partial_fit
# ---------------------------------------------------------------------------


class _Injected(Exception):
    """The exception a fault-injection test raises inside skbp."""


def _scorer_raising_on_second_call(original):
    """Wrap ``_validation_scorer`` so its scorer raises after one epoch."""

    def patched(self):
        score = original(self)
        calls = [0]

        def raising(*args):
            calls[0] += 1
            if calls[0] == 2:
                raise _Injected
            return score(*args)

        return raising

    return patched


# (stage, how to make it raise): patch(monkeypatch, Estimator) installs the fault.
STAGES = {
    # input validation: the scikit-learn function skbp calls on X and y
    "validation": lambda mp, E: _raise_on_call(
        mp, skbp._mlp, "validate_data", 1, _Injected
    ),
    # the estimator's own validation, after scikit-learn's checks ran
    "input": lambda mp, E: _raise_on_call(
        mp, E, "_validate_input", 1, _Injected, after=True
    ),
    "initialisation": lambda mp, E: _raise_on_call(
        mp, skbp._network.LayerStack, "glorot_uniform_init", 1, _Injected, after=True
    ),
    # batch_size=10: the 4th step starts fit's second epoch (30 training rows)
    # and ends partial_fit's (40 rows)
    "epoch": lambda mp, E: _raise_on_call(mp, Adam, "step", 4, _Injected),
    "scoring": lambda mp, E: mp.setattr(
        E, "_validation_scorer", _scorer_raising_on_second_call(E._validation_scorer)
    ),
    "lbfgs-iteration": lambda mp, E: _raise_on_call(
        mp, skbp._network.LayerStack, "backprop", 4, _Injected
    ),
    "publishing": lambda mp, E: _raise_on_call(
        mp, skbp._mlp._BaseMLP, "_publish", 1, _Injected, after=True
    ),
}

# (stage, call): 'fit' on a fresh estimator, 'refit' with warm_start=True and
# 'partial_fit' on a fitted one, 'first_partial_fit' on a fresh one. Early
# stopping is on for fit (scoring runs); partial_fit never holds data out.
CASES = [
    *[(stage, "fit") for stage in ("validation", "input", "initialisation")],
    *[(stage, "fit") for stage in ("epoch", "scoring", "publishing")],
    *[(stage, "refit") for stage in ("validation", "epoch", "scoring", "publishing")],
    *[
        (stage, "partial_fit")
        for stage in ("validation", "input", "epoch", "publishing")
    ],
    ("initialisation", "first_partial_fit"),
    ("publishing", "first_partial_fit"),
    ("lbfgs-iteration", "fit"),
    ("lbfgs-iteration", "refit"),
]


def _caller_data(Estimator):
    X, y = _data(Estimator, n_samples=40)
    weights = np.random.RandomState(1).uniform(0.5, 2, len(X))
    return X, y, weights


def _copies(*arrays):
    return [a.copy() for a in arrays]


@pytest.mark.parametrize("stage, call", CASES, ids=["-".join(c) for c in CASES])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fault_leaves_estimator_generator_and_data_unchanged(
    monkeypatch, Estimator, stage, call
):
    X, y, weights = _caller_data(Estimator)
    solver = "lbfgs" if stage == "lbfgs-iteration" else "adam"
    generator = np.random.RandomState(0)
    est = Estimator(
        hidden_layer_sizes=(3,),
        solver=solver,
        batch_size=10,
        max_iter=4,
        early_stopping=solver == "adam",
        validation_fraction=0.25,
        n_iter_no_change=100,
        warm_start=call == "refit",
        random_state=generator,
    )
    extra = {}
    if Estimator is MLPBackpropClassifier and call.endswith("partial_fit"):
        extra = {"classes": np.unique(y)}
    if call in ("refit", "partial_fit"):
        est.fit(X, y, sample_weight=weights)
    method = est.partial_fit if "partial" in call else est.fit

    before = pickle.dumps(est)
    generator_before = generator.get_state()
    arrays_before = _copies(X, y, weights)
    STAGES[stage](monkeypatch, Estimator)
    with pytest.raises(_Injected):
        method(X, y, sample_weight=weights, **extra)
    monkeypatch.undo()

    assert pickle.dumps(est) == before
    generator_after = generator.get_state()
    assert generator_after[2:] == generator_before[2:]
    np.testing.assert_array_equal(generator_after[1], generator_before[1])
    for after, original in zip((X, y, weights), arrays_before):
        assert after.dtype == original.dtype
        np.testing.assert_array_equal(after, original)
    if call in ("fit", "first_partial_fit"):
        with pytest.raises(NotFittedError):
            check_is_fitted(est)
    # The same call, now without a fault, succeeds.
    method(X, y, sample_weight=weights, **extra)
    check_is_fitted(est)


# ---------------------------------------------------------------------------
# property: any small problem either fits with finite outputs or is refused
# ---------------------------------------------------------------------------

X_DTYPES = [np.float16, np.float32, np.float64, np.int64, np.int8, np.bool_]


@st.composite
def problems(draw):
    """(Estimator, params, X, y, sample_weight) of a tiny, possibly odd, fit."""
    classifier = draw(st.booleans())
    n_samples = draw(st.integers(1, 12))
    n_features = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X_dtype = draw(st.sampled_from(X_DTYPES))
    if X_dtype == np.bool_:
        X = rng.random((n_samples, n_features)) > 0.5
    elif np.issubdtype(X_dtype, np.integer):
        X = rng.integers(-5, 6, (n_samples, n_features)).astype(X_dtype)
    else:
        scale = draw(st.sampled_from([1e-3, 1.0, 30.0]))
        X = (rng.standard_normal((n_samples, n_features)) * scale).astype(X_dtype)
    formats = [np.asarray]
    if X_dtype != np.float16:  # scipy.sparse has no float16
        formats += [sp.csr_matrix, sp.csc_matrix]
    X = draw(st.sampled_from(formats))(X)

    params = dict(
        hidden_layer_sizes=tuple(draw(st.lists(st.integers(1, 4), max_size=2))),
        activation=draw(st.sampled_from(["identity", "logistic", "tanh", "relu"])),
        solver=draw(st.sampled_from(["adam", "sgd", "lbfgs"])),
        alpha=draw(st.sampled_from([0.0, 1e-4, 1.0])),
        batch_size=draw(st.sampled_from(["auto", 1, 3, 50])),
        learning_rate_init=draw(st.sampled_from([1e-3, 0.1])),
        early_stopping=draw(st.booleans()),
        validation_fraction=draw(st.sampled_from([0.1, 0.5])),
        dtype=draw(st.sampled_from([None, np.float32, np.float64, "float32"])),
        max_iter=draw(st.integers(1, 3)),
        random_state=0,
    )
    if classifier:
        n_classes = draw(st.integers(1, 3))
        y = rng.integers(0, n_classes, n_samples)
        Estimator = MLPBackpropClassifier
    else:
        n_outputs = draw(st.integers(1, 2))
        y = rng.standard_normal((n_samples, n_outputs))
        y = y.ravel() if n_outputs == 1 else y
        params["loss"] = draw(st.sampled_from(["squared_error", "poisson"]))
        if params["loss"] == "poisson" and draw(st.booleans()):
            y = np.abs(y)
        Estimator = MLPBackpropRegressor
    sample_weight = None
    if draw(st.booleans()):
        sample_weight = rng.uniform(0, 2, n_samples) * (rng.random(n_samples) > 0.3)
    return Estimator, params, X, y, sample_weight


def _network_dtype(X, dtype):
    if dtype is not None:
        return np.dtype(dtype)
    return X.dtype if X.dtype in (np.float32, np.float64) else np.dtype(np.float64)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(problems())
def test_fit_succeeds_with_finite_outputs_or_refuses_clearly(problem):
    Estimator, params, X, y, sample_weight = problem
    est = Estimator(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            est.fit(X, y, sample_weight=sample_weight)
        except (ValueError, TypeError) as error:
            assert str(error)
            event(f"refused: {type(error).__name__}")
            return
        event("fitted")
        n_samples = X.shape[0]
        dtype = _network_dtype(X, params["dtype"])
        assert all(W.dtype == dtype for W in _network(est))
        y_pred = est.predict(X)
        assert y_pred.shape == y.shape
        if Estimator is MLPBackpropRegressor:
            assert y_pred.dtype == dtype
            assert np.isfinite(y_pred).all()
            return
        assert np.isin(y_pred, est.classes_).all()
        n_classes = len(est.classes_)
        for method in ("predict_proba", "predict_log_proba"):
            out = getattr(est, method)(X)
            assert out.shape == (n_samples, n_classes)
            assert out.dtype == dtype
            assert np.isfinite(out).all()
