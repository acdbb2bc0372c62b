"""The training loops: mini-batch epochs (SGD, Adam) and full-batch L-BFGS.

Both work on a :class:`~skbp._network.LayerStack`'s flat parameter vector and
record their history on the estimator with scikit-learn's attribute names
(``n_iter_``, ``t_``, ``loss_``, ``loss_curve_``, ``best_loss_``,
``validation_scores_``, ``best_validation_score_``), following scikit-learn's
MLP step for step so that the two behave alike.
"""

import math
import warnings

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._network import Workspace, predict_in_chunks
from ._optimizers import SGD, Adam

_VALIDATION_CHUNK_ROWS = 4096

NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights or loss. The input data may "
    "contain large values and need to be preprocessed (for example with "
    "sklearn.preprocessing.StandardScaler), or the learning rate may be too high."
)


def make_optimizer(estimator, stack):
    """The optimizer named by ``estimator.solver``, sized for ``stack``."""
    if estimator.solver == "sgd":
        return SGD(
            stack.n_params,
            stack.dtype,
            estimator.learning_rate_init,
            estimator.learning_rate,
            estimator.momentum,
            estimator.nesterovs_momentum,
            estimator.power_t,
        )
    return Adam(
        stack.n_params,
        stack.dtype,
        estimator.learning_rate_init,
        estimator.beta_1,
        estimator.beta_2,
        estimator.epsilon,
    )


def _stratification_labels(Y, is_classifier):
    """Labels to stratify the validation split on, or None.

    Single-label classification is stratified (binary and multiclass alike;
    scikit-learn stratifies only binary problems); multilabel and regression
    are not.
    """
    if not is_classifier:
        return None
    if Y.shape[1] == 1:
        return Y[:, 0]
    if np.all(Y.sum(axis=1) == 1):  # one-hot: multiclass
        return Y.argmax(axis=1)
    return None


def validation_split(estimator, X, Y, sample_weight, is_classifier):
    """Hold out ``validation_fraction`` of the data for early stopping.

    Stratified for single-label classification when every class has at least
    two samples and both parts can hold every class; otherwise (tiny data) a
    plain random split, which is the documented fallback. Sample weights are
    split along.

    Returns
    -------
    X_train, X_val, Y_train, Y_val, sw_train, sw_val
    """
    n_samples = X.shape[0]
    n_val = math.ceil(estimator.validation_fraction * n_samples)
    if n_val < 2 or n_samples - n_val < 1:
        raise ValueError(
            "The validation set is too small: validation_fraction="
            f"{estimator.validation_fraction} of {n_samples} samples holds out "
            f"{n_val} sample(s) and keeps {n_samples - n_val} for training; early "
            "stopping needs at least 2 validation samples and 1 training sample. "
            "Increase 'validation_fraction' or the size of your dataset, or set "
            "early_stopping=False."
        )
    stratify = _stratification_labels(Y, is_classifier)
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        if counts.min() < 2 or n_val < len(counts) or n_samples - n_val < len(counts):
            stratify = None
    arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
    parts = train_test_split(
        *arrays,
        test_size=n_val,
        random_state=estimator._random_state,
        stratify=stratify,
    )
    if sample_weight is None:
        parts += [None, None]
    X_train, X_val, Y_train, Y_val, sw_train, sw_val = parts
    if sw_val is not None and not sw_val.sum() > 0:
        sw_val = None  # all held-out weights are zero: score unweighted
    return X_train, X_val, Y_train, Y_val, sw_train, sw_val


def _batch_size(estimator, n_samples):
    if estimator.batch_size == "auto":
        return min(200, n_samples)
    if estimator.batch_size > n_samples:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. It is going "
            "to be clipped",
            stacklevel=4,
        )
    return int(np.clip(estimator.batch_size, 1, n_samples))


def _update_no_improvement_count(estimator, stack, validation):
    """scikit-learn's stopping bookkeeping after one epoch.

    With early stopping, scores the held-out data, records it and keeps a copy
    of the best parameters; otherwise tracks the best training loss.
    Returns False if the validation predictions are not finite (divergence).
    """
    if validation is None:
        if estimator.loss_curve_[-1] > estimator.best_loss_ - estimator.tol:
            estimator._no_improvement_count += 1
        else:
            estimator._no_improvement_count = 0
        estimator.best_loss_ = min(estimator.best_loss_, estimator.loss_curve_[-1])
        return True

    X_val, Y_val, sw_val = validation
    Y_pred = predict_in_chunks(
        X_val,
        stack.coefs,
        stack.intercepts,
        stack.hidden_activation.name,
        stack.output_activation.name,
        _VALIDATION_CHUNK_ROWS,
    )
    if not np.isfinite(Y_pred).all():
        return False
    score = estimator._validation_score(Y_pred, Y_val, sw_val)
    estimator.validation_scores_.append(score)
    if estimator.verbose:
        print(f"Validation score: {score:f}")
    if score < estimator.best_validation_score_ + estimator.tol:
        estimator._no_improvement_count += 1
    else:
        estimator._no_improvement_count = 0
    if score > estimator.best_validation_score_:
        estimator.best_validation_score_ = score
        estimator._best_params = stack.params.copy()
    return True


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

    def __iter__(self):
        for start in range(0, self.order.size, self.batch_size):
            idx = self.order[start : start + self.batch_size]
            m = idx.size
            if self._X_gathered is None:  # sparse
                X_batch = self.X[idx]
            else:
                X_batch = np.take(self.X, idx, axis=0, out=self._X_gathered[:m])
                if self._X_buffer is not None:  # cast to the compute dtype
                    self._X_buffer[:m] = X_batch
                    X_batch = self._X_buffer[:m]
            Y_batch = np.take(self.Y, idx, axis=0, out=self._Y_buffer[:m])
            if self.sample_weight is None:
                yield X_batch, Y_batch, None, m
                continue
            sw_batch = self.sample_weight[idx]
            batch_weight = float(sw_batch.sum())
            if batch_weight > 0:
                yield X_batch, Y_batch, sw_batch, batch_weight


def fit_stochastic(estimator, stack, loss, X, Y, sample_weight, incremental):
    """Mini-batch training with SGD or Adam, one epoch per ``partial_fit``.

    Parameters
    ----------
    estimator : MLPBackpropClassifier or MLPBackpropRegressor
        Supplies the hyperparameters and receives the training history.
    stack : LayerStack
        Network whose ``params`` are trained in place.
    loss : Loss
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    incremental : bool
        True for ``partial_fit``: one epoch, optimizer state carried over.
    """
    if incremental and estimator.early_stopping:
        raise ValueError(
            "partial_fit does not support early_stopping=True; set "
            "early_stopping=False or use fit."
        )
    optimizer = getattr(estimator, "_optimizer", None)
    if not incremental or optimizer is None or not optimizer.fits(stack.params):
        optimizer = make_optimizer(estimator, stack)
    estimator._optimizer = optimizer

    validation = None
    if estimator.early_stopping:
        X, X_val, Y, Y_val, sample_weight, sw_val = validation_split(
            estimator, X, Y, sample_weight, is_classifier(estimator)
        )
        validation = (X_val, Y_val, sw_val)

    n_samples = X.shape[0]
    batches = _MiniBatches(
        X, Y, sample_weight, _batch_size(estimator, n_samples), stack.dtype
    )
    work = Workspace(stack, batches.batch_size)

    estimator.n_iter_ = 0
    diverged = False
    try:
        for _ in range(estimator.max_iter):
            if estimator.shuffle:
                estimator._random_state.shuffle(batches.order)
            accumulated_loss = 0.0
            for X_batch, Y_batch, sw_batch, batch_weight in batches:
                batch_loss = stack.backprop(
                    X_batch, Y_batch, sw_batch, loss, estimator.alpha, work
                )
                optimizer.step(stack.params, work.grad)
                accumulated_loss += batch_loss * batch_weight

            estimator.n_iter_ += 1
            estimator.loss_ = accumulated_loss / batches.total_weight
            estimator.t_ += n_samples
            estimator.loss_curve_.append(estimator.loss_)
            if estimator.verbose:
                print(f"Iteration {estimator.n_iter_}, loss = {estimator.loss_:.8f}")

            if not math.isfinite(estimator.loss_) or not _update_no_improvement_count(
                estimator, stack, validation
            ):
                diverged = True
                if validation is not None:  # one score per epoch, as scikit-learn
                    estimator.validation_scores_.append(float("nan"))
                break
            optimizer.end_epoch(estimator.t_)

            if estimator._no_improvement_count > estimator.n_iter_no_change:
                what = "Validation score" if validation else "Training loss"
                message = (
                    f"{what} did not improve more than tol={estimator.tol:f} "
                    f"for {estimator.n_iter_no_change} consecutive epochs."
                )
                if optimizer.on_plateau(message, estimator.verbose):
                    break
                estimator._no_improvement_count = 0
            if incremental:
                break
            if estimator.n_iter_ == estimator.max_iter:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({estimator.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=4,
                )
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.", stacklevel=4)

    if diverged and validation is None:
        raise ValueError(NON_FINITE_MESSAGE)
    if validation is not None:
        if diverged:
            warnings.warn(
                f"Training diverged at epoch {estimator.n_iter_} (non-finite loss); "
                "the weights with the best validation score are kept. Scaling the "
                "input data or lowering learning_rate_init usually helps.",
                ConvergenceWarning,
                stacklevel=4,
            )
        np.copyto(stack.params, estimator._best_params)  # restore the best weights


def fit_lbfgs(estimator, stack, loss, X, Y, sample_weight):
    """Full-batch L-BFGS-B (scipy) directly on the flat parameter vector.

    scipy works in float64: each evaluation copies its iterate into
    ``stack.params`` (casting for float32 networks) and returns the float64
    gradient. ``loss_curve_`` records the loss after every iteration.
    """
    work = Workspace(stack, X.shape[0])
    last_cost = math.nan

    def cost_and_gradient(flat):
        nonlocal last_cost
        np.copyto(stack.params, flat, casting="same_kind")
        last_cost = stack.backprop(X, Y, sample_weight, loss, estimator.alpha, work)
        return last_cost, work.grad.astype(np.float64)

    def record(xk):
        # L-BFGS-B accepts an iterate right after evaluating it, so the last cost
        # computed is the loss at ``xk``: the value scipy >= 1.11 would pass as
        # ``intermediate_result.fun``. The ``callback(xk)`` form works on every scipy.
        estimator.loss_curve_.append(float(last_cost))
        if estimator.verbose:
            print(f"Iteration {len(estimator.loss_curve_)}, loss = {last_cost:.8f}")

    result = scipy.optimize.minimize(
        cost_and_gradient,
        stack.params.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=record,
        options={
            "maxfun": estimator.max_fun,
            "maxiter": estimator.max_iter,
            "gtol": estimator.tol,
        },
    )
    if result.status != 0:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"(status={result.status}): {result.message}. Increase the number of "
            "iterations (max_iter) or of loss evaluations (max_fun), or scale the "
            "data as shown in https://scikit-learn.org/stable/modules/"
            "preprocessing.html",
            ConvergenceWarning,
            stacklevel=4,
        )
    estimator.n_iter_ = min(result.nit, estimator.max_iter)
    estimator.loss_ = float(result.fun)
    np.copyto(stack.params, result.x, casting="same_kind")
