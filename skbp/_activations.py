"""Activation functions sigma and their derivatives sigma', in place.

Every activation offers the same small protocol to the layer stack:

* ``apply(Z)`` overwrites the pre-activations ``Z`` (``z^l`` in the seed's
  notation, shape ``(n_samples, n_units)``) with ``A = sigma(Z)``;
* ``multiply_by_derivative(A, delta, Z)`` multiplies ``delta`` in place by
  ``sigma'(Z)``: the Hadamard factor of BP4, and of the general BP1. Where
  sigma' can be written exactly from ``A = sigma(Z)`` (identity, logistic,
  tanh, relu, leaky_relu, elu, softplus, exp) it is, so the forward pass need
  not keep ``Z`` (then ``Z`` is None); silu, gelu and user-defined
  activations set ``needs_z`` and the stack keeps ``Z`` for those layers only.
  For softmax, sigma' is a Jacobian: the method applies the (symmetric)
  Jacobian-vector product ``delta <- A * (delta - sum_k A_k delta_k)``.
* ``log_apply(Z)`` gives ``log(sigma(Z))`` computed stably (probability
  outputs only, for ``predict_log_proba``).
* ``glorot_factor``: ``k`` in the initial weight range ``sqrt(k / (n_in +
  n_out))`` (scikit-learn's rule: 2 for logistic, 6 otherwise).

Built-in activations are :class:`BuiltinActivation` instances in two
registries; :class:`Activation` is the public, user-defined kind.
"""

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit, log_softmax, ndtr

LEAKY_RELU_SLOPE = 0.01
"""Slope of 'leaky_relu' for negative inputs."""

_SQRT_2PI = math.sqrt(2 * math.pi)  # a Python float keeps float32 float32


@dataclass(frozen=True)
class BuiltinActivation:
    """A built-in activation, applied in place.

    Attributes
    ----------
    name : str
    apply : callable ``(Z) -> None``
        Overwrite ``Z`` with ``sigma(Z)``.
    derivative_from_a : callable ``(A, delta) -> None`` or None
        ``delta *= sigma'(Z)`` given ``A = sigma(Z)`` only.
    derivative_from_z : callable ``(Z, A, delta) -> None`` or None
        ``delta *= sigma'(Z)`` for activations whose sigma' needs ``Z``.
    log_apply : callable ``(Z) -> ndarray`` or None
        ``log(sigma(Z))`` without overflow or ``log(0)``; only for activations
        that produce probabilities.
    """

    name: str
    apply: Callable
    derivative_from_a: Callable | None = None
    derivative_from_z: Callable | None = None
    log_apply: Callable | None = None

    @property
    def needs_z(self):
        """True where sigma' needs the pre-activations ``Z``, not just ``A``."""
        return self.derivative_from_z is not None

    @property
    def glorot_factor(self):
        return 2.0 if self.name == "logistic" else 6.0

    def multiply_by_derivative(self, A, delta, Z=None):
        """``delta *= sigma'(Z)`` in place (``Z`` only used if ``needs_z``)."""
        if self.derivative_from_z is not None:
            self.derivative_from_z(Z, A, delta)
        else:
            self.derivative_from_a(A, delta)


@dataclass(frozen=True, eq=True)
class Activation:
    """A user-defined activation function for :mod:`skbp` estimators.

    Pass it as ``activation`` (alone or in the per-layer list) or as
    ``output_activation``. Both functions must be module-level (importable by
    name), so that estimators holding the activation clone and pickle. Every
    ``fit`` checks ``derivative`` against central finite differences of
    ``function`` once, and raises a ValueError if they disagree.

    Parameters
    ----------
    name : str
        A name for messages and ``repr``.
    function : callable
        ``function(Z) -> A``: sigma applied element-wise to an array ``Z`` of
        shape ``(n_samples, n_units)``, returning an array of the same shape.
    derivative : callable
        ``derivative(Z, A) -> D``: sigma'(Z) element-wise, given ``Z`` and
        ``A = function(Z)``; returns an array of the same shape.

    See Also
    --------
    skbp.check_gradients : Check the whole network's gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from skbp import Activation, MLPBackpropRegressor
    >>> square_plus = Activation("square_plus", np.square, np.add)  # not sigma'
    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> MLPBackpropRegressor(activation=square_plus).fit(X, X.ravel())
    Traceback (most recent call last):
    ...
    ValueError: Activation 'square_plus': derivative(Z, A) disagrees with ...

    A correct one (define the functions at the top level of your own module,
    so that the estimator pickles):

    >>> def softsign(Z):
    ...     return Z / (1 + np.abs(Z))
    >>> def softsign_derivative(Z, A):
    ...     return 1 / (1 + np.abs(Z)) ** 2
    >>> softsign_activation = Activation("softsign", softsign, softsign_derivative)
    >>> reg = MLPBackpropRegressor(
    ...     activation=softsign_activation, solver="lbfgs", random_state=0
    ... )
    >>> reg.fit(X, X.ravel() ** 2).score(X, X.ravel() ** 2) > 0.9
    True
    """

    name: str
    function: Callable
    derivative: Callable

    needs_z = True
    log_apply = None
    glorot_factor = 6.0

    def __repr__(self):
        return (
            f"Activation({self.name!r}, function={_qualified_name(self.function)}, "
            f"derivative={_qualified_name(self.derivative)})"
        )

    def apply(self, Z):
        """Overwrite ``Z`` with ``function(Z)``.

        Parameters
        ----------
        Z : ndarray of shape (n_samples, n_units)
            Pre-activations, replaced by the activations.
        """
        Z[...] = self.function(Z)

    def multiply_by_derivative(self, A, delta, Z=None):
        """``delta *= derivative(Z, A)`` in place: BP4's Hadamard factor.

        Parameters
        ----------
        A : ndarray of shape (n_samples, n_units)
            Activations ``function(Z)``.
        delta : ndarray of shape (n_samples, n_units)
            Deltas, multiplied in place.
        Z : ndarray of shape (n_samples, n_units)
            Pre-activations (the layer keeps them for user-defined activations).
        """
        delta *= self.derivative(Z, A)

    def check(self, step=1e-6, rtol=1e-4):
        """Raise a ValueError if ``derivative`` disagrees with finite differences.

        Checked in float64 at fixed points of [-3, 3] chosen away from the
        usual kinks (0 and the integers). Estimators call it once per fit.

        Parameters
        ----------
        step : float, default=1e-6
            Step of the central differences.
        rtol : float, default=1e-4
            Largest accepted relative error.
        """
        Z = np.linspace(-3.0, 3.0, 13)[:, np.newaxis] + 0.0371
        try:
            A = np.asarray(self.function(Z.copy()), dtype=np.float64)
            D = np.asarray(self.derivative(Z.copy(), A.copy()), dtype=np.float64)
        except Exception as exc:
            raise ValueError(
                f"Activation {self.name!r}: calling function(Z) or derivative(Z, A) "
                f"on a float64 array of shape {Z.shape} failed: {exc!r}."
            ) from exc
        if A.shape != Z.shape or D.shape != Z.shape:
            raise ValueError(
                f"Activation {self.name!r}: function(Z) and derivative(Z, A) must "
                f"return arrays of Z's shape {Z.shape}; got {A.shape} and {D.shape}."
            )
        numeric = (self.function(Z + step) - self.function(Z - step)) / (2 * step)
        bad = np.abs(D - numeric) > rtol * (1 + np.abs(numeric))
        if not np.isfinite(A).all() or bad.any():
            k = int(np.argmax(bad)) if bad.any() else 0
            raise ValueError(
                f"Activation {self.name!r}: derivative(Z, A) disagrees with central "
                f"finite differences of function(Z): at z={Z.flat[k]:.4g} it gives "
                f"{D.flat[k]:.6g}, finite differences give {numeric.flat[k]:.6g}. "
                "derivative must return sigma'(Z) element-wise."
            )


def _qualified_name(function):
    module = inspect.getmodule(function)
    module = getattr(module, "__name__", None) or getattr(function, "__module__", "")
    name = getattr(function, "__qualname__", None) or repr(function)
    return f"{module}.{name}" if module else name


# -- the functions ----------------------------------------------------------


def _identity(Z):
    pass


def _identity_derivative(A, delta):
    pass


def _logistic(Z):
    expit(Z, out=Z)


def _logistic_derivative(A, delta):
    # sigma'(z) = sigma(z) * (1 - sigma(z))
    delta *= A
    delta *= 1 - A


def _tanh(Z):
    np.tanh(Z, out=Z)


def _tanh_derivative(A, delta):
    # tanh'(z) = 1 - tanh(z)^2
    delta *= 1 - A * A


def _relu(Z):
    np.maximum(Z, 0, out=Z)


def _relu_derivative(A, delta):
    # relu'(z) = 1 where z > 0, else 0 (a = relu(z) > 0 exactly where z > 0).
    # Multiplying by the mask is several times faster than masked assignment.
    np.multiply(delta, A > 0, out=delta)


def _leaky_relu(Z):
    # z where z > 0, else 0.01 z
    np.multiply(Z, np.where(Z > 0, 1.0, LEAKY_RELU_SLOPE).astype(Z.dtype), out=Z)


def _leaky_relu_derivative(A, delta):
    # a > 0 exactly where z > 0
    delta *= np.where(A > 0, 1.0, LEAKY_RELU_SLOPE).astype(delta.dtype)


def _elu(Z):
    # z where z > 0, else exp(z) - 1 (alpha = 1)
    np.copyto(Z, np.expm1(np.minimum(Z, 0)), where=Z <= 0)


def _elu_derivative(A, delta):
    # 1 where z > 0, else exp(z) = a + 1 (exact: a > 0 exactly where z > 0)
    delta *= np.where(A > 0, 1, A + 1)


def _softplus(Z):
    # log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)): no overflow, and exact in
    # the left tail (numpy's logaddexp loses digits there)
    tail = np.log1p(np.exp(-np.abs(Z)))
    np.maximum(Z, 0, out=Z)
    Z += tail


def _softplus_derivative(A, delta):
    # softplus'(z) = expit(z) = 1 - exp(-a), exactly, since exp(-a) = 1 / (1 + e^z)
    delta *= -np.expm1(-A)


def _silu(Z):
    # z * expit(z)
    Z *= expit(Z)


def _silu_derivative(Z, A, delta):
    # s + z s (1 - s) with s = expit(z), i.e. s + a (1 - s)
    s = expit(Z)
    delta *= s + A * (1 - s)


def _gelu(Z):
    # Exact GELU: z * Phi(z), Phi the standard normal CDF (via erf)
    Z *= ndtr(Z)


def _gelu_derivative(Z, A, delta):
    # Phi(z) + z phi(z)
    delta *= ndtr(Z) + Z * np.exp(-0.5 * Z * Z) / _SQRT_2PI


def _softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)


def _softmax_jacobian_product(A, delta):
    # J = diag(a) - a a^T (symmetric): delta <- a * (delta - <a, delta>)
    delta -= np.einsum("ij,ij->i", A, delta)[:, np.newaxis]
    delta *= A


def _exp(Z):
    np.exp(Z, out=Z)


def _exp_derivative(A, delta):
    delta *= A


HIDDEN_ACTIVATIONS = {
    "identity": BuiltinActivation("identity", _identity, _identity_derivative),
    "logistic": BuiltinActivation(
        "logistic", _logistic, _logistic_derivative, log_apply=log_expit
    ),
    "tanh": BuiltinActivation("tanh", _tanh, _tanh_derivative),
    "relu": BuiltinActivation("relu", _relu, _relu_derivative),
    "leaky_relu": BuiltinActivation("leaky_relu", _leaky_relu, _leaky_relu_derivative),
    "elu": BuiltinActivation("elu", _elu, _elu_derivative),
    "softplus": BuiltinActivation("softplus", _softplus, _softplus_derivative),
    "silu": BuiltinActivation("silu", _silu, derivative_from_z=_silu_derivative),
    "gelu": BuiltinActivation("gelu", _gelu, derivative_from_z=_gelu_derivative),
}
"""The activations allowed for hidden layers (the ``activation`` parameter)."""

OUTPUT_ACTIVATIONS = {
    **HIDDEN_ACTIVATIONS,
    "softmax": BuiltinActivation(
        "softmax",
        _softmax,
        _softmax_jacobian_product,
        log_apply=lambda Z: log_softmax(Z, axis=1),
    ),
    "exp": BuiltinActivation("exp", _exp, _exp_derivative),
}
"""Output activations: every hidden one, plus softmax and exp."""

PROBABILITY_OUTPUTS = ("logistic", "softmax")
POSITIVE_OUTPUTS = ("exp", "softplus", "logistic")


def as_activation(activation, registry):
    """An activation object given itself or its name in ``registry``."""
    if isinstance(activation, Activation | BuiltinActivation):
        return activation
    return registry[activation]
