"""Random, hostile tables: the sampler works or refuses clearly, never NaN rows."""

import numpy as np
from hypothesis import HealthCheck, event, given, settings

from awdids.over_sampling import GPGANSampler

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
