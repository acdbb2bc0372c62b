"""Cost functions f(a^L, y) and BP1's output delta.

Every loss is paired with the output activation that is its canonical link
(softmax with the categorical log loss, logistic with the binary log loss,
identity with the squared error, exp with the Poisson deviance). For such a
pair the seed's BP1, ``delta^L = f'(a^L) * sigma'(z^L)``, simplifies to

    delta^L = a^L - y            (per sample)

which is what :meth:`Loss.output_delta` returns. (For softmax, sigma' is a
Jacobian rather than an element-wise factor, so the general Hadamard form does
not even apply; the shortcut is the exact derivative of the composite.)

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

import numpy as np
from scipy.special import xlogy


def _mean_over_samples(per_sample_cost, sample_weight):
    """Weighted mean of a ``(n_samples,)`` cost vector; plain mean if no weights."""
    return float(np.average(per_sample_cost, weights=sample_weight))


def _clip_probabilities(A):
    eps = np.finfo(A.dtype).eps
    return np.clip(A, eps, 1 - eps)


def _squared_error(Y, A, sample_weight):
    residual = A - Y
    return 0.5 * _mean_over_samples(
        np.einsum("ij,ij->i", residual, residual), sample_weight
    )


def _categorical_log_loss(Y, A, sample_weight):
    per_sample = -xlogy(Y, _clip_probabilities(A)).sum(axis=1)
    return _mean_over_samples(per_sample, sample_weight)


def _binary_log_loss(Y, A, sample_weight):
    A = _clip_probabilities(A)
    per_sample = -(xlogy(Y, A) + xlogy(1 - Y, 1 - A)).sum(axis=1)
    return _mean_over_samples(per_sample, sample_weight)


def _poisson_deviance(Y, A, sample_weight):
    # Half the Poisson deviance, as scikit-learn: y log(y / a) - y + a.
    per_sample = (xlogy(Y, Y / A) - Y + A).sum(axis=1)
    return _mean_over_samples(per_sample, sample_weight)


@dataclass(frozen=True)
class Loss:
    """A cost function with its canonical output activation.

    Attributes
    ----------
    name : str
    output_activation : str
        Key of :data:`skbp._activations.OUTPUT_ACTIVATIONS`.
    value : callable ``(Y, A, sample_weight) -> float``
        Mean cost over the samples of ``Y`` and ``A``, both
        ``(n_samples, n_outputs)``; ``sample_weight`` is ``(n_samples,)`` or None.
    """

    name: str
    output_activation: str
    value: Callable

    @staticmethod
    def output_delta(Y, A, out):
        """BP1 per sample for a canonical pair: ``out = A - Y`` = dcost/dZ^L.

        ``Y``, ``A`` and ``out`` are ``(n_samples, n_outputs)``; ``out`` may be ``A``.
        """
        return np.subtract(A, Y, out=out)


LOSSES = {
    "squared_error": Loss("squared_error", "identity", _squared_error),
    "poisson": Loss("poisson", "exp", _poisson_deviance),
    "log_loss": Loss("log_loss", "softmax", _categorical_log_loss),
    "binary_log_loss": Loss("binary_log_loss", "logistic", _binary_log_loss),
}
