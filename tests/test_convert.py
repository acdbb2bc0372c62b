"""skbp.to_sklearn / skbp.from_sklearn, and ONNX export through skl2onnx.

* the converted model predicts what the original predicts, both ways, for
  every kind of target and both regression losses;
* it continues training: one more ``partial_fit`` epoch (shuffle off) from the
  converted optimizer state matches the other library's epoch;
* configurations scikit-learn cannot represent raise, naming the parameter;
  training-only parameters (class_weight, dtype) convert;
* ONNX (skipped without the ``onnx`` extra): onnxruntime's predictions match.
"""

import numpy as np
import pytest
from _helpers import SKLEARN_POISSON
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skbp import MLPBackpropClassifier, MLPBackpropRegressor, from_sklearn, to_sklearn

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_layer_sizes=(7, 5), max_iter=20, random_state=0)


def _data(kind):
    if kind == "multilabel":
        return make_multilabel_classification(
            n_samples=80, n_features=5, n_classes=3, random_state=0
        )
    if kind in ("squared_error", "poisson"):
        X, y = make_regression(n_samples=80, n_features=5, random_state=0)
        y = np.exp(y / y.std()) if kind == "poisson" else y / y.std()
        return X, y
    n_classes = 2 if kind == "binary" else 3
    X, y = make_classification(
        n_samples=80, n_features=5, n_classes=n_classes, n_informative=3, random_state=0
    )
    return X, np.array(["a", "b", "c"])[y]


def _skbp(kind, **params):
    if kind in ("squared_error", "poisson"):
        return MLPBackpropRegressor(loss=kind, **{**FAST, **params})
    return MLPBackpropClassifier(**{**FAST, **params})


def _sklearn(kind, **params):
    if kind == "poisson":  # scikit-learn >= 1.7
        return MLPRegressor(loss=kind, **{**FAST, **params})
    if kind == "squared_error":
        return MLPRegressor(**{**FAST, **params})
    return MLPClassifier(**{**FAST, **params})


def _assert_same_predictions(a, b, X):
    if hasattr(a, "classes_"):
        np.testing.assert_array_equal(a.predict(X), b.predict(X))
        np.testing.assert_allclose(
            a.predict_proba(X), b.predict_proba(X), rtol=1e-10, atol=1e-15
        )
    else:
        np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-12)


KINDS = [
    "binary",
    "multiclass",
    "multilabel",
    "squared_error",
    pytest.param("poisson", marks=SKLEARN_POISSON),
]


@pytest.mark.parametrize("direction", ["to_sklearn", "from_sklearn"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("kind", KINDS)
def test_conversion_predicts_the_same(kind, solver, direction):
    X, y = _data(kind)
    if direction == "from_sklearn":
        mlp = _sklearn(kind, solver=solver).fit(X, y)
        model = from_sklearn(mlp)
        assert type(model) is type(_skbp(kind))
        _assert_same_predictions(mlp, model, X)
        assert model.n_iter_ == mlp.n_iter_ and model.loss_ == mlp.loss_
        return
    model = _skbp(kind, solver=solver).fit(X, y)
    mlp = to_sklearn(model)
    assert type(mlp) is (
        MLPRegressor if kind in ("squared_error", "poisson") else MLPClassifier
    )
    assert mlp.get_params() == {
        k: v for k, v in model.get_params().items() if k in mlp.get_params()
    }
    _assert_same_predictions(model, mlp, X)
    for name in ("n_iter_", "t_", "loss_", "loss_curve_", "n_layers_", "n_outputs_"):
        assert getattr(mlp, name) == getattr(model, name)
    assert mlp.coefs_[0] is not model.coefs_[0]  # independent copies


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("kind", ["multiclass", "squared_error"])
def test_partial_fit_continues_across_libraries(kind, solver):
    """One more epoch from a converted state matches the other library's epoch."""
    X, y = _data(kind)
    params = dict(solver=solver, shuffle=False, batch_size=20, learning_rate_init=0.01)
    model = _skbp(kind, **params).fit(X, y)
    # skbp -> scikit-learn: the optimizer's running state goes along
    mlp = to_sklearn(model)
    model.partial_fit(X, y)
    mlp.partial_fit(X, y)
    for W_a, W_b in zip(model.coefs_, mlp.coefs_):
        np.testing.assert_allclose(W_a, W_b, rtol=1e-9, atol=1e-12)
    # and back: scikit-learn -> skbp
    back = from_sklearn(mlp)
    back.partial_fit(X, y)
    mlp.partial_fit(X, y)
    for W_a, W_b in zip(back.coefs_, mlp.coefs_):
        np.testing.assert_allclose(W_a, W_b, rtol=1e-9, atol=1e-12)
    assert back.t_ == mlp.t_


def test_warm_start_continues():
    X, y = _data("multiclass")
    mlp = MLPClassifier(**FAST).fit(X, y)
    model = from_sklearn(mlp).set_params(warm_start=True, max_iter=5)
    before = [W.copy() for W in model.coefs_]
    model.fit(X, y)
    assert model.n_iter_ == 5 and not np.array_equal(before[0], model.coefs_[0])
    mlp = to_sklearn(model).fit(X, y)
    assert mlp.n_iter_ == 5


def test_early_stopping_state_converts():
    X, y = _data("multiclass")
    model = MLPBackpropClassifier(early_stopping=True, **FAST).fit(X, y)
    mlp = to_sklearn(model)
    assert mlp.validation_scores_ == model.validation_scores_
    assert mlp.best_validation_score_ == model.best_validation_score_
    back = from_sklearn(mlp)
    assert back._training_state.stopping_rule == "validation"
    np.testing.assert_array_equal(
        back._training_state.best_params, model._training_state.best_params
    )


@pytest.mark.parametrize(
    "params", [{"class_weight": "balanced"}, {"dtype": np.float32}]
)
def test_training_only_parameters_convert(params):
    X, y = _data("binary")
    model = MLPBackpropClassifier(**FAST, **params).fit(X, y)
    mlp = to_sklearn(model)
    assert "class_weight" not in mlp.get_params()
    np.testing.assert_array_equal(mlp.predict(X), model.predict(X))


class _Extended(MLPBackpropRegressor):
    """An estimator with a parameter scikit-learn lacks (like skbp's extensions)."""

    def __init__(self, hidden_layer_sizes=(3,), *, max_iter=5, extra=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.max_iter = max_iter
        self.extra = extra

    def get_params(self, deep=True):
        return {**MLPBackpropRegressor().get_params(), **super().get_params(deep)}


def test_unrepresentable_configurations_raise_naming_the_parameter():
    X, y = _data("squared_error")
    model = MLPBackpropRegressor(**FAST).fit(X, y)
    extended = _Extended()
    vars(extended).update(
        {k: v for k, v in vars(model).items() if k.endswith("_") or k.startswith("_")}
    )
    to_sklearn(extended)  # extra at its default: converts
    extended.extra = "something"
    with pytest.raises(ValueError, match="extra='something'"):
        to_sklearn(extended)
    model.activation = ["relu", "tanh"]  # e.g. per-layer activations
    with pytest.raises(ValueError, match="'activation' parameter"):
        to_sklearn(model)


def test_not_fitted_and_wrong_types():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        to_sklearn(MLPBackpropClassifier())
    with pytest.raises(NotFittedError):
        from_sklearn(MLPClassifier())
    with pytest.raises(TypeError, match="MLPBackpropClassifier"):
        to_sklearn(MLPClassifier())
    with pytest.raises(TypeError, match="MLPClassifier"):
        from_sklearn(MLPBackpropClassifier())


@pytest.mark.parametrize("kind", ["binary", "multiclass", "squared_error"])
def test_onnx_export_matches(kind):
    pytest.importorskip("skl2onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx

    X, y = _data(kind)
    X = X.astype(np.float32)
    model = _skbp(kind, solver="lbfgs").fit(X, y)
    mlp = to_sklearn(model)
    onx = to_onnx(
        mlp,
        X[:1],
        options={id(mlp): {"zipmap": False}}
        if kind in ("binary", "multiclass")
        else None,
    )
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    outputs = session.run(None, {session.get_inputs()[0].name: X})
    if kind == "squared_error":
        difference = np.max(np.abs(outputs[0].ravel() - model.predict(X)))
        assert difference < 1e-4
    else:
        labels, proba = outputs
        np.testing.assert_array_equal(labels, model.predict(X))
        difference = np.max(np.abs(proba - model.predict_proba(X)))
        assert difference < 1e-5
    print(f"ONNX {kind}: max |difference| = {difference:.3g}")
