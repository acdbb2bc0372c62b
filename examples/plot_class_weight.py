"""
Class weights on an imbalanced problem
======================================

With 95% of the samples in one class, a network trained on the plain log loss favours
the majority class: its accuracy looks fine while it misses many of the minority
samples. ``class_weight='balanced'`` weighs each class by
``n_samples / (n_classes * count)``, as in ``LogisticRegression``, so both classes
count equally in the loss. The balanced accuracy (the mean recall of the two classes)
shows the difference; the confusion matrices show where it comes from.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(n_samples=2000, weights=[0.95], random_state=1)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=1
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
print(f"minority class: {y_train.sum()} of {len(y_train)} training samples")

fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, class_weight in zip(axes, [None, "balanced"]):
    clf = MLPBackpropClassifier(class_weight=class_weight, max_iter=200, random_state=1)
    clf.fit(X_train, y_train)
    predicted = clf.predict(X_test)
    print(
        f"class_weight={class_weight!r}: accuracy {clf.score(X_test, y_test):.3f}, "
        f"balanced accuracy {balanced_accuracy_score(y_test, predicted):.3f}"
    )
    ConfusionMatrixDisplay.from_predictions(y_test, predicted, ax=ax, colorbar=False)
    ax.set_title(f"class_weight={class_weight!r}")
fig.tight_layout()
plt.show()
