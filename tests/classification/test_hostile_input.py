"""Random, hostile tables: the classifier works or refuses clearly, never NaN."""

import re

import numpy as np
from hypothesis import HealthCheck, event, given, settings

from awdids import AWDConvLSTMClassifier

from ..hostile import numeric_tables
from .test_awd_convlstm import TINY


def _assert_names_what_and_value(message, X, y):
    """The refusal names the input and the offending value, and it is true."""
    values = np.asarray(X, dtype=np.float64)
    if match := re.match(r"Input X contains (NaN|infinity)", message):
        bad = np.isnan(values) if match[1] == "NaN" else ~np.isfinite(values)
        # float32 overflow counts as infinity, as the message says
        too_large = np.abs(np.nan_to_num(values)) > np.finfo(np.float32).max
        assert bad.any() or too_large.any(), message
    elif match := re.match(
        r"Found array with 0 sample\(s\) \(shape=\((\d+), ", message
    ):
        assert len(values) == int(match[1]) == 0, message
    elif match := re.match(r"y holds one class only \((.+)\);", message):
        (label,) = np.unique(np.asarray(y))
        assert match[1] == repr(label), message
    else:
        raise AssertionError(f"unclear refusal: {message}")


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
        _assert_names_what_and_value(str(error), X, y)
        event(f"refused: {str(error)[:30]}")
        return
    event("worked")
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(clf.predict(X)) <= set(clf.classes_)
