"""
BP1-BP4 at work: the gradient against finite differences
========================================================

How do we know backpropagation computes the gradient? We compare it, parameter by
parameter, with central finite differences of the cost
:math:`(C(\\theta + h) - C(\\theta - h)) / 2h`.

To read skbp's gradient through its public API only, we take one step of plain
gradient descent over the whole batch (``solver="sgd"``, ``momentum=0``,
``learning_rate_init=1``): the step is then exactly minus the gradient, ``W_before -
W_after``. The cost is the mean log loss plus the L2 penalty
:math:`\\frac{\\alpha}{2n}\\sum\\lVert W\\rVert^2`, computed from ``predict_proba``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
n, alpha = len(y), 0.1
Y = np.eye(3)[y]


def cost(clf):
    """Mean log loss plus the L2 penalty, at the estimator's current weights."""
    proba = clf.predict_proba(X)
    penalty = 0.5 * alpha / n * sum(np.sum(W**2) for W in clf.coefs_)
    return -np.mean(np.sum(Y * np.log(proba), axis=1)) + penalty


def backprop_gradient(clf):
    """Minus one full-batch gradient-descent step with learning rate 1."""
    coefs = [W.copy() for W in clf.coefs_]
    intercepts = [b.copy() for b in clf.intercepts_]
    clf.partial_fit(X, y)
    grads = [a - b for a, b in zip(coefs + intercepts, clf.coefs_ + clf.intercepts_)]
    clf.coefs_, clf.intercepts_ = coefs, intercepts  # back to the same point
    return grads


def finite_difference_gradient(clf, h=1e-6):
    grads = []
    for param in clf.coefs_ + clf.intercepts_:
        grad = np.empty_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + h
            plus = cost(clf)
            param[index] = saved - h
            minus = cost(clf)
            param[index] = saved
            grad[index] = (plus - minus) / (2 * h)
        grads.append(grad)
    return grads


# %%
# Check every hidden activation on a network with two hidden layers (three weight
# layers): BP1 gives the output layer, BP4 carries the delta back, BP2 and BP3 read
# the bias and weight gradients off each layer's delta.
activations = ["identity", "logistic", "tanh", "relu"]
errors = {}
for activation in activations:
    clf = MLPBackpropClassifier(
        hidden_layer_sizes=(6, 5),
        activation=activation,
        solver="sgd",
        momentum=0.0,
        learning_rate_init=1.0,
        batch_size=n,
        shuffle=False,
        alpha=alpha,
        random_state=0,
    )
    clf.partial_fit(X, y, classes=[0, 1, 2])  # initialise and move off the start
    bp = backprop_gradient(clf)
    fd = finite_difference_gradient(clf)
    n_layers = len(clf.coefs_)
    errors[activation] = [
        np.linalg.norm(b - f) / np.linalg.norm(f) for b, f in zip(bp, fd)
    ]
    labels = [f"W{i + 1}" for i in range(n_layers)] + [
        f"b{i + 1}" for i in range(n_layers)
    ]
    print(
        f"{activation:>8}: "
        + ", ".join(f"{k} {e:.1e}" for k, e in zip(labels, errors[activation]))
    )

# %%
# Relative error ``||g_bp - g_fd|| / ||g_fd||`` per layer, on a log scale. Central
# differences are accurate to about ``h**2`` plus rounding ``eps / h``, so errors
# around 1e-8 to 1e-10 mean the two agree to the precision of the check.
fig, ax = plt.subplots(figsize=(8, 4))
width = 0.2
x = np.arange(len(labels))
for k, activation in enumerate(activations):
    ax.bar(x + (k - 1.5) * width, errors[activation], width, label=activation)
ax.set_yscale("log")
ax.set(
    xticks=x,
    xticklabels=labels,
    ylabel="relative error vs finite differences",
    title="gradient by BP1-BP4, per layer",
)
ax.legend()
fig.tight_layout()
plt.show()
