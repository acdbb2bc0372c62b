"""
Loss curves of skbp and scikit-learn from the same seed
=======================================================

With the same ``random_state`` skbp draws the same initial weights and shuffles the
same way as scikit-learn's MLP, so the two loss curves lie on top of each other, for
Adam and for SGD with momentum. :class:`~skbp.LossCurveDisplay` draws both.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skbp import LossCurveDisplay, MLPBackpropClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, solver in zip(axes, ["adam", "sgd"]):
    params = dict(hidden_layer_sizes=(50,), solver=solver, max_iter=40, random_state=0)
    ours = MLPBackpropClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    LossCurveDisplay.from_estimator(theirs, ax=ax, linewidth=4, alpha=0.4)
    LossCurveDisplay.from_estimator(ours, ax=ax, color="k", linestyle=":")
    ax.set_title(f"solver={solver!r}")
    gap = np.max(np.abs(np.array(ours.loss_curve_) - np.array(theirs.loss_curve_)))
    print(f"{solver}: final loss skbp {ours.loss_:.6f}, sklearn {theirs.loss_:.6f}")
    print(f"{solver}: largest gap between the two curves {gap:.2e}")
fig.tight_layout()
plt.show()
