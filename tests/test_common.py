"""scikit-learn's estimator checks on several configurations, no expected failures."""

from _helpers import EpochCounter
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbp import Activation, MLPBackpropClassifier, MLPBackpropRegressor
from skbp._activations import _silu_reference, _silu_reference_derivative

FAST = dict(max_iter=50, random_state=0)
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
        activation=Activation("silu_ref", _silu_reference, _silu_reference_derivative),
        solver="lbfgs",
        **FAST,
    ),
    # dropout, one rate for all hidden layers and one per layer
    MLPBackpropClassifier(dropout=0.1, learning_rate_init=0.01, **FAST),
    MLPBackpropRegressor(dropout=[0.1], learning_rate_init=0.01, **FAST),
]
if hasattr(MLPBackpropClassifier, "set_callbacks"):  # scikit-learn >= 1.9
    INSTANCES += [
        MLPBackpropClassifier(**FAST).set_callbacks(EpochCounter()),
        MLPBackpropRegressor(solver="lbfgs", **FAST).set_callbacks(EpochCounter()),
    ]


@parametrize_with_checks(INSTANCES)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
