"""Conversion to and from scikit-learn's ``MLPClassifier`` / ``MLPRegressor``.

Both sides store a fitted network the same way (``coefs_`` of shape
``(n_in, n_out)``, ``intercepts_``, ``out_activation_``, a ``LabelBinarizer``
for classes), so a conversion copies parameters and fitted attributes, and
translates the stochastic optimizer's running state so that ``partial_fit``
continues where it stopped. Through :func:`to_sklearn`, tools written for
scikit-learn's MLP (such as ``skl2onnx``'s ONNX export) take skbp's models.
"""

import copy
import inspect

import numpy as np
from sklearn.base import is_classifier
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer,
    SGDOptimizer,
)
from sklearn.utils.validation import check_is_fitted

from ._mlp import MLPBackpropClassifier, MLPBackpropRegressor
from ._network import LayerStack
from ._optimizers import SGD, Adam
from ._training import TrainingParams, TrainingState

TRAINING_ONLY = frozenset({"class_weight", "dtype", "dropout"})
"""skbp parameters that shape training only: the fitted network converts."""

_FITTED_ATTRIBUTES = (
    "n_features_in_",
    "feature_names_in_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "n_iter_",
    "t_",
    "loss_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "classes_",
)


def _copied_attributes(source, target):
    """Copy the fitted attributes both sides share (deep copies of arrays)."""
    for name in _FITTED_ATTRIBUTES:
        if hasattr(source, name):
            setattr(target, name, copy.deepcopy(getattr(source, name)))
    target.coefs_ = [np.array(W) for W in source.coefs_]
    target.intercepts_ = [np.array(b) for b in source.intercepts_]
    target.loss_curve_ = list(getattr(source, "loss_curve_", None) or [])
    if hasattr(source, "_label_binarizer"):
        target._label_binarizer = copy.deepcopy(source._label_binarizer)


_SKBP = (MLPBackpropClassifier, MLPBackpropRegressor)
_SKLEARN = (MLPClassifier, MLPRegressor)


def _counterpart(model, function, sources, targets):
    """``targets[0]`` for a fitted classifier among ``sources``, else ``targets[1]``."""
    if not isinstance(model, sources):
        names = " or ".join(cls.__name__ for cls in sources)
        raise TypeError(f"{function} converts {names}, got {type(model).__name__}.")
    check_is_fitted(model)
    return targets[0] if is_classifier(model) else targets[1]


def _defaults(cls):
    """Default of every ``__init__`` parameter of ``cls`` and its bases."""
    defaults = {}
    for klass in reversed(cls.__mro__):
        init = vars(klass).get("__init__")
        if init is None or klass is object:
            continue
        for name, p in inspect.signature(init).parameters.items():
            if p.default is not inspect.Parameter.empty:
                defaults[name] = p.default
    return defaults


def _same(a, b):
    try:
        return bool(a == b) or (a is None and b is None)
    except (TypeError, ValueError):  # arrays, lists of arrays
        return False


def to_sklearn(estimator):
    """A fitted scikit-learn MLP with the same network as an skbp estimator.

    Parameters and fitted attributes (``coefs_``, ``intercepts_``,
    ``classes_``, ``loss_curve_``, ...) are copied, and the optimizer state of
    'sgd' and 'adam' translated, so that the result predicts what
    ``estimator`` predicts (to floating-point rounding) and continues training
    with ``warm_start`` or ``partial_fit``. Parameters that shape training
    only (``class_weight``, ``dtype``) are dropped; the network keeps the
    dtype it was trained in.

    Parameters
    ----------
    estimator : MLPBackpropClassifier or MLPBackpropRegressor
        A fitted skbp estimator.

    Returns
    -------
    sklearn.neural_network.MLPClassifier or sklearn.neural_network.MLPRegressor
        The fitted scikit-learn estimator, independent of ``estimator``.

    Raises
    ------
    ValueError
        If ``estimator`` uses a configuration scikit-learn's MLP cannot
        represent: a parameter scikit-learn lacks set to a non-default value
        (for example an output activation or loss of skbp's), or a value
        scikit-learn does not accept (such as a per-layer activation). The
        message names the parameter.

    See Also
    --------
    from_sklearn : The reverse conversion.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from skbp import MLPBackpropClassifier, to_sklearn
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPBackpropClassifier(solver="lbfgs", random_state=0).fit(X, y)
    >>> mlp = to_sklearn(clf)
    >>> type(mlp).__name__
    'MLPClassifier'
    >>> bool(np.all(mlp.predict(X) == clf.predict(X)))
    True
    """
    target_cls = _counterpart(estimator, "to_sklearn", _SKBP, _SKLEARN)
    params = estimator.get_params(deep=False)
    known = target_cls().get_params(deep=False)
    defaults = _defaults(type(estimator))
    for name, value in params.items():
        if name in known or name in TRAINING_ONLY:
            continue
        if not _same(value, defaults.get(name, inspect.Parameter.empty)):
            raise ValueError(
                f"scikit-learn's {target_cls.__name__} cannot represent "
                f"{name}={value!r} (it has no parameter {name!r}); only models "
                f"with {name}={defaults.get(name)!r} convert."
            )
    mlp = target_cls(**{name: params[name] for name in known if name in params})
    try:
        mlp._validate_params()
    except ValueError as error:  # InvalidParameterError names the parameter
        raise ValueError(
            f"scikit-learn's {target_cls.__name__} cannot represent this "
            f"configuration: {error}"
        ) from error

    _copied_attributes(estimator, mlp)
    state = getattr(estimator, "_training_state", None)
    if state is not None and state.stopping_rule is not None:
        mlp._no_improvement_count = state.no_improvement_count
        stack = _stack(mlp)
        best = state.best_params if state.best_params is not None else stack.params
        best_coefs, best_intercepts = stack.split(best)
        mlp._best_coefs = [W.copy() for W in best_coefs]
        mlp._best_intercepts = [b.copy() for b in best_intercepts]
        optimizer = _optimizer_to_sklearn(state.optimizer, mlp, stack)
        if optimizer is not None:
            mlp._optimizer = optimizer
    return mlp


def _stack(estimator):
    """A LayerStack holding ``estimator``'s weights; it owns the flat layout."""
    return LayerStack.from_arrays(
        estimator.coefs_,
        estimator.intercepts_,
        estimator.activation,
        estimator.out_activation_,
    )


def _optimizer_to_sklearn(optimizer, mlp, stack):
    """scikit-learn's optimizer in ``optimizer``'s running state, or None.

    scikit-learn's optimizers update the arrays of ``mlp.coefs_`` and
    ``mlp.intercepts_`` in place, so they are built on those very arrays.
    skbp's Adam stores its moments divided by ``1 - beta``.
    """
    params = mlp.coefs_ + mlp.intercepts_

    def per_layer(flat):
        coefs, intercepts = stack.split(np.asarray(flat, dtype=stack.dtype))
        return [a.copy() for a in coefs + intercepts]

    if isinstance(optimizer, Adam):
        o = optimizer
        result = AdamOptimizer(
            params, o.learning_rate_init, o.beta_1, o.beta_2, o.epsilon
        )
        result.t = optimizer.t
        result.ms = per_layer(optimizer.scaled_first_moment * (1 - optimizer.beta_1))
        result.vs = per_layer(optimizer.scaled_second_moment * (1 - optimizer.beta_2))
    elif isinstance(optimizer, SGD):
        o = optimizer
        schedule = (o.schedule, o.momentum, o.nesterov, o.power_t)
        result = SGDOptimizer(params, o.learning_rate_init, *schedule)
        result.velocities = per_layer(optimizer.velocity)
    else:
        return None
    result.learning_rate = optimizer.learning_rate
    return result


def from_sklearn(mlp):
    """An skbp estimator with the same network as a fitted scikit-learn MLP.

    The reverse of :func:`to_sklearn`: parameters, fitted attributes and the
    optimizer's running state are copied, so that the result predicts what
    ``mlp`` predicts and continues training with ``warm_start`` or
    ``partial_fit`` (with skbp's backpropagation).

    Parameters
    ----------
    mlp : sklearn.neural_network.MLPClassifier or sklearn.neural_network.MLPRegressor
        A fitted scikit-learn MLP.

    Returns
    -------
    MLPBackpropClassifier or MLPBackpropRegressor
        The fitted skbp estimator, independent of ``mlp``.

    See Also
    --------
    to_sklearn : The reverse conversion.

    Examples
    --------
    Train with scikit-learn, continue with skbp:

    >>> from skbp import from_sklearn
    >>> from sklearn.neural_network import MLPRegressor
    >>> from sklearn.datasets import make_regression
    >>> X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    >>> mlp = MLPRegressor(solver="lbfgs", random_state=0).fit(X, y)
    >>> reg = from_sklearn(mlp)
    >>> print(type(reg).__name__, abs(reg.predict(X) - mlp.predict(X)).max() < 1e-9)
    MLPBackpropRegressor True
    >>> reg = reg.set_params(warm_start=True, max_iter=5).fit(X, y)
    """
    target_cls = _counterpart(mlp, "from_sklearn", _SKLEARN, _SKBP)
    known = target_cls().get_params(deep=False)
    params = mlp.get_params(deep=False)
    estimator = target_cls(**{k: v for k, v in params.items() if k in known})
    _copied_attributes(mlp, estimator)
    stack = _stack(estimator)
    state = TrainingState(
        n_iter=estimator.n_iter_,
        t=getattr(mlp, "t_", 0),
        loss=getattr(mlp, "loss_", None),
        loss_curve=estimator.loss_curve_,
    )
    if hasattr(mlp, "_no_improvement_count"):  # trained by 'sgd' or 'adam'
        early = mlp.validation_scores_ is not None
        state.stopping_rule = "validation" if early else "loss"
        state.best_loss = mlp.best_loss_
        state.validation_scores = estimator.validation_scores_
        state.best_validation_score = mlp.best_validation_score_
        state.no_improvement_count = mlp._no_improvement_count
        if early and hasattr(mlp, "_best_coefs"):
            best = LayerStack.from_arrays(
                mlp._best_coefs,
                mlp._best_intercepts,
                estimator.activation,
                estimator.out_activation_,
            )
            state.best_params = best.params.astype(stack.dtype)
        state.optimizer = _optimizer_from_sklearn(
            getattr(mlp, "_optimizer", None), estimator, stack
        )
    estimator._training_state = state
    return estimator


def _optimizer_from_sklearn(optimizer, estimator, stack):
    """skbp's optimizer in scikit-learn ``optimizer``'s running state, or None."""
    if not isinstance(optimizer, AdamOptimizer | SGDOptimizer):
        return None
    solver = "adam" if isinstance(optimizer, AdamOptimizer) else "sgd"
    params = TrainingParams.from_dict(
        {**estimator.get_params(deep=False), "solver": solver}
    )
    result = params.make_optimizer(stack.params.size, stack.dtype)

    def flat(arrays):
        flat_stack = LayerStack.from_arrays(
            arrays[: len(estimator.coefs_)],
            arrays[len(estimator.coefs_) :],
            estimator.activation,
            estimator.out_activation_,
        )
        return flat_stack.params.astype(stack.dtype)

    if solver == "adam":
        result.learning_rate_init = float(optimizer.learning_rate_init)
        result.beta_1, result.beta_2 = optimizer.beta_1, optimizer.beta_2
        result.epsilon = optimizer.epsilon
        result.t = optimizer.t
        result.scaled_first_moment = flat(optimizer.ms) / (1 - optimizer.beta_1)
        result.scaled_second_moment = flat(optimizer.vs) / (1 - optimizer.beta_2)
    else:
        result.velocity = flat(optimizer.velocities)
    result.learning_rate = float(optimizer.learning_rate)
    return result
