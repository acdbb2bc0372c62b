"""skbp: scikit-learn MLP estimators trained by hand-written backpropagation.

``MLPBackpropClassifier`` and ``MLPBackpropRegressor`` are drop-in
replacements for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``; the
four backpropagation equations BP1-BP4 are in :mod:`skbp._network`.
``Activation`` defines an activation of your own; ``check_gradients`` checks
backpropagation against finite differences for an estimator's configuration;
``to_sklearn`` and ``from_sklearn`` convert fitted models between the two
libraries; ``LossCurveDisplay`` plots a fitted model's loss curve (matplotlib,
imported only when used); ``config_context`` chooses the compute kernels.
"""

from ._activations import Activation
from ._config import config_context, get_config, set_config
from ._convert import from_sklearn, to_sklearn
from ._display import LossCurveDisplay
from ._gradcheck import check_gradients
from ._mlp import MLPBackpropClassifier, MLPBackpropRegressor

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "LossCurveDisplay",
    "MLPBackpropClassifier",
    "MLPBackpropRegressor",
    "__version__",
    "check_gradients",
    "config_context",
    "from_sklearn",
    "get_config",
    "set_config",
    "to_sklearn",
]
