import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from awdids import GPGANSampler, make_awdids_pipeline


def test_steps_and_paper_defaults():
    pipe = make_awdids_pipeline()
    assert [name for name, _ in pipe.steps] == [
        "preprocess",
        "oversample",
        "pca",
        "clf",
    ]
    params = pipe.get_params()
    assert params["pca__n_components"] == 80
    assert params["oversample__sampling_strategy"](np.array(["u2r"] * 52)) == {
        "u2r": 10_052
    }
    assert len(params["oversample__discrete_groups"]) == 3


def test_fits_raw_records_and_predicts_string_labels(
    tiny_pipeline_params, nsl_kdd_like_data
):
    X, y = nsl_kdd_like_data
    pipe = make_awdids_pipeline(random_state=0, **tiny_pipeline_params).fit(X, y)
    pred = pipe.predict(X)
    assert pred.shape == (len(X),) and set(pred) <= set(y)
    assert pipe.predict_proba(X).shape == (len(X), 5)


def test_resampling_happens_only_in_fit(
    tiny_pipeline_params, nsl_kdd_like_data, monkeypatch
):
    X, y = nsl_kdd_like_data
    pipe = make_awdids_pipeline(random_state=0, **tiny_pipeline_params).fit(X, y)
    calls = []
    monkeypatch.setattr(
        GPGANSampler, "fit_resample", lambda *a, **k: calls.append(1) or None
    )
    assert len(pipe.predict(X)) == len(X)
    assert calls == []
    # the classifier was trained on the resampled rows
    assert pipe.named_steps["oversample"].sampling_strategy_ == {"u2r": 22, "r2l": 20}


def test_grid_search_over_the_pipeline_in_two_processes(
    tiny_pipeline_params, nsl_kdd_like_data
):
    X, y = nsl_kdd_like_data
    search = GridSearchCV(
        make_awdids_pipeline(random_state=0, **tiny_pipeline_params),
        {
            "clf__weight_drop": [0.0, 0.3],
            "pca__n_components": [4, 8],
            "oversample__loss": ["wgan-gp", "gan"],
        },
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        n_jobs=2,
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize("use_memory, expected_fits", [(True, 3), (False, 5)])
def test_memory_fits_the_gan_once_per_split(
    tiny_pipeline_params,
    nsl_kdd_like_data,
    tmp_path,
    monkeypatch,
    use_memory,
    expected_fits,
):
    X, y = nsl_kdd_like_data
    fits = []
    original = GPGANSampler._fit_resample

    def counting(self, X, y):
        fits.append(1)
        return original(self, X, y)

    monkeypatch.setattr(GPGANSampler, "_fit_resample", counting)
    pipe = make_awdids_pipeline(
        random_state=0,
        memory=str(tmp_path) if use_memory else None,
        **tiny_pipeline_params,
    )
    search = GridSearchCV(
        pipe,
        {"clf__weight_drop": [0.0, 0.3]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    )
    search.fit(X, y)
    # 2 folds x 2 candidates + the refit; cached: one per fold + the refit
    assert len(fits) == expected_fits


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("mixed_precision", [False, True])
def test_cuda_pipeline_fits_and_predicts(
    tiny_pipeline_params, nsl_kdd_like_data, mixed_precision
):
    X, y = nsl_kdd_like_data
    pipe = make_awdids_pipeline(
        random_state=0,
        oversample__device="cuda",
        clf__device="cuda",
        clf__mixed_precision=mixed_precision,
        **tiny_pipeline_params,
    ).fit(X, y)
    assert next(pipe.named_steps["clf"].module_.parameters()).is_cuda
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(X), 5) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-4)
    assert set(pipe.predict(X)) <= set(y)
