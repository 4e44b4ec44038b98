"""Random, hostile tables: the sampler works or refuses clearly, never NaN rows."""

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings

from awdids.over_sampling import AddRows, GPGANSampler

from ..hostile import numeric_tables
from .test_gpgan import TINY


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=numeric_tables(max_features=4))
def test_works_or_raises_a_clear_error(data):
    X, y = data
    try:
        X_res, y_res = GPGANSampler(**TINY, random_state=0).fit_resample(X, y)
    except (ValueError, TypeError) as error:
        assert str(error)
        event(f"refused: {type(error).__name__}")
        return
    event("worked")
    X_res = np.asarray(X_res, dtype=float)
    assert np.isfinite(X_res).all()
    assert len(X_res) == len(y_res) >= len(y)
    np.testing.assert_array_equal(X_res[: len(y)], np.asarray(X, dtype=float))


@pytest.mark.parametrize("n_rows", [float("inf"), 10.5, "10", True, -1])
def test_add_rows_refuses_a_count_that_is_not_a_whole_number(n_rows):
    with pytest.raises(ValueError, match="n_rows must be a non-negative int"):
        AddRows(n_rows, ["u2r"])


def test_add_rows_refuses_a_plain_string_of_classes():
    with pytest.raises(ValueError, match=r"write \['u2r'\] for one class"):
        AddRows(100, "u2r")


@pytest.mark.parametrize(
    "y", [np.array([0] * 90 + [4] * 10), np.array(["normal"] * 90 + ["U2R"] * 10)]
)
def test_add_rows_warns_when_no_named_class_is_in_y(y):
    with pytest.warns(UserWarning, match="none of the classes .* is in y"):
        assert AddRows(100, ["u2r"])(y) == {}


def test_a_fractional_or_negative_dict_count_is_refused_before_training():
    X = np.random.RandomState(0).rand(60, 4)
    y = np.array(["normal"] * 50 + ["u2r"] * 10)
    sampler = GPGANSampler(sampling_strategy={"u2r": 50.5}, epochs=1)
    with pytest.raises(ValueError, match="non-negative ints"):
        sampler.fit_resample(X, y)
    assert not hasattr(sampler, "generators_")


@pytest.mark.parametrize("groups", [[5], [[0, 1.5]], ["01"]])
def test_discrete_groups_that_are_not_lists_of_ints_are_refused(groups):
    X = np.random.RandomState(0).rand(60, 4)
    y = np.array(["normal"] * 50 + ["u2r"] * 10)
    with pytest.raises(ValueError, match=r"discrete_groups\[0\]=.* must be a list"):
        GPGANSampler(discrete_groups=groups, epochs=1).fit_resample(X, y)
