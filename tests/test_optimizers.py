"""The optimizers (skbp/_optimizers.py): steps worked out by hand, schedules,
the state that carries over between calls."""

import pickle

import numpy as np
import pytest

from skbp._optimizers import SGD, Adam


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_two_steps_by_hand(nesterov):
    """velocity = 0.9 v - 0.1 g; step = v, or 0.9 v - 0.1 g with Nesterov."""
    params = np.array([1.0, -2.0])
    g1, g2 = np.array([0.5, -1.0]), np.array([0.2, 0.4])
    sgd = SGD(2, np.float64, learning_rate_init=0.1, momentum=0.9, nesterov=nesterov)
    sgd.step(params, g1)
    sgd.step(params, g2)
    v1 = [-0.05, 0.1]  # -0.1 * g1
    v2 = [0.9 * -0.05 - 0.02, 0.9 * 0.1 - 0.04]  # [-0.065, 0.05]
    if nesterov:
        step1 = [0.9 * -0.05 - 0.05, 0.9 * 0.1 + 0.1]  # [-0.095, 0.19]
        step2 = [0.9 * -0.065 - 0.02, 0.9 * 0.05 - 0.04]  # [-0.0785, 0.005]
    else:
        step1, step2 = v1, v2
    expected = np.array([1.0, -2.0]) + np.array(step1) + np.array(step2)
    np.testing.assert_allclose(params, expected)


def test_adam_first_step_moves_by_learning_rate_against_the_gradient_sign():
    """Step 1: m = 0.1 g, v = 0.001 g^2, lr_1 = lr sqrt(0.001) / 0.1, so the
    update is -lr * g / (|g| + eps / sqrt(0.001)) ~ -lr * sign(g)."""
    params = np.array([1.0, 1.0, 1.0])
    grad = np.array([3.0, -0.5, 0.0])
    adam = Adam(3, np.float64, learning_rate_init=0.01)
    adam.step(params, grad)
    np.testing.assert_allclose(params, [0.99, 1.01, 1.0], atol=1e-8)
    assert adam.t == 1


def test_invscaling_and_adaptive_schedules():
    sgd = SGD(1, np.float64, learning_rate_init=0.1, schedule="invscaling", power_t=0.5)
    sgd.end_epoch(n_samples_seen=99)
    assert sgd.learning_rate == pytest.approx(0.1 / 10)
    adaptive = SGD(1, np.float64, learning_rate_init=1e-5, schedule="adaptive")
    assert adaptive.on_plateau("plateau.", verbose=False) is False
    assert adaptive.learning_rate == pytest.approx(2e-6)
    assert adaptive.on_plateau("plateau.", verbose=False) is False  # 4e-7 now
    assert adaptive.on_plateau("plateau.", verbose=False) is True  # <= 1e-6: stop


def test_penalty_added_to_the_weights_only():
    """step(..., n_weights, penalty_scale) = step(grad + penalty on weights)."""
    rng = np.random.RandomState(0)
    params, grad = rng.randn(6), rng.randn(6)
    expected = grad.copy()
    expected[:4] += 0.3 * params[:4]
    for Optimizer in (SGD, Adam):
        a, b = params.copy(), params.copy()
        Optimizer(6, np.float64).step(a, grad.copy(), 4, 0.3)
        Optimizer(6, np.float64).step(b, expected.copy())
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("Optimizer", [SGD, Adam])
def test_continue_from_keeps_moments_and_takes_new_settings(Optimizer):
    rng = np.random.RandomState(0)
    params, grad = rng.randn(5), rng.randn(5)
    old = Optimizer(5, np.float64, learning_rate_init=0.01)
    old.step(params.copy(), grad)
    new = Optimizer(5, np.float64, learning_rate_init=0.05).continue_from(old)
    for name in new._running_state:
        np.testing.assert_array_equal(getattr(new, name), getattr(old, name))
    assert new.learning_rate_init == 0.05
    same = Optimizer(5, np.float64, learning_rate_init=0.01).continue_from(old)
    assert same.learning_rate == old.learning_rate  # the schedule's position


def test_pickled_state_holds_no_dtype_object():
    """skops must trust no numpy.dtype: the scratch buffer's dtype is a string."""
    adam = Adam(3, np.float32)
    state = adam.__getstate__()
    assert state["_scratch"] == ((3,), "<f4")
    restored = pickle.loads(pickle.dumps(adam))
    assert restored._scratch.dtype == np.float32 and restored.fits(np.zeros(3, "f4"))
