"""
Cross-validated comparison with scikit-learn's MLPClassifier
============================================================

Same folds, same seed, same preprocessing: skbp's
:class:`~skbp.MLPBackpropClassifier` against scikit-learn's ``MLPClassifier`` on four
built-in datasets. The fits are interleaved (skbp, scikit-learn, skbp, ...) so that a
slow moment of a shared machine hits both libraries alike.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

datasets = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}
estimators = {"skbp": MLPBackpropClassifier, "scikit-learn": MLPClassifier}
params = dict(hidden_layer_sizes=(32,), max_iter=60, random_state=0)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)

# %%
# Fit both libraries fold by fold, alternating which one goes first.
results = {name: {"score": {}, "time": {}} for name in estimators}
for data_name, load in datasets.items():
    X, y = load(return_X_y=True)
    for name in estimators:
        results[name]["score"][data_name] = []
        results[name]["time"][data_name] = []
    for fold, (train, test) in enumerate(cv.split(X, y)):
        order = list(estimators) if fold % 2 == 0 else list(estimators)[::-1]
        for name in order:
            model = make_pipeline(StandardScaler(), estimators[name](**params))
            start = time.perf_counter()
            model.fit(X[train], y[train])
            results[name]["time"][data_name].append(time.perf_counter() - start)
            results[name]["score"][data_name].append(model.score(X[test], y[test]))

print(f"{'dataset':<14} {'skbp acc':>16} {'sklearn acc':>16} {'fit speed-up':>13}")
for data_name in datasets:
    s = np.array(results["skbp"]["score"][data_name])
    k = np.array(results["scikit-learn"]["score"][data_name])
    ratio = np.median(
        np.array(results["scikit-learn"]["time"][data_name])
        / np.array(results["skbp"]["time"][data_name])
    )
    print(
        f"{data_name:<14} {s.mean():.4f} +- {s.std():.4f} "
        f"{k.mean():.4f} +- {k.std():.4f} {ratio:>12.2f}x"
    )

# %%
# Accuracy and fit time side by side. The accuracies coincide: both libraries start
# from the same weights and see the batches in the same order.
fig, (ax_score, ax_time) = plt.subplots(1, 2, figsize=(10, 4))
x = np.arange(len(datasets))
width = 0.38
for offset, name in zip((-width / 2, width / 2), estimators):
    scores = [np.mean(results[name]["score"][d]) for d in datasets]
    times = [np.mean(results[name]["time"][d]) for d in datasets]
    ax_score.bar(x + offset, scores, width, label=name)
    ax_time.bar(x + offset, times, width, label=name)
ax_score.set(xticks=x, xticklabels=list(datasets), ylabel="accuracy", ylim=(0.8, 1))
ax_time.set(xticks=x, xticklabels=list(datasets), ylabel="mean fit time (s)")
ax_score.legend(loc="lower left")
ax_time.legend()
fig.tight_layout()
plt.show()
