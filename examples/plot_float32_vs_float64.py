"""
float32 versus float64: time and accuracy
=========================================

``dtype=numpy.float32`` trains and predicts in single precision even when the data is
float64; the rows are cast batch by batch. Half the bytes per number means about half
the memory traffic in the matrix products. Timings are interleaved (float64, float32,
float64, ...) and summarised by the median of per-pair ratios.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skbp import MLPBackpropClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(
    n_samples=8_000, n_features=100, n_informative=40, n_classes=5, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

params = dict(hidden_layer_sizes=(128,), max_iter=5, tol=0, random_state=0)
times = {"float64": [], "float32": []}
scores = {}
for _repeat in range(3):
    for name, dtype in [("float64", np.float64), ("float32", np.float32)]:
        clf = MLPBackpropClassifier(dtype=dtype, **params)
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        times[name].append(time.perf_counter() - start)
        scores[name] = clf.score(X_test, y_test)

ratios = np.array(times["float64"]) / np.array(times["float32"])
for name in times:
    print(
        f"{name}: median fit {np.median(times[name]):.2f} s, "
        f"held-out accuracy {scores[name]:.4f}"
    )
print(f"float32 speed-up (median of per-pair ratios): {np.median(ratios):.2f}x")

# %%
fig, (ax_time, ax_score) = plt.subplots(1, 2, figsize=(9, 3.5))
names = list(times)
ax_time.bar(names, [np.median(times[n]) for n in names], color=["C0", "C1"])
ax_time.set(ylabel="median fit time (s), 5 epochs")
ax_score.bar(names, [scores[n] for n in names], color=["C0", "C1"])
ax_score.set(ylabel="held-out accuracy", ylim=(0, 1))
fig.tight_layout()
plt.show()
