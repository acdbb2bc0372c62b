"""Benchmark skbp on dask arrays (issue 11): not a test, run by hand.

Cases, each in a fresh Python process so that its client peak RSS is its own:

* ``lbfgs-memory``: L-BFGS on the same data gathered into one numpy array
  (the reference); ``lbfgs-1`` / ``lbfgs-2``: L-BFGS on the dask array on a
  ``LocalCluster`` of 1 / 2 single-threaded worker processes. Reported: seconds
  per L-BFGS iteration (fit time / ``n_iter_``), seconds per loss/gradient
  evaluation (timed alone, ``--evals`` of them), the per-evaluation overhead
  (the same blocks cut to 10 rows each: scheduling and transfer, no compute)
  and the client's peak RSS above its RSS before the fit.
* ``adam-stream``: one epoch (``--epochs``) of Adam streamed over a larger
  dask array made on the workers; rows per second and client peak RSS.
  Then the trained network predicts the whole array through dask-ml's
  ``ParallelPostFit`` (skipped without dask-ml); rows per second.

The data are ``dask.array.random`` blocks made on the workers (float64); the
client never holds them except in ``lbfgs-memory``. Example::

    python benchmarks/bench_dask.py                       # moderate sizes
    python benchmarks/bench_dask.py --rows 2000000 --stream-rows 16000000

``--stream-rows 16000000 --features 16`` is a 2 GB float64 array (the issue's
size); the defaults are smaller, for a loaded 2-core machine.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings

import numpy as np

CASES = ("lbfgs-memory", "lbfgs-1", "lbfgs-2", "adam-stream")


def _rss_mib():
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _data(n_rows, n_features, block_rows, seed=0):
    import dask.array as da

    rng = da.random.RandomState(seed)
    X = rng.standard_normal((n_rows, n_features), chunks=(block_rows, -1))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
    return X, y


def _cluster(n_workers):
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    return cluster, Client(cluster)


def _lbfgs(args, n_workers):
    import dask
    from sklearn.exceptions import ConvergenceWarning

    from skbp import MLPBackpropClassifier
    from skbp._dask import _DistributedObjective, _NetworkSpec
    from skbp._losses import LOSSES
    from skbp._network import LayerStack, Workspace

    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = _data(args.rows, args.features, args.block_rows)
    kwargs = dict(
        solver="lbfgs",
        hidden_layer_sizes=(args.hidden,),
        max_iter=args.iterations,
        tol=0,
        random_state=0,
    )
    units = [args.features, args.hidden, 1]
    spec = _NetworkSpec(
        units, "relu", "logistic", np.float64, LOSSES["binary_log_loss"]
    )
    stack = LayerStack(units, "relu", "logistic", np.float64)
    stack.glorot_uniform_init(np.random.RandomState(0))
    flat = stack.params.copy()
    result = {"n_params": int(flat.size), "blocks": int(X.numblocks[0])}
    if n_workers == 0:
        X, y = dask.compute(X, y, scheduler="sync")  # deliberately gathered
        Y = y[:, None].astype(np.float64)
        rss = _rss_mib()
        start = time.perf_counter()
        model = MLPBackpropClassifier(**kwargs).fit(X, y)
        result["s_per_iter"] = (time.perf_counter() - start) / model.n_iter_
        work = Workspace(stack, X.shape[0])
        start = time.perf_counter()
        for _ in range(args.evals):
            stack.backprop(X, Y, None, LOSSES["binary_log_loss"], 1e-4, work)
        result["s_per_eval"] = (time.perf_counter() - start) / args.evals
    else:
        cluster, client = _cluster(n_workers)
        X, y = client.persist([X, y])
        dask.distributed.wait([X, y])
        Y = y[:, None].astype(np.float64)
        rss = _rss_mib()
        start = time.perf_counter()
        model = MLPBackpropClassifier(**kwargs).fit(X, y)
        result["s_per_iter"] = (time.perf_counter() - start) / model.n_iter_
        objective = _DistributedObjective(X, Y, None, spec, 1e-4)
        objective(flat)  # warm-up
        start = time.perf_counter()
        for _ in range(args.evals):
            objective(flat)
        result["s_per_eval"] = (time.perf_counter() - start) / args.evals
        tiny = X.map_blocks(lambda b: b[:10], chunks=((10,) * X.numblocks[0], -1))
        tiny_Y = Y.map_blocks(lambda b: b[:10], chunks=((10,) * X.numblocks[0], 1))
        tiny, tiny_Y = client.persist([tiny, tiny_Y])
        overhead = _DistributedObjective(tiny, tiny_Y, None, spec, 1e-4)
        overhead(flat)
        start = time.perf_counter()
        for _ in range(args.evals):
            overhead(flat)
        result["s_overhead_per_eval"] = (time.perf_counter() - start) / args.evals
        client.close()
        cluster.close()
    result.update(
        n_iter=int(model.n_iter_),
        loss=float(model.loss_),
        client_rss_before_mib=rss,
        client_peak_growth_mib=_peak_rss_mib() - rss,
    )
    return result


def _stream(args, predict):
    from sklearn.exceptions import ConvergenceWarning

    from skbp import MLPBackpropClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    cluster, client = _cluster(2)
    X, y = _data(args.stream_rows, args.features, args.block_rows, seed=1)
    model = MLPBackpropClassifier(
        solver="adam",
        hidden_layer_sizes=(args.hidden,),
        batch_size=200,
        max_iter=args.epochs,
        random_state=0,
    )
    result = {"rows": args.stream_rows, "gib": X.nbytes / 2**30}
    rss = _rss_mib()
    start = time.perf_counter()
    model.fit(X, y)
    elapsed = time.perf_counter() - start
    result.update(
        fit_s=elapsed,
        rows_per_s=args.stream_rows * model.n_iter_ / elapsed,
        client_rss_before_mib=rss,
        client_peak_growth_mib=_peak_rss_mib() - rss,
        loss=float(model.loss_),
    )
    if predict:
        try:
            from dask_ml.wrappers import ParallelPostFit
        except ImportError:
            result["predict"] = "skipped: dask-ml not installed"
        else:
            start = time.perf_counter()
            accuracy = float((ParallelPostFit(model).predict(X) == y).mean().compute())
            elapsed = time.perf_counter() - start
            result.update(
                predict_s=elapsed,
                predict_rows_per_s=args.stream_rows / elapsed,
                accuracy=accuracy,
            )
    client.close()
    cluster.close()
    return result


def run_case(case, args):
    if case.startswith("lbfgs"):
        workers = {"lbfgs-memory": 0, "lbfgs-1": 1, "lbfgs-2": 2}[case]
        return _lbfgs(args, workers)
    return _stream(args, predict=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--rows", type=int, default=400_000, help="L-BFGS rows")
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--block-rows", type=int, default=50_000)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--evals", type=int, default=5)
    parser.add_argument("--stream-rows", type=int, default=2_000_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--run", help=argparse.SUPPRESS)  # one case, JSON out
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_case(args.run, args)))
        return
    forwarded = [
        f"--{name.replace('_', '-')}={value}"
        for name, value in vars(args).items()
        if name not in ("cases", "run")
    ]
    print(f"# bench_dask {' '.join(forwarded)} (cpus: {os.cpu_count()})")
    for case in args.cases.split(","):
        out = subprocess.run(
            [sys.executable, __file__, *forwarded, "--run", case],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(f"{case}: failed\n{out.stderr[-2000:]}")
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        shown = {
            k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()
        }
        print(f"{case}: {shown}", flush=True)


if __name__ == "__main__":
    main()
