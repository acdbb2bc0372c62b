"""Benchmark skbp's MLP estimators against scikit-learn's.

Run ``python benchmarks/bench_mlp.py --help`` for the options; see
``benchmarks/README.md`` for typical command lines.

Methodology
-----------
* **Same work for every contender.** Every fit trains for a fixed number of
  epochs: ``max_iter=epochs``, ``tol=0.0``, ``n_iter_no_change=epochs + 1``,
  ``early_stopping=False``, ``shuffle=True`` and a fixed ``random_state``.
  ``ConvergenceWarning`` is silenced. Seconds per epoch = fit time / epochs.
  A row is flagged if an estimator stopped before ``epochs`` iterations.
* **Interleaved, paired timing.** In one process, each contender is fitted
  once as a warm-up (which also compiles any JIT kernels), then all are fitted
  in turn (A B A B ...) for ``--repeats`` rounds. The reported speed-up is the
  median over rounds of the per-round ratio ``sklearn_time / contender_time``
  (> 1 means the contender is faster), so slow drift of the machine
  (frequency, noisy neighbours) cancels out. The bracket gives the smallest
  and largest per-round ratio; seconds per epoch are medians over the rounds.
* **BLAS threads.** Each case is run with every thread count in ``--threads``
  under ``threadpoolctl.threadpool_limits(limits=n, user_api="blas")``.
* **Quality.** Accuracy (classifiers) or R^2 (regressors) on a held-out split,
  of the warm-up fit of each contender (all fits are identical by seeding).
* **Peak memory.** ``tracemalloc`` peak (numpy reports its buffers to it)
  during a separate, untimed one-epoch fit, so that tracing does not distort
  the timings. The input data is not counted; copies the estimator makes are.
* **Floor.** The time of one epoch's matrix products alone, back to back: per
  mini-batch the forward products ``A_prev @ W``, the weight gradients
  ``A_prev.T @ Delta`` and the deltas ``Delta @ W.T`` (none for the input
  layer), via ``np.matmul(..., out=...)`` on preallocated arrays of the right
  shapes and compute dtype. One floor epoch is timed in every round. "Share of
  floor" = median over rounds of floor time / contender time per epoch
  (1.0 would mean zero overhead).
* **float32.** The ``-f32`` cases give float32 data to both libraries. An
  extra column gives the speed-up against scikit-learn on float64 data, and
  an extra row times skbp on float64 input with ``dtype=np.float32``.
* **skbp kernels.** Every entry of ``SKBP_KERNELS`` (a context manager
  selecting skbp's compute path) gets its own rows; the numpy reference is
  always there.
* **torch (optional).** If ``import torch`` works, the same network (sizes,
  activation, optimizer and its hyperparameters, batch size, epochs, data) is
  trained by a plain torch CPU loop, with ``fused=True`` as a second row where
  the installed torch supports it on CPU. Its rows are timed in the same
  rounds and fill the skbp columns. No L2 penalty, torch's own initialisation;
  tracemalloc does not see torch's allocator (peak memory n/a).
* **Predict memory** (``--predict-memory``): tracemalloc peak of
  ``est.predict(X)`` on a large float32 input (generated before tracing
  starts, so it is not counted), after fitting on a small subset.

Results are printed to stdout as Markdown as they are produced (progress goes
to stderr). ``--output PATH`` also writes them, with a header describing the
machine (CPU, ``sklearn.show_versions()``, threadpoolctl's BLAS, date).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import fnmatch
import functools
import gc
import importlib.metadata
import importlib.util
import io
import os
import platform
import shlex
import statistics
import sys
import time
import tracemalloc
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.utils import gen_batches
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

# skbp's compute paths, each timed as its own rows. With more than one entry,
# row labels name the path. When skbp ships its numba kernels, add e.g.
#     "numba": lambda: skbp.config_context(kernels="numba"),
SKBP_KERNELS: dict[str, Callable[[], contextlib.AbstractContextManager]] = {
    "numpy": contextlib.nullcontext,
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


def split(source, X, y, test_size, details, scale_X=False, scale_y=False):
    """Seeded train/test split, optionally standardized with train statistics."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=RANDOM_STATE
    )
    if scale_X:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if scale_y:
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    rows = f"{len(y_train)} train / {len(y_test)} test rows"
    return Dataset(f"{source}, {rows}, {details}", X_train, X_test, y_train, y_test)


@functools.cache
def load_dataset(name: str, quick: bool) -> Dataset:
    """The data set ``name`` ("mnist", "digits" or "regression"); smaller if quick."""
    if name == "mnist":  # MNIST-shaped synthetic classification
        n_train, n_test = (1_000, 500) if quick else (60_000, 10_000)
        X, y = make_classification(
            n_samples=n_train + n_test,
            n_features=784,
            n_informative=100,
            n_classes=10,
            random_state=RANDOM_STATE,
        )
        details = "784 features (100 informative), 10 classes"
        return split("make_classification", X, y, n_test, details)
    if name == "digits":  # sklearn's 8x8 digits (same size in quick mode)
        X, y = load_digits(return_X_y=True)
        details = "64 features, 10 classes"
        return split("load_digits, standard scaled", X, y, 0.25, details, True)
    n_train, n_test = (1_000, 500) if quick else (20_000, 5_000)
    X, y = make_regression(
        n_samples=n_train + n_test,
        n_features=100,
        n_informative=50,
        noise=10.0,
        random_state=RANDOM_STATE,
    )
    details = "100 features (50 informative), noise 10, y standardized"
    return split("make_regression", X, y, n_test, details, scale_y=True)


# --------------------------------------------------------------------------
# Cases and contenders
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    """One benchmark configuration (selected by ``name`` with ``--cases``)."""

    name: str
    task: str  # "classification" or "regression"
    data: str  # load_dataset name
    dtype: type  # dtype of the data given to both libraries
    hidden_layer_sizes: tuple[int, ...]
    solver: str
    epochs: int
    quick_epochs: int
    batch_size: int | str = 200
    activation: str = "relu"


CASES = [
    *(
        Case(
            f"mnist-{solver}-{np.dtype(dtype).name.replace('float', 'f')}",
            "classification",
            "mnist",
            dtype,
            (256, 128),
            solver,
            epochs=5,
            quick_epochs=1,
        )
        for dtype in (np.float64, np.float32)
        for solver in ("adam", "sgd")
    ),
    Case(
        "digits-adam-f64",
        "classification",
        "digits",
        np.float64,
        (100,),
        "adam",
        epochs=50,
        quick_epochs=5,
        batch_size="auto",
    ),
    Case(
        "regression-adam-f64",
        "regression",
        "regression",
        np.float64,
        (256, 128),
        "adam",
        epochs=10,
        quick_epochs=1,
    ),
]
CASES_BY_NAME = {case.name: case for case in CASES}


@dataclasses.dataclass(frozen=True)
class Contender:
    """One implementation timed within a case; its ``label`` names its row."""

    label: str
    library: str  # "skbp", "sklearn" or "torch"
    data_dtype: type  # dtype of the X given to fit
    compute_dtype: type
    params: tuple[tuple[str, object], ...] = ()  # extra estimator parameters
    context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext
    fused: bool = False  # torch only


def plan_case(case: Case, with_torch: bool) -> list[Contender]:
    """Contenders to time, in interleaving order (sklearn rows are baselines)."""
    name, f32 = case.name, case.dtype == np.float32
    tag = len(SKBP_KERNELS) > 1
    skbp_rows = {
        kernel: Contender(
            f"{name} (skbp {kernel})" if tag else name,
            "skbp",
            case.dtype,
            case.dtype,
            context=context,
        )
        for kernel, context in SKBP_KERNELS.items()
    }
    sklearn_row = Contender(f"sklearn {name}", "sklearn", case.dtype, case.dtype)
    contenders = [*skbp_rows.values(), sklearn_row]
    if f32:
        contenders += [
            dataclasses.replace(
                c,
                label=f"{c.label} (f64 input, dtype=float32)",
                data_dtype=np.float64,
                params=(("dtype", np.float32),),
            )
            for c in skbp_rows.values()
        ]
        f64 = np.float64
        contenders.append(Contender(f"sklearn-f64 {name}", "sklearn", f64, f64))
    if with_torch:
        for fused in (False, True):
            if fused and not torch_fused_available(case.solver, case.dtype):
                continue
            label = f"{name} (torch {case.solver}{', fused' if fused else ''})"
            dtype = case.dtype
            contenders.append(Contender(label, "torch", dtype, dtype, fused=fused))
    return contenders


def describe_case(case: Case, epochs: int, quick: bool) -> str:
    """One Markdown list item describing a case's setup."""
    return (
        f"- `{case.name}`: {load_dataset(case.data, quick).description}; "
        f"hidden {case.hidden_layer_sizes}, {case.activation}, {case.solver}, "
        f"batch_size={case.batch_size}, {epochs} epochs, "
        f"{np.dtype(case.dtype).name} data"
    )


# --------------------------------------------------------------------------
# Fitting, timing and memory
# --------------------------------------------------------------------------


def fit_quietly(estimator, X, y, context=contextlib.nullcontext):
    """Fit inside ``context()`` with ConvergenceWarning (fixed epochs) silenced."""
    with context(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def fit_function(
    case: Case, contender: Contender, data: Dataset, epochs: int, threads: int
) -> Callable[[], object]:
    """A function fitting ``contender`` from scratch and returning the model."""
    X_train, _ = data.features(contender.data_dtype)
    if contender.library == "torch":
        return torch_fit_function(
            case, X_train, data.y_train, epochs, threads, contender.fused
        )
    cls = ESTIMATORS[contender.library, case.task]
    params = dict(
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
        **dict(contender.params),
    )
    return lambda: fit_quietly(cls(**params), X_train, data.y_train, contender.context)


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


def batch_size_of(n_samples: int, batch_size: int | str) -> int:
    """The mini-batch size sklearn uses (``"auto"`` is ``min(200, n_samples)``)."""
    return min(200 if batch_size == "auto" else batch_size, n_samples)


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


def torch_optimizer(solver: str, params, fused: bool):
    """torch's Adam or Nesterov SGD with sklearn's default hyperparameters."""
    import torch

    extra = {"fused": True} if fused else {}
    if solver == "adam":
        return torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, **extra)
    return torch.optim.SGD(params, lr=1e-3, momentum=0.9, nesterov=True, **extra)


@functools.cache
def torch_fused_available(solver: str, dtype: type) -> bool:
    """Whether this torch has a fused CPU ``solver`` step for ``dtype``."""
    import torch

    param = torch.nn.Parameter(torch.from_numpy(np.zeros(2, dtype)))
    param.grad = torch.zeros_like(param)
    try:
        torch_optimizer(solver, [param], fused=True).step()
    except (RuntimeError, TypeError, ValueError):
        return False
    return True


def torch_fit_function(
    case: Case, X: np.ndarray, y: np.ndarray, epochs: int, threads: int, fused: bool
) -> Callable[[], object]:
    """A function training ``case``'s network with a plain torch CPU loop."""
    import torch
    from torch import nn

    X_t = torch.from_numpy(np.ascontiguousarray(X))
    if case.task == "classification":
        classes, labels = np.unique(y, return_inverse=True)
        y_t, width = torch.from_numpy(labels.astype(np.int64)), len(classes)
        loss_fn = nn.CrossEntropyLoss()
    else:
        y_t = torch.from_numpy(y.reshape(len(X), -1).astype(X.dtype))
        width, loss_fn = y_t.shape[1], nn.MSELoss()
    activation = {"relu": nn.ReLU, "tanh": nn.Tanh, "logistic": nn.Sigmoid}.get(
        case.activation, nn.Identity
    )
    sizes = [X.shape[1], *case.hidden_layer_sizes]
    batch = batch_size_of(len(X), case.batch_size)

    def train() -> types.SimpleNamespace:
        torch.set_num_threads(threads)
        torch.manual_seed(RANDOM_STATE)
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), activation()]
        model = nn.Sequential(*layers, nn.Linear(sizes[-1], width)).to(X_t.dtype)
        optimizer = torch_optimizer(case.solver, model.parameters(), fused)
        generator = torch.Generator().manual_seed(RANDOM_STATE)
        for _ in range(epochs):
            order = torch.randperm(len(X_t), generator=generator)
            for batch_slice in gen_batches(len(X_t), batch):
                idx = order[batch_slice]
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(X_t[idx]), y_t[idx]).backward()
                optimizer.step()

        def predict(X_new: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                out = model(torch.from_numpy(X_new.astype(X.dtype))).numpy()
            if case.task == "classification":
                return classes[out.argmax(axis=1)]
            return out.ravel() if width == 1 else out

        return types.SimpleNamespace(predict=predict, n_iter_=epochs)

    return train


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


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux)."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average() -> str:
    """System load average, to spot other processes competing for the CPU."""
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_info(args: argparse.Namespace) -> list[str]:
    """Markdown describing the machine and the run."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    blas = [
        f"- BLAS: {info['internal_api']} {info['version']}, "
        f"architecture {info.get('architecture', 'n/a')}, "
        f"threading {info.get('threading_layer', 'n/a')}, "
        f"{info['num_threads']} threads by default, "
        f"`{os.path.basename(info['filepath'])}`"
        for info in threadpool_info()
        if info["user_api"] == "blas"
    ]
    names = "OPENBLAS_CORETYPE OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS OMP_NUM_THREADS"
    blas_env = [f"{k}={os.environ[k]}" for k in names.split() if k in os.environ]
    torch = (
        importlib.metadata.version("torch") if torch_available() else "not installed"
    )
    versions = io.StringIO()
    with contextlib.redirect_stdout(versions):
        sklearn.show_versions()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"- Date: {date}",
        f"- Command: `{shlex.join(['python', *sys.argv])}`",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical cores, {usable} usable)",
        f"- skbp {skbp.__version__}, torch {torch}, kernels {list(SKBP_KERNELS)}; "
        "other versions in `sklearn.show_versions()` below",
        *(blas or ["- BLAS: none found by threadpoolctl"]),
        f"- BLAS environment: {', '.join(blas_env) or 'none set'}",
        f"- Load average at start (1, 5, 15 min): {load_average()}",
        f"- Settings: {'quick' if args.quick else 'full'} mode, "
        f"repeats={args.repeats}, threads={args.threads}",
        "",
        "<details><summary><code>sklearn.show_versions()</code></summary>",
        "",
        "```text",
        *versions.getvalue().strip("\n").splitlines(),
        "```",
        "",
        "</details>",
    ]


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

FIT_COLUMNS = [
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


def run_case(
    case: Case, args: argparse.Namespace, epochs: int, report: Report, with_torch: bool
) -> None:
    """Time, score and measure one case at every thread count; emit its rows."""
    data = load_dataset(case.data, args.quick)
    contenders = plan_case(case, with_torch)
    sklearn_by_dtype = {
        np.dtype(c.data_dtype): c for c in contenders if c.library == "sklearn"
    }
    layer_sizes = [
        data.X_train.shape[1],
        *case.hidden_layer_sizes,
        n_outputs(case.task, data.y_train),
    ]
    batch = batch_size_of(len(data.X_train), case.batch_size)
    batch_sizes = [s.stop - s.start for s in gen_batches(len(data.X_train), batch)]
    floors = {
        f"floor-{np.dtype(dtype).name}": make_matmul_epoch(
            layer_sizes, batch_sizes, dtype
        )
        for dtype in dict.fromkeys(c.compute_dtype for c in contenders)
    }
    metric = accuracy_score if case.task == "classification" else r2_score
    peaks: dict[str, int | None] = {}

    for threads in args.threads:
        progress(f"{case.name}: {threads} thread(s), {epochs} epochs")
        # One round: every contender's fit, then one floor epoch per dtype.
        funcs = {
            c.label: fit_function(case, c, data, epochs, threads) for c in contenders
        }
        with threadpool_limits(limits=threads, user_api="blas"):
            warm, times = interleaved_timings(funcs | floors, args.repeats)
        if not peaks:  # memory does not depend on the BLAS thread count
            progress(f"{case.name}: peak memory (tracemalloc)")
            peaks = {
                c.label: None
                if c.library == "torch"
                else traced_peak_bytes(fit_function(case, c, data, 1, threads))
                for c in contenders
            }

        scores = {}
        for c in contenders:
            _, X_test = data.features(c.data_dtype)
            scores[c.label] = metric(data.y_test, warm[c.label].predict(X_test))
            if getattr(warm[c.label], "n_iter_", epochs) != epochs:
                progress(
                    f"WARNING {c.label}: stopped after "
                    f"{warm[c.label].n_iter_} of {epochs} epochs"
                )

        for c in contenders:
            if c.library == "sklearn":
                continue
            baseline = sklearn_by_dtype[np.dtype(c.data_dtype)].label
            baseline_f64 = sklearn_by_dtype[np.dtype(np.float64)].label
            ours = times[c.label]
            floor = times[f"floor-{np.dtype(c.compute_dtype).name}"]
            cells = [
                c.label,
                str(threads),
                fmt_seconds(statistics.median(ours) / epochs),
                fmt_seconds(statistics.median(times[baseline]) / epochs),
                fmt_ratio(paired_ratios(times[baseline], ours)),
                fmt_ratio(paired_ratios(times[baseline_f64], ours)),
                f"{scores[c.label]:.4f}",
                f"{scores[baseline]:.4f}",
                fmt_mb(peaks[c.label]),
                fmt_mb(peaks[baseline]),
                fmt_seconds(statistics.median(floor)),
                f"{statistics.median(paired_ratios(floor, ours)) * epochs:.0%}",
            ]
            report.emit(markdown_row(cells))


# --------------------------------------------------------------------------
# Predict memory
# --------------------------------------------------------------------------


def run_predict_memory(args: argparse.Namespace, report: Report) -> None:
    """Peak memory and time of ``predict`` on a large input, skbp vs sklearn."""
    n_rows, n_features, n_fit = args.predict_rows, 50, min(5_000, args.predict_rows)
    progress(f"predict memory: generating {n_rows} x {n_features} float32 input")
    rng = np.random.default_rng(RANDOM_STATE)
    X = np.empty((n_rows, n_features), dtype=np.float32)
    for rows in gen_batches(n_rows, 100_000):  # chunks: no float64 temporary
        X[rows] = rng.standard_normal(X[rows].shape, dtype=np.float32)
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


def positive_ints(spec: str) -> list[int]:
    """A comma-separated list of positive integers."""
    try:
        values = [int(t) for t in spec.split(",") if t.strip()]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {spec!r}")
    return values


def positive_int(spec: str) -> int:
    """One positive integer."""
    values = positive_ints(spec)
    if len(values) != 1:
        raise argparse.ArgumentTypeError(f"expected one integer, got {spec!r}")
    return values[0]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark skbp's MLP estimators against scikit-learn's "
        "(see the module docstring for the methodology).",
    )
    add = parser.add_argument
    add(
        "--quick",
        action="store_true",
        help="smoke run: tiny data (1,000 train rows), 1 to 5 epochs, 1 timed "
        "round, 100,000 predict rows (well under a minute on 2 cores)",
    )
    add(
        "--cases",
        type=select_cases,
        default="all",
        help="comma-separated case names or glob patterns, 'all' (default) or "
        f"'none'; cases: {', '.join(CASES_BY_NAME)}",
    )
    add(
        "--threads",
        type=positive_ints,
        default="1,2",
        help="comma-separated BLAS thread counts (default: 1,2)",
    )
    add(
        "--repeats",
        type=positive_int,
        help="timed rounds per case after the warm-up (default: 5, quick: 1)",
    )
    add("--epochs", type=positive_int, help="override every case's number of epochs")
    add(
        "--predict-memory",
        action="store_true",
        help="also measure predict's peak memory on a large input "
        "(use with --cases none to run only this)",
    )
    add(
        "--predict-rows",
        type=positive_int,
        help="rows of the --predict-memory input (default: 2,000,000, quick: 100,000)",
    )
    add(
        "--no-torch",
        action="store_true",
        help="skip the torch reference rows even if torch is installed",
    )
    add(
        "--output",
        type=Path,
        help="also write the results (with a machine-info header) to this "
        "Markdown file, e.g. benchmarks/results.md",
    )
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 5
    if args.predict_rows is None:
        args.predict_rows = 100_000 if args.quick else 2_000_000
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
            *(describe_case(c, epochs[c.name], args.quick) for c in args.cases),
            "",
            "Scores: accuracy (classification) or R^2 (regression) on the "
            "held-out split. Peak MB: tracemalloc peak during fit. Share of "
            "floor: matrix-product floor / skbp time per epoch."
            + (
                " Rows marked (torch ...): a plain PyTorch CPU loop, in the skbp "
                "columns (no L2 penalty; its memory is invisible to tracemalloc)."
                if with_torch
                else ""
            ),
            "",
            *markdown_header(FIT_COLUMNS),
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
