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
from scipy.special import log_expit
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
from sklearn.utils import check_random_state, column_or_1d, compute_class_weight
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

try:  # scikit-learn >= 1.9: the (experimental) callback API
    from sklearn.callback import CallbackSupportMixin as _CallbackSupport
except ImportError:  # older releases: no set_callbacks

    class _CallbackSupport:
        pass


from ._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from ._docstring import ATTRIBUTES, DROPOUT, PARAMETERS, fill_doc
from ._losses import LOSSES, huber_loss
from ._network import LayerStack
from ._training import (
    NON_FINITE_MESSAGE,
    STOCHASTIC_SOLVERS,
    NoMonitor,
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
        # scikit-learn's callback bookkeeping stays: its teardown needs it.
        callbacks = {
            key: value
            for key, value in vars(estimator).items()
            if key in ("_callback_fit_ctx", "_skl_callbacks_to_teardown")
        }
        vars(estimator).clear()
        vars(estimator).update(snapshot | callbacks)
        if generator_state is not None:
            generator.set_state(generator_state)
        raise


def _check_representable(array, dtype, name):
    """Raise a clear error where casting ``array`` to ``dtype`` would give inf.

    float64 values beyond float32's range silently become inf under
    ``dtype=numpy.float32``; scikit-learn's validation says so for float32
    input, and so do we for the cast we make.
    """
    data = array.data if sp.issparse(array) else np.asarray(array)
    if data.size == 0 or data.dtype.itemsize <= np.dtype(dtype).itemsize:
        return
    largest = max(float(np.max(data)), -float(np.min(data)))
    check_largest_representable(largest, data.dtype, dtype, name)


def check_largest_representable(largest, source_dtype, dtype, name):
    """ValueError if ``largest`` (an absolute value of ``source_dtype``
    values) becomes inf in ``dtype``."""
    dtype = np.dtype(dtype)
    if source_dtype.itemsize > dtype.itemsize and largest > float(np.finfo(dtype).max):
        raise ValueError(
            f"Input {name} contains a value too large for dtype('{dtype}') "
            f"(largest absolute value {largest:.3g}, float32 holds at most "
            f"{np.finfo(dtype).max:.3g}). Scale the data, or use dtype=None to "
            "compute in the input's float64."
        )


class _CallbackMonitor(NoMonitor):
    """scikit-learn callbacks told of every epoch (or L-BFGS iteration).

    The fit is the root task; each epoch is a subtask whose hooks receive the
    training data and, on request, a ``fitted_estimator`` built from copies of
    the weights at that point (the flat vector is updated in place later).
    """

    def __init__(self, estimator, context, stack, X, y, metadata):
        self.estimator, self.context, self.stack = estimator, context, stack
        self.data = {"X": X, "y": y, "metadata": metadata}
        self.task = None

    def attributes(self, params):
        """Fitted attributes of the network with flat parameters ``params``."""
        coefs, intercepts = self.stack.split(np.array(params, self.stack.dtype))
        return {
            "coefs_": coefs,
            "intercepts_": intercepts,
            "n_layers_": self.stack.n_layers + 1,
            "n_outputs_": self.stack.layer_units[-1],
            "out_activation_": self.stack.output_activation.name,
        }

    def begin(self, params):
        self.task = self.context.subcontext(task_name="epoch")
        self.task.call_on_fit_task_begin(
            estimator=self.estimator,
            **self.data,
            reconstruction_attributes=lambda: self.attributes(params),
        )

    def end(self, params):
        if params is None:  # an empty task: nothing to report
            return self.task.call_on_fit_task_end(estimator=self.estimator)
        return self.task.call_on_fit_task_end(
            estimator=self.estimator,
            **self.data,
            reconstruction_attributes=lambda: self.attributes(params),
        )


class _BaseMLP(_CallbackSupport, BaseEstimator):
    """Shared machinery of the two estimators. Not for direct use."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), Activation, list, tuple],
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
        "output_activation": [None, StrOptions(set(OUTPUT_ACTIVATIONS)), Activation],
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    }

    # -- parameters ---------------------------------------------------------

    def _validate_params(self):
        """scikit-learn's constraints, then what they cannot say.

        Each hidden layer width; each per-layer dropout rate; dropout only
        with the stochastic solvers (it makes the objective random, which
        L-BFGS's line search cannot follow).
        """
        super()._validate_params()
        n_hidden = len(self._hidden_layer_sizes())
        rates = self.dropout
        if isinstance(rates, list | tuple):
            if len(rates) != n_hidden or not all(
                isinstance(r, Real) and not isinstance(r, bool) and 0 <= r < 1
                for r in rates
            ):
                raise InvalidParameterError(
                    f"The 'dropout' parameter of {type(self).__name__} must be a "
                    "float in [0, 1) or one such rate per hidden layer "
                    f"({n_hidden} here). Got {rates!r} instead."
                )
            rates = max(rates, default=0)
        if rates and self.solver == "lbfgs":
            raise InvalidParameterError(
                f"dropout={self.dropout!r} needs solver='sgd' or 'adam': it makes "
                "the objective random, and L-BFGS's line search needs a fixed one. "
                "Use dropout=0.0 with solver='lbfgs'."
            )

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

    def _fit(self, X, y, sample_weight, incremental, validation=(None, None, None)):
        """Validate, build the network, train, publish: every fit goes here.

        ``validation`` is ``fit``'s ``(X_val, y_val, sample_weight_val)``.
        """
        # dask arrays train where their blocks live (skbp._dask)
        if _dask.is_dask_collection(X, y, sample_weight):
            if any(v is not None for v in validation):
                raise ValueError(
                    "X_val / y_val are not supported with dask arrays yet: use "
                    "early_stopping=True with validation_fraction, or numpy input."
                )
            return _dask.fit(self, X, y, sample_weight, incremental)
        hidden_layer_sizes = self._hidden_layer_sizes()
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y, sample_weight, class_weight, dtype = self._training_data(
            X, y, sample_weight, incremental, first_pass
        )
        validation = self._validate_validation_set(
            *validation, Y.shape[1], dtype, class_weight
        )
        layer_units = [X.shape[1], *hidden_layer_sizes, Y.shape[1]]
        random_state = check_random_state(self.random_state)

        stack = self._layer_stack(layer_units, Y, dtype)
        params = TrainingParams.from_dict(self.get_params()).for_data(
            X.shape[0], incremental=incremental, validation_given=validation is not None
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

        monitor = self._callback_monitor(stack, params, X, y, sample_weight)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            state = train(
                stack,
                self._loss(stack),
                X,
                Y,
                sample_weight,
                params=params,
                state=state,
                random_state=random_state,
                score=self._validation_scorer(),
                stratify=is_classifier(self),
                incremental=incremental,
                monitor=monitor,
                validation=validation,
            )
        if not np.isfinite(stack.params).all():
            raise ValueError(NON_FINITE_MESSAGE)
        self._publish(stack, state)
        if isinstance(monitor, _CallbackMonitor):
            monitor.context.call_on_fit_task_end(
                estimator=self,
                **monitor.data,
                reconstruction_attributes=lambda: monitor.attributes(stack.params),
            )
        return self

    def _callback_monitor(self, stack, params, X, y, sample_weight):
        """A monitor that runs the callbacks set by ``set_callbacks``, if any.

        The fit is one task with a subtask per epoch ('sgd', 'adam'; one for
        ``partial_fit``) or per iteration ('lbfgs', plus the empty one scipy's
        callback protocol leaves), as scikit-learn's own estimators do.
        """
        if not (
            getattr(self, "_skl_callbacks", None)
            or hasattr(self, "_parent_callback_ctx")
        ):
            return None
        if params.stochastic:
            n_tasks = params.max_iter
        else:
            n_tasks = params.max_iter + 1
        context = self._init_callback_context(max_subtasks=n_tasks)
        monitor = _CallbackMonitor(
            self, context, stack, X, y, {"sample_weight": sample_weight}
        )
        context.call_on_fit_task_begin(estimator=self, **monitor.data)
        return monitor

    def _layer_stack(self, layer_units, Y, dtype):
        """An empty network of the configured activations, checked with the loss.

        Per-layer activations must be known names or :class:`Activation`
        objects; user-defined ones are checked by finite differences; the
        output activation must suit the loss (a ValueError names both).
        """
        hidden = self.activation
        for k, sigma in enumerate(hidden if isinstance(hidden, list | tuple) else []):
            if not isinstance(sigma, Activation) and sigma not in HIDDEN_ACTIVATIONS:
                raise ValueError(
                    f"activation[{k}]={sigma!r} is not an activation: use one of "
                    f"{sorted(HIDDEN_ACTIVATIONS)} or an skbp.Activation."
                )
        stack = LayerStack(layer_units, hidden, self._output_activation(Y), dtype)
        for sigma in dict.fromkeys(stack.activations):
            if isinstance(sigma, Activation):
                sigma.check()
        self._loss(stack).check_output(stack.output_activation, layer_units[-1])
        return stack

    def _training_data(
        self, X, y, sample_weight, incremental, first_pass, *, dtype=None
    ):
        """Validated ``X``, binarized ``Y``, sample weights (times the class
        weights), the class weights and the compute dtype, as training uses them.

        ``dtype`` overrides the network's dtype and casts all of a dense X
        (:func:`skbp.check_gradients` computes in float64); otherwise dense rows
        are cast batch by batch as they are gathered (stochastic solvers), so
        ``dtype=float32`` on float64 input needs no float32 copy of the data.
        """
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        cast_dense = dtype is not None or self.solver == "lbfgs"
        dtype = self._compute_dtype(X, first_pass) if dtype is None else dtype
        _check_representable(X, dtype, "X")
        _check_representable(Y, dtype, "y")
        if sp.issparse(X):
            X = X.astype(dtype, copy=False).tocsr()  # mini-batches take rows
        elif cast_dense:
            X = X.astype(dtype, copy=False)
        Y = Y.astype(dtype, copy=False)
        class_weight = self._class_weight_of(Y, sample_weight, X)
        sample_weight = self._validate_sample_weight(
            _times(sample_weight, class_weight, Y), X, dtype
        )
        return X, Y, sample_weight, class_weight, dtype

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

    def _class_weight_of(self, Y, sample_weight, X):
        """Class weights for training on ``Y`` (the classifier has them)."""
        return None

    def _validate_validation_set(
        self, X_val, y_val, sample_weight_val, n_outputs, dtype, cw
    ):
        """``fit``'s validation set as ``(X_val, Y_val, sw_val)``, or None.

        HistGradientBoosting's rules: X_val and y_val together, and only with
        early stopping. Validated like the training data (same features,
        targets of the same kind, classes among ``classes_``), cast to
        ``dtype``, weighted by ``sample_weight_val`` times the class weights.
        """
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError(
                    "sample_weight_val is provided, but X_val and y_val were not "
                    "provided."
                )
            return None
        if y_val is None:
            raise ValueError("X_val is provided, but y_val was not provided.")
        if X_val is None:
            raise ValueError("y_val is provided, but X_val was not provided.")
        if not self.early_stopping or self.solver not in STOCHASTIC_SOLVERS:
            raise ValueError(
                "X_val and y_val are passed to fit, but they are used only by early "
                f"stopping, and early_stopping={self.early_stopping}, solver="
                f"{self.solver!r}. Use early_stopping=True with solver 'adam' or "
                "'sgd', or leave X_val and y_val out."
            )
        X_val, Y_val = self._validate_validation_data(X_val, y_val)
        if Y_val.shape[1] != n_outputs:
            raise ValueError(
                f"y_val has {Y_val.shape[1]} output(s), but the training y has "
                f"{n_outputs}."
            )
        _check_representable(X_val, dtype, "X_val")
        _check_representable(Y_val, dtype, "y_val")
        if sp.issparse(X_val):
            X_val = X_val.astype(dtype, copy=False).tocsr()
        if sample_weight_val is not None:
            _check_representable(sample_weight_val, dtype, "sample_weight_val")
            sample_weight_val = _check_sample_weight(
                sample_weight_val, X_val, dtype=np.float64, ensure_non_negative=True
            )
        sw_val = _times(sample_weight_val, cw, Y_val)
        if sw_val is not None:
            sw_val = sw_val.astype(dtype)
            if not sw_val.sum() > 0:
                raise ValueError(
                    "The validation set has zero total weight (sample_weight_val "
                    "times class weights); give some samples a positive weight."
                )
        return X_val, Y_val.astype(dtype, copy=False), sw_val

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
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
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
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            A validation set for early stopping, monitored instead of holding
            out ``validation_fraction`` of X (which is then ignored). Needs
            ``y_val`` and ``early_stopping=True`` with solver 'adam' or 'sgd',
            as ``HistGradientBoostingClassifier.fit``'s. In a ``Pipeline``,
            ``Pipeline(..., transform_input=["X_val"])`` transforms it like X;
            with metadata routing, request it by
            ``set_fit_request(X_val=True, y_val=True)``. *skbp extension.*
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``, of the same kind as y (classes among those
            of y).
        sample_weight_val : array-like of shape (n_val,), default=None
            Non-negative weights of the validation samples in the score (times
            the class weights); needs ``X_val``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with _restored_on_failure(self):
            return self._fit(
                X,
                y,
                sample_weight,
                incremental=False,
                validation=(X_val, y_val, sample_weight_val),
            )

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
        output = self.out_activation_
        if getattr(self.output_activation, "name", None) == output:
            output = self.output_activation  # a user-defined Activation
        stack = LayerStack.from_arrays(
            self.coefs_, self.intercepts_, self.activation, output
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


@fill_doc(parameters=PARAMETERS, dropout=DROPOUT, attributes=ATTRIBUTES)
class MLPBackpropClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained by skbp's backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    same parameters, defaults, fitted attributes and behaviour. Minimises the
    log loss with a softmax output (multiclass) or logistic outputs (binary,
    multilabel) by 'adam', 'sgd' or 'lbfgs'.

    Parameters
    ----------
    {parameters}

    output_activation : {'logistic', 'softmax'} or None, default=None
        Output units. None: softmax for multiclass targets, logistic for
        binary and multilabel ones (scikit-learn's). 'logistic' on a
        multiclass target trains one-vs-rest units, and ``predict_proba``
        normalises them to sum to one; 'softmax' needs a multiclass target.
        *skbp extension.*

    loss : {'log_loss', 'squared_error'}, default='log_loss'
        Cost minimised. 'squared_error' is the quadratic cost
        ``0.5 * mean_i sum_k (y_ik - p_ik)**2`` on the one-hot targets; with
        ``output_activation='logistic'`` this is the seed's network, trained
        through the general BP1 ``f'(a) * sigma'(z)``. *skbp extension.*

    class_weight : dict, list of dict, 'balanced' or None, default=None
        Weights of the classes (an skbp extension), multiplied into
        ``sample_weight`` (so that the loss, and the early-stopping score,
        weight each sample by both), as in
        :class:`~sklearn.linear_model.LogisticRegression`. None: weight 1.
        A dict ``{class_label: weight}``: classes left out weigh 1. 'balanced':
        ``n_samples / (n_classes * np.bincount(y))``, counted with the sample
        weights. For multilabel y, each label is a binary output: 'balanced'
        balances every label and multiplies the weights of a sample's labels
        (as :func:`~sklearn.utils.class_weight.compute_sample_weight`), and a
        list has one dict ``{0: w0, 1: w1}`` per label. 'balanced' needs all
        of y at once, so ``partial_fit`` is not available with it (as in
        :class:`~sklearn.linear_model.SGDClassifier`): compute the weights on
        a sample with :func:`~sklearn.utils.class_weight.compute_class_weight`
        and pass them as a dict.

    {dropout}

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

    Balanced class weights on an imbalanced problem:

    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(weights=[0.9], random_state=0)
    >>> clf = MLPBackpropClassifier(class_weight="balanced", max_iter=500,
    ...                             random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

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
        output_activation=None,
        loss="log_loss",
        class_weight=None,
        dropout=0.0,
    ):
        _store_init_arguments(self, locals())

    def _loss(self, stack):
        if self.loss == "squared_error":
            return LOSSES["squared_error"]
        if stack.output_activation.name == "softmax":
            return LOSSES["log_loss"]
        return LOSSES["binary_log_loss"]  # one logistic unit per class or label

    def _output_activation(self, Y):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        output = self.output_activation
        if output is None:
            return "softmax" if multiclass else "logistic"
        if not isinstance(output, str) or output not in ("logistic", "softmax"):
            raise ValueError(
                f"output_activation={output!r} with loss={self.loss!r}: a classifier "
                "needs probabilities, use 'logistic', 'softmax' or None."
            )
        if output == "softmax" and not multiclass:
            raise ValueError(
                f"output_activation='softmax' with loss={self.loss!r} needs a "
                "multiclass target (mutually exclusive classes, 3 or more); this "
                f"target is {self._label_binarizer.y_type_}: use 'logistic' or None."
            )
        return output

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_X_y(X, y, reset)
        _check_label_types(y)
        self._update_classes(y, incremental)
        Y = self._label_binarizer.transform(y)
        return X, Y

    def _update_classes(self, y, incremental):
        """Fit the label binarizer on a first fit; check y's classes on later ones.

        ``y`` holds labels (or a label indicator matrix), or just the distinct
        labels (dask input gives those, found without gathering y).
        """
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
            return
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

    def _validate_validation_data(self, X_val, y_val):
        X_val, y_val = self._validate_X_y(X_val, y_val, reset=False)
        _check_label_types(y_val)
        check_classification_targets(y_val)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            if y_val.ndim != 2 or not type_of_target(y_val).startswith("multilabel"):
                raise ValueError(
                    "y is a multilabel indicator matrix, so y_val must be one too, "
                    f"got y_val of type {type_of_target(y_val)!r}."
                )
        else:
            unseen = set(unique_labels(y_val)) - set(self.classes_)
            if y_val.ndim != 1 or unseen:
                raise ValueError(
                    "y_val has classes not in the training y: "
                    f"{np.asarray(sorted(unseen)).tolist()}; "
                    f"classes_ is {self.classes_}."
                )
        return X_val, self._label_binarizer.transform(y_val)

    def _class_weight_of(self, Y, sample_weight, X):
        if self.class_weight is None:
            return None
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        weights = _class_weights(
            self.class_weight, Y, self.classes_, self._label_binarizer.y_type_, sw
        )
        return _ClassWeight(weights, self._label_binarizer.y_type_)

    def _partial_fit_available(self):
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "partial_fit is not available with class_weight='balanced', which "
                "needs all of y at once. Compute the weights on a large enough "
                "sample of y with sklearn.utils.class_weight.compute_class_weight "
                "and pass them as a dict {class_label: weight}."
            )
        return self._has_partial_fit()

    @available_if(_partial_fit_available)
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
        # From clipped logits, as predict_proba: a softmax of overflowed
        # logits would be NaN and its argmax arbitrary.
        outputs = _clip_logits(self._network_output(X, logits=True))
        OUTPUT_ACTIVATIONS[self.out_activation_].apply(outputs)
        return self._label_binarizer.inverse_transform(outputs)

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
        logits = _clip_logits(self._network_output(X, logits=True))
        if len(self.classes_) == 1:  # one class seen in fit: probability 1
            return np.zeros_like(logits), OUTPUT_ACTIVATIONS["softmax"]
        if self._label_binarizer.y_type_ == "binary":
            logits = np.hstack([-logits, logits])
        elif self._label_binarizer.y_type_ == "multiclass" and (
            self.out_activation_ == "logistic"
        ):  # one-vs-rest units: softmax(log p) = p / sum(p), normalised
            return log_expit(logits), OUTPUT_ACTIVATIONS["softmax"]
        return logits, OUTPUT_ACTIVATIONS[self.out_activation_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class _ClassWeight:
    """Per-class weights of each output, applied to binarized targets ``Y``.

    ``weights[j][c]`` is the weight of class index ``c`` of output ``j``: one
    output for binary and multiclass y, one binary output per label for
    multilabel y.
    """

    def __init__(self, weights, y_type):
        self.weights = weights
        self.y_type = y_type

    def per_sample(self, Y):
        """Weight of every row of ``Y``: (n_samples,) float64."""
        indices = _class_indices(Y, self.y_type)
        per_sample = np.ones(Y.shape[0])
        for j, weights in enumerate(self.weights):
            per_sample *= weights[indices[:, j]]
        return per_sample


def _class_indices(Y, y_type):
    """Class index of every row of binarized ``Y``, per output: (n, n_outputs)."""
    if y_type == "multiclass":
        return Y.argmax(axis=1)[:, None]
    return (Y > 0).astype(np.intp)  # binary (one column), or one per label


def _class_weights(class_weight, Y, classes, y_type, sample_weight):
    """``class_weight`` resolved into a weight per class index, per output."""
    if not y_type.startswith("multilabel"):
        if isinstance(class_weight, list):
            raise ValueError(
                "class_weight may be a list (one dict per label) only for "
                f"multilabel y; y is {y_type}. Use a dict or 'balanced'."
            )
        indices = _class_indices(Y, y_type)[:, 0]
        weights = [
            _one_output_class_weights(class_weight, classes, indices, sample_weight)
        ]
    elif isinstance(class_weight, dict) or (
        isinstance(class_weight, list) and len(class_weight) != Y.shape[1]
    ):
        raise ValueError(
            f"For multilabel y with {Y.shape[1]} labels, class_weight must be "
            "'balanced' or a list of one dict {0: w0, 1: w1} per label, got "
            f"{class_weight!r}."
        )
    else:
        weights = []
        for j in range(Y.shape[1]):
            column = (Y[:, j] > 0).astype(np.intp)
            label_weight = "balanced" if class_weight == "balanced" else class_weight[j]
            weights.append(
                _one_output_class_weights(
                    label_weight, np.arange(2), column, sample_weight, absent_ok=True
                )
            )
    if not all(np.isfinite(w).all() and (w >= 0).all() for w in weights):
        raise ValueError(
            f"class_weight={class_weight!r} gives non-finite or negative class "
            "weights (for 'balanced': a class whose samples all weigh 0)."
        )
    return [np.asarray(w, dtype=np.float64) for w in weights]


def _one_output_class_weights(
    class_weight, classes, indices, sample_weight, absent_ok=False
):
    """Weight of each class of one output: (n_classes,) float64.

    'balanced' is ``total / (n_classes * count)`` with counts (and total)
    weighted by ``sample_weight``, as scikit-learn >= 1.7's
    ``compute_class_weight(..., sample_weight=)`` (computed here, so that
    every supported scikit-learn gives the same); with ``absent_ok``, classes
    that do not occur keep weight 1 and do not count. A dict goes through
    ``compute_class_weight`` (classes left out weigh 1).
    """
    if class_weight != "balanced":
        return compute_class_weight(class_weight, classes=classes, y=classes[indices])
    counts = np.bincount(indices, weights=sample_weight, minlength=len(classes))
    present = counts > 0 if absent_ok else np.ones(len(classes), bool)
    weights = np.ones(len(classes))
    with np.errstate(divide="ignore", invalid="ignore"):  # zero counts: checked later
        weights[present] = counts.sum() / (present.sum() * counts[present])
    return weights


def _times(sample_weight, class_weight, Y):
    """``sample_weight`` (or ones) times the class weights, or as it was."""
    if class_weight is None:
        return sample_weight
    per_sample = class_weight.per_sample(Y)
    if sample_weight is None:
        return per_sample
    return np.asarray(sample_weight, dtype=np.float64) * per_sample


def _clip_logits(logits):
    """Clip logits that overflowed to +-inf, in place, and return them.

    The bound is a quarter of the dtype's range, so that differences of logits
    (softmax, log-softmax) stay finite.
    """
    bound = np.finfo(logits.dtype).max / 4
    return np.clip(logits, -bound, bound, out=logits)


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


@fill_doc(parameters=PARAMETERS, dropout=DROPOUT, attributes=ATTRIBUTES)
class MLPBackpropRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor trained by skbp's backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    same parameters, defaults, fitted attributes and behaviour. Minimises the
    squared error (identity output) or the Poisson deviance (exponential
    output) by 'adam', 'sgd' or 'lbfgs'.

    Parameters
    ----------
    loss : {'squared_error', 'poisson', 'absolute_error', 'huber'}, \
            default='squared_error'
        'squared_error' is ``0.5 * mean_i sum_k (y_ik - p_ik)**2``: summed over
        the outputs, so that it agrees with its gradient (scikit-learn averages
        over outputs too, its issue 8349; the two agree for one output).
        'poisson' is the half Poisson deviance; y must be non-negative.
        'absolute_error' is ``mean_i sum_k |y_ik - p_ik|``; 'huber' is
        quadratic for residuals up to ``huber_delta`` and linear beyond
        (both *skbp extensions*).

    {parameters}

    output_activation : str, Activation or None, default=None
        Output units: None is the loss's link (identity; exp for 'poisson'),
        scikit-learn's. Otherwise 'identity', 'logistic', 'tanh', 'softmax'
        (2 or more outputs), 'exp', any hidden activation, or an
        :class:`~skbp.Activation`; 'poisson' needs positive outputs ('exp',
        'softplus' or 'logistic'). Non-canonical pairs train through the
        general BP1 ``f'(a) * sigma'(z)``. An skbp extension.

    huber_delta : float, default=1.0
        Threshold of ``loss='huber'``: residuals beyond it cost linearly. An
        skbp extension.

    {dropout}

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
        "loss": [StrOptions({"squared_error", "poisson", "absolute_error", "huber"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    # The same keywords as MLPBackpropClassifier.__init__ (after `loss`): scikit-
    # learn's get_params reads each class's own signature, so the list is written
    # out per class. `duplicates` reports this pair; it is the accepted exception.
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
        output_activation=None,
        huber_delta=1.0,
        dropout=0.0,
    ):
        _store_init_arguments(self, locals())

    def _loss(self, stack):
        return (
            huber_loss(self.huber_delta) if self.loss == "huber" else LOSSES[self.loss]
        )

    def _output_activation(self, Y):
        if self.output_activation is None:
            return LOSSES[self.loss].output_activation
        return self.output_activation

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_X_y(X, y, reset, y_numeric=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' requires non-negative targets, but y has "
                f"{int(np.sum(y < 0))} negative value(s) (smallest {np.min(y)})."
            )
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return X, Y

    def _validate_validation_data(self, X_val, y_val):
        return self._validate_input(X_val, y_val, incremental=False, reset=False)

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
            The predicted values, finite: an output beyond the float range
            (e.g. exp of a huge logit under loss="poisson") is the largest
            finite value.
        """
        X = self._validate_predict_input(X)
        y_pred = self._network_output(X)
        # An output past the float range (exp of a large logit, say) is
        # reported as the largest finite value, never inf.
        big = np.finfo(y_pred.dtype).max
        np.clip(y_pred, -big, big, out=y_pred)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred
