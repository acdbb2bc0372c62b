"""Benchmark skbp's MLP estimators against scikit-learn's.

Run ``python benchmarks/bench_mlp.py --help`` for the options; see
``benchmarks/README.md`` for typical command lines.

Methodology
-----------
* **Same work for both libraries.** Every fit trains for a fixed number of
  epochs: ``max_iter=epochs``, ``tol=0.0``, ``n_iter_no_change=epochs + 1``,
  ``early_stopping=False``, ``shuffle=True`` and a fixed ``random_state``.
  ``ConvergenceWarning`` is silenced. Seconds per epoch = fit time / epochs.
  A row is flagged if an estimator stopped before ``epochs`` iterations.
* **Interleaved, paired timing.** In one process, each estimator is fitted
  once as a warm-up, then the estimators are fitted in turn (A B A B ...) for
  ``--repeats`` rounds. The reported speed-up is the median over rounds of the
  per-round ratio ``sklearn_time / skbp_time`` (> 1 means skbp is faster), so
  slow drift of the machine (frequency, noisy neighbours) cancels out. The
  bracket after it gives the smallest and largest per-round ratio. The seconds
  per epoch columns are medians over the rounds.
* **BLAS threads.** Each case is run with every thread count in ``--threads``
  under ``threadpoolctl.threadpool_limits(limits=n, user_api="blas")``.
* **Quality.** Accuracy (classifiers) or R^2 (regressors) on a held-out split,
  of the warm-up fit of each estimator (all fits are identical by seeding).
* **Peak memory.** Measured with ``tracemalloc`` (numpy reports its data
  buffers to it) during a separate, untimed one-epoch fit of each estimator
  (every epoch allocates alike), so that tracing does not distort the
  timings. Arrays allocated before the fit (the input data) are not counted;
  copies the estimator makes are.
* **Floor.** The time of one epoch's matrix products alone, back to back: for
  every mini-batch the forward products ``X_b @ W1, H1 @ W2, ...``, the
  weight-gradient products ``A_prev.T @ Delta`` and the delta products
  ``Delta @ W.T`` (none for the input layer), on preallocated arrays of the
  right shapes and compute dtype via ``np.matmul(..., out=...)``. One floor
  epoch is timed in every round, after the fits, so it sees the same machine
  state. "Share of floor" = median over rounds of floor time / skbp time per
  epoch: the fraction of skbp's epoch that the unavoidable matrix products
  take (1.0 would mean zero overhead).
* **float32.** The ``-f32`` cases give float32 data to both libraries (both
  keep float32). An extra column gives the speed-up against scikit-learn on
  float64 data (scikit-learn's usual situation), and an extra row times skbp
  on float64 input with ``dtype=np.float32`` against scikit-learn on float64.
* **torch.** If ``import torch`` works, the same network is trained with a
  plain torch CPU loop (``nn.Sequential``, Adam/SGD, CrossEntropyLoss/MSELoss,
  same batch size and epochs, ``torch.set_num_threads(threads)``) and its
  median seconds per epoch is reported as a reference. It has no L2 penalty.
* **Predict memory** (``--predict-memory``): tracemalloc peak of
  ``est.predict(X)`` on a large float32 input (2,000,000 x 50 by default,
  generated in chunks before tracing starts, so the input is not counted),
  after fitting on a small subset.

Results are printed to stdout as Markdown as they are produced (progress goes
to stderr). ``--output PATH`` also writes them, with a header describing the
machine (CPU, cores, library versions, BLAS from threadpoolctl, date).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import fnmatch
import functools
import gc
import importlib.metadata
import importlib.util
import os
import platform
import shlex
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy
import sklearn
import threadpoolctl
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import skbp
from skbp import MLPBackpropClassifier, MLPBackpropRegressor

RANDOM_STATE = 0

ESTIMATORS = {
    ("skbp", "classification"): MLPBackpropClassifier,
    ("skbp", "regression"): MLPBackpropRegressor,
    ("sklearn", "classification"): MLPClassifier,
    ("sklearn", "regression"): MLPRegressor,
}


# --------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class Dataset:
    """A train/test split (float64 features)."""

    description: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    _cast: dict = dataclasses.field(default_factory=dict, repr=False)

    def features(self, dtype: type) -> tuple[np.ndarray, np.ndarray]:
        """(X_train, X_test) cast to ``dtype`` (cached, so timed fits share it)."""
        key = np.dtype(dtype)
        if key not in self._cast:
            self._cast[key] = (self.X_train.astype(dtype), self.X_test.astype(dtype))
        return self._cast[key]


@functools.cache
def mnist_like(quick: bool) -> Dataset:
    """MNIST-shaped synthetic classification: 784 features, 10 classes."""
    n_train, n_test = (6_000, 2_000) if quick else (60_000, 10_000)
    X, y = make_classification(
        n_samples=n_train + n_test,
        n_features=784,
        n_informative=100,
        n_classes=10,
        random_state=RANDOM_STATE,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_train, test_size=n_test, random_state=RANDOM_STATE
    )
    desc = (
        f"make_classification, {n_train} train / {n_test} test rows, "
        "784 features (100 informative), 10 classes"
    )
    return Dataset(desc, X_train, X_test, y_train, y_test)


@functools.cache
def digits(quick: bool) -> Dataset:
    """sklearn's 8x8 digits, standard scaled (same size in quick mode)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=RANDOM_STATE
    )
    scaler = StandardScaler().fit(X_train)
    desc = (
        f"load_digits, standard scaled, {len(y_train)} train / "
        f"{len(y_test)} test rows, 64 features, 10 classes"
    )
    return Dataset(
        desc, scaler.transform(X_train), scaler.transform(X_test), y_train, y_test
    )


@functools.cache
def regression(quick: bool) -> Dataset:
    """Synthetic regression, target standardized with the train statistics."""
    n_train, n_test = (5_000, 1_000) if quick else (20_000, 5_000)
    X, y = make_regression(
        n_samples=n_train + n_test,
        n_features=100,
        n_informative=50,
        noise=10.0,
        random_state=RANDOM_STATE,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_train, test_size=n_test, random_state=RANDOM_STATE
    )
    mean, std = y_train.mean(), y_train.std()
    desc = (
        f"make_regression, {n_train} train / {n_test} test rows, "
        "100 features (50 informative), noise 10, y standardized"
    )
    return Dataset(desc, X_train, X_test, (y_train - mean) / std, (y_test - mean) / std)


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    """One benchmark configuration (selected by ``name`` with ``--cases``)."""

    name: str
    task: str  # "classification" or "regression"
    load: Callable[[bool], Dataset]
    dtype: type  # dtype of the data given to both libraries
    hidden_layer_sizes: tuple[int, ...]
    solver: str
    epochs: int
    quick_epochs: int
    batch_size: int | str = 200
    activation: str = "relu"


def _mnist_case(solver: str, dtype: type) -> Case:
    suffix = "f32" if dtype == np.float32 else "f64"
    return Case(
        name=f"mnist-{solver}-{suffix}",
        task="classification",
        load=mnist_like,
        dtype=dtype,
        hidden_layer_sizes=(256, 128),
        solver=solver,
        epochs=5,
        quick_epochs=2,
    )


CASES = [
    _mnist_case("adam", np.float64),
    _mnist_case("sgd", np.float64),
    _mnist_case("adam", np.float32),
    _mnist_case("sgd", np.float32),
    Case(
        name="digits-adam-f64",
        task="classification",
        load=digits,
        dtype=np.float64,
        hidden_layer_sizes=(100,),
        solver="adam",
        epochs=50,
        quick_epochs=50,
        batch_size="auto",
    ),
    Case(
        name="regression-adam-f64",
        task="regression",
        load=regression,
        dtype=np.float64,
        hidden_layer_sizes=(256, 128),
        solver="adam",
        epochs=10,
        quick_epochs=3,
    ),
]
CASES_BY_NAME = {case.name: case for case in CASES}


@dataclasses.dataclass(frozen=True)
class Contender:
    """One estimator configuration that gets timed within a case."""

    key: str
    library: str  # "skbp" or "sklearn"
    data_dtype: type  # dtype of the X given to fit
    compute_dtype: type
    extra_params: tuple[tuple[str, object], ...] = ()


@dataclasses.dataclass(frozen=True)
class RowPlan:
    """One table row: an skbp contender against its scikit-learn baselines."""

    label: str
    skbp: str  # Contender keys
    sklearn: str  # same input data as skbp
    sklearn_f64: str  # scikit-learn on float64 data


def plan_case(case: Case) -> tuple[list[Contender], list[RowPlan]]:
    """Contenders to time (in interleaving order) and rows to report."""
    if case.dtype == np.float64:
        contenders = [
            Contender("skbp", "skbp", np.float64, np.float64),
            Contender("sklearn", "sklearn", np.float64, np.float64),
        ]
        return contenders, [RowPlan(case.name, "skbp", "sklearn", "sklearn")]
    contenders = [
        Contender("skbp-f32", "skbp", np.float32, np.float32),
        Contender("sklearn-f32", "sklearn", np.float32, np.float32),
        Contender(
            "skbp-f64-in", "skbp", np.float64, np.float32, (("dtype", np.float32),)
        ),
        Contender("sklearn-f64", "sklearn", np.float64, np.float64),
    ]
    rows = [
        RowPlan(case.name, "skbp-f32", "sklearn-f32", "sklearn-f64"),
        RowPlan(
            f"{case.name} (f64 input, dtype=float32)",
            "skbp-f64-in",
            "sklearn-f64",
            "sklearn-f64",
        ),
    ]
    return contenders, rows


def describe_case(case: Case, epochs: int, quick: bool) -> str:
    """One Markdown list item describing a case's setup."""
    return (
        f"- `{case.name}`: {case.load(quick).description}; "
        f"hidden {case.hidden_layer_sizes}, {case.activation}, {case.solver}, "
        f"batch_size={case.batch_size}, {epochs} epochs, "
        f"{np.dtype(case.dtype).name} data"
    )


# --------------------------------------------------------------------------
# Fitting, timing and memory
# --------------------------------------------------------------------------


def make_estimator(case: Case, contender: Contender, epochs: int):
    """A fresh estimator that trains for exactly ``epochs`` epochs."""
    cls = ESTIMATORS[contender.library, case.task]
    return cls(
        hidden_layer_sizes=case.hidden_layer_sizes,
        activation=case.activation,
        solver=case.solver,
        batch_size=case.batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
        shuffle=True,
        random_state=RANDOM_STATE,
        **dict(contender.extra_params),
    )


def fit_quietly(estimator, X, y):
    """Fit with ConvergenceWarning (expected: fixed epochs) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def timed(func: Callable[[], object]) -> float:
    """Wall-clock seconds of one call of ``func`` (after a garbage collection)."""
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def traced_peak_bytes(func: Callable[[], object]) -> int:
    """tracemalloc peak (bytes) of allocations made during ``func()``."""
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def interleaved_timings(
    funcs: dict[str, Callable[[], object]], repeats: int
) -> tuple[dict[str, object], dict[str, list[float]]]:
    """Warm up each function once, then time them in turn for ``repeats`` rounds.

    Returns the warm-up results (e.g. fitted estimators) and, per key, the
    list of times in round order, so that ``times[a][i]`` and ``times[b][i]``
    form a pair measured back to back.
    """
    warm = {key: func() for key, func in funcs.items()}
    times: dict[str, list[float]] = {key: [] for key in funcs}
    for _ in range(repeats):
        for key, func in funcs.items():
            times[key].append(timed(func))
    return warm, times


def paired_ratios(numerator: list[float], denominator: list[float]) -> list[float]:
    """Per-round ratios ``numerator[i] / denominator[i]``."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


# --------------------------------------------------------------------------
# Matrix-product floor
# --------------------------------------------------------------------------


def epoch_batch_sizes(n_samples: int, batch_size: int | str) -> list[int]:
    """Sizes of an epoch's mini-batches, as sklearn's ``gen_batches`` makes them."""
    size = min(200, n_samples) if batch_size == "auto" else min(batch_size, n_samples)
    full, rest = divmod(n_samples, size)
    return [size] * full + ([rest] if rest else [])


def make_matmul_epoch(
    layer_sizes: list[int], batch_sizes: list[int], dtype: type
) -> Callable[[], None]:
    """A function running one epoch's matrix products alone (the floor).

    ``layer_sizes`` is ``[n_features, *hidden_layer_sizes, n_outputs]`` and
    ``batch_sizes`` the epoch's mini-batch sizes. All arrays are allocated
    here, so that calling the result only runs ``np.matmul(..., out=...)``.
    """
    rng = np.random.default_rng(RANDOM_STATE)
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    weights = [
        (rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype) for a, b in pairs
    ]
    grads = [np.empty_like(w) for w in weights]

    def buffers(batch: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        # acts[0] is X_b, acts[i] the output of layer i; deltas[i] the error
        # signal at the output of layer i + 1 (same shape as acts[i + 1]).
        acts = [
            rng.standard_normal((batch, size)).astype(dtype) for size in layer_sizes
        ]
        deltas = [rng.standard_normal(a.shape).astype(dtype) for a in acts[1:]]
        return acts, deltas

    per_batch = {batch: buffers(batch) for batch in set(batch_sizes)}

    def epoch() -> None:
        for batch in batch_sizes:
            acts, deltas = per_batch[batch]
            for i, w in enumerate(weights):  # forward
                np.matmul(acts[i], w, out=acts[i + 1])
            for i in range(len(weights) - 1, -1, -1):  # backward
                np.matmul(acts[i].T, deltas[i], out=grads[i])
                if i > 0:
                    np.matmul(deltas[i], weights[i].T, out=deltas[i - 1])

    return epoch


def n_outputs(task: str, y: np.ndarray) -> int:
    """Width of the output layer sklearn uses for this target."""
    if task == "regression":
        return 1 if y.ndim == 1 else y.shape[1]
    n_classes = len(np.unique(y))
    return 1 if n_classes == 2 else n_classes


# --------------------------------------------------------------------------
# Optional torch reference
# --------------------------------------------------------------------------


def torch_available() -> bool:
    """Whether ``import torch`` would work (it is never installed by us)."""
    return importlib.util.find_spec("torch") is not None


def torch_seconds_per_epoch(
    case: Case, data: Dataset, epochs: int, threads: int, repeats: int
) -> float:
    """Median seconds per epoch of a plain torch CPU loop for ``case``."""
    import torch
    from torch import nn

    torch_dtype = torch.float32 if case.dtype == np.float32 else torch.float64
    X_np, _ = data.features(case.dtype)
    X = torch.from_numpy(np.ascontiguousarray(X_np))
    if case.task == "classification":
        _, labels = np.unique(data.y_train, return_inverse=True)
        y = torch.from_numpy(labels.astype(np.int64))
        width, loss_fn = int(labels.max()) + 1, nn.CrossEntropyLoss()
    else:
        y = torch.from_numpy(data.y_train.reshape(len(X_np), -1).astype(case.dtype))
        width, loss_fn = y.shape[1], nn.MSELoss()
    batch = epoch_batch_sizes(len(X_np), case.batch_size)[0]
    sizes = [X.shape[1], *case.hidden_layer_sizes]

    def train() -> None:
        torch.manual_seed(RANDOM_STATE)
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        model = nn.Sequential(*layers, nn.Linear(sizes[-1], width)).to(torch_dtype)
        if case.solver == "adam":
            opt = torch.optim.Adam(
                model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8
            )
        else:
            opt = torch.optim.SGD(
                model.parameters(), lr=1e-3, momentum=0.9, nesterov=True
            )
        generator = torch.Generator().manual_seed(RANDOM_STATE)
        for _ in range(epochs):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), batch):
                idx = order[start : start + batch]
                opt.zero_grad(set_to_none=True)
                loss_fn(model(X[idx]), y[idx]).backward()
                opt.step()

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        train()  # warm-up
        return statistics.median(timed(train) for _ in range(repeats)) / epochs
    finally:
        torch.set_num_threads(previous)


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def fmt_seconds(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def fmt_mb(n_bytes: float | None) -> str:
    return "n/a" if n_bytes is None else f"{n_bytes / 2**20:.1f}"


def fmt_ratio(ratios: list[float]) -> str:
    return f"{statistics.median(ratios):.2f} [{min(ratios):.2f}, {max(ratios):.2f}]"


def markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_header(columns: list[str]) -> list[str]:
    return [markdown_row(columns), markdown_row(["---"] * len(columns))]


def version_of(module) -> str:
    version = getattr(module, "__version__", None)
    if version is None:
        try:
            version = importlib.metadata.version(module.__name__)
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
    return str(version)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_description() -> list[str]:
    """One line per BLAS library loaded in this process (threadpoolctl)."""
    lines = []
    for info in threadpool_info():
        if info.get("user_api") != "blas":
            continue
        lines.append(
            f"{info.get('internal_api')} {info.get('version')}, "
            f"architecture {info.get('architecture', 'n/a')}, "
            f"threading {info.get('threading_layer', 'n/a')}, "
            f"{info.get('num_threads')} threads by default, "
            f"`{os.path.basename(info.get('filepath', ''))}`"
        )
    return lines or ["no BLAS found by threadpoolctl"]


def load_average() -> str:
    """System load average, to spot other processes competing for the CPU."""
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_info(args: argparse.Namespace) -> list[str]:
    """Markdown bullet list describing the machine and the run."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    env = [
        f"{k}={os.environ[k]}"
        for k in (
            "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE",
            "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS",
        )
        if k in os.environ
    ]
    if torch_available():
        torch_version = importlib.metadata.version("torch")
    else:
        torch_version = "not installed"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"- Date: {date}",
        f"- Command: `{shlex.join(['python', *sys.argv])}`",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical cores, {usable} usable)",
        f"- Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"skbp {version_of(skbp)}, threadpoolctl {threadpoolctl.__version__}, "
        f"torch {torch_version}",
    ]
    lines += [f"- BLAS: {line}" for line in blas_description()]
    lines.append(f"- BLAS environment: {', '.join(env) if env else 'none set'}")
    lines.append(f"- Load average at start (1, 5, 15 min): {load_average()}")
    lines.append(
        f"- Settings: {'quick' if args.quick else 'full'} mode, "
        f"repeats={args.repeats}, threads={args.threads}"
    )
    return lines


class Report:
    """Prints Markdown to stdout as it goes and mirrors it to ``--output``."""

    def __init__(self, output: Path | None, header: list[str]):
        self.output = output
        self.lines: list[str] = []
        self.emit(*header)

    def emit(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
        self.lines.extend(lines)
        if self.output is not None:  # rewrite, so partial runs keep results
            self.output.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.output.with_name(self.output.name + ".tmp")
            tmp.write_text("\n".join(self.lines) + "\n")
            tmp.replace(self.output)


def progress(message: str) -> None:
    print(f"[bench_mlp] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Fit benchmarks
# --------------------------------------------------------------------------


def fit_table_columns(with_torch: bool) -> list[str]:
    columns = [
        "case",
        "threads",
        "skbp s/epoch",
        "sklearn s/epoch",
        "speed-up sklearn/skbp (median [min, max])",
        "speed-up vs sklearn f64",
        "skbp score",
        "sklearn score",
        "skbp peak MB",
        "sklearn peak MB",
        "floor s/epoch",
        "share of floor",
    ]
    return columns + (["torch s/epoch"] if with_torch else [])


def run_case(
    case: Case, args: argparse.Namespace, epochs: int, report: Report, with_torch: bool
) -> None:
    """Time, score and measure one case at every thread count; emit its rows."""
    data = case.load(args.quick)
    contenders, rows = plan_case(case)
    by_key = {c.key: c for c in contenders}

    def fit_func(contender: Contender, n_epochs: int) -> Callable[[], object]:
        X_train, _ = data.features(contender.data_dtype)
        return lambda: fit_quietly(
            make_estimator(case, contender, n_epochs), X_train, data.y_train
        )

    layer_sizes = [
        data.X_train.shape[1],
        *case.hidden_layer_sizes,
        n_outputs(case.task, data.y_train),
    ]
    batch_sizes = epoch_batch_sizes(len(data.X_train), case.batch_size)
    floor_key = {c.key: f"floor-{np.dtype(c.compute_dtype).name}" for c in contenders}
    # One round: every contender's fit, then one floor epoch per compute dtype.
    round_funcs = {c.key: fit_func(c, epochs) for c in contenders}
    for c in contenders:
        if floor_key[c.key] not in round_funcs:
            round_funcs[floor_key[c.key]] = make_matmul_epoch(
                layer_sizes, batch_sizes, c.compute_dtype
            )
    peaks: dict[str, int] = {}

    for threads in args.threads:
        progress(f"{case.name}: {threads} thread(s), {epochs} epochs")
        with threadpool_limits(limits=threads, user_api="blas"):
            warm, times = interleaved_timings(round_funcs, args.repeats)
            torch_spe = (
                torch_seconds_per_epoch(case, data, epochs, threads, args.repeats)
                if with_torch
                else None
            )
        if not peaks:  # memory does not depend on the BLAS thread count
            progress(f"{case.name}: peak memory (tracemalloc)")
            peaks = {c.key: traced_peak_bytes(fit_func(c, 1)) for c in contenders}

        scores = {}
        for key, contender in by_key.items():
            estimator = warm[key]
            _, X_test = data.features(contender.data_dtype)
            scores[key] = estimator.score(X_test, data.y_test)
            if getattr(estimator, "n_iter_", epochs) != epochs:
                progress(
                    f"WARNING {case.name}/{key}: stopped after "
                    f"{estimator.n_iter_} of {epochs} epochs"
                )

        for row in rows:
            skbp_spe = statistics.median(times[row.skbp]) / epochs
            sklearn_spe = statistics.median(times[row.sklearn]) / epochs
            floor_times = times[floor_key[row.skbp]]
            skbp_epoch_times = [t / epochs for t in times[row.skbp]]
            floor_shares = paired_ratios(floor_times, skbp_epoch_times)
            cells = [
                row.label,
                str(threads),
                fmt_seconds(skbp_spe),
                fmt_seconds(sklearn_spe),
                fmt_ratio(paired_ratios(times[row.sklearn], times[row.skbp])),
                fmt_ratio(paired_ratios(times[row.sklearn_f64], times[row.skbp])),
                f"{scores[row.skbp]:.4f}",
                f"{scores[row.sklearn]:.4f}",
                fmt_mb(peaks[row.skbp]),
                fmt_mb(peaks[row.sklearn]),
                fmt_seconds(statistics.median(floor_times)),
                f"{statistics.median(floor_shares):.0%}",
            ]
            if with_torch:
                cells.append(fmt_seconds(torch_spe))
            report.emit(markdown_row(cells))


# --------------------------------------------------------------------------
# Predict memory
# --------------------------------------------------------------------------


def large_float32_matrix(
    n_rows: int, n_features: int, chunk: int = 100_000
) -> np.ndarray:
    """Standard normal float32 matrix, generated chunk by chunk."""
    rng = np.random.default_rng(RANDOM_STATE)
    X = np.empty((n_rows, n_features), dtype=np.float32)
    for start in range(0, n_rows, chunk):
        stop = min(start + chunk, n_rows)
        X[start:stop] = rng.standard_normal(
            (stop - start, n_features), dtype=np.float32
        )
    return X


def run_predict_memory(args: argparse.Namespace, report: Report) -> None:
    """Peak memory and time of ``predict`` on a large input, skbp vs sklearn."""
    n_rows, n_features, n_fit = args.predict_rows, 50, 5_000
    progress(f"predict memory: generating {n_rows} x {n_features} float32 input")
    X = large_float32_matrix(n_rows, n_features)
    X_fit = X[:n_fit]
    targets = {
        "classification": (X_fit[:, :5].sum(axis=1) > 0).astype(int)
        + (X_fit[:, 5] > 1.0),
        "regression": X_fit[:, :5] @ np.arange(1, 6, dtype=np.float32),
    }
    threads = max(args.threads)
    hidden = (100,)
    report.emit(
        "",
        f"### Predict memory ({n_rows:,} x {n_features} float32 input, "
        f"{X.nbytes / 2**20:.0f} MB, not counted; hidden {hidden}; "
        f"fitted on {n_fit:,} rows; {threads} BLAS thread(s))",
        "",
        *markdown_header(["estimator", "predict peak MB (above input)", "predict s"]),
    )
    for (library, task), cls in sorted(ESTIMATORS.items(), key=lambda kv: kv[0][1]):
        progress(f"predict memory: {cls.__name__}")
        estimator = fit_quietly(
            cls(hidden_layer_sizes=hidden, max_iter=20, random_state=RANDOM_STATE),
            X_fit,
            targets[task],
        )
        predict = functools.partial(estimator.predict, X)
        with threadpool_limits(limits=threads, user_api="blas"):
            seconds = timed(predict)
            peak = traced_peak_bytes(predict)
        cells = [f"{cls.__name__} ({library})", fmt_mb(peak), f"{seconds:.3g}"]
        report.emit(markdown_row(cells))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def select_cases(spec: str) -> list[Case]:
    """Cases matching a comma-separated list of names/glob patterns."""
    if spec.strip() == "none":
        return []
    selected: list[Case] = []
    for pattern in (p.strip() for p in spec.split(",") if p.strip()):
        pattern = "*" if pattern == "all" else pattern
        matches = [c for c in CASES if fnmatch.fnmatchcase(c.name, pattern)]
        if not matches:
            raise argparse.ArgumentTypeError(
                f"no case matches {pattern!r}; known cases: {', '.join(CASES_BY_NAME)}"
            )
        selected += [c for c in matches if c not in selected]
    return selected


def parse_threads(spec: str) -> list[int]:
    try:
        threads = [int(t) for t in spec.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid thread list {spec!r}") from None
    if not threads or min(threads) < 1:
        raise argparse.ArgumentTypeError(f"invalid thread list {spec!r}")
    return threads


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark skbp's MLP estimators against scikit-learn's "
        "(see the module docstring for the methodology).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small data, few epochs and repeats (a couple of minutes on 2 cores)",
    )
    parser.add_argument(
        "--cases",
        type=select_cases,
        default="all",
        help="comma-separated case names or glob patterns, 'all' (default) or "
        f"'none'; cases: {', '.join(CASES_BY_NAME)}",
    )
    parser.add_argument(
        "--threads",
        type=parse_threads,
        default="1,2",
        help="comma-separated BLAS thread counts (default: 1,2)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed rounds per case after the warm-up (default: 5, quick: 3)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="override every case's number of epochs",
    )
    parser.add_argument(
        "--predict-memory",
        action="store_true",
        help="also measure predict's peak memory on a large input "
        "(use with --cases none to run only this)",
    )
    parser.add_argument(
        "--predict-rows",
        type=int,
        default=2_000_000,
        help="rows of the --predict-memory input (default: 2,000,000)",
    )
    parser.add_argument(
        "--no-torch",
        action="store_true",
        help="skip the torch reference column even if torch is installed",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="also write the results (with a machine-info header) to this "
        "Markdown file, e.g. benchmarks/results.md",
    )
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 5
    if args.repeats < 1 or (args.epochs is not None and args.epochs < 1):
        parser.error("--repeats and --epochs must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with_torch = torch_available() and not args.no_torch
    epochs = {
        case.name: args.epochs or (case.quick_epochs if args.quick else case.epochs)
        for case in args.cases
    }
    header = ["# skbp MLP benchmark", "", *machine_info(args)]
    if args.cases:
        header += [
            "",
            "### Fit (fixed epochs; speed-up > 1 means skbp is faster)",
            "",
            *(
                describe_case(case, epochs[case.name], args.quick)
                for case in args.cases
            ),
            "",
            "Scores: accuracy (classification) or R^2 (regression) on the "
            "held-out split. Peak MB: tracemalloc peak during fit. Share of "
            "floor: matrix-product floor / skbp time per epoch.",
            "",
            *markdown_header(fit_table_columns(with_torch)),
        ]
    report = Report(args.output, header)
    if hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5:
        progress(
            f"WARNING: load average {load_average()}: other processes are "
            "using the CPU, timings will be noisy"
        )
    for case in args.cases:
        run_case(case, args, epochs[case.name], report, with_torch)
    if args.predict_memory:
        run_predict_memory(args, report)
    report.emit("", f"- Load average at end (1, 5, 15 min): {load_average()}")
    if args.output is not None:
        progress(f"results written to {args.output}")


if __name__ == "__main__":
    main()
