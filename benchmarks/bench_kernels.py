"""Time each piece of a training step on the numpy path and with the numba kernels.

The table in ``skbp/_kernels.py``'s docstring and on the docs' Performance page
comes from this script. Each row runs the numpy reference and the compiled
kernel on the same inputs (MNIST-sized network: 784-256-128-10, batch 200) on
one BLAS thread and reports the median time of one call.

Usage::

    python benchmarks/bench_kernels.py [--calls 200] [--repeats 7]
"""

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from skbp import _kernels
from skbp._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from skbp._losses import LOSSES
from skbp._optimizers import SGD, Adam

N_PARAMS = 784 * 256 + 256 * 128 + 128 * 10 + 256 + 128 + 10  # 235,146
N_WEIGHTS = N_PARAMS - (256 + 128 + 10)
ALPHA_SCALE = 1e-4 / 200  # alpha / batch weight


def median_call_seconds(function, calls, repeats):
    """Median over ``repeats`` rounds of the mean time of one call."""
    function()  # warm-up (and compile)
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        rounds.append((time.perf_counter() - start) / calls)
    return statistics.median(rounds)


def optimizer_pair(Optimizer, dtype, kernels):
    """The numpy and the numba step of ``Optimizer`` on the network's vector."""
    rng = np.random.default_rng(0)
    params, grad = (rng.normal(size=N_PARAMS).astype(dtype) for _ in range(2))
    numpy_opt, numba_opt = Optimizer(N_PARAMS, dtype), Optimizer(N_PARAMS, dtype)
    numpy_params, numba_params = params.copy(), params.copy()

    # Repeated calls on the same arrays: the numpy step adds the penalty to
    # grad in place, which changes the values but not the work.
    def numpy_step():
        numpy_opt.step(numpy_params, grad, N_WEIGHTS, ALPHA_SCALE)

    def numba_step():
        numba_opt.step(numba_params, grad, N_WEIGHTS, ALPHA_SCALE, kernels)

    return numpy_step, numba_step


def relu_pairs(dtype, kernels):
    """Forward (bias + ReLU) and backward (ReLU' and BP2) of a 200 x 256 layer."""
    relu = HIDDEN_ACTIVATIONS["relu"]
    rng = np.random.default_rng(0)
    Z, Delta = (rng.normal(size=(200, 256)).astype(dtype) for _ in range(2))
    b = rng.normal(size=256).astype(dtype)
    A = np.maximum(Z, 0)
    grad_b = np.empty(256, dtype)
    # In place on the same arrays call after call, as in training (the values
    # drift, the work does not change).

    def numpy_forward():
        np.add(Z, b, out=Z)
        relu.apply(Z)

    def numba_forward():
        kernels.add_bias_relu(Z, b)

    def numpy_backward():
        relu.multiply_by_derivative(A, Delta)
        Delta.sum(axis=0, out=grad_b)

    def numba_backward():
        kernels.relu_derivative_bias_grad(A, Delta, grad_b)

    return (numpy_forward, numba_forward), (numpy_backward, numba_backward)


def output_pair(dtype, kernels):
    """Softmax, log-loss, BP1 and BP2 of a 200 x 10 output layer."""
    softmax, loss = OUTPUT_ACTIVATIONS["softmax"], LOSSES["log_loss"]
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(200, 10)).astype(dtype)
    Y = np.eye(10, dtype=dtype)[rng.integers(10, size=200)]
    A, Delta, grad_b = Z.copy(), np.empty_like(Z), np.empty(10, dtype)
    fused = kernels.output_layer(softmax, loss)
    # In place: each call applies softmax to the last call's probabilities.

    def numpy_output():
        softmax.apply(A)
        loss.value(Y, A, None)
        loss.bp1(Y, A, None, softmax, out=Delta)
        np.multiply(Delta, 1.0 / 200, out=Delta)
        Delta.sum(axis=0, out=grad_b)

    def numba_output():
        fused(A, Y, None, Delta, grad_b)

    return numpy_output, numba_output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per round")
    parser.add_argument("--repeats", type=int, default=7, help="timed rounds")
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        kernels = _kernels.Kernels(_kernels.load()._k, n_threads=1)
        rows = []
        for dtype in (np.float64, np.float32):
            name = np.dtype(dtype).name
            forward, backward = relu_pairs(dtype, kernels)
            adam, sgd = (optimizer_pair(opt, dtype, kernels) for opt in (Adam, SGD))
            rows += [
                (f"Adam + L2, {N_PARAMS:,} {name}", adam),
                (f"SGD (Nesterov) + L2, {N_PARAMS:,} {name}", sgd),
                (f"bias add + ReLU, 200 x 256 {name}", forward),
                (f"ReLU' into BP4 + BP2, 200 x 256 {name}", backward),
                (
                    f"softmax + log-loss + BP1 + BP2, 200 x 10 {name}",
                    output_pair(dtype, kernels),
                ),
            ]
        print("| work per training step | numpy | numba | numpy / numba |")
        print("| --- | --- | --- | --- |")
        for label, (numpy_fn, numba_fn) in rows:
            t_numpy = median_call_seconds(numpy_fn, args.calls, args.repeats)
            t_numba = median_call_seconds(numba_fn, args.calls, args.repeats)
            print(
                f"| {label} | {t_numpy * 1e6:.0f} us | {t_numba * 1e6:.0f} us "
                f"| {t_numpy / t_numba:.1f} |"
            )


if __name__ == "__main__":
    main()
