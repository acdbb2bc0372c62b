"""skbp: scikit-learn MLP estimators trained by hand-written backpropagation.

``MLPBackpropClassifier`` and ``MLPBackpropRegressor`` are drop-in
replacements for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``; the
four backpropagation equations BP1-BP4 are in :mod:`skbp._network`.
``LossCurveDisplay`` plots a fitted model's loss curve (matplotlib, imported
only when used).
"""

from ._display import LossCurveDisplay
from ._mlp import MLPBackpropClassifier, MLPBackpropRegressor

__version__ = "0.1.0"

__all__ = [
    "LossCurveDisplay",
    "MLPBackpropClassifier",
    "MLPBackpropRegressor",
    "__version__",
]
