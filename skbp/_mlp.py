"""The estimators: MLPBackpropClassifier and MLPBackpropRegressor.

Data flows one way: the estimators validate input once at the edge, build a
:class:`~skbp._network.LayerStack` from ``coefs_`` / ``intercepts_`` (or a
fresh Glorot initialisation), hand clean arrays to the training loop
(:mod:`skbp._training`), and publish the result as fitted attributes. Public
``coefs_`` / ``intercepts_`` are the truth between calls: users and pickles may
replace them, and every ``fit`` / ``partial_fit`` starts from them.

A fit that fails (bad input, divergence, an exception of any kind) restores
the estimator to what it was before the call: nothing the user had is lost.
"""

import copy
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._activations import OUTPUT_ACTIVATIONS
from ._losses import LOSSES
from ._network import LayerStack, predict_in_chunks
from ._training import NON_FINITE_MESSAGE, fit_lbfgs, fit_stochastic

_STOCHASTIC_SOLVERS = ("sgd", "adam")
_FLOAT_DTYPES = (np.float64, np.float32)
_PREDICT_CHUNK_MIB = 64
"""Upper bound (MiB) on the work buffers of one prediction chunk."""


def _store_init_arguments(estimator, arguments):
    """``__init__`` only stores its arguments (scikit-learn's convention)."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


@contextmanager
def _restored_on_failure(estimator):
    """Undo every attribute change of ``estimator`` if the block raises.

    Fitting never mutates arrays the estimator already holds (parameters are
    copied into a new flat vector and optimizer state is copied before use), so
    a shallow snapshot of ``__dict__`` is enough.
    """
    snapshot = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(snapshot)
        raise


class _BaseMLP(BaseEstimator):
    """Shared machinery of the two estimators. Not for direct use."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [
            None,
            Options(type, {np.float32, np.float64}),
            StrOptions({"float32", "float64"}),
        ],
    }

    # -- parameters ---------------------------------------------------------

    def _hidden_layer_sizes(self):
        """``hidden_layer_sizes`` as a list of positive ints, or a clear error."""
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(
            isinstance(s, Integral | np.integer) and not isinstance(s, bool) and s > 0
            for s in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a positive integer or a sequence of "
                f"positive integers, got {self.hidden_layer_sizes!r}."
            )
        return [int(s) for s in sizes]

    def _compute_dtype(self, X):
        """dtype of the network: the ``dtype`` parameter, else X's float dtype."""
        return np.dtype(self.dtype) if self.dtype is not None else X.dtype

    # -- fitting ------------------------------------------------------------

    def _fit(self, X, y, sample_weight, incremental):
        hidden_layer_sizes = self._hidden_layer_sizes()
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        dtype = self._compute_dtype(X)
        if sp.issparse(X):
            X = X.astype(dtype, copy=False).tocsr()  # mini-batches take rows
        elif self.solver == "lbfgs":
            X = X.astype(dtype, copy=False)
        # else: dense rows are cast batch by batch as they are gathered, so
        # dtype=float32 on float64 input needs no float32 copy of the data.
        Y = Y.astype(dtype, copy=False)
        sample_weight = self._validate_sample_weight(sample_weight, X, dtype)
        layer_units = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
        self._random_state = check_random_state(self.random_state)

        stack = LayerStack(
            layer_units, self.activation, self._output_activation(Y), dtype
        )
        if first_pass:
            self._initialize(stack, Y)
        else:
            self._continue_from_fitted(stack, Y)
        loss = LOSSES[self._loss_name()]

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.solver == "lbfgs":
                fit_lbfgs(self, stack, loss, X, Y, sample_weight)
            else:
                fit_stochastic(self, stack, loss, X, Y, sample_weight, incremental)

        if not np.isfinite(stack.params).all():
            raise ValueError(NON_FINITE_MESSAGE)
        # Publish copies that own their memory (not views of the flat vector),
        # so that pickles and user edits see ordinary arrays.
        self.coefs_ = [W.copy() for W in stack.coefs]
        self.intercepts_ = [b.copy() for b in stack.intercepts]
        return self

    def _validate_sample_weight(self, sample_weight, X, dtype):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=dtype, ensure_non_negative=True
        )
        if not sample_weight.sum() > 0:
            raise ValueError(
                "sample_weight must have a positive sum; all weights are zero."
            )
        return sample_weight

    def _initialize(self, stack, Y):
        """First fit: fresh Glorot weights and empty training history."""
        stack.glorot_uniform_init(self._random_state)
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = stack.n_layers + 1
        self.out_activation_ = stack.output_activation.name
        self.coefs_, self.intercepts_ = stack.coefs, stack.intercepts
        self.loss_curve_ = []
        vars(self).pop("_optimizer", None)
        if self.solver in _STOCHASTIC_SOLVERS:
            self._reset_stopping_state(stack.params)

    def _reset_stopping_state(self, params):
        """Fresh bookkeeping for the stochastic solvers' stopping rule.

        Under early stopping, ``_best_params`` keeps a copy of the flat
        parameter vector with the best validation score so far.
        """
        self._no_improvement_count = 0
        self._best_params = None
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
            self._best_params = params.copy()
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _continue_from_fitted(self, stack, Y):
        """warm_start / partial_fit: continue from the public coefs_ / intercepts_."""
        expected = [W.shape for W in stack.coefs]
        found = [np.shape(W) for W in self.coefs_]
        if expected != found or Y.shape[1] != self.n_outputs_:
            raise ValueError(
                "The network's shape changed since the last fit: coefs_ have shapes "
                f"{found}, but hidden_layer_sizes={self.hidden_layer_sizes!r} and "
                f"the data need {expected}. Use warm_start=False (or a fresh "
                "estimator) to train a network of a different shape."
            )
        stack.set_params(self.coefs_, self.intercepts_)
        self.coefs_, self.intercepts_ = stack.coefs, stack.intercepts
        # Copies, so that a failed call leaves the previous history intact.
        self.loss_curve_ = list(getattr(self, "loss_curve_", None) or [])
        if self.solver not in _STOCHASTIC_SOLVERS:
            return
        same_stopping_rule = hasattr(self, "_no_improvement_count") and (
            self.early_stopping
            == (getattr(self, "validation_scores_", None) is not None)
        )
        if not same_stopping_rule:
            self._reset_stopping_state(stack.params)
        elif self.early_stopping:
            self.validation_scores_ = list(self.validation_scores_)
            best = getattr(self, "_best_params", None)
            if best is None or best.shape != stack.params.shape:
                self._best_params = stack.params.copy()
        if hasattr(self, "_optimizer"):
            self._optimizer = copy.deepcopy(self._optimizer)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers
            in regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with _restored_on_failure(self):
            return self._fit(X, y, sample_weight, incremental=False)

    def _has_partial_fit(self):
        return self.solver in _STOCHASTIC_SOLVERS

    # -- prediction ---------------------------------------------------------

    def _network_output(self, X, *, logits=False):
        """Output layer for every row of X, in chunks of bounded memory.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
            Validated input.
        logits : bool
            Return the output pre-activations ``Z[L]`` instead of ``A[L]``.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs), in the network's dtype.
        """
        row_bytes = self.coefs_[0].dtype.itemsize * (
            X.shape[1] + sum(W.shape[1] for W in self.coefs_)
        )
        working_mib = min(get_config()["working_memory"], _PREDICT_CHUNK_MIB)
        chunk_rows = working_mib * 2**20 // row_bytes
        return predict_in_chunks(
            X,
            self.coefs_,
            self.intercepts_,
            self.activation,
            None if logits else self.out_activation_,
            chunk_rows,
        )

    def _validate_X_y(self, X, y, reset, **check_y):
        """Validate training data; y of shape (n, 1) becomes (n,) with a warning."""
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=_FLOAT_DTYPES,
            reset=reset,
            **check_y,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _validate_predict_input(self, X):
        check_is_fitted(self)
        return validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=_FLOAT_DTYPES, reset=False
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


_PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        Weight optimization: 'lbfgs' (scipy's L-BFGS-B on the full batch),
        'sgd' (stochastic gradient descent with momentum), 'adam'.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / (2 * n) * sum ||W||^2`` (n is the
        batch size, or the batch's total sample weight); biases are not penalised.

    batch_size : int or 'auto', default='auto'
        Mini-batch size for 'sgd' and 'adam'; 'auto' is ``min(200, n_samples)``.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule for solver='sgd'.

    learning_rate_init : float, default=0.001
        Initial step size ('sgd' and 'adam').

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs ('sgd', 'adam') or of iterations ('lbfgs'),
        counted per call to ``fit``.

    shuffle : bool, default=True
        Shuffle the samples every epoch ('sgd', 'adam').

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, shuffling and the early-stopping
        split. The same seed gives the same model, bit for bit, and the same
        initial weights as scikit-learn's MLP.

    tol : float, default=1e-4
        Tolerance of the stopping criterion.

    verbose : bool, default=False
        Print the loss (and the validation score) after every epoch.

    warm_start : bool, default=False
        Continue from the current weights on the next ``fit``.

    momentum : float, default=0.9
        Momentum of solver='sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum (solver='sgd' with momentum > 0).

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        single-label classification) and stop when its score stops improving;
        the best weights are restored at the end. 'sgd' and 'adam' only.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping, in (0, 1).

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without an improvement of ``tol`` before stopping ('sgd', 'adam').

    max_fun : int, default=15000
        Maximum number of loss evaluations (solver='lbfgs').

    dtype : {None, numpy.float32, numpy.float64}, default=None
        Floating-point type of the computation. None keeps the input's float
        dtype (float64 for integer input), as scikit-learn does; float32 trains
        in single precision even on float64 input, for speed. *skbp extension.*
"""

_ATTRIBUTES_DOC = """
    loss_ : float
        The loss at the end of training (last epoch for 'sgd' and 'adam').

    best_loss_ : float or None
        Smallest training loss seen ('sgd' and 'adam'); None with early stopping.

    loss_curve_ : list of float
        Loss after every epoch ('sgd', 'adam') or every iteration ('lbfgs';
        an skbp extension, scikit-learn records none for L-BFGS).

    validation_scores_ : list of float or None
        Validation score after every epoch under early stopping, else None.

    best_validation_score_ : float or None
        Best validation score under early stopping, else None.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer.

    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Name of the output activation.
"""


class MLPBackpropClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier trained by skbp's backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    same parameters, defaults, fitted attributes and behaviour. Minimises the
    log loss with a softmax output (multiclass) or logistic outputs (binary,
    multilabel) by 'adam', 'sgd' or 'lbfgs'.

    Parameters
    ----------
    {_PARAMETERS_DOC}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels of each output.
    {_ATTRIBUTES_DOC}
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skbp import MLPBackpropClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPBackpropClassifier(solver="lbfgs", random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dtype=None,
    ):
        _store_init_arguments(self, locals())

    def _loss_name(self):
        return "log_loss" if self.out_activation_ == "softmax" else "binary_log_loss"

    def _output_activation(self, Y):
        return (
            "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"
        )

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_X_y(X, y, reset)
        _check_label_types(y)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}."
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        Y = self._label_binarizer.transform(y)
        return X, Y

    @available_if(_BaseMLP._has_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array of shape (n_classes,), default=None
            All the classes that can appear in y. Required on the first call,
            ignored afterwards.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with _restored_on_failure(self):
            if _check_partial_fit_first_call(self, classes):
                self._label_binarizer = LabelBinarizer()
                if type_of_target(y).startswith("multilabel"):
                    self._label_binarizer.fit(y)
                else:
                    self._label_binarizer.fit(classes)
            return self._fit(X, y, sample_weight, incremental=True)

    def _validation_score(self, Y_pred, Y_true, sample_weight):
        """Accuracy of network outputs ``Y_pred`` against binarized ``Y_true``."""
        y_pred = self._label_binarizer.inverse_transform(Y_pred)
        y_true = self._label_binarizer.inverse_transform(Y_true)
        return accuracy_score(y_true, y_pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        X = self._validate_predict_input(X)
        return self._label_binarizer.inverse_transform(self._network_output(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, in the order of ``classes_`` (for multilabel,
            the probability of each label).
        """
        logits, sigma = self._class_logits(X)
        sigma.apply(logits)
        # Never exactly 0, so that log(predict_proba) stays finite too.
        return np.maximum(logits, np.finfo(logits.dtype).tiny, out=logits)

    def predict_log_proba(self, X):
        """Log of the probability estimates, computed stably from the logits.

        Finite for every input, even where a probability underflows
        (scikit-learn returns -inf there).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, in the order of ``classes_``.
        """
        logits, sigma = self._class_logits(X)
        return sigma.log_apply(logits)

    def _class_logits(self, X):
        """Output logits, one column per column of ``predict_proba``, and sigma.

        A binary problem has one logistic unit z: P(classes_[0]) = sigma(-z) and
        P(classes_[1]) = sigma(z), both computed without cancellation.
        """
        X = self._validate_predict_input(X)
        logits = self._network_output(X, logits=True)
        if self._label_binarizer.y_type_ == "binary":
            logits = np.hstack([-logits, logits])
        return logits, OUTPUT_ACTIVATIONS[self.out_activation_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _check_label_types(y):
    """Labels must be all strings or all numbers (as ``np.unique`` needs)."""
    if y.dtype == object:
        kinds = {"string" if isinstance(v, str) else "number" for v in y.ravel()}
        if len(kinds) > 1:
            raise TypeError(
                "y mixes string and numeric class labels; use labels of one type, "
                "for example y.astype(str)."
            )


class MLPBackpropRegressor(RegressorMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor trained by skbp's backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    same parameters, defaults, fitted attributes and behaviour. Minimises the
    squared error (identity output) or the Poisson deviance (exponential
    output) by 'adam', 'sgd' or 'lbfgs'.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        'squared_error' is ``0.5 * mean_i sum_k (y_ik - p_ik)**2``: summed over
        the outputs, so that it agrees with its gradient (scikit-learn averages
        over outputs too, its issue 8349; the two agree for one output).
        'poisson' is the half Poisson deviance; y must be non-negative.
    {_PARAMETERS_DOC}
    Attributes
    ----------
    {_ATTRIBUTES_DOC}
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skbp import MLPBackpropRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = MLPBackpropRegressor(solver="lbfgs", random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dtype=None,
    ):
        _store_init_arguments(self, locals())

    def _loss_name(self):
        return self.loss

    def _output_activation(self, Y):
        return LOSSES[self.loss].output_activation

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_X_y(X, y, reset, y_numeric=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' requires non-negative targets, but y has "
                f"{int(np.sum(y < 0))} negative value(s) (smallest {np.min(y)})."
            )
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return X, Y

    @available_if(_BaseMLP._has_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with _restored_on_failure(self):
            return self._fit(X, y, sample_weight, incremental=True)

    def _validation_score(self, Y_pred, Y_true, sample_weight):
        """R^2 of network outputs ``Y_pred`` against ``Y_true``, both 2-D."""
        return r2_score(Y_true, Y_pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict using the multi-layer perceptron model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        X = self._validate_predict_input(X)
        y_pred = self._network_output(X)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred
