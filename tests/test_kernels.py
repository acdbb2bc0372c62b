"""The optional numba kernels against the numpy reference, and the switch.

Kernel tests need numba (the ``fast`` extra) and are skipped without it; the
switch's tests run everywhere.
"""

import subprocess
import sys
import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import skbp
from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._config import AUTO_MIN_PARAMS, resolve_kernels
from skbp._optimizers import SGD, Adam

DTYPES = [np.float64, np.float32]


@pytest.fixture
def kernels():
    """Compiled kernels on one thread (skips the test without numba)."""
    pytest.importorskip("numba")
    from skbp import _kernels

    return _kernels.Kernels(_kernels.load()._k, n_threads=1)


def _run_python(code):
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# -- the switch -----------------------------------------------------------------


def test_config_context_sets_and_restores():
    assert skbp.get_config()["kernels"] == "auto"
    with skbp.config_context(kernels="numpy"):
        assert skbp.get_config()["kernels"] == "numpy"
        with skbp.config_context(kernels="auto"):
            assert skbp.get_config()["kernels"] == "auto"
        assert skbp.get_config()["kernels"] == "numpy"
    assert skbp.get_config()["kernels"] == "auto"
    with pytest.raises(RuntimeError), skbp.config_context(kernels="numpy"):
        raise RuntimeError
    assert skbp.get_config()["kernels"] == "auto"


def test_set_config_rejects_unknown_backend():
    with pytest.raises(ValueError, match="kernels must be one of.*'cuda'"):
        skbp.set_config(kernels="cuda")
    assert skbp.get_config()["kernels"] == "auto"


def test_config_is_thread_local():
    seen = []
    with skbp.config_context(kernels="numpy"):
        thread = threading.Thread(target=lambda: seen.append(skbp.get_config()))
        thread.start()
        thread.join()
    assert seen == [{"kernels": "auto"}]


def test_import_skbp_does_not_import_numba():
    code = "import sys, skbp; print('numba' in sys.modules)"
    assert _run_python(code) == "False"


def test_auto_on_a_small_problem_does_not_import_numba():
    code = (
        "import sys\n"
        "from sklearn.datasets import load_iris\n"
        "from skbp import MLPBackpropClassifier\n"
        "X, y = load_iris(return_X_y=True)\n"
        "MLPBackpropClassifier(max_iter=3).fit(X, y)\n"
        "print('numba' in sys.modules)\n"
    )
    assert _run_python(code) == "False"


def test_numba_without_numba_raises_an_error_naming_the_extra():
    code = (
        "import sys\n"
        "sys.modules['numba'] = None  # as if numba were not installed\n"
        "import numpy as np, skbp\n"
        "X, y = np.zeros((4, 2)), [0, 1, 0, 1]\n"
        "with skbp.config_context(kernels='numba'):\n"
        "    try:\n"
        "        skbp.MLPBackpropClassifier(max_iter=1).fit(X, y)\n"
        "    except ImportError as exc:\n"
        "        print(exc)\n"
    )
    message = _run_python(code)
    assert "numba" in message and "skbp[fast]" in message


def test_auto_chooses_by_size():
    assert resolve_kernels(AUTO_MIN_PARAMS - 1) is None
    with skbp.config_context(kernels="numpy"):
        assert resolve_kernels(10 * AUTO_MIN_PARAMS) is None
    pytest.importorskip("numba")
    assert resolve_kernels(AUTO_MIN_PARAMS) is not None
    with skbp.config_context(kernels="numba"):
        assert resolve_kernels(10) is not None


def test_one_blas_thread_means_one_thread():
    pytest.importorskip("numba")
    from threadpoolctl import threadpool_limits

    from skbp import _kernels

    with threadpool_limits(limits=1, user_api="blas"):
        assert _kernels.load().n_threads == 1


# -- kernels against the numpy reference ------------------------------------------


def _vectors(dtype, n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=n).astype(dtype) for _ in range(2)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("penalty_scale", [0.0, 3e-3])
def test_adam_kernel_is_bit_identical_to_numpy(kernels, dtype, penalty_scale):
    n, n_weights = 1001, 900
    params, _ = _vectors(dtype, n)
    ref_params = params.copy()
    ours, ref = Adam(n, dtype, 0.01), Adam(n, dtype, 0.01)
    for step in range(5):
        _, grad = _vectors(dtype, n, seed=step + 1)
        ref.step(ref_params, grad.copy(), n_weights, penalty_scale)
        ours.step(params, grad.copy(), n_weights, penalty_scale, kernels)
    assert params.dtype == dtype
    assert_array_equal(params, ref_params)
    assert_array_equal(ours.scaled_first_moment, ref.scaled_first_moment)
    assert_array_equal(ours.scaled_second_moment, ref.scaled_second_moment)
    assert ours.t == ref.t == 5


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("penalty_scale", [0.0, 3e-3])
def test_sgd_kernel_is_bit_identical_to_numpy(kernels, dtype, nesterov, penalty_scale):
    n, n_weights = 1001, 900
    params, _ = _vectors(dtype, n)
    ref_params = params.copy()
    ours = SGD(n, dtype, 0.05, momentum=0.9, nesterov=nesterov)
    ref = SGD(n, dtype, 0.05, momentum=0.9, nesterov=nesterov)
    for step in range(5):
        _, grad = _vectors(dtype, n, seed=step + 1)
        ref.step(ref_params, grad.copy(), n_weights, penalty_scale)
        ours.step(params, grad.copy(), n_weights, penalty_scale, kernels)
    assert_array_equal(params, ref_params)
    assert_array_equal(ours.velocity, ref.velocity)


@pytest.mark.parametrize("Optimizer", [SGD, Adam])
def test_parallel_variant_is_bit_identical(kernels, Optimizer):
    from skbp import _kernels

    parallel = _kernels.Kernels(kernels._k, n_threads=2)
    n = _kernels.PARALLEL_MIN_SIZE + 7
    params, grad = _vectors(np.float64, n)
    ref_params = params.copy()
    ours, ref = Optimizer(n, np.float64), Optimizer(n, np.float64)
    for _ in range(3):
        ref.step(ref_params, grad.copy(), n - 50, 1e-3)
        ours.step(params, grad.copy(), n - 50, 1e-3, parallel)
    assert_array_equal(params, ref_params)


def test_penalty_applies_to_the_weights_only(kernels):
    # grad = 0: only the penalty moves the weights; the biases stay put.
    params = np.ones(6)
    SGD(6, np.float64, 0.5, momentum=0.0).step(params, np.zeros(6), 4, 0.1, kernels)
    assert_array_equal(params, [0.95] * 4 + [1.0] * 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_kernels_match_numpy(kernels, dtype):
    from skbp._activations import HIDDEN_ACTIVATIONS

    relu = HIDDEN_ACTIVATIONS["relu"]
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(37, 11)).astype(dtype)
    b = rng.normal(size=11).astype(dtype)
    Z[0, 0] = np.nan
    ours, ref = Z.copy(), Z + b
    relu.apply(ref)
    kernels.add_bias_relu(ours, b)
    assert_array_equal(ours, ref)

    Delta = rng.normal(size=Z.shape).astype(dtype)
    ours_delta, ref_delta = Delta.copy(), Delta.copy()
    relu.multiply_by_derivative(ref, ref_delta)
    ours_grad_b = np.full(Z.shape[1], np.nan, dtype)  # overwritten, not added to
    kernels.relu_derivative_bias_grad(ref, ours_delta, ours_grad_b)
    assert_array_equal(ours_delta, ref_delta)
    # BP2 adds the rows in numpy's order: bit-identical
    assert_array_equal(ours_grad_b, ref_delta.sum(axis=0))


def _output_case(sigma_name, loss_name, dtype, weighted, seed=0):
    """Logits, targets and sample weights for an output layer of 3 units."""
    rng = np.random.default_rng(seed)
    m, k = 23, 3
    Z = (4 * rng.normal(size=(m, k))).astype(dtype)
    if loss_name == "log_loss":
        Y = np.eye(k, dtype=dtype)[rng.integers(k, size=m)]
    elif loss_name == "binary_log_loss":
        Y = rng.integers(2, size=(m, k)).astype(dtype)
        Z[0, 0] = 60.0  # saturates: a = 1, the log's argument is clipped
    else:
        Y = rng.normal(size=(m, k)).astype(dtype)
    sample_weight = rng.uniform(0, 2, size=m).astype(dtype) if weighted else None
    return Z, Y, sample_weight


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "sigma_name, loss_name",
    [
        ("softmax", "log_loss"),
        ("logistic", "binary_log_loss"),
        ("identity", "squared_error"),
    ],
)
def test_fused_output_layer_matches_numpy(
    kernels, sigma_name, loss_name, dtype, weighted
):
    from skbp._activations import OUTPUT_ACTIVATIONS
    from skbp._losses import LOSSES

    sigma, loss = OUTPUT_ACTIVATIONS[sigma_name], LOSSES[loss_name]
    Z, Y, sample_weight = _output_case(sigma_name, loss_name, dtype, weighted)
    m = Z.shape[0]
    # the numpy reference: skbp._network.LayerStack.backprop's output layer
    A_ref = Z.copy()
    sigma.apply(A_ref)
    cost_ref = loss.value(Y, A_ref, sample_weight)
    Delta_ref = loss.bp1(Y, A_ref, None, sigma, out=np.empty_like(Z))
    if sample_weight is None:
        row_scale = None
        Delta_ref *= 1.0 / m
    else:
        row_scale = sample_weight / sample_weight.sum()
        Delta_ref *= row_scale[:, np.newaxis]

    fused = kernels.output_layer(sigma, loss)
    A, Delta, grad_b = Z.copy(), np.empty_like(Z), np.full(Z.shape[1], np.nan, dtype)
    cost = fused(A, Y, row_scale, Delta, grad_b)
    rtol = 1e-13 if dtype == np.float64 else 1e-5
    assert A.dtype == Delta.dtype == grad_b.dtype == dtype
    assert_allclose(A, A_ref, rtol=rtol, atol=1e-30)
    assert_allclose(Delta, Delta_ref, rtol=rtol, atol=1e-30)
    assert_allclose(grad_b, Delta_ref.sum(axis=0), rtol=rtol, atol=1e-7 * rtol)
    assert_allclose(cost, cost_ref, rtol=rtol)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    "sigma_name, loss_name",
    [
        ("softmax", "log_loss"),
        ("logistic", "binary_log_loss"),
        ("identity", "squared_error"),
    ],
)
def test_fused_output_layer_keeps_non_finite_costs(kernels, sigma_name, loss_name, bad):
    # A NaN cost is how training detects divergence: the fused layer must not
    # hide one behind its clipping, and must agree with numpy where it is finite.
    from skbp._activations import OUTPUT_ACTIVATIONS
    from skbp._losses import LOSSES

    sigma, loss = OUTPUT_ACTIVATIONS[sigma_name], LOSSES[loss_name]
    Z = np.zeros((3, 2))
    Z[1, 0] = bad
    Y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    A_ref = Z.copy()
    with np.errstate(all="ignore"):
        sigma.apply(A_ref)
        cost_ref = loss.value(Y, A_ref, None)
    A, Delta, grad_b = Z.copy(), np.empty_like(Z), np.empty(2)
    cost = kernels.output_layer(sigma, loss)(A, Y, None, Delta, grad_b)
    assert np.isfinite(cost) == np.isfinite(cost_ref)
    if np.isfinite(cost_ref):
        assert_allclose(cost, cost_ref, rtol=1e-13)


def test_only_canonical_output_pairs_are_fused(kernels):
    from skbp._activations import OUTPUT_ACTIVATIONS
    from skbp._losses import LOSSES, huber_loss

    fused = kernels.output_layer
    assert fused(OUTPUT_ACTIVATIONS["softmax"], LOSSES["log_loss"]) is not None
    # the general BP1 (non-canonical pairs) and other losses stay on numpy
    assert fused(OUTPUT_ACTIVATIONS["logistic"], LOSSES["squared_error"]) is None
    assert fused(OUTPUT_ACTIVATIONS["identity"], huber_loss(2.0)) is None
    assert fused(OUTPUT_ACTIVATIONS["exp"], LOSSES["poisson"]) is None


# -- the estimators on both paths -----------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("target", ["binary", "multiclass", "regression"])
def test_numpy_and_numba_paths_fit_the_same_model(target, solver, dtype, weighted):
    # one fused output kernel each: logistic, softmax, identity
    pytest.importorskip("numba")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 6))
    if target == "regression":
        Estimator, y = MLPBackpropRegressor, X @ rng.normal(size=6)
    else:
        bins = [0.0] if target == "binary" else [-0.5, 0.5]  # 2 or 3 classes
        Estimator, y = MLPBackpropClassifier, np.digitize(X[:, 0] + X[:, 1], bins)
    sample_weight = rng.uniform(0, 2, size=120) if weighted else None
    params = dict(
        hidden_layer_sizes=(9, 7),
        solver=solver,
        alpha=0.01,
        batch_size=32,
        max_iter=4,
        random_state=0,
        dtype=dtype,
    )
    fitted = {}
    for backend in ["numpy", "numba"]:
        with skbp.config_context(kernels=backend):
            fitted[backend] = Estimator(**params).fit(X, y, sample_weight)
    ref, ours = fitted["numpy"], fitted["numba"]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        assert a.dtype == dtype
        assert_allclose(a, b, rtol=rtol, atol=rtol)
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=rtol)


def test_worker_threads_use_the_serial_kernels():
    pytest.importorskip("numba")
    from skbp import _kernels

    seen = []
    thread = threading.Thread(target=lambda: seen.append(_kernels.load().n_threads))
    thread.start()
    thread.join()
    assert seen == [1]


@pytest.mark.parametrize(
    "estimator",
    [
        MLPBackpropClassifier(max_iter=50, random_state=0),
        MLPBackpropClassifier(
            solver="sgd", learning_rate_init=0.05, max_iter=50, random_state=0
        ),
        MLPBackpropRegressor(max_iter=50, random_state=0),
    ],
    ids=["classifier-adam", "classifier-sgd", "regressor-adam"],
)
# neither skbp nor scikit-learn's MLP has decision_function: that check skips
@pytest.mark.filterwarnings("ignore:Skipping check .*decision_function")
def test_estimator_checks_pass_on_the_numba_path(estimator):
    # scikit-learn's estimator checks with every fit on the compiled kernels
    # (the small networks of the checks would stay on numpy under "auto").
    pytest.importorskip("numba")
    from sklearn.utils.estimator_checks import check_estimator

    with skbp.config_context(kernels="numba"):
        check_estimator(estimator)
