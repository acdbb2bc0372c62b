"""fit(X, y, *, X_val, y_val, sample_weight_val): early stopping on a given set.

* the given set is the one monitored (the best validation score is the final
  model's score on it) and all of X is trained on;
* HistGradientBoosting's rules for bad combinations, plus validation of the
  set like the training data (features, classes, outputs, dtype, sparse);
* metadata routing through Pipeline and GridSearchCV.
"""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier, MLPBackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ES = dict(
    hidden_layer_sizes=(8,),
    early_stopping=True,
    max_iter=30,
    n_iter_no_change=3,
    learning_rate_init=0.01,
    random_state=0,
)


def _classification(n_samples=200):
    X, y = make_classification(
        n_samples=n_samples, n_features=6, n_classes=3, n_informative=4, random_state=0
    )
    return X[:150], y[:150], X[150:], y[150:]


def _regression():
    X, y = make_regression(n_samples=200, n_features=6, noise=1.0, random_state=0)
    y = y / y.std()
    return X[:150], y[:150], X[150:], y[150:]


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_classifier_monitors_the_given_set(solver):
    X, y, X_val, y_val = _classification()
    clf = MLPBackpropClassifier(solver=solver, **ES)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.t_ == clf.n_iter_ * len(X)  # every training sample is trained on
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # the best weights are restored: their score on the given set is the best
    assert accuracy_score(y_val, clf.predict(X_val)) == clf.best_validation_score_


def test_regressor_monitors_the_given_set():
    X, y, X_val, y_val = _regression()
    reg = MLPBackpropRegressor(**ES).fit(X, y, X_val=X_val, y_val=y_val)
    assert reg.t_ == reg.n_iter_ * len(X)
    assert reg.best_validation_score_ == pytest.approx(
        r2_score(y_val, reg.predict(X_val))
    )


def test_sample_weight_val_weights_the_score():
    X, y, X_val, y_val = _classification()
    sw_val = np.random.RandomState(0).uniform(0, 3, size=len(y_val))
    clf = MLPBackpropClassifier(**ES).fit(
        X, y, X_val=X_val, y_val=y_val, sample_weight_val=sw_val
    )
    assert clf.best_validation_score_ == pytest.approx(
        accuracy_score(y_val, clf.predict(X_val), sample_weight=sw_val)
    )


def test_given_set_replaces_the_split_and_validation_fraction():
    X, y, X_val, y_val = _classification()
    a = MLPBackpropClassifier(validation_fraction=0.0, **ES)
    b = MLPBackpropClassifier(validation_fraction=0.5, **ES)
    a.fit(X, y, X_val=X_val, y_val=y_val)
    b.fit(X, y, X_val=X_val, y_val=y_val)
    for W_a, W_b in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(W_a, W_b)


def test_multilabel_and_string_classes():
    X, y, X_val, y_val = _classification()
    labels = np.array(["x", "y", "z"])
    clf = MLPBackpropClassifier(**ES).fit(
        X, labels[y], X_val=X_val[:10], y_val=labels[y_val][:10]
    )
    assert len(clf.validation_scores_) == clf.n_iter_
    Y, Y_val = np.eye(3)[y], np.eye(3)[y_val]
    Y[::3, 0] = Y_val[::3, 0] = 1  # some rows with two labels
    clf = MLPBackpropClassifier(**ES).fit(X, Y, X_val=X_val, y_val=Y_val)
    assert clf.classes_.tolist() == [0, 1, 2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_and_dtype(dtype):
    X, y, X_val, y_val = _classification()
    dense = MLPBackpropClassifier(dtype=dtype, **ES).fit(X, y, X_val=X_val, y_val=y_val)
    sparse = MLPBackpropClassifier(dtype=dtype, **ES).fit(
        sp.csr_matrix(X), y, X_val=sp.csc_matrix(X_val), y_val=y_val
    )
    assert sparse.coefs_[0].dtype == dtype
    assert dense.validation_scores_ == pytest.approx(sparse.validation_scores_)


@pytest.mark.parametrize(
    "kwargs, params, match",
    [
        ({"X_val": True}, {}, "X_val is provided, but y_val was not provided"),
        ({"y_val": True}, {}, "y_val is provided, but X_val was not provided"),
        ({"sample_weight_val": True}, {}, "sample_weight_val is provided, but"),
        ({"X_val": True, "y_val": True}, {"early_stopping": False}, "early_stop"),
        ({"X_val": True, "y_val": True}, {"solver": "lbfgs"}, "solver='lbfgs'"),
    ],
)
def test_hgb_rules(kwargs, params, match):
    X, y, X_val, y_val = _classification()
    given = {"X_val": X_val, "y_val": y_val, "sample_weight_val": np.ones(len(y_val))}
    clf = MLPBackpropClassifier(**{**ES, **params})
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, **{name: given[name] for name in kwargs})
    assert not hasattr(clf, "coefs_")  # a failed fit leaves nothing behind


def test_validated_like_the_training_data():
    X, y, X_val, y_val = _classification()
    clf = MLPBackpropClassifier(**ES)
    with pytest.raises(ValueError, match="features"):
        clf.fit(X, y, X_val=X_val[:, :4], y_val=y_val)
    with pytest.raises(ValueError, match=r"classes not in the training y: \[7\]"):
        clf.fit(X, y, X_val=X_val, y_val=np.where(y_val == 0, 7, y_val))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X, y, X_val=X_val, y_val=y_val[:-1])
    with pytest.raises(ValueError, match="multilabel"):
        clf.fit(X, np.eye(3)[y], X_val=X_val, y_val=y_val)
    with pytest.raises(ValueError, match="zero"):  # all weights zero
        clf.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=0 * y_val)
    with pytest.raises(ValueError, match="too large for dtype"):
        MLPBackpropClassifier(dtype=np.float32, **ES).fit(
            X, y, X_val=X_val * 1e300, y_val=y_val
        )
    X, y, X_val, y_val = _regression()
    with pytest.raises(ValueError, match="y_val has 2 output"):
        MLPBackpropRegressor(**ES).fit(X, y, X_val=X_val, y_val=np.c_[y_val, y_val])
    with pytest.raises(ValueError, match="non-negative"):
        MLPBackpropRegressor(loss="poisson", **ES).fit(
            X, np.abs(y), X_val=X_val, y_val=y_val
        )


def test_pipeline_and_grid_search_with_metadata_routing():
    X, y, X_val, y_val = _classification()
    with sklearn.config_context(enable_metadata_routing=True):
        clf = MLPBackpropClassifier(**ES).set_fit_request(
            X_val=True, y_val=True, sample_weight_val=True
        )
        pipe = Pipeline(
            [("scale", StandardScaler()), ("mlp", clf)], transform_input=["X_val"]
        )
        pipe.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=np.ones(50))
        mlp = pipe.named_steps["mlp"]
        X_val_scaled = pipe.named_steps["scale"].transform(X_val)
        assert mlp.best_validation_score_ == accuracy_score(
            y_val, mlp.predict(X_val_scaled)
        )
        search = GridSearchCV(pipe, {"mlp__alpha": [1e-4, 1e-2]}, cv=2)
        search.fit(X, y, X_val=X_val, y_val=y_val)
        best = search.best_estimator_.named_steps["mlp"]
        assert len(best.validation_scores_) == best.n_iter_
