"""skbp: scikit-learn MLP estimators trained by hand-written backpropagation.

``MLPBackpropClassifier`` and ``MLPBackpropRegressor`` are drop-in
replacements for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``; the
four backpropagation equations BP1-BP4 are in :mod:`skbp._network`.
``to_sklearn`` and ``from_sklearn`` convert fitted models between the two;
``LossCurveDisplay`` plots a fitted model's loss curve (matplotlib, imported
only when used).
"""

from ._config import config_context, get_config, set_config
from ._convert import from_sklearn, to_sklearn
from ._display import LossCurveDisplay
from ._mlp import MLPBackpropClassifier, MLPBackpropRegressor

__version__ = "0.1.0"

__all__ = [
    "LossCurveDisplay",
    "MLPBackpropClassifier",
    "MLPBackpropRegressor",
    "__version__",
    "config_context",
    "from_sklearn",
    "get_config",
    "set_config",
    "to_sklearn",
]
