import os

import numpy as np
import pytest
import torch

from awdids.model_selection import search_pipeline
from awdids.model_selection._search import local_workers

GRID = {"clf__weight_drop": [0.0, 0.3], "pca__n_components": [4, 8]}


def _search(X, y, params, **kwargs):
    return search_pipeline(X, y, GRID, cv=2, random_state=0, **params, **kwargs)


def test_local_search_scores_every_candidate(nsl_kdd_like_data, tiny_pipeline_params):
    X, y = nsl_kdd_like_data
    search = _search(X, y, tiny_pipeline_params)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert set(search.best_estimator_.predict(X)) <= set(y)


def test_scheduler_of_the_wrong_type_is_refused(nsl_kdd_like_data):
    pytest.importorskip("distributed")
    X, y = nsl_kdd_like_data
    with pytest.raises(TypeError, match="scheduler must be an address"):
        search_pipeline(X, y, GRID, scheduler=8786)


@pytest.mark.slow
def test_search_on_a_local_dask_cluster_equals_the_serial_search(
    nsl_kdd_like_data, tiny_pipeline_params
):
    distributed = pytest.importorskip("distributed")
    X, y = nsl_kdd_like_data
    # Dask's workers run torch on one thread (it sets OMP_NUM_THREADS=1), and
    # float sums are only bit-identical for the same thread count: both
    # searches (and the clustered search's refit, which runs here) use one.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        serial = _search(X, y, tiny_pipeline_params, n_jobs=1)
        with distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            # the address, as `awdids search --scheduler` passes it
            clustered = _search(
                X,
                y,
                tiny_pipeline_params,
                scheduler=cluster.scheduler_address,
                n_jobs=-1,
            )
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_allclose(
        clustered.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
        rtol=0,
        atol=1e-12,
    )
    assert clustered.best_params_ == serial.best_params_
    np.testing.assert_array_equal(
        clustered.best_estimator_.predict(X), serial.best_estimator_.predict(X)
    )


@pytest.mark.parametrize(
    "n_jobs, n_fits, expected",
    [
        (100_000, 9, min(9, os.cpu_count())),
        (2, 1, 1),
        (-1, 50, os.cpu_count()),
        (None, 9, None),
    ],
)
def test_local_workers_are_capped_at_the_fits_and_the_cores(n_jobs, n_fits, expected):
    assert local_workers(n_jobs, n_fits) == expected


def test_a_huge_n_jobs_starts_no_more_workers_than_fits(
    nsl_kdd_like_data, tiny_pipeline_params
):
    X, y = nsl_kdd_like_data
    search = search_pipeline(
        X, y, {"clf__weight_drop": [0.0]}, cv=2, n_jobs=100_000, **tiny_pipeline_params
    )
    assert search.n_jobs == min(2, os.cpu_count())
