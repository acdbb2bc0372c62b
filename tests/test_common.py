"""scikit-learn's estimator checks on several configurations.

No expected failures, except sample-weight equivalence under early stopping
(see :func:`_expected_failed_checks`).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skbp import MLPBackpropClassifier, MLPBackpropRegressor

FAST = dict(max_iter=50, random_state=0)
INSTANCES = [
    MLPBackpropClassifier(**FAST),
    MLPBackpropClassifier(solver="sgd", learning_rate_init=0.05, **FAST),
    MLPBackpropClassifier(
        hidden_layer_sizes=(16, 8), activation="tanh", learning_rate_init=0.01, **FAST
    ),
    MLPBackpropClassifier(solver="lbfgs", **FAST),
    MLPBackpropRegressor(**FAST),
    MLPBackpropRegressor(solver="sgd", learning_rate_init=0.01, **FAST),
    MLPBackpropRegressor(
        hidden_layer_sizes=(16, 8), activation="tanh", learning_rate_init=0.01, **FAST
    ),
    MLPBackpropRegressor(solver="lbfgs", **FAST),
    # Early stopping: a held-out split on the checks' data, none on data too
    # small to split (with a warning) and none in partial_fit.
    MLPBackpropClassifier(early_stopping=True, **FAST),
    MLPBackpropClassifier(
        solver="sgd", early_stopping=True, learning_rate_init=0.05, **FAST
    ),
    MLPBackpropRegressor(early_stopping=True, **FAST),
    MLPBackpropRegressor(
        solver="sgd", early_stopping=True, learning_rate_init=0.01, **FAST
    ),
]


def _expected_failed_checks(estimator):
    """The one known failure: sample weights vs repeated rows under early stopping.

    The held-out split is drawn over rows, so data with a row repeated k times
    and the same data with weight k split differently and train on different
    sets. No row-wise random split can be equivalent; scikit-learn runs these
    checks on its MLP only without early stopping.
    """
    if not estimator.early_stopping:
        return {}
    reason = "the early-stopping split is over rows, not weights"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@parametrize_with_checks(INSTANCES, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
