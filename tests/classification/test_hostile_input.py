"""Random, hostile tables: the classifier works or refuses clearly, never NaN."""

import numpy as np
from hypothesis import HealthCheck, event, given, settings

from awdids import AWDConvLSTMClassifier

from ..hostile import numeric_tables
from .test_awd_convlstm import TINY


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=numeric_tables(labels=("a", "b"))
    | numeric_tables(labels=(0, 1, 2))
    | numeric_tables(labels=("only",))
)
def test_works_or_raises_a_clear_error(data):
    X, y = data
    clf = AWDConvLSTMClassifier(**TINY)
    try:
        clf.fit(X, y)
    except (ValueError, TypeError) as error:
        assert str(error)
        event(f"refused: {type(error).__name__}")
        return
    event("worked")
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(clf.predict(X)) <= set(clf.classes_)
