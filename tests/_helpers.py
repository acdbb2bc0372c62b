"""What the tests share: data builders, network comparison, solver lists,
fault injection and version markers.

Version markers: skbp has every feature on every supported scikit-learn; only
a test that compares skbp with a scikit-learn feature which the installed
scikit-learn lacks is skipped, and the skip names the feature and the release
that added it.
"""

import functools

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from packaging.version import Version
from scipy.special import expit
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

STOCHASTIC = ("sgd", "adam")
SOLVERS = ("sgd", "adam", "lbfgs")

SKLEARN_VERSION = Version(Version(sklearn.__version__).base_version)


def requires_sklearn(version, reason):
    """Mark a test that needs scikit-learn >= `version` for `reason`."""
    return pytest.mark.skipif(
        SKLEARN_VERSION < Version(version),
        reason=f"compares with {reason}, added in scikit-learn {version} "
        f"(installed: {sklearn.__version__})",
    )


# scikit-learn's MLP took sample_weight and loss='poisson' in 1.7.
SKLEARN_SAMPLE_WEIGHT = requires_sklearn(
    "1.7", "sample_weight in MLPClassifier / MLPRegressor fit and partial_fit"
)
SKLEARN_POISSON = requires_sklearn("1.7", "MLPRegressor(loss='poisson')")


# -- data ---------------------------------------------------------------------


def make_data(task, n_samples=40, n_features=4, seed=0):
    """Small, well-scaled synthetic data for ``task``; returns (X, y).

    Tasks: binary, multiclass, multilabel, regression, regression2 (two
    outputs), counts (non-negative, for the Poisson loss).
    """
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    signal = X[:, 0] + 0.5 * X[:, 1]
    if task == "binary":
        y = (signal > 0).astype(int)
    elif task == "multiclass":
        y = np.digitize(signal, [-0.5, 0.5])
    elif task == "multilabel":
        y = np.c_[signal > 0, X[:, 2] > 0, X[:, 3] > 0.5].astype(int)
    elif task == "regression":
        y = signal + 0.1 * rng.randn(n_samples)
    elif task == "regression2":
        y = np.c_[signal, X[:, 2] - X[:, 3]] + 0.1 * rng.randn(n_samples, 2)
    elif task == "counts":
        y = rng.poisson(np.exp(0.5 * signal)).astype(float)
    else:
        raise ValueError(task)
    return X, y


@functools.cache
def split_dataset(name):
    """(X_train, X_test, y_train, y_test) of a built-in dataset, standardised.

    The diabetes target (25 .. 346) is standardised too, so that every solver
    trains stably; R^2 does not change under an affine map of y. The arrays
    are shared between tests and read-only.
    """
    loader = {
        "digits": load_digits,
        "breast_cancer": load_breast_cancer,
        "diabetes": load_diabetes,
    }[name]
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if name == "diabetes":
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    for a in (X_train, X_test, y_train, y_test):
        a.flags.writeable = False
    return X_train, X_test, y_train, y_test


# -- comparisons and fault injection --------------------------------------------


def assert_same_network(a, b, **tol):
    """``coefs_`` / ``intercepts_`` of fitted ``a`` and ``b`` agree.

    Bit for bit, dtype included, without ``tol``; else to ``assert_allclose``'s
    tolerances.
    """
    assert len(a.coefs_) == len(b.coefs_)
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        if tol:
            assert_allclose(x, y, **tol)
        else:
            assert x.dtype == y.dtype
            assert np.array_equal(x, y)


def raise_after(monkeypatch, cls, name, n_calls, exception):
    """Make ``cls.name`` raise ``exception`` on its call number ``n_calls + 1``."""
    original = getattr(cls, name)
    count = [0]

    def patched(self, *args, **kwargs):
        count[0] += 1
        if count[0] > n_calls:
            raise exception
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, patched)
    return count


class EpochCounter:
    """A scikit-learn callback (``set_callbacks``, >= 1.9) that counts epochs.

    Module-level, so that estimators holding it clone and pickle.
    """

    def __init__(self):
        self.n_epochs = 0

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        self.n_epochs += context.task_name == "epoch"
        return False

    def teardown(self, estimator, context):
        pass


def silu_reference(Z):
    """silu(z) = z * expit(z), not in place: a user-defined activation's sigma."""
    return Z * expit(Z)


def silu_reference_derivative(Z, A):
    """silu'(z) = s + a (1 - s), s = expit(z): that activation's sigma'."""
    s = expit(Z)
    return s + A * (1 - s)
