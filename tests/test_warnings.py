"""Warnings point at the user's line (skbp/_warnings.py), whatever the call path."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier, MLPBackpropRegressor

X = np.random.RandomState(0).standard_normal((60, 3))
y = (X[:, 0] > 0).astype(int)


def _recorded(call):
    """Run ``call``; the (category, file name) of every warning it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return {(w.category, w.filename) for w in caught}


CALLS = {
    "fit": lambda: MLPBackpropClassifier(max_iter=2, batch_size=100).fit(X, y),
    "lbfgs": lambda: MLPBackpropRegressor(solver="lbfgs", max_iter=2).fit(X, y),
    "partial_fit": lambda: MLPBackpropClassifier(batch_size=100).partial_fit(
        X, y, classes=[0, 1]
    ),
    "early stopping too small": lambda: MLPBackpropClassifier(
        early_stopping=True, max_iter=2
    ).fit(X[:5], y[:5]),
    "pipeline": lambda: make_pipeline(
        StandardScaler(), MLPBackpropClassifier(max_iter=2)
    ).fit(X, y),
    "grid search": lambda: GridSearchCV(
        MLPBackpropClassifier(max_iter=2), {"alpha": [1e-4, 1e-3]}, cv=2
    ).fit(X, y),
}


@pytest.mark.parametrize("name", CALLS)
def test_warnings_point_at_the_callers_file(name):
    recorded = _recorded(CALLS[name])
    assert recorded, "the scenario is meant to warn"
    skbp_warnings = {
        (c, f) for c, f in recorded if c in (UserWarning, ConvergenceWarning)
    }
    assert skbp_warnings
    for _, filename in skbp_warnings:
        assert filename == __file__
