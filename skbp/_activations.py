"""Activation functions sigma and their derivatives sigma', in place.

Every hidden activation is a pair of functions:

* ``apply(Z)`` overwrites the pre-activations ``Z`` (``z^l`` in the seed's
  notation, shape ``(n_samples, n_units)``) with ``A = sigma(Z)``;
* ``multiply_by_derivative(A, delta)`` multiplies ``delta`` in place by
  ``sigma'(Z)``, written in terms of the activations ``A = sigma(Z)`` so that
  the forward pass need not keep ``Z``. This is the Hadamard factor of BP4.

Output activations (softmax, logistic, identity, exp) only need ``apply``:
their derivative is folded into the loss's output delta (BP1), see
:mod:`skbp._losses`. ``log_apply`` gives ``log(sigma(Z))`` computed stably, for
``predict_log_proba``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit, log_softmax


@dataclass(frozen=True)
class Activation:
    """An activation function sigma, applied in place.

    Attributes
    ----------
    name : str
    apply : callable ``(Z) -> None``
        Overwrite ``Z`` with ``sigma(Z)``.
    multiply_by_derivative : callable ``(A, delta) -> None`` or None
        ``delta *= sigma'(Z)`` given ``A = sigma(Z)``; None for output-only
        activations.
    log_apply : callable ``(Z) -> ndarray`` or None
        ``log(sigma(Z))`` without overflow or ``log(0)``; only for activations
        that produce probabilities.
    """

    name: str
    apply: Callable
    multiply_by_derivative: Callable | None = None
    log_apply: Callable | None = None


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


def _softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)


def _exp(Z):
    np.exp(Z, out=Z)


HIDDEN_ACTIVATIONS = {
    "identity": Activation("identity", _identity, _identity_derivative),
    "logistic": Activation("logistic", _logistic, _logistic_derivative, log_expit),
    "tanh": Activation("tanh", _tanh, _tanh_derivative),
    "relu": Activation("relu", _relu, _relu_derivative),
}
"""The activations allowed for hidden layers (the ``activation`` parameter)."""

OUTPUT_ACTIVATIONS = {
    "identity": HIDDEN_ACTIVATIONS["identity"],
    "logistic": HIDDEN_ACTIVATIONS["logistic"],
    "softmax": Activation(
        "softmax", _softmax, log_apply=lambda Z: log_softmax(Z, axis=1)
    ),
    "exp": Activation("exp", _exp),
}
"""Output activations, chosen by the estimator from the task (``out_activation_``)."""


def as_activation(activation, registry):
    """An :class:`Activation` given itself or its name in ``registry``."""
    return activation if isinstance(activation, Activation) else registry[activation]
