"""class_weight on MLPBackpropClassifier: the same as the sample weights it stands for.

* ``class_weight`` trains the network bit for bit as the equivalent
  ``sample_weight`` does (binary, multiclass, multilabel; every solver;
  combined with sample weights by multiplication);
* 'balanced' is LogisticRegression's (weighted counts) and helps the minority
  class of an imbalanced problem;
* ``partial_fit`` refuses 'balanced' as SGDClassifier does; a dict works;
* bad shapes of class_weight raise clear errors.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import requires_sklearn
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from skbp import MLPBackpropClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)


def _data(kind, n_samples=120):
    if kind == "multilabel":
        return make_multilabel_classification(
            n_samples=n_samples, n_features=6, n_classes=3, random_state=0
        )
    n_classes = 2 if kind == "binary" else 3
    X, y = make_classification(
        n_samples=n_samples,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=[0.7] + [0.3 / (n_classes - 1)] * (n_classes - 1),
        random_state=0,
    )
    return X, np.array(["a", "b", "c"])[y]  # string labels on purpose


def _assert_same_network(a, b):
    for W_a, W_b in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(W_a, W_b)
    assert a.loss_curve_ == b.loss_curve_


@requires_sklearn("1.7", "compute_class_weight(..., sample_weight=...)")
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_balanced_is_the_same_sample_weight(kind, solver):
    X, y = _data(kind)
    sw = np.random.RandomState(1).uniform(0.5, 2, size=len(y))
    with_class_weight = MLPBackpropClassifier(
        solver=solver, class_weight="balanced", **FAST
    ).fit(X, y, sample_weight=sw)
    if kind == "multilabel":  # each label balanced, weights multiplied
        expected = np.ones(len(y))
        for column in y.T:
            weights = compute_class_weight(
                "balanced", classes=np.unique(column), y=column, sample_weight=sw
            )
            expected *= weights[column]
    else:
        classes = np.unique(y)
        weights = compute_class_weight(
            "balanced", classes=classes, y=y, sample_weight=sw
        )
        expected = weights[np.searchsorted(classes, y)]
    with_sample_weight = MLPBackpropClassifier(solver=solver, **FAST).fit(
        X, y, sample_weight=sw * expected
    )
    _assert_same_network(with_class_weight, with_sample_weight)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_dict_is_the_same_sample_weight(kind):
    X, y = _data(kind)
    class_weight = {"a": 0.5, "b": 3.0}  # 'c' left out: weight 1
    clf = MLPBackpropClassifier(class_weight=class_weight, **FAST).fit(X, y)
    expected = np.array([class_weight.get(label, 1.0) for label in y])
    reference = MLPBackpropClassifier(**FAST).fit(X, y, sample_weight=expected)
    _assert_same_network(clf, reference)


def test_list_of_dicts_for_multilabel_is_compute_sample_weight():
    X, Y = _data("multilabel")
    class_weight = [{0: 1, 1: 2}, {0: 1, 1: 1}, {0: 3, 1: 1}]
    clf = MLPBackpropClassifier(class_weight=class_weight, **FAST).fit(X, Y)
    expected = compute_sample_weight(class_weight, Y)
    reference = MLPBackpropClassifier(**FAST).fit(X, Y, sample_weight=expected)
    _assert_same_network(clf, reference)


def test_multilabel_balanced_without_sample_weight_is_compute_sample_weight():
    X, Y = _data("multilabel")
    clf = MLPBackpropClassifier(class_weight="balanced", **FAST).fit(X, Y)
    expected = compute_sample_weight("balanced", Y)
    reference = MLPBackpropClassifier(**FAST).fit(X, Y, sample_weight=expected)
    _assert_same_network(clf, reference)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_and_float32(dtype):
    X, y = _data("multiclass")
    dense = MLPBackpropClassifier(class_weight="balanced", dtype=dtype, **FAST)
    sparse = MLPBackpropClassifier(class_weight="balanced", dtype=dtype, **FAST)
    dense.fit(X, y)
    sparse.fit(sp.csr_matrix(X), y)
    assert dense.coefs_[0].dtype == dtype
    for W_d, W_s in zip(dense.coefs_, sparse.coefs_):
        np.testing.assert_allclose(W_d, W_s, rtol=1e-4, atol=1e-5)


def test_balanced_helps_the_minority_class():
    X, y = make_classification(
        n_samples=1000, n_features=10, weights=[0.95], flip_y=0, random_state=0
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    scores = {}
    for class_weight in (None, "balanced"):
        clf = MLPBackpropClassifier(
            hidden_layer_sizes=(16,),
            class_weight=class_weight,
            max_iter=100,
            random_state=0,
        ).fit(X_train, y_train)
        scores[class_weight] = balanced_accuracy_score(y_test, clf.predict(X_test))
    assert scores["balanced"] > scores[None]


def test_early_stopping_score_is_class_weighted():
    X, y = _data("binary", n_samples=200)
    clf = MLPBackpropClassifier(
        class_weight={"a": 1.0, "b": 4.0}, early_stopping=True, **FAST
    ).fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    weights = np.where(y[150:] == "b", 4.0, 1.0)
    correct = clf.predict(X[150:]) == y[150:]
    assert clf.best_validation_score_ == pytest.approx(
        np.sum(weights * correct) / weights.sum()
    )


def test_partial_fit_with_balanced_is_unavailable():
    clf = MLPBackpropClassifier(class_weight="balanced")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError) as info:
        getattr(clf, "partial_fit")  # noqa: B009
    assert "compute_class_weight" in str(info.value.__cause__)


def test_partial_fit_with_a_dict():
    X, y = _data("binary")
    class_weight = {"a": 1.0, "b": 2.0}
    clf = MLPBackpropClassifier(class_weight=class_weight, **FAST)
    clf.partial_fit(X, y, classes=["a", "b"])
    reference = MLPBackpropClassifier(**FAST).partial_fit(
        X, y, sample_weight=np.where(y == "b", 2.0, 1.0), classes=["a", "b"]
    )
    _assert_same_network(clf, reference)


@pytest.mark.parametrize(
    "kind, class_weight, match",
    [
        ("multiclass", [{"a": 1}], "only for multilabel"),
        ("multilabel", {0: 1.0}, "list of one dict"),
        ("multilabel", [{0: 1, 1: 2}], "list of one dict"),
        ("binary", {"a": 0.0, "b": 0.0}, "zero"),
        ("binary", {"z": 2.0}, "not in class_weight"),
    ],
)
def test_bad_class_weight(kind, class_weight, match):
    X, y = _data(kind)
    with pytest.raises(ValueError, match=match):
        MLPBackpropClassifier(class_weight=class_weight, **FAST).fit(X, y)


def test_not_a_class_weight():
    X, y = _data("binary")
    with pytest.raises(ValueError, match="class_weight"):
        MLPBackpropClassifier(class_weight="auto", **FAST).fit(X, y)
