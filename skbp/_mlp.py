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

from contextlib import contextmanager
from functools import partial
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    is_classifier,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
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

from . import _dask
from ._activations import OUTPUT_ACTIVATIONS
from ._docstring import ATTRIBUTES, PARAMETERS, fill_doc
from ._losses import LOSSES
from ._network import LayerStack
from ._training import (
    NON_FINITE_MESSAGE,
    STOCHASTIC_SOLVERS,
    TrainingParams,
    TrainingState,
    train,
)

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
    """Undo every change a failing block made to ``estimator``.

    Fitting never mutates arrays the estimator already holds (parameters are
    copied into a new flat vector and the training state is copied before
    use), so a shallow snapshot of ``__dict__`` is enough. A ``RandomState``
    passed as ``random_state`` is the user's: its position is restored too.
    """
    snapshot = dict(vars(estimator))
    generator = estimator.random_state
    generator_state = (
        generator.get_state() if isinstance(generator, np.random.RandomState) else None
    )
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(snapshot)
        if generator_state is not None:
            generator.set_state(generator_state)
        raise


def _check_representable(array, dtype, name):
    """Raise a clear error where casting ``array`` to ``dtype`` would give inf.

    float64 values beyond float32's range silently become inf under
    ``dtype=numpy.float32``; scikit-learn's validation says so for float32
    input, and so do we for the cast we make.
    """
    dtype = np.dtype(dtype)
    data = array.data if sp.issparse(array) else np.asarray(array)
    if data.size == 0 or data.dtype.itemsize <= dtype.itemsize:
        return
    largest = max(float(np.max(data)), -float(np.min(data)))
    if largest > float(np.finfo(dtype).max):
        raise ValueError(
            f"Input {name} contains a value too large for dtype('{dtype}') "
            f"(largest absolute value {largest:.3g}, float32 holds at most "
            f"{np.finfo(dtype).max:.3g}). Scale the data, or use dtype=None to "
            "compute in the input's float64."
        )


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

    def _validate_params(self):
        """scikit-learn's constraints, then what they cannot say (each width)."""
        super()._validate_params()
        self._hidden_layer_sizes()

    def _hidden_layer_sizes(self):
        """``hidden_layer_sizes`` as a list of positive ints, or a clear error."""
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(
            isinstance(s, Integral | np.integer) and not isinstance(s, bool) and s > 0
            for s in sizes
        ):
            raise InvalidParameterError(
                f"The 'hidden_layer_sizes' parameter of {type(self).__name__} must "
                "be a positive integer or a sequence of positive integers. Got "
                f"{self.hidden_layer_sizes!r} instead."
            )
        return [int(s) for s in sizes]

    def _compute_dtype(self, X, first_pass):
        """dtype of the network.

        Fixed by the first fit: a continued fit keeps the fitted weights'
        dtype. Otherwise the ``dtype`` parameter, else X's float dtype.
        """
        if not first_pass:
            return np.asarray(self.coefs_[0]).dtype
        return np.dtype(self.dtype) if self.dtype is not None else X.dtype

    # -- fitting ------------------------------------------------------------

    def _fit(self, X, y, sample_weight, incremental):
        """Validate, build the network, train, publish: every fit goes here."""
        # -- dask hook (issue 11): dask arrays train where their blocks live --
        if _dask.is_dask_collection(X, y, sample_weight):
            return _dask.fit(self, X, y, sample_weight, incremental)
        # -- end of dask hook --
        hidden_layer_sizes = self._hidden_layer_sizes()
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        dtype = self._compute_dtype(X, first_pass)
        _check_representable(X, dtype, "X")
        _check_representable(Y, dtype, "y")
        if sp.issparse(X):
            X = X.astype(dtype, copy=False).tocsr()  # mini-batches take rows
        elif self.solver == "lbfgs":
            X = X.astype(dtype, copy=False)
        # else: dense rows are cast batch by batch as they are gathered, so
        # dtype=float32 on float64 input needs no float32 copy of the data.
        Y = Y.astype(dtype, copy=False)
        sample_weight = self._validate_sample_weight(sample_weight, X, dtype)
        layer_units = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
        random_state = check_random_state(self.random_state)

        stack = LayerStack(
            layer_units, self.activation, self._output_activation(Y), dtype
        )
        params = TrainingParams.from_dict(self.get_params()).for_data(
            X.shape[0], incremental=incremental
        )
        if first_pass:
            stack.glorot_uniform_init(random_state)
            state = TrainingState.start(params, stack.params)
        else:
            self._check_same_network_shape(stack, Y)
            stack.set_params(self.coefs_, self.intercepts_)
            state = self._previous_training_state().continued(
                params, stack.params, incremental=incremental
            )

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            state = train(
                stack,
                LOSSES[self._loss_name(stack.output_activation.name)],
                X,
                Y,
                sample_weight,
                params=params,
                state=state,
                random_state=random_state,
                score=self._validation_scorer(),
                stratify=is_classifier(self),
                incremental=incremental,
            )
        if not np.isfinite(stack.params).all():
            raise ValueError(NON_FINITE_MESSAGE)
        self._publish(stack, state)
        return self

    def _publish(self, stack, state):
        """Set the fitted attributes from a trained network and its state.

        The weights are published as copies that own their memory (not views of
        the flat vector), so that pickles and user edits see ordinary arrays.
        """
        self.coefs_ = [W.copy() for W in stack.coefs]
        self.intercepts_ = [b.copy() for b in stack.intercepts]
        self.n_outputs_ = stack.layer_units[-1]
        self.n_layers_ = stack.n_layers + 1
        self.out_activation_ = stack.output_activation.name
        self._training_state = state
        vars(self).update(state.fitted_attributes())

    def _previous_training_state(self):
        """The state of the last fit (one loaded from an old pickle: rebuilt)."""
        state = getattr(self, "_training_state", None)
        if state is None:
            state = TrainingState(
                t=getattr(self, "t_", 0), loss_curve=list(self.loss_curve_ or [])
            )
        return state

    def _validate_sample_weight(self, sample_weight, X, dtype):
        if sample_weight is None:
            return None
        _check_representable(sample_weight, dtype, "sample_weight")
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=dtype, ensure_non_negative=True
        )
        if not sample_weight.sum() > 0:
            raise ValueError(
                "sample_weight must have a positive sum; all weights are zero."
            )
        return sample_weight

    def _check_same_network_shape(self, stack, Y):
        """warm_start / partial_fit continue only a network of the same shape."""
        expected = [W.shape for W in stack.coefs]
        found = [np.shape(W) for W in self.coefs_]
        if expected != found or Y.shape[1] != self.n_outputs_:
            raise ValueError(
                "The network's shape changed since the last fit: coefs_ have shapes "
                f"{found}, but hidden_layer_sizes={self.hidden_layer_sizes!r} and "
                f"the data need {expected}. Use warm_start=False (or a fresh "
                "estimator) to train a network of a different shape."
            )

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
        return self.solver in STOCHASTIC_SOLVERS

    # -- prediction ---------------------------------------------------------

    def _network_output(self, X, *, logits=False):
        """Output layer (or its logits) for every row of validated ``X``.

        Works in chunks of at most ``min(working_memory, 64 MiB)`` of buffers.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs), in the network's dtype.
        """
        stack = LayerStack.from_arrays(
            self.coefs_, self.intercepts_, self.activation, self.out_activation_
        )
        _check_representable(X, stack.dtype, "X")
        working_mib = min(get_config()["working_memory"], _PREDICT_CHUNK_MIB)
        return stack.predict(X, logits=logits, max_bytes=working_mib * 2**20)

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

    def __getstate__(self):
        # The training state travels as a plain dict, so that a skops file
        # asks to trust no more types than scikit-learn's MLP (its optimizer).
        state = super().__getstate__()
        training = state.get("_training_state")
        if isinstance(training, TrainingState):
            state = {**state, "_training_state": dict(vars(training))}
        return state

    def __setstate__(self, state):
        training = state.get("_training_state")
        if isinstance(training, dict):
            state = {**state, "_training_state": TrainingState(**training)}
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


@fill_doc(parameters=PARAMETERS, attributes=ATTRIBUTES)
class MLPBackpropClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained by skbp's backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    same parameters, defaults, fitted attributes and behaviour. Minimises the
    log loss with a softmax output (multiclass) or logistic outputs (binary,
    multilabel) by 'adam', 'sgd' or 'lbfgs'.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels of each output.
    {attributes}

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

    def _loss_name(self, output_activation):
        return "log_loss" if output_activation == "softmax" else "binary_log_loss"

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
                if not _dask.is_dask_collection(y) and type_of_target(y).startswith(
                    "multilabel"
                ):  # dask hook: dask y is 1-D labels
                    self._label_binarizer.fit(y)
                else:
                    self._label_binarizer.fit(classes)
            return self._fit(X, y, sample_weight, incremental=True)

    def _validation_scorer(self):
        return partial(_accuracy_of_outputs, self._label_binarizer)

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
        # Logits that overflowed to +-inf: clipped to a quarter of the dtype's
        # range, so that differences of logits (softmax, log-softmax) stay finite.
        bound = np.finfo(logits.dtype).max / 4
        np.clip(logits, -bound, bound, out=logits)
        if len(self.classes_) == 1:  # one class seen in fit: probability 1
            return np.zeros_like(logits), OUTPUT_ACTIVATIONS["softmax"]
        if self._label_binarizer.y_type_ == "binary":
            logits = np.hstack([-logits, logits])
        return logits, OUTPUT_ACTIVATIONS[self.out_activation_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _accuracy_of_outputs(label_binarizer, Y_pred, Y_true, sample_weight):
    """Accuracy of network outputs ``Y_pred`` against binarized ``Y_true``."""
    y_pred = label_binarizer.inverse_transform(Y_pred)
    y_true = label_binarizer.inverse_transform(Y_true)
    return accuracy_score(y_true, y_pred, sample_weight=sample_weight)


def _r2_of_outputs(Y_pred, Y_true, sample_weight):
    """R^2 of network outputs ``Y_pred`` against ``Y_true``, both 2-D."""
    return r2_score(Y_true, Y_pred, sample_weight=sample_weight)


def _check_label_types(y):
    """Labels must be all strings or all numbers (as ``np.unique`` needs)."""
    if y.dtype == object:
        kinds = {"string" if isinstance(v, str) else "number" for v in y.ravel()}
        if len(kinds) > 1:
            raise TypeError(
                "y mixes string and numeric class labels; use labels of one type, "
                "for example y.astype(str)."
            )


@fill_doc(parameters=PARAMETERS, attributes=ATTRIBUTES)
class MLPBackpropRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor trained by skbp's backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    same parameters, defaults, fitted attributes and behaviour. Minimises the
    squared error (identity output) or the Poisson deviance (exponential
    output) by 'adam', 'sgd' or 'lbfgs'.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        'squared_error' is ``0.5 * mean_i sum_k (y_ik - p_ik)**2``: summed over
        the outputs, so that it agrees with its gradient (scikit-learn averages
        over outputs too, its issue 8349; the two agree for one output).
        'poisson' is the half Poisson deviance; y must be non-negative.

    {parameters}

    Attributes
    ----------
    {attributes}

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

    def _loss_name(self, output_activation):
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

    def _validation_scorer(self):
        return _r2_of_outputs

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
