"""
A callback that records every epoch
===================================

scikit-learn 1.9's callback API (``sklearn.callback``) works on skbp estimators: each
epoch (each L-BFGS iteration) is one subtask of ``fit``, and a callback's
``on_fit_task_end`` receives a copy of the model as it is at the end of that epoch.
This callback records the validation accuracy and the first layer's weights after every
epoch, and asks training to stop (by returning ``True``) once the validation accuracy
has not improved for ``patience`` epochs. The weights' paths show how the network
settles.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier


class EpochRecorder:
    """Record the validation accuracy and first-layer weights after every epoch."""

    def __init__(self, X_val, y_val, patience=5):
        self.X_val, self.y_val, self.patience = X_val, y_val, patience
        self.scores, self.weights = [], []

    def setup(self, estimator, context):
        self.scores, self.weights = [], []

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        pass

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        if context.task_name != "epoch" or fitted_estimator is None:
            return False  # the whole fit's task, or L-BFGS's empty last one
        self.scores.append(fitted_estimator.score(self.X_val, self.y_val))
        self.weights.append(fitted_estimator.coefs_[0][:6, 0].copy())
        best = int(np.argmax(self.scores))
        return len(self.scores) - 1 - best >= self.patience  # True stops training

    def teardown(self, estimator, context):
        pass


X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

recorder = EpochRecorder(X_val, y_val, patience=5)
clf = MLPBackpropClassifier(hidden_layer_sizes=(32,), max_iter=200, random_state=0)
clf.set_callbacks(recorder).fit(X_train, y_train)
best = int(np.argmax(recorder.scores))
print(
    f"stopped by the callback after {clf.n_iter_} of 200 epochs; best validation "
    f"accuracy {recorder.scores[best]:.3f} at epoch {best + 1}"
)

# %%
# Validation accuracy per epoch, and the paths of six weights of the first layer.
epochs = np.arange(1, len(recorder.scores) + 1)
fig, (ax_score, ax_weights) = plt.subplots(1, 2, figsize=(10, 4))
ax_score.plot(epochs, recorder.scores, marker="o")
ax_score.set_xlabel("epoch")
ax_score.set_ylabel("validation accuracy")
ax_score.set_title("recorded by the callback")
ax_weights.plot(epochs, np.array(recorder.weights))
ax_weights.set_xlabel("epoch")
ax_weights.set_ylabel("weight")
ax_weights.set_title("coefs_[0][:6, 0] after each epoch")
fig.tight_layout()
plt.show()
