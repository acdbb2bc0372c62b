"""skbp: scikit-learn MLP estimators trained by hand-written backpropagation.

``MLPBackpropClassifier`` and ``MLPBackpropRegressor`` are drop-in
replacements for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``; the
four backpropagation equations BP1-BP4 are in :mod:`skbp._network`.
"""

from ._activations import Activation
from ._gradcheck import check_gradients
from ._mlp import MLPBackpropClassifier, MLPBackpropRegressor

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "MLPBackpropClassifier",
    "MLPBackpropRegressor",
    "__version__",
    "check_gradients",
]
