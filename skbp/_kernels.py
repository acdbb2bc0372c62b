"""Optional numba kernels that fuse the element-wise work of a training step.

numpy cannot fuse passes: the Adam update with the L2 penalty's gradient is a
dozen whole-vector passes in :mod:`skbp._optimizers` (the readable reference),
one pass here. The kernels below are plain Python loops compiled by numba on
first use (:func:`load`), never at ``import skbp``; numba comes with the
``fast`` extra (``pip install "skbp[fast]"``). Which backend a fit uses is
chosen once per fit by :func:`skbp._config.resolve_kernels`.

The optimizer and ReLU kernels perform the reference's floating-point
operations in the reference's order and dtype (``error_model="numpy"`` lets
LLVM vectorise the division and square root; ``fastmath=False`` forbids
reassociation), so their results are bit-identical to the numpy path; the
fused output layer agrees to a few ulps (it sums the cost in float64).
``tests/test_kernels.py`` checks each kernel against the reference.

Parallelism: with more than one BLAS thread allowed (``threadpoolctl``
limits are read once per fit) and a long vector, the optimizer kernels run a
``prange`` variant on at most that many numba threads; one BLAS thread means
one thread here too.

Measured on a shared 2-core VM by ``benchmarks/bench_kernels.py`` (1 thread,
numba 0.68, medians of 7 rounds of 200 calls; MNIST-sized network):

=============================================  ==========  ==========
work per training step                         numpy       numba
=============================================  ==========  ==========
Adam + L2, 235,146 float64                     1116 us     290 us
Adam + L2, 235,146 float32                     421 us      117 us
SGD (Nesterov) + L2, 235,146 float64           515 us      135 us
bias add + ReLU, 200 x 256 float64             66 us       11 us
ReLU' into BP4 + BP2, 200 x 256 float64        66 us       25 us
softmax + log-loss + BP1 + BP2, 200 x 10 f64   94 us       31 us
=============================================  ==========  ==========

The fixed costs: ``import numba`` 0.3-0.6 s and loading the cached kernels
0.3-0.4 s in each new process; the very first compile (no cache yet) took
several seconds. At 100,000 parameters a step saves about 0.4 ms, so those
fixed costs are paid back after a few thousand steps; below
:data:`skbp._config.AUTO_MIN_PARAMS` parameters ``kernels="auto"`` stays on
numpy, and the digits/iris networks of ``python -m skbp compare`` (under
10,000 parameters) never import numba. With two threads, the Adam step on
235,146 float64 went from 0.28 ms to 0.19 ms.
"""

import threading

import numpy as np

# Replaced by numba.prange when the kernels are compiled; each optimizer kernel
# is compiled twice from one source: serial (prange is then a plain range) and
# parallel.
prange = range

# Vectors shorter than this stay on one thread: below it, waking the thread
# pool costs more than the pass.
PARALLEL_MIN_SIZE = 100_000

_JIT_OPTIONS = {"cache": True, "error_model": "numpy", "fastmath": False}
_compiled = None


# -- the kernels, as plain Python (compiled by numba in _compile) -------------


def _adam_step(params, grad, m_s, v_s, penalty_scale, b1, b2, eps_s, c):
    # Same operations and order as skbp._optimizers.Adam.step (scaled moments).
    for i in prange(params.size):  # a plain loop unless compiled parallel
        g = grad[i] + params[i] * penalty_scale  # L2 penalty's gradient
        m = m_s[i] * b1 + g
        v = v_s[i] * b2 + g * g
        m_s[i] = m
        v_s[i] = v
        params[i] -= m / (np.sqrt(v) + eps_s) * c


def _sgd_step(params, grad, velocity, penalty_scale, lr, momentum, nesterov):
    # Same operations and order as skbp._optimizers.SGD.step.
    for i in prange(params.size):  # a plain loop unless compiled parallel
        lr_g = (grad[i] + params[i] * penalty_scale) * lr
        v = velocity[i] * momentum - lr_g
        velocity[i] = v
        if nesterov:
            params[i] = (params[i] - lr_g) + v * momentum
        else:
            params[i] += v


def _relu_derivative_bias_grad(A, Delta, grad_b):
    # BP4's Hadamard factor for ReLU, Delta *= (A > 0), and BP2 for the same
    # layer, grad_b = Delta.sum(axis=0), in one pass. The column sums add the
    # rows in order, as numpy's reduction over axis 0 of a C-ordered array.
    rows, cols = Delta.shape
    for k in range(cols):
        grad_b[k] = 0.0
    for r in range(rows):
        for k in range(cols):
            d = Delta[r, k] * (A[r, k] > 0)
            Delta[r, k] = d
            grad_b[k] += d


def _add_bias_relu(Z, b):
    # Forward pass for a ReLU layer: Z = max(Z + b, 0), in one pass.
    rows, cols = Z.shape
    for r in range(rows):
        for k in range(cols):
            z = Z[r, k] + b[k]
            Z[r, k] = z if z > 0 or z != z else 0.0  # NaN propagates, as np.maximum


# The output layer for the canonical (output activation, loss) pairs: the
# activation of the logits in place, the batch's mean cost, BP1 scaled to the
# batch mean (Delta = (A - Y) * scale) and BP2 (grad_b = Delta.sum(axis=0)), in
# one pass over the (m, n_outputs) block instead of a dozen numpy calls.
# ``row_scale`` holds each row's w / sum(w), or is empty for the uniform
# ``scale`` 1 / m; ``one`` is 1 in the arrays' dtype (numba would promote a
# literal 1 with float32 to float64). The cost is accumulated in float64, the
# rest stays in the arrays' dtype. Probabilities are clipped to [eps, 1 - eps]
# inside the log, as in skbp._losses.


# The pairs, as the first argument of _output_layer (numba compiles one kernel
# and unswitches the loops on the constant).
_SOFTMAX_LOG_LOSS, _LOGISTIC_LOG_LOSS, _IDENTITY_SQUARED_ERROR = 0, 1, 2
_FUSED_OUTPUTS = {
    ("softmax", "log_loss"): _SOFTMAX_LOG_LOSS,
    ("logistic", "binary_log_loss"): _LOGISTIC_LOG_LOSS,
    ("identity", "squared_error"): _IDENTITY_SQUARED_ERROR,
}


def _output_layer(pair, A, Y, row_scale, scale, eps, one, Delta, grad_b):
    rows, cols = A.shape
    for k in range(cols):
        grad_b[k] = 0.0
    cost = 0.0
    for r in range(rows):
        s = row_scale[r] if row_scale.size else scale
        total = one
        if pair == _SOFTMAX_LOG_LOSS:  # exp(z - max z), and their sum
            top = A[r, 0]
            for k in range(1, cols):
                if A[r, k] > top:
                    top = A[r, k]
            total = A[r, 0] = np.exp(A[r, 0] - top)
            for k in range(1, cols):
                e = np.exp(A[r, k] - top)
                A[r, k] = e
                total += e
        row_cost = 0.0
        for k in range(cols):
            y = Y[r, k]
            if pair == _SOFTMAX_LOG_LOSS:
                a = A[r, k] / total
                if y != 0:
                    row_cost -= y * np.log(min(max(a, eps), one - eps))
            elif pair == _LOGISTIC_LOG_LOSS:
                a = one / (one + np.exp(-A[r, k]))  # expit, in the arrays' dtype
                p = min(max(a, eps), one - eps)
                if y != 0:
                    row_cost -= y * np.log(p)
                if y != 1:
                    row_cost -= (one - y) * np.log(one - p)
            else:  # identity, squared error
                a = A[r, k]
                row_cost += 0.5 * (a - y) * (a - y)
            A[r, k] = a
            d = (a - y) * s  # BP1, canonical: A - Y, scaled to the batch mean
            Delta[r, k] = d
            grad_b[k] += d  # BP2
        cost += row_cost * s
    return cost


# -- loading -------------------------------------------------------------------


def _compile():
    try:
        import numba
    except ImportError as exc:
        raise ImportError(
            'kernels="numba" needs numba, which is not installed: install skbp '
            'with its "fast" extra (pip install "skbp[fast]"), or use '
            'skbp.config_context(kernels="numpy") or kernels="auto".'
        ) from exc
    global prange
    prange = numba.prange
    serial = numba.njit(**_JIT_OPTIONS)
    parallel = numba.njit(parallel=True, **_JIT_OPTIONS)
    return {
        "numba": numba,
        "adam": serial(_adam_step),
        "adam_parallel": parallel(_adam_step),
        "sgd": serial(_sgd_step),
        "sgd_parallel": parallel(_sgd_step),
        "relu_derivative_bias_grad": serial(_relu_derivative_bias_grad),
        "add_bias_relu": serial(_add_bias_relu),
        "output_layer": serial(_output_layer),
    }


def _blas_threads():
    """The smallest thread limit among the loaded BLAS libraries (threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 1
    counts = [info["num_threads"] for info in threadpool_info()]
    return min(counts) if counts else 1


def load():
    """Compiled kernels for one fit (compiling, or loading numba's cache, once).

    Returns
    -------
    Kernels
        With ``n_threads`` read now from the BLAS thread limits (1 outside
        the main thread).

    Raises
    ------
    ImportError
        If numba is not installed; the message names the ``fast`` extra.
    """
    global _compiled
    if _compiled is None:
        _compiled = _compile()
    # numba's default thread pool (workqueue) must not be entered from two
    # threads at once: fits running in worker threads (joblib's threading
    # backend, dask) use the serial kernels.
    if threading.current_thread() is not threading.main_thread():
        return Kernels(_compiled, 1)
    return Kernels(_compiled, _blas_threads())


class Kernels:
    """The compiled kernels, bound to a thread count chosen once per fit.

    Arrays must be C-contiguous and share one dtype; scalars are cast to it
    here (numpy treats Python floats the same way), so float32 stays float32.
    """

    def __init__(self, compiled, n_threads):
        self._k = compiled
        self.n_threads = min(int(n_threads), compiled["numba"].config.NUMBA_NUM_THREADS)

    def _parallel(self, size):
        if self.n_threads > 1 and size >= PARALLEL_MIN_SIZE:
            self._k["numba"].set_num_threads(self.n_threads)
            return True
        return False

    def adam_step(self, params, grad, m_s, v_s, n_weights, penalty_scale, scalars):
        """Fused L2 penalty + Adam update; see :meth:`skbp._optimizers.Adam.step`.

        ``scalars`` is ``(b1, b2, eps_s, c)``; the penalty applies to
        ``params[:n_weights]`` only.
        """
        k, t = self._k, params.dtype.type
        b1, b2, eps_s, c = (t(s) for s in scalars)
        if not penalty_scale:
            n_weights = 0
        w = slice(0, n_weights)
        rest = slice(n_weights, None)
        kernel = k["adam_parallel"] if self._parallel(params.size) else k["adam"]
        kernel(params[w], grad[w], m_s[w], v_s[w], t(penalty_scale), b1, b2, eps_s, c)
        # the biases: no penalty (x * 0 adds +-0, which changes no sum)
        k["adam"](
            params[rest], grad[rest], m_s[rest], v_s[rest], t(0), b1, b2, eps_s, c
        )

    def sgd_step(self, params, grad, velocity, n_weights, penalty_scale, scalars):
        """Fused L2 penalty + SGD step; see :meth:`skbp._optimizers.SGD.step`.

        ``scalars`` is ``(lr, momentum, nesterov)``.
        """
        k, t = self._k, params.dtype.type
        lr, momentum, nesterov = scalars
        lr, momentum = t(lr), t(momentum)
        if not penalty_scale:
            n_weights = 0
        w = slice(0, n_weights)
        rest = slice(n_weights, None)
        kernel = k["sgd_parallel"] if self._parallel(params.size) else k["sgd"]
        kernel(
            params[w], grad[w], velocity[w], t(penalty_scale), lr, momentum, nesterov
        )
        k["sgd"](params[rest], grad[rest], velocity[rest], t(0), lr, momentum, nesterov)

    def relu_derivative_bias_grad(self, A, Delta, grad_b):
        """``Delta *= (A > 0)`` in place (BP4's factor for ReLU), then BP2:
        ``grad_b[...] = Delta.sum(axis=0)``."""
        self._k["relu_derivative_bias_grad"](A, Delta, grad_b)

    def add_bias_relu(self, Z, b):
        """``Z = max(Z + b, 0)`` in place (forward pass of a ReLU layer)."""
        self._k["add_bias_relu"](Z, b)

    def output_layer(self, sigma, loss):
        """The fused output-layer kernel for ``(sigma, loss)``, or None.

        Only canonical pairs are fused (softmax with log_loss, logistic with
        binary_log_loss, identity with squared_error). The kernel is called
        as ``kernel(A, Y, row_scale, Delta, grad_b) -> cost``: ``A`` holds the
        logits ``Z[L]`` (m, n_outputs) and receives ``sigma(Z[L])``;
        ``row_scale`` is each row's ``w / sum(w)`` (m,) or None for ``1 / m``;
        ``Delta`` receives BP1 scaled to the batch mean and ``grad_b`` BP2.
        Returns the batch's mean cost (a float, without the L2 penalty).
        """
        pair = _FUSED_OUTPUTS.get((getattr(sigma, "name", None), loss.name))
        if pair is None or not loss.is_canonical_for(sigma):
            return None
        kernel = self._k["output_layer"]

        def fused(A, Y, row_scale, Delta, grad_b):
            t = A.dtype.type
            m = A.shape[0]
            if row_scale is None:
                row_scale, scale = A[0, :0], t(1.0 / m)  # empty: uniform scale
            else:
                row_scale, scale = row_scale.astype(A.dtype, copy=False), t(0)
            eps = t(np.finfo(A.dtype).eps)
            return kernel(pair, A, Y, row_scale, scale, eps, t(1), Delta, grad_b)

        return fused
