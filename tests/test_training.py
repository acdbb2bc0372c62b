"""The training loops and their state (skbp/_training.py), without an estimator."""

import dataclasses

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skbp import MLPBackpropRegressor
from skbp._losses import LOSSES
from skbp._network import LayerStack
from skbp._optimizers import SGD, Adam
from skbp._training import NoMonitor, TrainingParams, TrainingState, train

PARAMS = TrainingParams.from_dict(MLPBackpropRegressor(max_iter=5).get_params())


def _problem(n_samples=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, 3)
    Y = (X[:, :1] - 0.5 * X[:, 1:2]).astype(np.float64)
    stack = LayerStack([3, 4, 1], "tanh", "identity", np.float64)
    stack.glorot_uniform_init(np.random.RandomState(seed))
    return stack, X, Y


def _train(stack, X, Y, params, state, **kwargs):
    options = dict(
        params=params,
        state=state,
        random_state=np.random.RandomState(0),
        score=lambda Y_pred, Y_true, sw: -float(np.mean((Y_pred - Y_true) ** 2)),
        stratify=False,
        incremental=False,
    )
    return train(stack, LOSSES["squared_error"], X, Y, None, **(options | kwargs))


def test_params_are_picked_from_get_params_and_frozen():
    assert PARAMS.solver == "adam" and PARAMS.max_iter == 5 and PARAMS.stochastic
    with pytest.raises(dataclasses.FrozenInstanceError):
        PARAMS.alpha = 1.0
    assert isinstance(PARAMS.make_optimizer(4, np.float32), Adam)
    sgd = dataclasses.replace(PARAMS, solver="sgd")
    assert isinstance(sgd.make_optimizer(4, np.float64), SGD)


def test_start_state_per_stopping_rule():
    flat = np.arange(3.0)
    plain = TrainingState.start(PARAMS, flat)
    assert plain.stopping_rule == "loss" and plain.best_loss == np.inf
    assert plain.best_params is None and isinstance(plain.optimizer, Adam)
    early = TrainingState.start(dataclasses.replace(PARAMS, early_stopping=True), flat)
    assert early.stopping_rule == "validation" and early.validation_scores == []
    np.testing.assert_array_equal(early.best_params, flat)
    assert early.best_params is not flat
    lbfgs = TrainingState.start(dataclasses.replace(PARAMS, solver="lbfgs"), flat)
    assert lbfgs.stopping_rule is None and lbfgs.optimizer is None
    assert "best_loss_" not in lbfgs.fitted_attributes()


def test_train_updates_and_returns_the_state_it_was_given():
    stack, X, Y = _problem()
    state = TrainingState.start(PARAMS, stack.params)
    before = stack.params.copy()
    with pytest.warns(ConvergenceWarning):
        returned = _train(stack, X, Y, PARAMS, state)
    assert returned is state
    assert state.n_iter == 5 == len(state.loss_curve) and state.t == 5 * len(X)
    assert not np.array_equal(before, stack.params)
    assert set(state.fitted_attributes()) >= {"n_iter_", "t_", "loss_", "loss_curve_"}


def test_continued_is_a_copy_and_resets_only_what_changed():
    stack, X, Y = _problem()
    state = TrainingState.start(PARAMS, stack.params)
    _train(stack, X, Y, dataclasses.replace(PARAMS, max_iter=2), state)
    following = state.continued(PARAMS, stack.params, incremental=True)
    assert following is not state and following.loss_curve == state.loss_curve
    assert following.loss_curve is not state.loss_curve
    assert following.optimizer.t == state.optimizer.t  # partial_fit: carries on
    refit = state.continued(PARAMS, stack.params, incremental=False)
    assert refit.optimizer.t == 0  # warm_start fit: a fresh optimizer
    switched = state.continued(
        dataclasses.replace(PARAMS, solver="sgd"), stack.params, incremental=True
    )
    assert isinstance(switched.optimizer, SGD)
    early = state.continued(
        dataclasses.replace(PARAMS, early_stopping=True),
        stack.params,
        incremental=False,
    )
    assert early.stopping_rule == "validation" and early.validation_scores == []


def test_for_data_turns_early_stopping_off_where_it_cannot_work():
    early = dataclasses.replace(PARAMS, early_stopping=True, validation_fraction=0.1)
    assert early.for_data(100, incremental=False) is early
    assert early.for_data(100, incremental=True).early_stopping is False
    with pytest.warns(UserWarning, match="Early stopping is off"):
        assert early.for_data(5, incremental=False).early_stopping is False
    zero = dataclasses.replace(early, validation_fraction=0.0)
    with pytest.raises(ValueError, match="validation_fraction=0.0"):
        zero.for_data(100, incremental=False)


class _StopAfter(NoMonitor):
    def __init__(self, n):
        self.n, self.begun, self.ended = n, 0, []

    def begin(self, params):
        self.begun += 1

    def end(self, params):
        self.ended.append(None if params is None else params.copy())
        return len(self.ended) >= self.n


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_monitor_sees_every_epoch_and_can_stop(solver):
    stack, X, Y = _problem()
    params = dataclasses.replace(PARAMS, solver=solver, max_iter=50)
    state = TrainingState.start(params, stack.params)
    monitor = _StopAfter(3)
    _train(stack, X, Y, params, state, monitor=monitor)
    assert state.n_iter == 3 == monitor.begun == len(monitor.ended)
    np.testing.assert_allclose(monitor.ended[-1], stack.params)
