"""Optional numba kernels that fuse the element-wise work of a training step.

numpy cannot fuse passes: the Adam update with the L2 penalty's gradient is a
dozen whole-vector passes in :mod:`skbp._optimizers` (the readable reference),
one pass here. The kernels below are plain Python loops compiled by numba on
first use (:func:`load`), never at ``import skbp``; numba comes with the
``fast`` extra (``pip install "skbp[fast]"``). Which backend a fit uses is
chosen once per fit by :func:`skbp._config.resolve_kernels`.

Each kernel performs the reference's floating-point operations in the
reference's order and dtype (``error_model="numpy"`` lets LLVM vectorise the
division and square root; ``fastmath=False`` forbids reassociation), so the
results are bit-identical to the numpy path; ``tests/test_kernels.py`` checks
it.

Parallelism: with more than one BLAS thread allowed (``threadpoolctl``
limits are read once per fit) and a long vector, the optimizer kernels run a
``prange`` variant on at most that many numba threads; one BLAS thread means
one thread here too.

Measured on a shared 2-core VM (1 thread, numba 0.68, medians of 200 calls):

================================  ===============  ===============
work per training step            numpy            numba
================================  ===============  ===============
Adam + L2, 235,146 float64        1.28 ms          0.32 ms
Adam + L2, 235,146 float32        0.44 ms          0.11 ms
Adam + L2, 50,000 float64         0.24 ms          0.06 ms
SGD/Nesterov + L2, 235,146 f64    0.60 ms          0.14 ms
bias add + ReLU, 200 x 256 f64    64 us            10 us
ReLU' into BP4, 200 x 256 f64     37 us            16 us
================================  ===============  ===============

The fixed costs: ``import numba`` 0.4-0.6 s and loading the cached kernels
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


def _relu_derivative(A, Delta):
    # BP4's Hadamard factor for ReLU: Delta *= (A > 0), i.e. zero where A <= 0.
    rows, cols = Delta.shape
    for r in range(rows):
        for k in range(cols):
            Delta[r, k] = Delta[r, k] * (A[r, k] > 0)


def _add_bias_relu(Z, b):
    # Forward pass for a ReLU layer: Z = max(Z + b, 0), in one pass.
    rows, cols = Z.shape
    for r in range(rows):
        for k in range(cols):
            z = Z[r, k] + b[k]
            Z[r, k] = z if z > 0 or z != z else 0.0  # NaN propagates, as np.maximum


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
        "relu_derivative": serial(_relu_derivative),
        "add_bias_relu": serial(_add_bias_relu),
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

    def relu_derivative(self, A, Delta):
        """``Delta *= (A > 0)`` in place (BP4's factor for ReLU)."""
        self._k["relu_derivative"](A, Delta)

    def add_bias_relu(self, Z, b):
        """``Z = max(Z + b, 0)`` in place (forward pass of a ReLU layer)."""
        self._k["add_bias_relu"](Z, b)
