import numpy as np
import pytest

from awdids.evaluation import mode_coverage, synthetic_quality


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


def test_a_category_the_class_never_shows_is_counted():
    real = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] * 10)
    synthetic = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]] * 2)
    quality = synthetic_quality(real, synthetic, n_folds=2, one_hot_groups=[[0, 1, 2]])
    assert quality["unseen_category_share"] == pytest.approx(1 / 3)
    assert quality["invalid_one_hot_share"] == 0.0
    no_groups = synthetic_quality(real, synthetic, n_folds=2, one_hot_groups=[])
    assert no_groups["unseen_category_share"] == 0.0


def test_mode_coverage_sees_a_missing_mode_and_a_skewed_share():
    rng = np.random.RandomState(0)
    real = np.r_[rng.normal(0, 0.1, (90, 2)), rng.normal(5, 0.1, (10, 2))]
    modes = np.array(["big"] * 90 + ["small"] * 10)
    proportional = np.r_[rng.normal(0, 0.1, (900, 2)), rng.normal(5, 0.1, (100, 2))]
    only_big = rng.normal(0, 0.1, (1000, 2))
    good = mode_coverage(real, modes, proportional)
    assert good["modes_covered"] == 1.0
    assert good["mode_share_distance"] < 0.01
    assert good["mode_shares"]["small"] == (0.1, pytest.approx(0.1))
    bad = mode_coverage(real, modes, only_big)
    assert bad["modes_covered"] == 0.5
    assert bad["mode_share_distance"] == pytest.approx(0.1)


def test_mode_coverage_refuses_modes_of_another_length():
    with pytest.raises(ValueError, match="real_modes has 2 entries for 3 real rows"):
        mode_coverage(np.zeros((3, 1)), ["a", "b"], np.zeros((2, 1)))
