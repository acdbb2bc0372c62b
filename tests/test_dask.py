"""Hyperparameter search on dask.distributed through joblib, no home-made cluster code.

The cluster runs in this process (``processes=False``: in-process transport,
no network), which is enough to show that the estimators travel through
dask's serialisation and joblib's dask backend and give the same search as
joblib's default backend.
"""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbp import MLPBackpropClassifier

distributed = pytest.importorskip("distributed")


def _search():
    pipe = make_pipeline(
        StandardScaler(), MLPBackpropClassifier(max_iter=30, random_state=0)
    )
    grid = {
        "mlpbackpropclassifier__alpha": [1e-4, 1e-1],
        "mlpbackpropclassifier__hidden_layer_sizes": [(8,), (16,)],
    }
    return GridSearchCV(pipe, grid, cv=3)


def test_grid_search_on_dask_matches_local_search():
    X, y = load_iris(return_X_y=True)
    local = _search().fit(X, y)
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        with joblib.parallel_backend("dask"):
            remote = _search().fit(X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
