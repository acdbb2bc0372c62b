"""``check_gradients``: skbp's backpropagation against finite differences."""

import copy
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from ._network import Workspace


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`check_gradients`: relative errors per layer.

    The relative error of a group of parameters is ``||g - n|| / (||g|| +
    ||n||)`` (0 where both are 0), ``g`` backpropagation's gradient and ``n``
    central finite differences, over the checked entries.

    Parameters
    ----------
    weight_errors : list of float
        Relative error of each layer's weights ``coefs_[i]``.
    intercept_errors : list of float
        Relative error of each layer's biases ``intercepts_[i]``.
    n_checked : int
        Number of parameters compared.
    loss : float
        The cost (loss plus L2 penalty) at the checked parameters.

    Attributes
    ----------
    max_error : float
        The largest relative error over all layers.

    Examples
    --------
    >>> from skbp import MLPBackpropClassifier, check_gradients
    >>> result = check_gradients(
    ...     MLPBackpropClassifier((3,), random_state=0), [[0, 1], [1, 0]], [0, 1]
    ... )
    >>> result.max_error < 1e-6
    True
    """

    weight_errors: list
    intercept_errors: list
    n_checked: int
    loss: float

    @property
    def max_error(self):
        """The largest relative error over all layers."""
        return max(self.weight_errors + self.intercept_errors)

    def __repr__(self):
        rows = [f"GradientCheck({self.n_checked} parameters, loss={self.loss:.6g})"]
        rows.append(f"  {'layer':>5}  {'weights':>10}  {'biases':>10}")
        for i, (w, b) in enumerate(zip(self.weight_errors, self.intercept_errors)):
            rows.append(f"  {i:>5}  {w:>10.2e}  {b:>10.2e}")
        rows.append(f"  max relative error: {self.max_error:.2e}")
        return "\n".join(rows)


def check_gradients(estimator, X, y, *, sample_weight=None, eps=1e-6, n_checks=None):
    """Compare skbp's backpropagation with finite differences, in float64.

    Builds the estimator's exact network and loss (hidden and output
    activations, loss, ``alpha``) for the data ``X, y`` as ``fit`` would:
    a fitted estimator is checked at its ``coefs_`` / ``intercepts_``, an
    unfitted one at the initial weights ``fit`` would draw from its
    ``random_state``. The gradient of the full-batch cost (mean loss plus L2
    penalty) from BP1-BP4 is compared with central differences
    ``(C(theta + eps e_k) - C(theta - eps e_k)) / (2 eps)``. The estimator is
    not modified. Dropout, if configured, is not applied in the check.

    Parameters
    ----------
    estimator : MLPBackpropClassifier or MLPBackpropRegressor
        The configuration to check; fitted or not.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data (a few samples suffice).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets, as for ``fit``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, as for ``fit``.
    eps : float, default=1e-6
        Finite-difference step.
    n_checks : int or None, default=None
        Number of entries checked per weight matrix and per bias vector,
        drawn at random (seed 0); None checks every parameter.

    Returns
    -------
    GradientCheck
        Per-layer relative errors for weights and biases, with a table as
        ``repr``.

    Examples
    --------
    >>> import numpy as np
    >>> from skbp import MLPBackpropRegressor, check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    >>> reg = MLPBackpropRegressor(
    ...     loss="huber", hidden_layer_sizes=(4, 3), activation=["gelu", "elu"],
    ...     alpha=0.1, random_state=0,
    ... )
    >>> result = check_gradients(reg, X, y)
    >>> result.max_error < 1e-6
    True
    >>> len(result.weight_errors)
    3
    """
    est = copy.deepcopy(estimator)
    if "dropout" in est.get_params(deep=False):  # the check is deterministic
        est.set_params(dropout=0.0)
    fitted = hasattr(est, "coefs_")
    if fitted:
        est.warm_start = True
    X, Y, sample_weight, _, _ = est._training_data(  # as fit prepares them
        X, y, sample_weight, fitted, not fitted, dtype=np.float64
    )
    layer_units = [X.shape[1], *est._hidden_layer_sizes(), Y.shape[1]]
    stack = est._layer_stack(layer_units, Y, np.float64)
    if fitted:
        est._check_same_network_shape(stack, Y)
        stack.set_params(est.coefs_, est.intercepts_)
    else:
        stack.glorot_uniform_init(check_random_state(est.random_state))
    loss = est._loss(stack)
    work = Workspace(stack, X.shape[0])

    def cost(theta):
        stack.params[:] = theta
        return stack.backprop(X, Y, sample_weight, loss, est.alpha, work)

    theta = stack.params.copy()
    value = cost(theta)
    grad = work.grad.copy()
    rng = np.random.RandomState(0)
    coefs, intercepts = stack.split(np.arange(stack.n_params))  # flat indices
    groups = [view.ravel() for view in coefs + intercepts]
    errors, n_checked = [], 0
    for indices in groups:
        if n_checks is not None and indices.size > n_checks:
            indices = rng.choice(indices, n_checks, replace=False)
        numeric = np.empty(indices.size)
        for j, k in enumerate(indices):
            shifted = theta.copy()
            shifted[k] += eps
            upper = cost(shifted)
            shifted[k] -= 2 * eps
            numeric[j] = (upper - cost(shifted)) / (2 * eps)
        exact = grad[indices]
        scale = np.linalg.norm(exact) + np.linalg.norm(numeric)
        errors.append(float(np.linalg.norm(exact - numeric) / scale) if scale else 0.0)
        n_checked += indices.size
    stack.params[:] = theta
    n_layers = stack.n_layers
    return GradientCheck(errors[:n_layers], errors[n_layers:], n_checked, value)
