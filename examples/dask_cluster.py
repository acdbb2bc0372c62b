"""
Train one skbp network on a dask cluster
========================================

On data the client never holds. Not run when the documentation is built (it starts
a cluster); run it yourself. Usage::

    python examples/dask_cluster.py                       # a local 2-worker cluster
    python examples/dask_cluster.py tcp://scheduler:8786  # an existing cluster

With an address, the script connects to that scheduler (its workers need skbp
and dask installed: ``pip install "skbp[dask]"``); without one it starts a
``LocalCluster`` of two worker processes on this machine. The cluster code is
under ``if __name__ == "__main__":``, which dask's worker processes need (they
import this file; unguarded, starting the cluster fails with ``RuntimeError:
Nanny failed to start``).

The story, at a small size (a few seconds):

1. the data are a dask array generated on the workers, block by block;
2. ``solver='lbfgs'``: every loss/gradient evaluation runs backpropagation on
   each block where it lives; one flat gradient comes back to the client;
3. ``solver='adam'``: epochs stream the blocks through the client one at a
   time, with early stopping on rows held out of every block;
4. a grid search over in-memory data runs through joblib's dask backend;
5. dask-ml's ``ParallelPostFit`` (if installed) predicts on the workers.
"""

import argparse
import time
import warnings

import dask.array as da
import joblib
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skbp import MLPBackpropClassifier


def make_data(n_rows, n_features, rows_per_block, seed=0):
    """A two-class problem as a dask array; the blocks are made on the workers."""
    rng = da.random.RandomState(seed)
    X = rng.standard_normal((n_rows, n_features), chunks=(rows_per_block, -1))
    score = X[:, 0] * X[:, 1] + X[:, 2] - 0.5 * X[:, 3]
    y = (score > 0).astype(int)
    return X, y


def story(client):
    print(f"cluster: {client}")
    # max_iter is small on purpose: quiet the ConvergenceWarnings, here and on
    # the workers (where the grid search's fits run)
    warnings.simplefilter("ignore", ConvergenceWarning)
    client.run(warnings.simplefilter, "ignore", ConvergenceWarning)
    X, y = make_data(n_rows=20_000, n_features=20, rows_per_block=5_000)
    X, y = client.persist([X, y])  # the blocks live on the workers from now on
    print(f"data: X {X.shape} in {X.numblocks[0]} blocks, never in the client")

    start = time.perf_counter()
    lbfgs = MLPBackpropClassifier(
        solver="lbfgs", hidden_layer_sizes=(32,), max_iter=20, random_state=0
    ).fit(X, y)
    print(
        f"lbfgs: {lbfgs.n_iter_} iterations in {time.perf_counter() - start:.1f} s, "
        f"loss {lbfgs.loss_:.4f}"
    )

    start = time.perf_counter()
    adam = MLPBackpropClassifier(
        solver="adam",
        hidden_layer_sizes=(32,),
        batch_size=250,
        max_iter=5,
        early_stopping=True,
        random_state=0,
    ).fit(X, y)
    print(
        f"adam: {adam.n_iter_} epochs in {time.perf_counter() - start:.1f} s, "
        f"best validation accuracy {adam.best_validation_score_:.3f}"
    )

    X_digits, y_digits = load_digits(return_X_y=True)
    search = GridSearchCV(
        MLPBackpropClassifier(max_iter=20, random_state=0),
        {"alpha": [1e-4, 1e-1]},
        cv=2,
    )
    start = time.perf_counter()
    with joblib.parallel_backend("dask"):
        search.fit(X_digits / 16, y_digits)
    print(
        f"grid search through joblib's dask backend: {search.best_params_}, "
        f"score {search.best_score_:.3f} in {time.perf_counter() - start:.1f} s"
    )

    try:
        from dask_ml.wrappers import ParallelPostFit
    except ImportError:
        print("dask-ml not installed: skipping ParallelPostFit")
        return
    predicted = ParallelPostFit(lbfgs).predict(X)  # runs on the workers
    accuracy = (predicted == y).mean().compute()
    print(f"ParallelPostFit: accuracy of the lbfgs network {accuracy:.3f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument(
        "scheduler",
        nargs="?",
        help="address of a dask scheduler, e.g. tcp://10.0.0.1:8786 "
        "(default: start a local cluster of two worker processes)",
    )
    args = parser.parse_args(argv)
    if args.scheduler:
        with Client(args.scheduler, timeout="30s") as client:
            story(client)
        return
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        story(client)


if __name__ == "__main__":
    main()
