"""scikit-learn's and imbalanced-learn's own estimator checks on our estimators."""

from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from awdids import AWDConvLSTMClassifier
from awdids.novelty import OpenSetClassifier
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


TINY_CLASSIFIER = AWDConvLSTMClassifier(
    hidden_channels=4,
    num_layers=1,
    head_hidden=(16, 16),
    max_epochs=40,
    batch_size=16,
    lr=1e-2,
    validation_fraction=None,
    random_state=0,
)

CLASSIFIER_XFAIL = {
    "check_no_attributes_set_in_init": (
        "skorch's NeuralNet.__init__ itself sets history_, initialized_ and "
        "virtual_params_"
    ),
    "check_class_weight_classifiers": (
        "with class weights 1000 : 0.0001 : 0.0001 the loss sees only class 0's "
        "rows; the tiny network predicts class 0 for about 86-87% of the 3-blob "
        "test rows where the check asks for 87%, so it passes or fails with the "
        "last bits of training (it extrapolates less than a linear model; the "
        "weights themselves are verified in test_awd_convlstm.py)"
    ),
    "check_methods_sample_order_invariance": (
        "float32 network: predict_proba of a row can change in the last bit "
        "(~1e-7) with the batch's row order, as BLAS blocks matrix products "
        "differently; the check compares at rtol=1e-7"
    ),
    "check_set_params": (
        "skorch exposes its private _params_to_validate set through get_params; "
        "setting it to an arbitrary value breaks skorch's set_params"
    ),
}


@parametrize_with_checks(
    [TINY_CLASSIFIER], expected_failed_checks=lambda e: CLASSIFIER_XFAIL
)
def test_sklearn_checks_classifier(estimator, check):
    check(estimator)


# The checks fit on a handful of rows per class: a conformal threshold at the
# default 1% needs 99 held-out normal rows, and is refused below that; 0.2
# needs 4 held-out normal rows, which every check gives.
OPEN_SET = OpenSetClassifier(
    LogisticRegression(),
    novelty="normal_proba",
    normal_label=0,
    unknown_label=-1,
    false_alarm_rate=0.2,
)
OPEN_SET_XFAIL = {
    check: (
        "the check's y has no class 0, the normal_label; OpenSetClassifier "
        "refuses y without its normal class"
    )
    for check in (
        "check_estimators_dtypes",
        "check_classifier_data_not_an_array",
        "check_classifiers_classes",
        "check_fit2d_1sample",
        "check_fit2d_1feature",
    )
}


@parametrize_with_checks([OPEN_SET], expected_failed_checks=lambda e: OPEN_SET_XFAIL)
def test_sklearn_checks_open_set(estimator, check):
    check(estimator)
