"""scikit-learn's callback API (``set_callbacks``, scikit-learn >= 1.9) on skbp."""

import importlib.util
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier, MLPBackpropRegressor
from skbp._optimizers import Adam

HAS_CALLBACKS = importlib.util.find_spec("sklearn.callback") is not None
requires_callbacks = pytest.mark.skipif(
    not HAS_CALLBACKS, reason="scikit-learn < 1.9 has no callback API"
)
X, y = load_iris(return_X_y=True)


class EpochRecorder:
    """Records the hooks it sees; asks to stop after ``stop_after`` epochs."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.events = []
        self.epoch_weights = []

    def setup(self, estimator, context):
        self.events.append("setup")

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        self.events.append(("end", context.task_name, X is not None))
        if context.task_name != "epoch" or fitted_estimator is None:
            return False
        self.epoch_weights.append(fitted_estimator.coefs_[0])
        assert fitted_estimator.predict(X).shape == (len(X),)
        return (
            self.stop_after is not None and len(self.epoch_weights) >= self.stop_after
        )

    def teardown(self, estimator, context):
        self.events.append("teardown")

    def ended_epochs(self):
        return [e for e in self.events if e[:2] == ("end", "epoch")]


@requires_callbacks
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_one_task_per_epoch(solver):
    recorder = EpochRecorder()
    clf = MLPBackpropClassifier(solver=solver, max_iter=7, random_state=0)
    clf.set_callbacks(recorder).fit(X, y)
    assert recorder.events[:3] == ["setup", ("begin", "fit"), ("begin", "epoch")]
    assert recorder.events[-2:] == [("end", "fit", True), "teardown"]
    assert len(recorder.ended_epochs()) == clf.n_iter_ == 7
    # The weights handed to callbacks are copies, taken at each epoch's end.
    first, last = recorder.epoch_weights[0], recorder.epoch_weights[-1]
    assert not np.array_equal(first, last)
    np.testing.assert_array_equal(last, clf.coefs_[0])


@requires_callbacks
def test_lbfgs_iterations_and_the_empty_last_task():
    recorder = EpochRecorder()
    reg = MLPBackpropRegressor(solver="lbfgs", max_iter=5, random_state=0)
    reg.set_callbacks(recorder).fit(X[:, :3], X[:, 3])
    ended = recorder.ended_epochs()
    # One task per iteration, plus the one begun after scipy's last iteration,
    # ended empty (as scikit-learn's LogisticRegression does).
    assert len(ended) == reg.n_iter_ + 1
    assert ended[-1] == ("end", "epoch", False)


@requires_callbacks
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_stops_training(solver):
    recorder = EpochRecorder(stop_after=3)
    clf = MLPBackpropClassifier(solver=solver, max_iter=50, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.set_callbacks(recorder).fit(X, y)
    assert clf.n_iter_ == 3 == len(clf.loss_curve_)
    assert not caught  # stopping on request is no failure to converge
    np.testing.assert_array_equal(recorder.epoch_weights[-1], clf.coefs_[0])


@requires_callbacks
def test_partial_fit_is_one_epoch():
    recorder = EpochRecorder()
    clf = MLPBackpropClassifier(random_state=0).set_callbacks(recorder)
    clf.partial_fit(X, y, classes=np.unique(y))
    assert len(recorder.ended_epochs()) == 1


@requires_callbacks
def test_teardown_runs_when_fit_fails(monkeypatch):
    recorder = EpochRecorder()
    clf = MLPBackpropClassifier(max_iter=3).set_callbacks(recorder)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.fit(np.full_like(X, np.nan), y)

    def failing_step(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Adam, "step", failing_step)
    recorder.events.clear()
    with pytest.raises(RuntimeError, match="boom"):
        clf.fit(X, y)  # fails mid-epoch, after the callbacks' setup
    assert recorder.events[0] == "setup" and recorder.events[-1] == "teardown"
    assert not hasattr(clf, "coefs_")


@requires_callbacks
def test_scoring_monitor_logs_every_epoch():
    from sklearn.callback import ScoringMonitor

    monitor = ScoringMonitor(scoring="accuracy")
    clf = MLPBackpropClassifier(max_iter=4, random_state=0).set_callbacks(monitor)
    clf.fit(X, y)
    log = monitor.get_logs()
    epochs = [row for row in log.data if row["task_name"] == "epoch"]
    assert len(epochs) == 4
    assert all(0 <= row["accuracy"] <= 1 for row in epochs)


@requires_callbacks
def test_progress_bar_nested_under_search():
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    pipe = make_pipeline(StandardScaler(), MLPBackpropClassifier(max_iter=5))
    search = GridSearchCV(pipe, {"mlpbackpropclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, y)
    assert search.best_estimator_[-1].n_iter_ == 5


@pytest.mark.skipif(HAS_CALLBACKS, reason="scikit-learn >= 1.9 has callbacks")
def test_no_set_callbacks_before_sklearn_1_9():
    assert not hasattr(MLPBackpropClassifier(), "set_callbacks")
    MLPBackpropClassifier(max_iter=2).fit(X, y)  # and fitting works as before
