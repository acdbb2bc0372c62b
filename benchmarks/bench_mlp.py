"""Benchmark skbp's MLP estimators against scikit-learn's (``--help``; README.md).

Method:

* Same work: every fit runs exactly ``epochs`` epochs (``max_iter=epochs``,
  ``tol=0``, ``n_iter_no_change=epochs + 1``, no early stopping, shuffled,
  seeded); a fit that stops early is flagged.
* Interleaved, paired timing in one process, under ``threadpool_limits`` for
  each BLAS thread count: every contender of a case is fitted once as a warm-up
  (which also compiles JIT kernels), then all in turn (A B A B ...) for
  ``--repeats`` rounds. Speed-up = median [min, max] over rounds of
  ``sklearn_time / contender_time`` (> 1: the contender is faster), so drift
  of the machine cancels out. Seconds per epoch are medians over rounds.
* Scores: accuracy or R^2 of the warm-up fits on a held-out split. Peak
  memory: ``tracemalloc`` peak of a separate one-epoch fit, input not counted.
* Floor: one epoch of the matrix products alone (per mini-batch ``A_prev @ W``,
  ``A_prev.T @ Delta`` and ``Delta @ W.T`` except for the input layer) into
  preallocated arrays, timed in every round. Share of floor = median over
  rounds of floor time / contender time per epoch.
* float32: ``-f32`` cases give float32 data to both libraries; a column
  compares with scikit-learn on float64 data, and a row times skbp on float64
  input with ``dtype=np.float32``.
* Every entry of ``SKBP_KERNELS`` (a context selecting skbp's compute path)
  gets its own rows. If ``import torch`` works, a plain torch CPU loop trains
  the same network (sizes, activation, optimizer defaults, batch size, epochs,
  data), plus ``fused=True`` where supported, in the skbp columns (no L2
  penalty, torch's initialisation, memory invisible to tracemalloc).
* ``--predict-memory``: tracemalloc peak of ``predict`` on a large float32
  input made before tracing starts.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import fnmatch
import functools
import gc
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
HAS_TORCH = importlib.util.find_spec("torch") is not None  # never installed by us
ESTIMATORS = {
    ("skbp", "classification"): MLPBackpropClassifier,
    ("skbp", "regression"): MLPBackpropRegressor,
    ("sklearn", "classification"): MLPClassifier,
    ("sklearn", "regression"): MLPRegressor,
}
# skbp's compute paths, each timed as its own rows (labelled by path when there
# are several). Once skbp has its numba kernels, add e.g.
#     "numba": lambda: skbp.config_context(kernels="numba"),
SKBP_KERNELS: dict[str, Callable[[], contextlib.AbstractContextManager]] = {
    "numpy": lambda: skbp.config_context(kernels="numpy"),
}
if importlib.util.find_spec("numba") is not None:  # the "fast" extra
    SKBP_KERNELS["numba"] = lambda: skbp.config_context(kernels="numba")
progress = functools.partial(print, "[bench_mlp]", file=sys.stderr, flush=True)
FIT_COLUMNS = (
    "case | threads | skbp s/epoch | sklearn s/epoch | "
    "speed-up sklearn/skbp (median [min, max]) | speed-up vs sklearn f64 | "
    "skbp score | sklearn score | skbp peak MB | sklearn peak MB | "
    "floor s/epoch | share of floor"
).split(" | ")


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
        if dtype not in self._cast:
            self._cast[dtype] = self.X_train.astype(dtype), self.X_test.astype(dtype)
        return self._cast[dtype]


@functools.cache
def load_dataset(name: str, quick: bool) -> Dataset:
    """Data set ``name`` ("mnist", "digits" or "regression"), smaller if quick."""
    n_train, n_test = (1_000, 500) if quick else (60_000, 10_000)
    seeded = {"random_state": RANDOM_STATE}
    if name == "mnist":  # MNIST-shaped synthetic classification
        source, details = "make_classification", "784 features (100 informative)"
        n = n_train + n_test
        X, y = make_classification(n, 784, n_informative=100, n_classes=10, **seeded)
    elif name == "digits":  # sklearn's 8x8 digits, same size in quick mode
        source, details = "load_digits, standard scaled", "64 features"
        X, y = load_digits(return_X_y=True)
        n_test = 0.25
    else:
        source = "make_regression"
        details = "100 features (50 informative), noise 10, y standardized"
        n_train, n_test = (1_000, 500) if quick else (20_000, 5_000)
        n = n_train + n_test
        X, y = make_regression(n, 100, n_informative=50, noise=10.0, **seeded)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=n_test, **seeded
    )
    if name == "digits":
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if name == "regression":
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    else:
        details += f", {len(np.unique(y))} classes"
    rows = f"{len(y_train)} train / {len(y_test)} test rows"
    return Dataset(f"{source}, {rows}, {details}", X_train, X_test, y_train, y_test)


@dataclasses.dataclass(frozen=True)
class Case:
    """One benchmark configuration (selected by ``name`` with ``--cases``)."""

    name: str
    data: str  # load_dataset name; "regression" is the only regression task
    dtype: type  # dtype of the data given to both libraries
    hidden_layer_sizes: tuple[int, ...]
    solver: str
    epochs: int
    quick_epochs: int
    batch_size: int | str = 200
    activation: str = "relu"

    @property
    def task(self) -> str:
        return "regression" if self.data == "regression" else "classification"


f32, f64 = np.float32, np.float64
TORCH_NOTE = (
    " Rows marked (torch ...): a plain PyTorch CPU loop, in the skbp columns (no "
    "L2 penalty; its memory is invisible to tracemalloc)."
)
CASES = [  # name, data, dtype, hidden, solver, epochs, quick epochs, batch size
    Case("mnist-adam-f64", "mnist", f64, (256, 128), "adam", 5, 1),
    Case("mnist-sgd-f64", "mnist", f64, (256, 128), "sgd", 5, 1),
    Case("mnist-adam-f32", "mnist", f32, (256, 128), "adam", 5, 1),
    Case("mnist-sgd-f32", "mnist", f32, (256, 128), "sgd", 5, 1),
    Case("digits-adam-f64", "digits", f64, (100,), "adam", 50, 5, "auto"),
    Case("regression-adam-f64", "regression", f64, (256, 128), "adam", 10, 1),
]
CASES_BY_NAME = {case.name: case for case in CASES}


@dataclasses.dataclass(frozen=True)
class Contender:
    """One implementation timed within a case; ``label`` names its row."""

    label: str
    library: str  # "skbp", "sklearn" or "torch"
    data_dtype: type  # dtype of the X given to fit
    compute_dtype: type
    params: tuple[tuple[str, object], ...] = ()  # extra estimator parameters
    context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext
    fused: bool = False  # torch's fused optimizer step


def plan_case(case: Case, with_torch: bool) -> list[Contender]:
    """Contenders in interleaving order; the sklearn ones are the baselines."""
    name, dtype = case.name, case.dtype
    ours = []
    for kernel, context in SKBP_KERNELS.items():
        label = f"{name} (skbp {kernel})" if len(SKBP_KERNELS) > 1 else name
        ours.append(Contender(label, "skbp", dtype, dtype, context=context))
    contenders = [*ours, Contender(f"sklearn {name}", "sklearn", dtype, dtype)]
    if dtype == f32:
        f64_input = {"data_dtype": f64, "params": (("dtype", f32),)}
        for c in ours:  # float64 input, float32 compute
            label = f"{c.label} (f64 input, dtype=float32)"
            contenders.append(dataclasses.replace(c, label=label, **f64_input))
        contenders.append(Contender(f"sklearn-f64 {name}", "sklearn", f64, f64))
    for fused in (False, True) if with_torch else ():
        if not fused or torch_fused_available(case.solver, dtype):
            label = f"{name} (torch {case.solver}{', fused' if fused else ''})"
            contenders.append(Contender(label, "torch", dtype, dtype, fused=fused))
    return contenders


def fit_quietly(estimator, X, y, context=contextlib.nullcontext):
    """Fit inside ``context()`` with ConvergenceWarning (fixed epochs) silenced."""
    with context(), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def fit_function(
    case: Case, contender: Contender, data: Dataset, epochs: int, threads: int
) -> Callable[[], object]:
    """A function fitting ``contender`` from scratch and returning the model."""
    X, y = data.features(contender.data_dtype)[0], data.y_train
    if contender.library == "torch":
        return torch_fit_function(case, X, y, epochs, threads, contender.fused)
    shape = ("hidden_layer_sizes", "activation", "solver", "batch_size")
    params = {name: getattr(case, name) for name in shape} | dict(contender.params)
    params.update(max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1)
    params.update(early_stopping=False, shuffle=True, random_state=RANDOM_STATE)
    cls = ESTIMATORS[contender.library, case.task]
    return lambda: fit_quietly(cls(**params), X, y, contender.context)


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


def interleaved_timings(funcs: dict[str, Callable], repeats: int) -> tuple[dict, dict]:
    """Warm-up results, and per key the times of ``repeats`` rounds A B A B..."""
    warm = {key: func() for key, func in funcs.items()}
    times: dict[str, list[float]] = {key: [] for key in funcs}
    for _ in range(repeats):
        for key, func in funcs.items():
            times[key].append(timed(func))
    return warm, times


def batch_size_of(n_samples: int, batch_size: int | str) -> int:
    """The mini-batch size sklearn uses (``"auto"`` is ``min(200, n_samples)``)."""
    return min(200 if batch_size == "auto" else batch_size, n_samples)


def make_matmul_epoch(
    layer_sizes: list[int], n_samples: int, batch: int, dtype: type
) -> Callable[[], None]:
    """A function running one epoch's matrix products alone (the floor).

    ``layer_sizes`` is ``[n_features, *hidden_layer_sizes, n_outputs]``. All
    arrays are allocated here, so the result only runs ``np.matmul(out=...)``.
    """
    rng = np.random.default_rng(RANDOM_STATE)
    weights = [
        (rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype)
        for a, b in zip(layer_sizes[:-1], layer_sizes[1:])
    ]
    grads = [np.empty_like(w) for w in weights]
    batch_sizes = [s.stop - s.start for s in gen_batches(n_samples, batch)]
    # Per batch size: acts[0] is X_b, acts[i] the output of layer i; deltas[i]
    # the error signal at the output of layer i + 1 (shaped like acts[i + 1]).
    buffers = {}
    for size in set(batch_sizes):
        acts = [rng.standard_normal((size, n)).astype(dtype) for n in layer_sizes]
        buffers[size] = acts, [a.copy() for a in acts[1:]]

    def epoch() -> None:
        for size in batch_sizes:
            acts, deltas = buffers[size]
            for i, w in enumerate(weights):  # forward
                np.matmul(acts[i], w, out=acts[i + 1])
            for i in range(len(weights) - 1, -1, -1):  # backward
                np.matmul(acts[i].T, deltas[i], out=grads[i])
                if i > 0:
                    np.matmul(deltas[i], weights[i].T, out=deltas[i - 1])

    return epoch


def torch_optimizer(solver: str, params, fused: bool):
    """torch's Adam (its defaults are sklearn's) or sklearn's Nesterov SGD."""
    import torch

    extra = {"fused": True} if fused else {}  # old torch has no fused SGD
    if solver == "adam":
        return torch.optim.Adam(params, lr=1e-3, **extra)
    return torch.optim.SGD(params, lr=1e-3, momentum=0.9, nesterov=True, **extra)


@functools.cache
def torch_fused_available(solver: str, dtype: type) -> bool:
    """Whether this torch has a fused CPU ``solver`` step for ``dtype``."""
    import torch

    param = torch.nn.Parameter(torch.from_numpy(np.ones(2, dtype)))
    param.grad = torch.zeros_like(param)
    with contextlib.suppress(RuntimeError, TypeError, ValueError):
        torch_optimizer(solver, [param], fused=True).step()
        return True
    return False


def torch_fit_function(
    case: Case, X: np.ndarray, y: np.ndarray, epochs: int, threads: int, fused: bool
) -> Callable[[], types.SimpleNamespace]:
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
    activations = {"relu": nn.ReLU, "tanh": nn.Tanh, "logistic": nn.Sigmoid}
    activation = activations.get(case.activation, nn.Identity)
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


def paired_ratios(numerator: list[float], denominator: list[float]) -> list[float]:
    """Per-round ratios ``numerator[i] / denominator[i]``."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


def fmt_ratios(numerator: list[float], denominator: list[float]) -> str:
    """Median [min, max] of the per-round ratios."""
    ratios = paired_ratios(numerator, denominator)
    return f"{statistics.median(ratios):.2f} [{min(ratios):.2f}, {max(ratios):.2f}]"


def fmt_mb(n_bytes: int | None) -> str:
    return "n/a" if n_bytes is None else f"{n_bytes / 2**20:.1f}"


def markdown_rows(*rows: list[str], header: bool = False) -> list[str]:
    """Markdown table rows; with ``header``, the first row is the header."""
    if header:
        rows = (rows[0], ["---"] * len(rows[0]), *rows[1:])
    return ["| " + " | ".join(cells) + " |" for cells in rows]


def load_average() -> str:
    """System load average, to spot other processes competing for the CPU."""
    loads = os.getloadavg() if hasattr(os, "getloadavg") else ()
    return ", ".join(f"{x:.2f}" for x in loads) or "n/a"


def machine_info(args: argparse.Namespace) -> list[str]:
    """Markdown describing the machine and the run."""
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        cpu = next((s.split(":", 1)[1].strip() for s in f if "model name" in s), cpu)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    blas = [
        f"- BLAS: {i['internal_api']} {i['version']}, architecture "
        f"{i.get('architecture', 'n/a')}, threading {i.get('threading_layer')}, "
        f"{i['num_threads']} threads by default, `{os.path.basename(i['filepath'])}`"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    names = "OPENBLAS_CORETYPE OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS OMP_NUM_THREADS"
    blas_env = [f"{k}={os.environ[k]}" for k in names.split() if k in os.environ]
    torch = __import__("torch").__version__ if HAS_TORCH else "not installed"
    versions = io.StringIO()
    with contextlib.redirect_stdout(versions):
        sklearn.show_versions()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"- Date: {date}",
        f"- Command: `{shlex.join(['python', *sys.argv])}`",
        f"- CPU: {cpu} ({os.cpu_count()} logical cores, {usable} usable)",
        f"- skbp {skbp.__version__} (kernels: {', '.join(SKBP_KERNELS)}), "
        f"torch {torch}; other versions: `sklearn.show_versions()` below",
        *(blas or ["- BLAS: none found by threadpoolctl"]),
        f"- BLAS environment: {', '.join(blas_env) or 'none set'}",
        f"- Load average at start (1, 5, 15 min): {load_average()}",
        f"- Settings: {'quick' if args.quick else 'full'} mode, "
        f"repeats={args.repeats}, threads={args.threads}",
        "\n<details><summary><code>sklearn.show_versions()</code></summary>\n",
        f"```text\n{versions.getvalue().strip()}\n```\n\n</details>",
    ]


class Report:
    """Prints Markdown to stdout as it goes and mirrors it to ``--output``."""

    def __init__(self, output: Path | None):
        self.output, self.lines = output, []

    def emit(self, *lines: str) -> None:
        print(*lines, sep="\n", flush=True)
        self.lines.extend(lines)
        if self.output is not None:  # rewrite, so partial runs keep results
            self.output.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.output.with_name(self.output.name + ".tmp")
            tmp.write_text("\n".join(self.lines) + "\n")
            tmp.replace(self.output)


def run_case(
    case: Case, args: argparse.Namespace, epochs: int, report: Report, with_torch: bool
) -> None:
    """Time, score and measure one case at every thread count; emit its rows."""
    data = load_dataset(case.data, args.quick)
    contenders = plan_case(case, with_torch)
    baselines = {c.data_dtype: c.label for c in contenders if c.library == "sklearn"}
    classes = len(np.unique(data.y_train)) if case.task == "classification" else 1
    n_out = 1 if classes == 2 else classes  # sklearn's output layer width
    sizes = [data.X_train.shape[1], *case.hidden_layer_sizes, n_out]
    n_samples = len(data.X_train)
    batch = batch_size_of(n_samples, case.batch_size)
    floors = {  # timed after the fits in every round
        f"floor {np.dtype(dt)}": make_matmul_epoch(sizes, n_samples, batch, dt)
        for dt in dict.fromkeys(c.compute_dtype for c in contenders)
    }
    metric = accuracy_score if case.task == "classification" else r2_score
    peaks: dict[str, int | None] = {}
    for threads in args.threads:
        progress(f"{case.name}: {threads} thread(s), {epochs} epochs")
        funcs = {
            c.label: fit_function(case, c, data, epochs, threads) for c in contenders
        }
        with threadpool_limits(limits=threads, user_api="blas"):
            warm, times = interleaved_timings(funcs | floors, args.repeats)
        if not peaks:  # memory does not depend on the BLAS thread count
            progress(f"{case.name}: peak memory (tracemalloc)")
            for c in contenders:  # tracemalloc does not see torch's allocator
                fit_one_epoch = fit_function(case, c, data, 1, threads)
                traced = c.library != "torch"
                peaks[c.label] = traced_peak_bytes(fit_one_epoch) if traced else None
        scores = {}
        for c in contenders:
            model, X_test = warm[c.label], data.features(c.data_dtype)[1]
            scores[c.label] = metric(data.y_test, model.predict(X_test))
            if model.n_iter_ != epochs:
                progress(f"WARNING {c.label}: {model.n_iter_} of {epochs} epochs")
        for c in contenders:
            if c.library == "sklearn":
                continue
            base, floor = baselines[c.data_dtype], f"floor {np.dtype(c.compute_dtype)}"
            ours = times[c.label]
            cells = [
                c.label,
                str(threads),
                f"{statistics.median(ours) / epochs:.4g}",
                f"{statistics.median(times[base]) / epochs:.4g}",
                fmt_ratios(times[base], ours),
                fmt_ratios(times[baselines[f64]], ours),
                f"{scores[c.label]:.4f}",
                f"{scores[base]:.4f}",
                fmt_mb(peaks[c.label]),
                fmt_mb(peaks[base]),
                f"{statistics.median(times[floor]):.4g}",
                f"{statistics.median(paired_ratios(times[floor], ours)) * epochs:.0%}",
            ]
            report.emit(*markdown_rows(cells))


def run_predict_memory(args: argparse.Namespace, report: Report) -> None:
    """Peak memory and time of ``predict`` on a large input, skbp vs sklearn."""
    n_rows, n_features, n_fit = args.predict_rows, 50, min(5_000, args.predict_rows)
    progress(f"predict memory: generating {n_rows} x {n_features} float32 input")
    rng = np.random.default_rng(RANDOM_STATE)
    X = np.empty((n_rows, n_features), dtype=np.float32)
    for rows in gen_batches(n_rows, 100_000):  # in chunks: no float64 temporary
        X[rows] = rng.standard_normal(X[rows].shape, dtype=np.float32)
    X_fit = X[:n_fit]
    targets = {
        "classification": (X_fit[:, :5].sum(axis=1) > 0) + (X_fit[:, 5] > 1.0) * 1,
        "regression": X_fit[:, :5] @ np.arange(1, 6, dtype=np.float32),
    }
    threads, hidden = max(args.threads), (100,)
    fit_params = dict(hidden_layer_sizes=hidden, max_iter=20, random_state=RANDOM_STATE)
    report.emit(
        "",
        f"### Predict memory ({n_rows:,} x {n_features} float32 input, "
        f"{X.nbytes / 2**20:.0f} MB, not counted; hidden {hidden}; "
        f"fitted on {n_fit:,} rows; {threads} BLAS thread(s))",
        "",
        *markdown_rows(
            ["estimator", "predict peak MB (above input)", "predict s"], header=True
        ),
    )
    for (library, task), cls in sorted(ESTIMATORS.items(), key=lambda kv: kv[0][1]):
        progress(f"predict memory: {cls.__name__}")
        estimator = fit_quietly(cls(**fit_params), X_fit, targets[task])
        predict = functools.partial(estimator.predict, X)
        with threadpool_limits(limits=threads, user_api="blas"):
            seconds, peak = timed(predict), traced_peak_bytes(predict)
        cells = [f"{cls.__name__} ({library})", fmt_mb(peak), f"{seconds:.3g}"]
        report.emit(*markdown_rows(cells))


def select_cases(spec: str) -> list[Case]:
    """Cases matching comma-separated names or glob patterns ("all", "none")."""
    selected: list[Case] = []
    for pattern in (p.strip() for p in spec.split(",") if p.strip() != "none"):
        pattern = "*" if pattern == "all" else pattern
        matches = [c for c in CASES if fnmatch.fnmatchcase(c.name, pattern)]
        if not matches:
            known = ", ".join(CASES_BY_NAME)
            raise argparse.ArgumentTypeError(f"no case matches {pattern!r} ({known})")
        selected += [c for c in matches if c not in selected]
    return selected


def int_list(spec: str) -> list[int]:
    """Comma-separated integers (argparse reports int's ValueError)."""
    return [int(item) for item in spec.split(",")]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark skbp's MLP estimators against scikit-learn's "
        "(the module docstring describes the method)."
    )
    add = parser.add_argument
    add(
        "--quick",
        action="store_true",
        help="smoke run: 1,000 training rows, 1 to 5 epochs, 1 timed round, "
        "100,000 predict rows (about a minute on 2 cores)",
    )
    add(
        "--cases",
        type=select_cases,
        default="all",
        help="comma-separated case names or glob patterns, 'all' (default) "
        f"or 'none'; cases: {', '.join(CASES_BY_NAME)}",
    )
    add("--threads", type=int_list, default="1,2", help="BLAS thread counts (1,2)")
    add("--repeats", type=int, help="timed rounds after the warm-up (5; quick: 1)")
    add("--epochs", type=int, help="override every case's number of epochs")
    add(
        "--predict-memory",
        action="store_true",
        help="also measure predict's peak memory on a large float32 input "
        "(--cases none: only this)",
    )
    add("--predict-rows", type=int, help="rows of that input (2,000,000; quick: 1e5)")
    add("--no-torch", action="store_true", help="skip the torch rows if torch works")
    add("--output", type=Path, help="also write the Markdown (machine header) here")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (1 if args.quick else 5)
    args.predict_rows = args.predict_rows or (100_000 if args.quick else 2_000_000)
    if min(*args.threads, args.repeats, args.epochs or 1, args.predict_rows) < 1:
        parser.error("thread counts, repeats, epochs and rows must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with_torch = HAS_TORCH and not args.no_torch
    epochs = {
        case: args.epochs or (case.quick_epochs if args.quick else case.epochs)
        for case in args.cases
    }
    report = Report(args.output)
    report.emit("# skbp MLP benchmark", "", *machine_info(args))
    if args.cases:
        report.emit(
            "",
            "### Fit (fixed epochs; speed-up > 1 means skbp is faster)",
            "",
            *(
                f"- `{c.name}`: {load_dataset(c.data, args.quick).description}; "
                f"hidden {c.hidden_layer_sizes}, {c.activation}, {c.solver}, "
                f"batch_size={c.batch_size}, {epochs[c]} epochs, "
                f"{np.dtype(c.dtype).name} data"
                for c in args.cases
            ),
            "",
            "Scores: accuracy (classification) or R^2 (regression) on the "
            "held-out split. Peak MB: tracemalloc peak during fit. Share of "
            "floor: matrix-product floor / skbp time per epoch."
            + (TORCH_NOTE if with_torch else ""),
            "",
            *markdown_rows(FIT_COLUMNS, header=True),
        )
    if hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5:
        progress(f"WARNING: load average {load_average()}: timings will be noisy")
    for case in args.cases:
        run_case(case, args, epochs[case], report, with_torch)
    if args.predict_memory:
        run_predict_memory(args, report)
    report.emit("", f"- Load average at end (1, 5, 15 min): {load_average()}")
    if args.output is not None:
        progress(f"results written to {args.output}")


if __name__ == "__main__":
    main()
