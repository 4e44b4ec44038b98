"""Bad parameters are refused before any step is fitted."""

import pytest

from awdids import make_awdids_pipeline
from awdids.model_selection import search_pipeline
from awdids.over_sampling import GPGANSampler
from awdids.pipeline import check_pipeline_params


@pytest.fixture
def no_training(monkeypatch):
    """Any GAN or network training fails the test: checks must come first."""

    def trained(*args, **kwargs):
        raise AssertionError("a step was fitted before the parameters were checked")

    monkeypatch.setattr(GPGANSampler, "_fit_resample", trained)
    from awdids import AWDConvLSTMClassifier

    monkeypatch.setattr(AWDConvLSTMClassifier, "initialize", trained)


BAD = [
    ({"clf__weight_drop": [5]}, "step 'clf'.*weight_drop"),
    ({"pca__n_components": [500]}, "pca__n_components=500 exceeds the 122 features"),
    ({"clf__input_shape": [(2, 2, 2, 2)]}, "clf__input_shape=.* holds 16 features"),
    ({"clf__head_hidden": [(8.5, 4)]}, "head_hidden must be two positive ints"),
    ({"oversample__generator_hidden": [(0,)]}, "step 'oversample'.*generator_hidden"),
    ({"oversample__sampling_strategy": [{"u2r": 50.5}]}, "non-negative ints"),
    ({"clf__no_such_parameter": [1]}, "no_such_parameter"),
]


@pytest.mark.parametrize("grid, match", BAD)
def test_a_bad_grid_value_is_refused_before_any_fit(
    grid, match, no_training, nsl_kdd_like_data
):
    X, y = nsl_kdd_like_data
    with pytest.raises((ValueError, TypeError), match=match):
        search_pipeline(X, y, {"clf__weight_drop": [0.0], **grid}, cv=2)


def test_a_bad_fixed_parameter_is_refused_before_any_fit(
    no_training, nsl_kdd_like_data
):
    X, y = nsl_kdd_like_data
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        search_pipeline(X, y, {"clf__weight_drop": [0.0]}, cv=2, clf__kernel_size=2)


def test_every_candidate_is_checked_and_named(nsl_kdd_like_data):
    X, _ = nsl_kdd_like_data
    grid = {"pca__n_components": [8, 80, 123]}
    with pytest.raises(ValueError, match=r"candidate \{'pca__n_components': 123\}"):
        check_pipeline_params(make_awdids_pipeline(), X, grid)


def test_good_parameters_pass_and_nothing_is_fitted(nsl_kdd_like_data):
    X, _ = nsl_kdd_like_data
    pipeline = make_awdids_pipeline(pca__n_components=8)
    check_pipeline_params(pipeline, X, {"clf__weight_drop": [0.0, 0.4]})
    assert not hasattr(pipeline[-1], "module_")
    assert not hasattr(pipeline.named_steps["pca"], "components_")


def test_a_mistyped_name_is_refused_in_one_line_with_a_suggestion():
    with pytest.raises(ValueError) as error:
        make_awdids_pipeline(clf__weight_dorp=0.1)
    message = str(error.value)
    assert "\n" not in message and "did you mean clf__weight_drop" in message


def test_skorch_prefixed_parameters_pass_the_name_check():
    pipeline = make_awdids_pipeline(
        clf__optimizer__weight_decay=1e-4, clf__callbacks__early_stopping__patience=3
    )
    assert pipeline.get_params()["clf__optimizer__weight_decay"] == 1e-4
