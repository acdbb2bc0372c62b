"""
Dropout against over-fitting
============================

A wide network on 200 noisy samples (40 features, 8 of them informative, 10% of the
labels flipped) learns the noise: its training loss falls towards zero while the loss on
held-out data climbs. Inverted dropout (``dropout=0.5``: each hidden unit is dropped
with probability 0.5 per mini-batch while training, the kept ones scaled by 2) keeps
the held-out loss down. Both networks start from the same weights (same
``random_state``) and train one epoch per ``partial_fit`` call, so the curves show the
log loss after every epoch.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

X, y = make_classification(
    n_samples=1200, n_features=40, n_informative=8, flip_y=0.1, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=200, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

n_epochs = 150
curves = {}
for rate in [0.0, 0.5]:
    clf = MLPBackpropClassifier(hidden_layer_sizes=(128,), dropout=rate, random_state=0)
    train, test = [], []
    for _ in range(n_epochs):
        clf.partial_fit(X_train, y_train, classes=[0, 1])
        train.append(log_loss(y_train, clf.predict_proba(X_train)))
        test.append(log_loss(y_test, clf.predict_proba(X_test)))
    curves[rate] = train, test
    print(
        f"dropout={rate}: after {n_epochs} epochs train log loss {train[-1]:.3f}, "
        f"test log loss {test[-1]:.3f} (best {min(test):.3f} at epoch "
        f"{int(np.argmin(test)) + 1}), test accuracy {clf.score(X_test, y_test):.3f}"
    )

# %%
# The training loss (dashed) of the network without dropout keeps falling; its test
# loss (solid) turns upwards after a few dozen epochs. With dropout the test loss
# stays lower.
fig, ax = plt.subplots(figsize=(7, 4))
epochs = np.arange(1, n_epochs + 1)
for rate, color in zip(curves, ["tab:red", "tab:blue"]):
    train, test = curves[rate]
    ax.plot(epochs, test, color=color, label=f"test, dropout={rate}")
    ax.plot(epochs, train, color=color, linestyle="--", label=f"train, dropout={rate}")
ax.set_xlabel("epoch")
ax.set_ylabel("log loss")
ax.set_title("200 noisy samples, hidden (128,)")
ax.legend()
fig.tight_layout()
plt.show()
