"""Cost functions f(a^L, y) and BP1's output delta.

BP1 in general (the seed's equation) is, per sample,

    delta^L = f'(a^L) * sigma'(z^L)

with f' the loss's derivative with respect to the output activations
(:attr:`Loss.derivative`) and sigma' the output activation's derivative (for
softmax a Jacobian, applied as a Jacobian-vector product). Any allowed pair of
loss and output activation uses it. Some losses are paired with the output
activation that is their canonical link (softmax with the categorical log
loss, logistic with the binary log loss, identity with the squared error, exp
with the Poisson deviance); for such a pair the product simplifies to

    delta^L = a^L - y            (per sample)

which :meth:`Loss.output_delta` computes: exact, faster, and what every
estimator uses at its default parameters. :meth:`Loss.bp1` chooses.

Conventions follow scikit-learn so that ``loss_`` values are comparable: the
cost of a batch is the (sample-weighted) mean over samples of the per-sample
cost, where the per-sample cost is summed over output units. For the squared
error this is ``0.5 * mean_i sum_k (y_ik - a_ik)^2``; scikit-learn instead
averages over outputs as well, which disagrees with its own gradient for
multi-output regression (scikit-learn issue 8349). We use the sum, which is
what the gradient ``a - y`` is the derivative of.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.special import xlogy

from ._activations import OUTPUT_ACTIVATIONS, POSITIVE_OUTPUTS, PROBABILITY_OUTPUTS


def _mean_over_samples(cost, sample_weight):
    """Mean over the samples of ``cost`` (n_samples, n_outputs), summed over outputs.

    Weighted by ``sample_weight`` (n_samples,) when given. Without weights it
    is one whole-array sum, the cheapest form for a mini-batch.
    """
    if sample_weight is None:
        return float(cost.sum()) / cost.shape[0]
    return float(sample_weight @ cost.sum(axis=1)) / float(sample_weight.sum())


def _clip_probabilities(A):
    eps = np.finfo(A.dtype).eps
    return np.clip(A, eps, 1 - eps)


def _squared_error(Y, A, sample_weight):
    residual = A - Y
    return 0.5 * _mean_over_samples(np.square(residual, out=residual), sample_weight)


def _squared_error_derivative(Y, A, out):
    return np.subtract(A, Y, out=out)


def _absolute_error(Y, A, sample_weight):
    return _mean_over_samples(np.abs(A - Y), sample_weight)


def _absolute_error_derivative(Y, A, out):
    # sign(a - y); 0 at a = y (a subgradient)
    return np.sign(np.subtract(A, Y, out=out), out=out)


def _huber(Y, A, sample_weight, *, delta):
    # 0.5 r^2 where |r| <= delta, else delta (|r| - delta / 2), r = a - y
    r = np.abs(A - Y)
    per_unit = np.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta))
    return _mean_over_samples(per_unit, sample_weight)


def _huber_derivative(Y, A, out, *, delta):
    # r clipped to [-delta, delta]
    return np.clip(np.subtract(A, Y, out=out), -delta, delta, out=out)


def _categorical_log_loss(Y, A, sample_weight):
    return -_mean_over_samples(xlogy(Y, _clip_probabilities(A)), sample_weight)


def _categorical_log_loss_derivative(Y, A, out):
    # -y / a
    return np.divide(-Y, _clip_probabilities(A), out=out)


def _binary_log_loss(Y, A, sample_weight):
    A = _clip_probabilities(A)
    return -_mean_over_samples(xlogy(Y, A) + xlogy(1 - Y, 1 - A), sample_weight)


def _binary_log_loss_derivative(Y, A, out):
    # (a - y) / (a (1 - a))
    A = _clip_probabilities(A)
    return np.divide(A - Y, A * (1 - A), out=out)


def _poisson_deviance(Y, A, sample_weight):
    # Half the Poisson deviance, as scikit-learn: y log(y / a) - y + a.
    return _mean_over_samples(xlogy(Y, Y / A) - Y + A, sample_weight)


def _poisson_deviance_derivative(Y, A, out):
    # 1 - y / a
    np.divide(Y, A, out=out)
    return np.subtract(1, out, out=out)


@dataclass(frozen=True)
class Loss:
    """A cost function, its derivative and its default output activation.

    Attributes
    ----------
    name : str
    output_activation : str
        Key of :data:`skbp._activations.OUTPUT_ACTIVATIONS`: the output used
        when the estimator's ``output_activation`` is None.
    value : callable ``(Y, A, sample_weight) -> float``
        Mean cost over the samples of ``Y`` and ``A``, both
        ``(n_samples, n_outputs)``; ``sample_weight`` is ``(n_samples,)`` or None.
    derivative : callable ``(Y, A, out) -> out``
        ``f'(A)``: the per-sample cost's derivative with respect to ``A``.
    canonical : bool
        ``output_activation`` is the loss's canonical link, so that BP1 is
        ``A - Y`` for that output.
    outputs : tuple of str or None
        The output activations the loss is defined for (None: any).
    """

    name: str
    output_activation: str
    value: Callable
    derivative: Callable
    canonical: bool = True
    outputs: tuple | None = None

    @staticmethod
    def output_delta(Y, A, out):
        """BP1 per sample for a canonical pair: ``out = A - Y`` = dcost/dZ^L.

        ``Y``, ``A`` and ``out`` are ``(n_samples, n_outputs)``; ``out`` may be ``A``.
        """
        return np.subtract(A, Y, out=out)

    def is_canonical_for(self, sigma):
        """Whether BP1 with output activation ``sigma`` is ``A - Y``."""
        return self.canonical and sigma is OUTPUT_ACTIVATIONS[self.output_activation]

    def bp1(self, Y, A, Z, sigma, out):
        """BP1 per sample: ``out = f'(A) * sigma'(Z)``, of shape (n_samples, n_outputs).

        ``Z`` is only read by output activations that need it (else None).
        """
        if self.is_canonical_for(sigma):
            return self.output_delta(Y, A, out)  # BP1, canonical pair: A - Y
        self.derivative(Y, A, out)  # BP1, general: f'(A) ...
        sigma.multiply_by_derivative(A, out, Z)  # ... * sigma'(Z) (softmax: J^T v)
        return out

    def check_output(self, sigma, n_outputs):
        """Raise a ValueError naming both if ``sigma`` cannot pair with this loss."""
        name = getattr(sigma, "name", sigma)
        if self.outputs is not None and (
            sigma is not OUTPUT_ACTIVATIONS.get(name) or name not in self.outputs
        ):
            raise ValueError(
                f"loss={self.name!r} cannot be paired with output_activation="
                f"{sigma!r}: it needs one of {list(self.outputs)} (or None)."
            )
        if name == "softmax" and n_outputs < 2:
            raise ValueError(
                f"output_activation='softmax' with loss={self.name!r} needs at least "
                f"2 outputs (softmax of one unit is constant); the target has "
                f"{n_outputs}."
            )


def huber_loss(delta):
    """The Huber loss with threshold ``delta`` (identity output by default)."""
    return Loss(
        "huber",
        "identity",
        partial(_huber, delta=float(delta)),
        partial(_huber_derivative, delta=float(delta)),
        canonical=False,
    )


LOSSES = {
    "squared_error": Loss(
        "squared_error", "identity", _squared_error, _squared_error_derivative
    ),
    "absolute_error": Loss(
        "absolute_error",
        "identity",
        _absolute_error,
        _absolute_error_derivative,
        canonical=False,
    ),
    "huber": huber_loss(1.0),
    "poisson": Loss(
        "poisson",
        "exp",
        _poisson_deviance,
        _poisson_deviance_derivative,
        outputs=POSITIVE_OUTPUTS,
    ),
    "log_loss": Loss(
        "log_loss",
        "softmax",
        _categorical_log_loss,
        _categorical_log_loss_derivative,
        outputs=("softmax",),
    ),
    "binary_log_loss": Loss(
        "binary_log_loss",
        "logistic",
        _binary_log_loss,
        _binary_log_loss_derivative,
        outputs=PROBABILITY_OUTPUTS,
    ),
}
"""Every loss, by name ('huber' with threshold 1; see :func:`huber_loss`)."""
