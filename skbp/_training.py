"""The training loops: mini-batch epochs (SGD, Adam) and full-batch L-BFGS.

Explicit inputs in, state out (the shape of scikit-learn's ``sag_solver``):
:func:`train` takes a :class:`~skbp._network.LayerStack` whose flat parameter
vector it trains in place, the data, a frozen :class:`TrainingParams`, the
:class:`TrainingState` carried from earlier calls, the random state and a
scoring callable, and returns the updated state. It never reads or writes an
estimator; the estimators create, continue and publish the state.

The loops follow scikit-learn's MLP step for step (same shuffling, same
stopping rule, same optimizer updates) so that the two behave alike.
"""

import copy
import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._config import resolve_kernels
from ._network import Dropout, Workspace
from ._optimizers import SGD, Adam
from ._warnings import warn

NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights or loss. The input data may "
    "contain large values and need to be preprocessed (for example with "
    "sklearn.preprocessing.StandardScaler), or the learning rate may be too high."
)

STOCHASTIC_SOLVERS = ("sgd", "adam")


@dataclass(frozen=True)
class TrainingParams:
    """The estimator's hyperparameters that training reads, frozen for one call."""

    solver: str
    alpha: float
    batch_size: object
    learning_rate: str
    learning_rate_init: float
    power_t: float
    max_iter: int
    shuffle: bool
    tol: float
    verbose: bool
    momentum: float
    nesterovs_momentum: bool
    early_stopping: bool
    validation_fraction: float
    beta_1: float
    beta_2: float
    epsilon: float
    n_iter_no_change: float
    max_fun: int
    dropout: object = 0.0

    def dropout_rates(self, n_hidden):
        """``dropout`` as one drop probability per hidden layer."""
        if isinstance(self.dropout, list | tuple):
            return [float(rate) for rate in self.dropout]
        return [float(self.dropout)] * n_hidden

    @classmethod
    def from_dict(cls, params):
        """Pick this class's fields from an estimator's ``get_params()``."""
        return cls(**{f.name: params[f.name] for f in dataclasses.fields(cls)})

    @property
    def stochastic(self):
        return self.solver in STOCHASTIC_SOLVERS

    def for_data(self, n_samples, *, incremental, validation_given=False):
        """The parameters in force for one call on ``n_samples`` samples.

        Early stopping needs a held-out set: ``partial_fit`` (one pass over a
        stream) never holds data out, as in scikit-learn, and data too small
        to split (fewer than 2 validation samples or no training sample left)
        is trained without it, with a warning. Both then stop on the
        training loss. A validation set given by the caller
        (``validation_given``) replaces the split, and these rules.
        """
        if not (self.stochastic and self.early_stopping):
            return self
        if validation_given and not incremental:
            return self
        if not incremental:
            if self.validation_fraction == 0:
                raise ValueError(
                    "early_stopping=True needs a held-out set, but "
                    f"validation_fraction={self.validation_fraction}; use a "
                    "fraction in (0, 1) or set early_stopping=False."
                )
            n_val = math.ceil(self.validation_fraction * n_samples)
            if n_val >= 2 and n_samples - n_val >= 1:
                return self
            warn(
                f"Early stopping is off for this fit: validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples leaves {n_val} "
                f"validation and {n_samples - n_val} training sample(s), and it "
                "needs at least 2 and 1. Training stops on the training loss "
                "instead; use more data or a larger validation_fraction."
            )
        return dataclasses.replace(self, early_stopping=False)

    def make_optimizer(self, n_params, dtype):
        """A fresh optimizer for ``n_params`` parameters of ``dtype``."""
        if self.solver == "sgd":
            return SGD(
                n_params,
                dtype,
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        return Adam(
            n_params,
            dtype,
            self.learning_rate_init,
            self.beta_1,
            self.beta_2,
            self.epsilon,
        )


@dataclass
class TrainingState:
    """What training carries from one call to the next, in one place.

    Published by the estimators as scikit-learn's fitted attributes
    (:meth:`fitted_attributes`). ``stopping_rule`` is None until a stochastic
    solver has run, then ``'loss'`` (training-loss plateau) or
    ``'validation'`` (early stopping); the stopping bookkeeping
    (``best_loss``, ``validation_scores``, ``best_validation_score``,
    ``no_improvement_count``, ``best_params``) belongs to that rule.
    """

    n_iter: int = 0
    t: int = 0
    loss: float | None = None
    loss_curve: list = field(default_factory=list)
    stopping_rule: str | None = None
    best_loss: float | None = None
    validation_scores: list | None = None
    best_validation_score: float | None = None
    no_improvement_count: int = 0
    best_params: np.ndarray | None = None
    optimizer: object = None

    def continued(self, params, flat_params, *, incremental):
        """A copy to continue training from (``warm_start`` or ``partial_fit``).

        A copy, so that a failed call leaves the previous state intact. The
        stopping bookkeeping starts afresh when the stopping rule changed; the
        optimizer's state carries over only into ``partial_fit`` (scikit-learn's
        rule), when it is of the same solver and fits the parameters; it then
        runs under the current hyperparameters (``set_params`` between
        ``partial_fit`` calls takes effect).
        """
        state = copy.deepcopy(self)
        state.n_iter = 0
        if params.stochastic:
            if state.stopping_rule != _stopping_rule(params):
                state._reset_stopping(params, flat_params)
            elif state.best_params is not None and (
                state.best_params.shape != flat_params.shape
            ):
                state.best_params = flat_params.copy()
            previous = state.optimizer
            state.optimizer = params.make_optimizer(flat_params.size, flat_params.dtype)
            if (
                incremental
                and type(previous) is type(state.optimizer)
                and previous.fits(flat_params)
            ):
                state.optimizer.continue_from(previous)
        return state

    @classmethod
    def start(cls, params, flat_params):
        """The state of a first fit."""
        state = cls()
        if params.stochastic:
            state._reset_stopping(params, flat_params)
            state.optimizer = params.make_optimizer(flat_params.size, flat_params.dtype)
        return state

    def _reset_stopping(self, params, flat_params):
        self.stopping_rule = _stopping_rule(params)
        self.no_improvement_count = 0
        if params.early_stopping:
            self.best_loss = None
            self.validation_scores = []
            self.best_validation_score = -np.inf
            self.best_params = flat_params.copy()
        else:
            self.best_loss = np.inf
            self.validation_scores = None
            self.best_validation_score = None
            self.best_params = None

    def fitted_attributes(self):
        """scikit-learn's names for the public part of the state."""
        attributes = {
            "n_iter_": self.n_iter,
            "t_": self.t,
            "loss_curve_": self.loss_curve,
        }
        if self.loss is not None:
            attributes["loss_"] = self.loss
        if self.stopping_rule is not None:
            attributes["best_loss_"] = self.best_loss
            attributes["validation_scores_"] = self.validation_scores
            attributes["best_validation_score_"] = self.best_validation_score
        return attributes


def _stopping_rule(params):
    return "validation" if params.early_stopping else "loss"


class NoMonitor:
    """The do-nothing training monitor (the protocol :func:`train` calls).

    ``begin(params)`` before every epoch (or L-BFGS iteration),
    ``end(params) -> bool`` after it, True asking training to stop there;
    ``params`` is the flat parameter vector, updated in place later on (a
    monitor that keeps it must copy it). L-BFGS begins one iteration more
    than it runs; ``end(None)`` closes that empty one.
    """

    def begin(self, params):
        pass

    def end(self, params):
        return False


def train(
    stack,
    loss,
    X,
    Y,
    sample_weight,
    *,
    params,
    state,
    random_state,
    score,
    stratify,
    incremental,
    monitor=None,
    validation=None,
):
    """Train ``stack.params`` in place with the solver ``params.solver``.

    Parameters
    ----------
    stack : LayerStack
        The network; its flat ``params`` are trained in place.
    loss : skbp._losses.Loss
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Sparse input is CSR; dense input of another float dtype than the
        stack's is cast batch by batch (stochastic solvers only).
    Y : ndarray of shape (n_samples, n_outputs)
        Targets in the stack's dtype.
    sample_weight : ndarray of shape (n_samples,) or None
    params : TrainingParams
    state : TrainingState
        From :meth:`TrainingState.start` or :meth:`TrainingState.continued`;
        updated in place and returned.
    random_state : numpy.random.RandomState
        Drives shuffling and the early-stopping split.
    score : callable ``(Y_pred, Y_true, sample_weight) -> float``
        Validation score of network outputs (higher is better).
    stratify : bool
        Stratify the early-stopping split by the targets (single-label
        classification).
    incremental : bool
        True for ``partial_fit``: one epoch, optimizer state carried over.
    monitor : object or None
        Told of every epoch (or L-BFGS iteration) and able to stop training
        (:class:`NoMonitor` says how); the estimators' callbacks use it.
    validation : tuple ``(X_val, Y_val, sw_val)`` or None, default=None
        A validation set for early stopping, used instead of holding out
        ``params.validation_fraction`` of the data; ``Y_val`` is in the form
        of ``Y``, ``sw_val`` an array or None.

    Returns
    -------
    TrainingState
    """
    if not params.stochastic:
        return _fit_lbfgs(stack, loss, X, Y, sample_weight, params, state, monitor)
    if not params.early_stopping:
        validation = None
    elif validation is None:
        X, X_val, Y, Y_val, sample_weight, sw_val = validation_split(
            X, Y, sample_weight, params.validation_fraction, random_state, stratify
        )
        validation = (X_val, Y_val, sw_val)
    if validation is not None:
        X_val, Y_val, sw_val = validation
        validation = (lambda network: network.predict(X_val), Y_val, sw_val)
    batches = _MiniBatches(
        X, Y, sample_weight, _batch_size(params.batch_size, X.shape[0]), stack.dtype
    )
    return stochastic_epochs(
        stack,
        loss,
        batches,
        params=params,
        state=state,
        random_state=random_state,
        score=score,
        validation=validation,
        incremental=incremental,
        monitor=monitor,
    )


def _stratification_labels(Y):
    """Labels to stratify a classifier's validation split on, or None.

    Single-label classification is stratified (binary and multiclass alike;
    scikit-learn stratifies only binary problems); multilabel is not.
    """
    if Y.shape[1] == 1:
        return Y[:, 0]
    if np.all(Y.sum(axis=1) == 1):  # one-hot: multiclass
        return Y.argmax(axis=1)
    return None


def validation_split(X, Y, sample_weight, fraction, random_state, stratify):
    """Hold out ``fraction`` of the data for early stopping.

    ``fraction`` must leave at least 2 validation samples and 1 training
    sample (:meth:`TrainingParams.for_data` sees to it). Stratified (when
    ``stratify``) for single-label classification when every class has at
    least two samples and both parts can hold every class; otherwise (tiny
    data) a plain random split, the documented fallback. Sample weights are
    split along.

    Returns
    -------
    X_train, X_val, Y_train, Y_val, sw_train, sw_val
    """
    n_val = math.ceil(fraction * X.shape[0])
    labels = _stratification_labels(Y) if stratify else None
    if labels is not None:
        _, counts = np.unique(labels, return_counts=True)
        n_train = X.shape[0] - n_val
        if counts.min() < 2 or n_val < len(counts) or n_train < len(counts):
            labels = None
    arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
    parts = train_test_split(
        *arrays, test_size=n_val, random_state=random_state, stratify=labels
    )
    if sample_weight is None:
        parts += [None, None]
    X_train, X_val, Y_train, Y_val, sw_train, sw_val = parts
    if sw_val is not None and not sw_val.sum() > 0:
        sw_val = None  # all held-out weights are zero: score unweighted
    if sw_train is not None and not sw_train.sum() > 0:
        raise ValueError(
            "Every sample with a non-zero sample_weight was held out for early "
            f"stopping (validation_fraction={fraction}), leaving a training set "
            "of zero total weight. Give more samples a positive weight, lower "
            "validation_fraction, or set early_stopping=False."
        )
    return X_train, X_val, Y_train, Y_val, sw_train, sw_val


def _batch_size(batch_size, n_samples):
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warn(
            "Got `batch_size` less than 1 or larger than sample size. It is going "
            "to be clipped"
        )
    return int(np.clip(batch_size, 1, n_samples))


class _MiniBatches:
    """Mini-batches of (X, Y, sample_weight) in the order of ``self.order``.

    Dense rows are gathered into a buffer allocated once, and cast there to
    the compute ``dtype`` when X has another float dtype (so that
    ``dtype=float32`` on float64 input needs no float32 copy of all of X).
    Iterating yields ``(X_batch, Y_batch, sw_batch, batch_weight)`` with
    ``batch_weight`` the number of rows or their total weight. Batches whose
    weights are all zero carry no information and are skipped.
    """

    def __init__(self, X, Y, sample_weight, batch_size, dtype):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.order = np.arange(X.shape[0])
        self.total_weight = (
            X.shape[0] if sample_weight is None else float(sample_weight.sum())
        )
        self._Y_buffer = np.empty((batch_size, Y.shape[1]), Y.dtype)
        self._X_buffer = self._X_gathered = None
        if not sp.issparse(X):
            self._X_gathered = np.empty((batch_size, X.shape[1]), X.dtype)
            if X.dtype != dtype:
                self._X_buffer = np.empty((batch_size, X.shape[1]), dtype)

    @property
    def n_samples(self):
        return self.order.size

    def shuffle(self, random_state):
        """Shuffle the rows for the next epoch."""
        random_state.shuffle(self.order)

    def __iter__(self):
        for start in range(0, self.order.size, self.batch_size):
            idx = self.order[start : start + self.batch_size]
            m = idx.size
            if self._X_gathered is None:  # sparse
                X_batch = self.X[idx]
            else:
                # mode="clip": the indices are valid, and numpy's default
                # mode ("raise") takes a buffered path with out=, 2-10x slower
                X_batch = np.take(
                    self.X, idx, axis=0, out=self._X_gathered[:m], mode="clip"
                )
                if self._X_buffer is not None:  # cast to the compute dtype
                    self._X_buffer[:m] = X_batch
                    X_batch = self._X_buffer[:m]
            Y_batch = np.take(self.Y, idx, axis=0, out=self._Y_buffer[:m], mode="clip")
            if self.sample_weight is None:
                yield X_batch, Y_batch, None, m
                continue
            sw_batch = self.sample_weight[idx]
            batch_weight = float(sw_batch.sum())
            if batch_weight > 0:
                yield X_batch, Y_batch, sw_batch, batch_weight


def _end_of_epoch(state, params, stack, validation, score):
    """scikit-learn's stopping bookkeeping after one epoch.

    With early stopping, scores the held-out data, records it and keeps a copy
    of the best parameters; otherwise tracks the best training loss.
    Returns False if the loss or the validation predictions are not finite
    (divergence).
    """
    if not math.isfinite(state.loss):
        return False
    if validation is None:
        if state.loss > state.best_loss - params.tol:
            state.no_improvement_count += 1
        else:
            state.no_improvement_count = 0
        state.best_loss = min(state.best_loss, state.loss)
        return True

    predict, Y_val, sw_val = validation
    Y_pred = predict(stack)
    if not np.isfinite(Y_pred).all():
        return False
    val_score = score(Y_pred, Y_val, sw_val)
    state.validation_scores.append(val_score)
    if params.verbose:
        print(f"Validation score: {val_score:f}")
    if val_score < state.best_validation_score + params.tol:
        state.no_improvement_count += 1
    else:
        state.no_improvement_count = 0
    if val_score > state.best_validation_score:
        state.best_validation_score = val_score
        state.best_params = stack.params.copy()
    return True


def stochastic_epochs(
    stack,
    loss,
    batches,
    *,
    params,
    state,
    random_state,
    score,
    validation=None,
    incremental=False,
    monitor=None,
):
    """The epochs of SGD or Adam over ``batches``.

    ``batches`` yields ``(X_batch, Y_batch, sw_batch, batch_weight)`` and has
    ``batch_size``, ``n_samples``, ``total_weight`` and ``shuffle(random_state)``
    (:class:`_MiniBatches` in memory, ``skbp._dask``'s blocks for dask arrays).
    ``validation`` is None or ``(predict, Y_val, sw_val)`` with ``predict`` a
    callable ``stack -> Y_pred`` over the held-out rows, scored by ``score``.
    """
    monitor = NoMonitor() if monitor is None else monitor
    optimizer = state.optimizer
    n_samples = batches.n_samples
    rates = params.dropout_rates(stack.n_layers - 1)
    work = Workspace(
        stack,
        batches.batch_size,
        kernels=resolve_kernels(stack.n_params),
        # The optimizer adds the L2 penalty's gradient, fused with its update.
        defer_penalty=True,
        dropout=(
            Dropout(rates, random_state, stack, batches.batch_size)
            if any(rates)
            else None
        ),
    )

    diverged = False
    accumulated_loss = seen_weight = 0.0
    try:
        for _ in range(params.max_iter):
            monitor.begin(stack.params)
            if params.shuffle:
                batches.shuffle(random_state)
            accumulated_loss = seen_weight = 0.0
            for X_batch, Y_batch, sw_batch, batch_weight in batches:
                batch_loss = stack.backprop(
                    X_batch, Y_batch, sw_batch, loss, params.alpha, work
                )
                optimizer.step(
                    stack.params,
                    work.grad,
                    stack.n_weights,
                    work.penalty_scale,
                    work.kernels,
                )
                accumulated_loss += batch_loss * batch_weight
                seen_weight += batch_weight

            state.n_iter += 1
            state.loss = accumulated_loss / batches.total_weight
            state.t += n_samples
            state.loss_curve.append(state.loss)
            if params.verbose:
                print(f"Iteration {state.n_iter}, loss = {state.loss:.8f}")
            stop_requested = monitor.end(stack.params)

            if not _end_of_epoch(state, params, stack, validation, score):
                diverged = True
                if validation is not None:  # one score per epoch, as scikit-learn
                    state.validation_scores.append(float("nan"))
                break
            optimizer.end_epoch(state.t)
            if stop_requested:
                break  # a callback asked to stop

            if state.no_improvement_count > params.n_iter_no_change:
                what = "Validation score" if validation else "Training loss"
                message = (
                    f"{what} did not improve more than tol={params.tol:f} "
                    f"for {params.n_iter_no_change} consecutive epochs."
                )
                if optimizer.on_plateau(message, params.verbose):
                    break
                state.no_improvement_count = 0
            if incremental:
                break
            if state.n_iter == params.max_iter:
                warn(
                    f"Stochastic Optimizer: Maximum iterations ({params.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        warn("Training interrupted by user.")
        if state.loss is None:  # interrupted in the first epoch: its loss so far
            state.loss = accumulated_loss / seen_weight if seen_weight else np.nan

    if diverged and validation is None:
        raise ValueError(NON_FINITE_MESSAGE)
    if validation is not None:
        if diverged and not np.isfinite(state.best_validation_score):
            raise ValueError(NON_FINITE_MESSAGE)  # no finite weights to go back to
        if diverged:
            warn(
                f"Training diverged at epoch {state.n_iter} (non-finite loss); "
                "the weights with the best validation score are kept. Scaling the "
                "input data or lowering learning_rate_init usually helps.",
                ConvergenceWarning,
            )
        np.copyto(stack.params, state.best_params)  # restore the best weights
    return state


def _fit_lbfgs(stack, loss, X, Y, sample_weight, params, state, monitor):
    """Full-batch L-BFGS-B (scipy) directly on the flat parameter vector.

    scipy works in float64: each evaluation copies its iterate into
    ``stack.params`` (casting for float32 networks) and returns the float64
    gradient.
    """
    work = Workspace(stack, X.shape[0])

    def cost_and_gradient(flat):
        np.copyto(stack.params, flat, casting="same_kind")
        cost = stack.backprop(X, Y, sample_weight, loss, params.alpha, work)
        return cost, work.grad.astype(np.float64)

    return minimize_lbfgs(stack, cost_and_gradient, params, state, monitor)


def minimize_lbfgs(stack, cost_and_gradient, params, state, monitor=None):
    """scipy's L-BFGS-B on ``stack.params`` with a given objective.

    ``cost_and_gradient(flat)`` returns the full-data cost (penalty included)
    and its float64 gradient at the float64 vector ``flat``.
    ``state.loss_curve`` records the loss after every iteration.
    """
    monitor = NoMonitor() if monitor is None else monitor
    last_cost = math.nan

    def objective(flat):
        nonlocal last_cost
        last_cost, grad = cost_and_gradient(flat)
        return last_cost, grad

    accepted = [None, math.nan, 0]  # the last iterate, its cost, the count

    def record(xk):
        # L-BFGS-B accepts an iterate right after evaluating it, so the last cost
        # computed is the loss at ``xk``: the value scipy >= 1.11 would pass as
        # ``intermediate_result.fun``. The ``callback(xk)`` form works on every scipy.
        accepted[:] = [xk, last_cost, accepted[2] + 1]
        state.loss_curve.append(float(last_cost))
        if params.verbose:
            print(f"Iteration {len(state.loss_curve)}, loss = {last_cost:.8f}")
        if monitor.end(xk):
            raise StopIteration  # a callback asked to stop
        monitor.begin(xk)

    monitor.begin(stack.params)
    try:
        result = scipy.optimize.minimize(
            objective,
            stack.params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=record,
            options={
                "maxfun": params.max_fun,
                "maxiter": params.max_iter,
                "gtol": params.tol,
            },
        )
    except StopIteration:  # scipy < 1.11 lets the callback's StopIteration out
        result = None
    if result is None or result.status == 99:  # stopped by a callback
        x, cost, nit = accepted
        result = scipy.optimize.OptimizeResult(x=x, fun=cost, nit=nit, status=0)
    else:
        monitor.end(None)  # the iteration begun after scipy's last one
    if result.status != 0:
        warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"(status={result.status}): {result.message}. Increase the number of "
            "iterations (max_iter) or of loss evaluations (max_fun), or scale the "
            "data as shown in https://scikit-learn.org/stable/modules/"
            "preprocessing.html",
            ConvergenceWarning,
        )
    state.n_iter = min(result.nit, params.max_iter)
    state.loss = float(result.fun)
    np.copyto(stack.params, result.x, casting="same_kind")
    return state
