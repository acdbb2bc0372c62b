"""The layer stack (skbp/_network.py): BP1-BP4 against finite differences and
by hand, the forward pass, chunked prediction."""

import numpy as np
import pytest

from skbp import MLPBackpropRegressor
from skbp._losses import LOSSES
from skbp._network import LayerStack, Workspace

HIDDEN = ["identity", "logistic", "tanh", "relu"]


def _targets(loss_name, rng, n_samples, n_outputs):
    if loss_name == "log_loss":  # one-hot classes, softmax output
        return np.eye(n_outputs)[rng.randint(n_outputs, size=n_samples)]
    if loss_name == "binary_log_loss":  # binary / multilabel, logistic outputs
        return rng.randint(2, size=(n_samples, n_outputs)).astype(float)
    if loss_name == "poisson":
        return rng.poisson(2.0, size=(n_samples, n_outputs)).astype(float)
    return rng.normal(size=(n_samples, n_outputs))


def _relative_gradient_error(activation, loss_name, weighted, alpha=0.3):
    """||grad - finite differences|| / (||grad|| + ||finite differences||)."""
    rng = np.random.RandomState(0)
    n_samples, n_outputs = 7, 3
    loss = LOSSES[loss_name]
    stack = LayerStack(
        [4, 5, 3, n_outputs], activation, loss.output_activation, np.float64
    )
    stack.params[:] = rng.uniform(-0.8, 0.8, stack.n_params)
    X = rng.normal(size=(n_samples, 4))
    Y = _targets(loss_name, rng, n_samples, n_outputs)
    sample_weight = rng.uniform(0.1, 3.0, n_samples) if weighted else None
    work = Workspace(stack, n_samples)

    def cost(params):
        stack.params[:] = params
        return stack.backprop(X, Y, sample_weight, loss, alpha, work)

    theta = stack.params.copy()
    cost(theta)
    grad = work.grad.copy()
    step = 1e-6
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        shift = np.zeros_like(theta)
        shift[k] = step
        numeric[k] = (cost(theta + shift) - cost(theta - shift)) / (2 * step)
    return np.linalg.norm(grad - numeric) / (
        np.linalg.norm(grad) + np.linalg.norm(numeric)
    )


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("activation", HIDDEN)
def test_gradient_matches_finite_differences(activation, loss_name, weighted):
    """Every activation x (loss, output activation) pair, L2 penalty on, float64."""
    assert _relative_gradient_error(activation, loss_name, weighted) < 1e-6


def test_l2_penalty_spares_intercepts():
    """With zero data gradient on biases, their gradient has no penalty term."""
    stack = LayerStack([2, 3, 1], "identity", "identity", np.float64)
    stack.params[:] = 1.0
    X = np.zeros((4, 2))
    work = Workspace(stack, 4)
    Y = stack.forward(X, work.A).copy()  # perfect fit: the data gradient is zero
    cost = stack.backprop(X, Y, None, LOSSES["squared_error"], 2.0, work)
    np.testing.assert_allclose(cost, 0.5 * 2.0 / 4 * stack.n_weights)
    np.testing.assert_allclose(work.grad[: stack.n_weights], 2.0 / 4)
    np.testing.assert_allclose(work.grad[stack.n_weights :], 0.0)


def test_one_sgd_step_by_hand():
    """2 inputs -> 2 relu units -> 1 identity output, one sample, lr 0.1.

    Worked out by hand:
    hidden z = [1*0.1 + 2*0.3, 1*(-0.2) + 2*(-0.4)] = [0.7, -1.0] -> a = [0.7, 0]
    output a = 0.7*0.5 + 0*0.6 = 0.35; y = 1; cost = 0.5 * 0.65**2 = 0.21125
    BP1 delta_out = 0.35 - 1 = -0.65
    BP2 grad b2 = -0.65;  BP3 grad W2 = [0.7, 0] * -0.65 = [-0.455, 0]
    BP4 delta_hidden = [-0.65*0.5*1, -0.65*0.6*0] = [-0.325, 0]
    BP2 grad b1 = [-0.325, 0];  BP3 grad W1 = [[1], [2]] @ [[-0.325, 0]]
    new = old - 0.1 * grad.
    """
    X, y = np.array([[1.0, 2.0]]), np.array([1.0])
    reg = MLPBackpropRegressor(
        hidden_layer_sizes=(2,),
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.0,
        alpha=0.0,
        max_iter=1,
        shuffle=False,
        warm_start=True,
        tol=0.0,
    )
    with pytest.warns(Warning):  # ConvergenceWarning: max_iter=1
        reg.fit(X, y)
    reg.coefs_ = [np.array([[0.1, -0.2], [0.3, -0.4]]), np.array([[0.5], [0.6]])]
    reg.intercepts_ = [np.zeros(2), np.zeros(1)]
    with pytest.warns(Warning):
        reg.fit(X, y)

    np.testing.assert_allclose(reg.loss_, 0.21125)
    np.testing.assert_allclose(reg.coefs_[0], [[0.1325, -0.2], [0.365, -0.4]])
    np.testing.assert_allclose(reg.intercepts_[0], [0.0325, 0.0])
    np.testing.assert_allclose(reg.coefs_[1], [[0.5455], [0.6]])
    np.testing.assert_allclose(reg.intercepts_[1], [0.065])


def test_predict_chunks_sparse_rows_by_their_stored_entries(monkeypatch):
    """A wide sparse input is not sized as if dense: few, large chunks."""
    import scipy.sparse as sp

    stack = LayerStack([1_000_000, 10, 1], "relu", "identity", np.float64)
    stack.params[:] = 0.01
    rng = np.random.RandomState(0)
    rows, cols = rng.randint(2_000, size=20_000), rng.randint(1_000_000, size=20_000)
    X = sp.csr_matrix((rng.rand(20_000), (rows, cols)), shape=(2_000, 1_000_000))
    calls = []
    forward = LayerStack.forward

    def counting(self, X_chunk, *args, **kwargs):
        calls.append(X_chunk.shape[0])
        return forward(self, X_chunk, *args, **kwargs)

    monkeypatch.setattr(LayerStack, "forward", counting)
    out = stack.predict(X, max_bytes=2**20)
    assert out.shape == (2_000, 1) and len(calls) <= 2  # dense sizing: 250 chunks
    np.testing.assert_allclose(
        out,
        (X @ stack.coefs[0] + stack.intercepts[0]).clip(0) @ stack.coefs[1]
        + stack.intercepts[1],
    )


def test_from_arrays_accepts_nested_lists():
    rng = np.random.RandomState(0)
    coefs = [rng.randn(3, 4), rng.randn(4, 2)]
    intercepts = [rng.randn(4), rng.randn(2)]
    from_lists = LayerStack.from_arrays(
        [W.tolist() for W in coefs], [b.tolist() for b in intercepts], "tanh", "softmax"
    )
    from_arrays = LayerStack.from_arrays(coefs, intercepts, "tanh", "softmax")
    X = rng.randn(5, 3)
    assert from_lists.dtype == np.float64
    np.testing.assert_array_equal(from_lists.predict(X), from_arrays.predict(X))


def test_dropout_gradient_matches_finite_differences_for_fixed_masks():
    """BP3/BP4 through the kept units: with the masks held fixed (the same
    generator state for every evaluation), the cost is a smooth function of
    the parameters and backprop's gradient is its derivative."""
    from skbp._network import Dropout

    rng = np.random.RandomState(0)
    stack = LayerStack([4, 6, 5, 2], ["tanh", "relu"], "identity", np.float64)
    stack.params[:] = rng.uniform(-0.8, 0.8, stack.n_params)
    X, Y = rng.normal(size=(7, 4)), rng.normal(size=(7, 2))

    def cost(params):
        stack.params[:] = params
        masks = Dropout([0.5, 0.3], np.random.RandomState(42), stack, 7)
        work = Workspace(stack, 7, dropout=masks)
        return stack.backprop(X, Y, None, LOSSES["squared_error"], 0.1, work), work

    theta = stack.params.copy()
    _, work = cost(theta)
    assert (work.dropout.mask[1][:7] == 0).any()  # some units were dropped
    grad = work.grad.copy()
    shifts = np.eye(theta.size) * 1e-6
    numeric = [(cost(theta + s)[0] - cost(theta - s)[0]) / 2e-6 for s in shifts]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
