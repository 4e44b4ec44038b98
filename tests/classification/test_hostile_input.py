"""Random, hostile tables: the classifier works or refuses clearly, never NaN."""

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings

from awdids import AWDConvLSTMClassifier
from awdids.over_sampling import TrainingDivergedError

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


def test_a_diverging_loss_raises_instead_of_training_on_to_nan():
    X = np.random.RandomState(0).rand(200, 8)
    y = np.where(X[:, 0] > 0.5, "a", "b")
    clf = AWDConvLSTMClassifier(**{**TINY, "lr": 1e30})
    with pytest.raises(TrainingDivergedError, match=r"loss became nan.*lower lr"):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "class_weight", [{"a": float("nan")}, {"a": -1.0}, {"a": float("inf")}, {"a": "2"}]
)
def test_non_finite_or_negative_class_weights_are_refused(class_weight):
    X = np.random.RandomState(0).rand(60, 8)
    y = np.where(X[:, 0] > 0.5, "a", "b")
    clf = AWDConvLSTMClassifier(**{**TINY, "class_weight": class_weight})
    with pytest.raises(ValueError, match="class_weight must map labels to finite"):
        clf.fit(X, y)
    assert not hasattr(clf, "module_")


@pytest.mark.parametrize("n_rows", [513, 570])
def test_a_last_training_batch_of_one_row_trains(n_rows):
    # 570 rows leave 513 = 512 + 1 after the default 10% validation split
    X = np.random.RandomState(0).rand(n_rows, 8)
    y = np.where(X[:, 0] > 0.5, "a", "b")
    params = {**TINY, "batch_size": 512, "max_epochs": 1}
    params["validation_fraction"] = None if n_rows == 513 else 0.1
    clf = AWDConvLSTMClassifier(**params).fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all()


@pytest.mark.parametrize(
    "params",
    [
        {"input_shape": (2, 1.9, 2, 2)},
        {"input_shape": ("2", "1", "2", "2")},
        {"input_shape": (2, True, 2, 2)},
        {"head_hidden": (8.5, 4)},
        {"head_hidden": ("8", 4)},
    ],
)
def test_non_integer_shapes_are_refused_before_training(params):
    X = np.random.RandomState(0).rand(60, 8)
    y = np.where(X[:, 0] > 0.5, "a", "b")
    clf = AWDConvLSTMClassifier(**{**TINY, **params})
    with pytest.raises(ValueError, match=f"{next(iter(params))} must be"):
        clf.fit(X, y)
    assert not hasattr(clf, "module_")
