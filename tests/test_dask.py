"""skbp on a real dask cluster: search, fit on dask arrays, dask-ml (issue 11).

One two-process ``LocalCluster`` over loopback serves the whole module (it is
the default client, so every ``dask.compute`` here runs on it). The checks:
joblib's dask backend gives the local search and cross-validation; ``fit`` on
dask arrays equals the in-memory fit (L-BFGS to rounding, SGD/Adam bit for bit
where the mini-batches are the same) and never pulls the whole array into the
client; dask-ml's ``Incremental`` and ``ParallelPostFit`` work with skbp.
"""

import os
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._dask import _DistributedObjective, _held_out_counts, _NetworkSpec
from skbp._losses import LOSSES
from skbp._network import LayerStack, Workspace

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
psutil = pytest.importorskip("psutil")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        timeout="60s",
    )
    client = distributed.Client(cluster, timeout="60s")
    worker_pids = list(client.run(os.getpid).values())
    client.run(_import_skbp)  # workers import skbp once, before any test
    try:
        yield client
    finally:
        client.close(timeout=30)
        cluster.close(timeout=30)
    # no leaked worker processes
    gone, alive = psutil.wait_procs(
        [psutil.Process(pid) for pid in worker_pids if psutil.pid_exists(pid)],
        timeout=20,
    )
    assert not alive, f"worker processes left running: {alive}"


def _import_skbp():
    import skbp  # noqa: F401


def _data(n=400, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 5)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.8)
    sample_weight = rng.rand(n)
    sample_weight[:100] = 0  # a whole block of zero weight (blocks of 100 rows)
    return X, y, sample_weight


def _as_dask(*arrays, rows=100):
    # X's columns split in two: a block must hold whole rows, so skbp rechunks
    return [da.from_array(a, chunks=(rows, 3) if a.ndim == 2 else rows) for a in arrays]


def _assert_same_network(a, b, rtol=0.0):
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        if rtol:
            np.testing.assert_allclose(q, p, rtol=rtol, atol=rtol)
        else:
            np.testing.assert_array_equal(q, p)


class _NotGathered:
    """Fail if the client converts, or computes, an array of the full length."""

    def __init__(self, monkeypatch, n_rows):
        self.n_rows = n_rows
        original_compute = dask.compute

        def array(array, *args, **kwargs):
            raise AssertionError("a dask array was converted to numpy in the client")

        def guarded_compute(*args, **kwargs):
            for arg in args:
                if isinstance(arg, da.Array) and arg.ndim and arg.shape[0] >= n_rows:
                    raise AssertionError(f"computed an array of shape {arg.shape}")
            return original_compute(*args, **kwargs)

        def array_compute(array, **kwargs):
            return guarded_compute(array, **kwargs)[0]

        monkeypatch.setattr(da.Array, "__array__", array)
        monkeypatch.setattr(da.Array, "compute", array_compute)
        monkeypatch.setattr(dask, "compute", guarded_compute)


# -- the weighted sum of block gradients ---------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_block_sum_is_the_full_data_cost_and_gradient(client, weighted):
    X, y, sample_weight = _data()
    sample_weight = sample_weight if weighted else None
    Y = np.eye(3)[y]
    stack = LayerStack([5, 6, 3], "tanh", "softmax", np.float64)
    stack.glorot_uniform_init(np.random.RandomState(1))
    work = Workspace(stack, X.shape[0])
    cost = stack.backprop(X, Y, sample_weight, LOSSES["log_loss"], 0.3, work)

    Xd, Yd = _as_dask(X, Y, rows=70)  # blocks of unequal sizes (70 x 5 + 50)
    swd = None if sample_weight is None else _as_dask(sample_weight, rows=70)[0]
    spec = _NetworkSpec([5, 6, 3], "tanh", "softmax", np.float64, LOSSES["log_loss"])
    objective = _DistributedObjective(Xd.rechunk({1: -1}), Yd, swd, spec, 0.3)
    distributed_cost, gradient = objective(stack.params.copy())
    np.testing.assert_allclose(distributed_cost, cost, rtol=1e-12)
    np.testing.assert_allclose(gradient, work.grad, rtol=1e-10, atol=1e-14)


# -- fit on dask arrays equals the in-memory fit --------------------------------


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_lbfgs_on_dask_equals_in_memory(client, monkeypatch, estimator):
    X, y, sample_weight = _data()
    if estimator == "classifier":
        model = MLPBackpropClassifier
    else:
        model, y = MLPBackpropRegressor, X[:, :2] @ [1.0, -2.0] + 0.5
    kwargs = dict(solver="lbfgs", hidden_layer_sizes=(8,), max_iter=5, alpha=1e-2)
    local = model(random_state=0, **kwargs).fit(X, y, sample_weight=sample_weight)
    Xd, yd, swd = _as_dask(X, y, sample_weight)
    _NotGathered(monkeypatch, X.shape[0])
    remote = model(random_state=0, **kwargs).fit(Xd, yd, sample_weight=swd)
    assert remote.n_iter_ == local.n_iter_ == 5
    np.testing.assert_allclose(remote.loss_curve_, local.loss_curve_, rtol=1e-8)
    _assert_same_network(local, remote, rtol=1e-8)
    assert remote.n_features_in_ == 5
    if estimator == "classifier":
        np.testing.assert_array_equal(remote.classes_, [0, 1, 2])


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_streamed_epochs_equal_in_memory_bit_for_bit(client, monkeypatch, solver):
    # shuffle=False and blocks a multiple of batch_size: the same mini-batches
    X, y, sample_weight = _data()
    kwargs = dict(solver=solver, hidden_layer_sizes=(8,), max_iter=4, batch_size=50)
    kwargs.update(shuffle=False, random_state=0)
    local = MLPBackpropClassifier(**kwargs).fit(X, y, sample_weight=sample_weight)
    Xd, yd, swd = _as_dask(X, y, sample_weight)
    _NotGathered(monkeypatch, X.shape[0])
    remote = MLPBackpropClassifier(**kwargs).fit(Xd, yd, sample_weight=swd)
    _assert_same_network(local, remote)
    np.testing.assert_allclose(remote.loss_curve_, local.loss_curve_, rtol=1e-12)
    assert remote.t_ == local.t_


def test_partial_fit_on_dask_is_one_pass(client, monkeypatch):
    X, y, _ = _data()
    kwargs = dict(solver="sgd", hidden_layer_sizes=(8,), batch_size=25, shuffle=False)
    local = MLPBackpropClassifier(random_state=0, **kwargs)
    remote = MLPBackpropClassifier(random_state=0, **kwargs)
    Xd, yd = _as_dask(X, y)
    _NotGathered(monkeypatch, X.shape[0])
    for _ in range(2):
        local.partial_fit(X, y, classes=[0, 1, 2])
        remote.partial_fit(Xd, yd, classes=[0, 1, 2])
    assert remote.n_iter_ == 1 and len(remote.loss_curve_) == 2
    _assert_same_network(local, remote)


def test_shuffled_stream_is_seeded_and_learns(client):
    X, y, _ = _data()
    Xd, yd = _as_dask(X, y)
    kwargs = dict(solver="adam", hidden_layer_sizes=(16,), max_iter=8, batch_size=16)
    first = MLPBackpropClassifier(random_state=3, **kwargs).fit(Xd, yd)
    second = MLPBackpropClassifier(random_state=3, **kwargs).fit(Xd, yd)
    _assert_same_network(first, second)
    unshuffled = MLPBackpropClassifier(random_state=3, shuffle=False, **kwargs)
    assert not np.array_equal(unshuffled.fit(X, y).coefs_[0], first.coefs_[0])
    assert first.loss_curve_[-1] < 0.8 * first.loss_curve_[0]
    assert first.score(X, y) > 0.7


def test_early_stopping_holds_out_rows_of_every_block(client, monkeypatch):
    X, y, sample_weight = _data()
    Xd, yd, swd = _as_dask(X, y, sample_weight)
    _NotGathered(monkeypatch, X.shape[0])
    params = dict(early_stopping=True, validation_fraction=0.15, max_iter=12)
    model = MLPBackpropRegressor(random_state=0, **params)
    model.fit(Xd, Xd[:, 0] * 2 - Xd[:, 1], sample_weight=swd)
    assert len(model.validation_scores_) == model.n_iter_ == 12
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.t_ == 12 * (400 - 60)
    counts = _held_out_counts((70, 70, 70, 70, 70, 50), 0.15)
    assert counts.sum() == 60 and set(counts) <= {10, 11, 8, 7}


# -- input that cannot be handled, and what stays optional ----------------------


def test_unknown_chunk_sizes_name_the_fix(client):
    X, y, _ = _data()
    Xd, yd = _as_dask(X, y)
    keep = Xd[:, 0] > 0
    with pytest.raises(ValueError, match=r"compute_chunk_sizes\(\)"):
        MLPBackpropClassifier(max_iter=2).fit(Xd[keep], yd[keep])


def test_validation_uses_dask_reductions(client):
    X, y, _ = _data()
    X[3, 1] = np.nan
    Xd, yd = _as_dask(X, y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        MLPBackpropClassifier(max_iter=2).fit(Xd, yd)
    X[3, 1] = 0
    model = MLPBackpropClassifier(max_iter=2, solver="lbfgs").fit(*_as_dask(X, y))
    with pytest.raises(ValueError, match="X has 4 features"):
        MLPBackpropClassifier(max_iter=2, solver="sgd", warm_start=True).fit(
            *_as_dask(X, y)
        ).fit(*_as_dask(X[:, :4], y))
    with pytest.raises(ValueError, match="Negative values"):
        model.fit(*_as_dask(X, y), sample_weight=-_as_dask(np.ones(400))[0])


def test_import_skbp_does_not_import_dask():
    code = "import sys, skbp; assert 'dask' not in sys.modules, 'dask imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# -- search and cross-validation through joblib's dask backend -------------------


def _search():
    pipe = make_pipeline(
        StandardScaler(), MLPBackpropClassifier(max_iter=30, random_state=0)
    )
    grid = {
        "mlpbackpropclassifier__alpha": [1e-4, 1e-1],
        "mlpbackpropclassifier__hidden_layer_sizes": [(8,), (16,)],
    }
    return GridSearchCV(pipe, grid, cv=3)


def test_grid_search_and_cross_validate_on_dask_match_local(client):
    X, y = load_iris(return_X_y=True)
    local = _search().fit(X, y)
    model = MLPBackpropClassifier(max_iter=30, random_state=0)
    local_cv = cross_validate(model, X, y, cv=3)
    with joblib.parallel_backend("dask"):
        remote = _search().fit(X, y)
        remote_cv = cross_validate(model, X, y, cv=3)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    np.testing.assert_array_equal(remote_cv["test_score"], local_cv["test_score"])


# -- dask-ml ------------------------------------------------------------------------


def test_dask_ml_incremental_and_parallel_post_fit(client):
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y, _ = _data()
    Xd, yd = da.from_array(X, chunks=(100, -1)), da.from_array(y, chunks=100)
    kwargs = dict(solver="sgd", hidden_layer_sizes=(8,), random_state=0)
    incremental = wrappers.Incremental(
        MLPBackpropClassifier(**kwargs), shuffle_blocks=False
    ).fit(Xd, yd, classes=[0, 1, 2])
    by_hand = MLPBackpropClassifier(**kwargs)
    for start in range(0, 400, 100):
        rows = slice(start, start + 100)
        by_hand.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    _assert_same_network(by_hand, incremental.estimator_)

    post = wrappers.ParallelPostFit(by_hand)
    np.testing.assert_array_equal(post.predict(Xd).compute(), by_hand.predict(X))
    np.testing.assert_allclose(
        post.predict_proba(Xd).compute(), by_hand.predict_proba(X)
    )


def test_string_labels_numpy_X_and_float32(client):
    X, y, _ = _data()
    labels = np.array(["a", "b", "c"])[y]
    kwargs = dict(solver="sgd", max_iter=2, shuffle=False, batch_size=50)
    local = MLPBackpropClassifier(random_state=0, **kwargs).fit(X, labels)
    # numpy X beside a dask y: X is cut into y's blocks
    remote = MLPBackpropClassifier(random_state=0, **kwargs).fit(
        X, da.from_array(labels, chunks=100)
    )
    np.testing.assert_array_equal(remote.classes_, ["a", "b", "c"])
    _assert_same_network(local, remote)

    kwargs = dict(solver="lbfgs", max_iter=5, dtype=np.float32, random_state=0)
    local = MLPBackpropRegressor(**kwargs).fit(X, X[:, 1])
    Xd = _as_dask(X)[0]
    remote = MLPBackpropRegressor(**kwargs).fit(Xd, Xd[:, 1])
    assert remote.coefs_[0].dtype == np.float32
    _assert_same_network(local, remote, rtol=1e-5)
