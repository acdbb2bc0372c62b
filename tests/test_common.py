"""scikit-learn's estimator checks on several configurations.

No expected failures, except sample-weight equivalence where training draws
random numbers per row: early stopping and dropout (see
:func:`_expected_failed_checks`).
"""

import numpy as np
from _helpers import EpochCounter, silu_reference, silu_reference_derivative
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbp import Activation, MLPBackpropClassifier, MLPBackpropRegressor

FAST = dict(max_iter=50, random_state=0)
# 20% of the checks' small data held out: 10% would be a handful of rows
EARLY_STOPPING = dict(early_stopping=True, validation_fraction=0.2)
INSTANCES = [
    MLPBackpropClassifier(**FAST),
    MLPBackpropClassifier(solver="sgd", learning_rate_init=0.05, **FAST),
    MLPBackpropClassifier(
        hidden_layer_sizes=(16, 8), activation="tanh", learning_rate_init=0.01, **FAST
    ),
    MLPBackpropClassifier(solver="lbfgs", **FAST),
    MLPBackpropClassifier(class_weight="balanced", **FAST),
    MLPBackpropClassifier(solver="lbfgs", class_weight="balanced", **FAST),
    MLPBackpropClassifier(
        solver="sgd",
        learning_rate_init=0.05,
        class_weight="balanced",
        **FAST,
    ),
    MLPBackpropRegressor(**FAST),
    MLPBackpropRegressor(solver="sgd", learning_rate_init=0.01, **FAST),
    MLPBackpropRegressor(
        hidden_layer_sizes=(16, 8), activation="tanh", learning_rate_init=0.01, **FAST
    ),
    MLPBackpropRegressor(solver="lbfgs", **FAST),
    # per-layer activations, one of each new activation somewhere
    MLPBackpropClassifier(
        hidden_layer_sizes=(8, 8, 8),
        activation=["leaky_relu", "elu", "softplus"],
        learning_rate_init=0.01,
        **FAST,
    ),
    MLPBackpropRegressor(
        hidden_layer_sizes=(8, 8), activation=("silu", "gelu"), solver="lbfgs", **FAST
    ),
    # the seed's network: logistic outputs, quadratic cost
    MLPBackpropClassifier(
        output_activation="logistic",
        loss="squared_error",
        learning_rate_init=0.01,
        **FAST,
    ),
    MLPBackpropRegressor(loss="huber", huber_delta=0.5, **FAST),
    # a user-defined activation (module-level functions)
    MLPBackpropRegressor(
        activation=Activation("silu_ref", silu_reference, silu_reference_derivative),
        solver="lbfgs",
        **FAST,
    ),
    # dropout, one rate for all hidden layers and one per layer
    MLPBackpropClassifier(dropout=0.1, learning_rate_init=0.01, **FAST),
    MLPBackpropRegressor(dropout=[0.1], learning_rate_init=0.01, **FAST),
    # Early stopping: a held-out split on the checks' data, none on data too
    # small to split (with a warning) and none in partial_fit.
    MLPBackpropClassifier(**EARLY_STOPPING, **FAST),
    MLPBackpropClassifier(
        solver="sgd", learning_rate_init=0.05, **EARLY_STOPPING, **FAST
    ),
    MLPBackpropRegressor(**EARLY_STOPPING, **FAST),
    MLPBackpropRegressor(
        solver="sgd", learning_rate_init=0.01, **EARLY_STOPPING, **FAST
    ),
]
if hasattr(MLPBackpropClassifier, "set_callbacks"):  # scikit-learn >= 1.9
    INSTANCES += [
        MLPBackpropClassifier(**FAST).set_callbacks(EpochCounter()),
        MLPBackpropRegressor(solver="lbfgs", **FAST).set_callbacks(EpochCounter()),
    ]


def _expected_failed_checks(estimator):
    """Sample weights vs repeated rows, where randomness is drawn per row.

    The check fits once with a row repeated k times and once with that row
    weighted k. The early-stopping split is drawn over rows (scikit-learn's
    ``train_test_split``, kept for parity), and dropout draws a mask per row:
    k copies get k different draws where one weighted row gets one, so the
    two fits differ by design (equal in expectation, not exactly). Every other
    check passes on these instances; the failure is asserted (strict xfail).
    """
    reasons = []
    if estimator.early_stopping:
        reasons.append("the early-stopping split is drawn over rows")
    if estimator.dropout not in (0, 0.0) and any(
        rate > 0 for rate in np.atleast_1d(estimator.dropout)
    ):
        reasons.append("dropout draws a mask per row")
    if not reasons:
        return {}
    reason = "; ".join(reasons) + ", so k copies are not weight k"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@parametrize_with_checks(INSTANCES, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
