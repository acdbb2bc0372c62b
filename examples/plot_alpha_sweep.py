"""
Regularisation: sweeping alpha
==============================

``alpha`` scales the L2 penalty :math:`\\frac{\\alpha}{2n}\\sum\\lVert W\\rVert^2`.
Small values let the network follow every noisy point; large values shrink the
weights towards a smoother, eventually too simple, boundary. The same idea as
scikit-learn's "Varying regularization in Multi-layer Perceptron" example, on three
synthetic datasets.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_circles, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X_lin, y_lin = make_classification(
    n_samples=120,
    n_features=2,
    n_redundant=0,
    n_informative=2,
    n_clusters_per_class=1,
    random_state=1,
)
datasets = {
    "moons": make_moons(n_samples=120, noise=0.3, random_state=0),
    "circles": make_circles(n_samples=120, noise=0.2, factor=0.5, random_state=1),
    "linear": (X_lin + np.random.RandomState(2).uniform(size=X_lin.shape), y_lin),
}
alphas = [1e-3, 1e-1, 1.0, 10.0]

fig, axes = plt.subplots(
    len(datasets), len(alphas), figsize=(11, 8), sharex="row", sharey="row"
)
for row, (name, (X, y)) in enumerate(datasets.items()):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.4, random_state=0
    )
    for col, alpha in enumerate(alphas):
        model = make_pipeline(
            StandardScaler(),
            MLPBackpropClassifier(
                hidden_layer_sizes=(32, 32),
                solver="lbfgs",
                alpha=alpha,
                max_iter=300,
                random_state=1,
            ),
        ).fit(X_train, y_train)
        score = model.score(X_test, y_test)
        weight_norm = sum(np.sum(W**2) for W in model[-1].coefs_)
        print(
            f"{name:>7}, alpha={alpha:<7g}: test accuracy {score:.3f}, "
            f"sum ||W||^2 = {weight_norm:9.2f}"
        )
        ax = axes[row, col]
        DecisionBoundaryDisplay.from_estimator(
            model, X, response_method="predict_proba", cmap="RdBu", alpha=0.7, ax=ax
        )
        ax.scatter(*X_train.T, c=y_train, cmap="RdBu", edgecolors="k", s=14)
        ax.scatter(*X_test.T, c=y_test, cmap="RdBu", edgecolors="k", s=14, alpha=0.5)
        ax.set_title(f"{name}, alpha={alpha:g}\naccuracy {score:.2f}", fontsize=9)
        ax.set(xlabel="", ylabel="", xticks=[], yticks=[])
fig.tight_layout()
plt.show()
