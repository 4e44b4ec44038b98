"""scikit-learn's and imbalanced-learn's own estimator checks on our estimators."""

from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from sklearn.utils.estimator_checks import parametrize_with_checks

from awdids.over_sampling import GPGANSampler

TINY_SAMPLER = GPGANSampler(
    noise_dim=4,
    generator_hidden=(8,),
    critic_hidden=(8,),
    batch_size=16,
    epochs=1,
    steps_per_epoch=2,
    random_state=0,
)

# Checks expected to fail, with the reason (scikit-learn's expected_failed_checks).
SAMPLER_XFAIL = {
    "check_samplers_pandas_sparse": (
        "GPGANSampler refuses sparse input by design (the GANs train on dense rows); "
        "this imbalanced-learn check feeds pandas sparse columns without reading the "
        "sparse input tag, which is False"
    ),
}


@imblearn_parametrize_with_checks(
    [TINY_SAMPLER], expected_failed_checks=lambda e: SAMPLER_XFAIL
)
def test_imblearn_checks(estimator, check):
    check(estimator)


@parametrize_with_checks([TINY_SAMPLER], expected_failed_checks=lambda e: SAMPLER_XFAIL)
def test_sklearn_checks(estimator, check):
    check(estimator)
