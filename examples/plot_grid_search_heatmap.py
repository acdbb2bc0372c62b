"""
Grid search over alpha and hidden_layer_sizes in a Pipeline
===========================================================

``GridSearchCV`` over a ``Pipeline`` works as with scikit-learn's MLP; only the grid
keys follow the new class name: ``mlpbackpropclassifier__alpha``.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X, y = X[:1000], y[:1000]
pipe = make_pipeline(
    StandardScaler(), MLPBackpropClassifier(max_iter=20, random_state=0)
)
alphas = [1e-4, 0.1, 1.0, 10.0]
sizes = [(8,), (32,), (64,)]
search = GridSearchCV(
    pipe,
    {
        "mlpbackpropclassifier__alpha": alphas,
        "mlpbackpropclassifier__hidden_layer_sizes": sizes,
    },
    cv=3,
)
search.fit(X, y)
print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.4f}")

# %%
# Mean cross-validated accuracy for every pair.
scores = np.empty((len(sizes), len(alphas)))
for params, score in zip(
    search.cv_results_["params"], search.cv_results_["mean_test_score"]
):
    row = sizes.index(params["mlpbackpropclassifier__hidden_layer_sizes"])
    col = alphas.index(params["mlpbackpropclassifier__alpha"])
    scores[row, col] = score

fig, ax = plt.subplots(figsize=(6, 4))
image = ax.imshow(scores, cmap="viridis", vmin=scores.min(), vmax=1)
ax.set(
    xticks=range(len(alphas)),
    xticklabels=[str(a) for a in alphas],
    yticks=range(len(sizes)),
    yticklabels=[str(s) for s in sizes],
    xlabel="alpha",
    ylabel="hidden_layer_sizes",
    title="mean CV accuracy",
)
for (row, col), value in np.ndenumerate(scores):
    ax.text(col, row, f"{value:.3f}", ha="center", va="center", color="w")
fig.colorbar(image)
fig.tight_layout()
plt.show()
