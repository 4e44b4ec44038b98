import numpy as np

from awdids.evaluation import synthetic_quality


def test_both_judges_see_a_shifted_sample_and_miss_an_identical_one():
    rng = np.random.RandomState(0)
    real = rng.normal(0, 1, (300, 4))
    shifted = synthetic_quality(real, rng.normal(1.5, 1, (300, 4)))
    same = synthetic_quality(real, rng.normal(0, 1, (300, 4)))
    for judge in ("two_sample_auc", "two_sample_auc_logistic"):
        assert shifted[judge] > 0.9
        assert same[judge] < 0.65


def test_logistic_judge_is_blind_where_the_forest_is_not():
    # same mean and variance, different shape: linear judges cannot tell
    rng = np.random.RandomState(1)
    real = rng.normal(0, 1, (600, 1))
    two_modes = rng.choice([-1.0, 1.0], (600, 1)) + rng.normal(0, 0.05, (600, 1))
    quality = synthetic_quality(real, two_modes)
    assert quality["two_sample_auc"] > 0.8
    assert quality["two_sample_auc_logistic"] < 0.65


def test_out_of_range_and_invalid_one_hot_rows_are_counted():
    real = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.5, 1.0, 0.0]] * 10)
    synthetic = np.array(
        [
            [0.2, 1.0, 0.0],  # valid
            [1.5, 0.0, 1.0],  # out of range
            [0.2, 1.0, 1.0],  # two ones in the block
            [0.2, 0.4, 0.6],  # not binary
        ]
    )
    quality = synthetic_quality(real, synthetic, n_folds=2, one_hot_groups=[[1, 2]])
    assert quality["out_of_range_share"] == 0.25
    assert quality["invalid_one_hot_share"] == 0.5
    assert "invalid_one_hot_share" not in synthetic_quality(real, synthetic, n_folds=2)
