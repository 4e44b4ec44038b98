"""OpenSetClassifier.calibrate: the flag re-set on a capture of a site's traffic."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier

from awdids.novelty import OpenSetClassifier


def training_rows(seed=0):
    """Normal rows around 0, known attack rows around (6, 0)."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (600, 2)), rng.normal((6, 0), 1, (300, 2))])
    return X, np.array(["normal"] * 600 + ["dos"] * 300)


def site_normal(n, seed=3):
    """The protected network's normal traffic: like training's, but shifted."""
    return np.random.default_rng(seed).normal((0, -2.5), 1, (n, 2))


def novel_rows(n=200, seed=1):
    """An attack type never trained on, far from both kinds of normal traffic."""
    return np.random.default_rng(seed).normal((-8, -8), 0.5, (n, 2))


def flagged(clf, X):
    return float(np.mean(clf.score_samples(X) < clf.offset_))


def fitted(**params):
    forest = RandomForestClassifier(n_estimators=30, random_state=0)
    params = {"false_alarm_rate": 0.05, "random_state": 0, **params}
    return OpenSetClassifier(forest, **params).fit(*training_rows())


def test_calibrating_on_the_sites_traffic_keeps_the_promise_there():
    clf = fitted()
    fresh = site_normal(4000, seed=4)
    assert flagged(clf, fresh) > 0.3  # the training threshold breaks its promise
    clf.calibrate(site_normal(400))
    assert 0.025 < flagged(clf, fresh) < 0.075
    assert flagged(clf, novel_rows()) > 0.95
    record = clf.site_calibration_
    assert record["rows"] == record["rows_used"] == 400
    assert record["false_alarm_rate"] == 0.05 and record["cv"] == 10
    assert record["flagged_before"] > 0.3
    assert record["held_out_false_alarm_rate"] <= 0.05
    assert len(record["fold_false_alarm_rate"]) == 10


def test_the_classifier_is_not_refitted_and_the_capture_joins_the_reference():
    clf = fitted()
    model, reference = clf.estimator_, clf.score_states_["knn"]["reference"].copy()
    before = model.predict(novel_rows())
    capture = site_normal(300)
    clf.calibrate(capture, trim=None)
    assert clf.estimator_ is model
    assert np.array_equal(model.predict(novel_rows()), before)
    state = clf.score_states_["knn"]
    assert np.array_equal(state["reference"], reference)
    assert np.allclose(state["site"], capture)


def test_a_second_capture_replaces_the_first_and_a_refit_forgets_it():
    clf = fitted().calibrate(site_normal(300), trim=None)
    second = site_normal(200, seed=8)
    clf.calibrate(second, trim=None)
    assert np.allclose(clf.score_states_["knn"]["site"], second)
    assert clf.site_calibration_["rows"] == 200
    clf.fit(*training_rows())
    assert not hasattr(clf, "site_calibration_")
    assert "site" not in clf.score_states_["knn"]


def test_rows_the_classifier_calls_an_attack_are_trimmed_from_the_capture():
    X, y = training_rows(seed=5)
    attacks = X[y == "dos"][:20]  # 5% of the capture: known attacks
    capture = np.vstack([site_normal(380), attacks])
    trimmed = fitted().calibrate(capture)
    assert trimmed.site_calibration_["rows_used"] == 380
    assert not np.isin(trimmed.score_states_["knn"]["site"], attacks).all(1).any()
    kept = fitted().calibrate(capture, trim=None)
    assert kept.site_calibration_["rows_used"] == 400


def test_classifier_scores_are_ranked_against_the_capture():
    clf = fitted(novelty="normal_proba")
    capture = site_normal(300)
    clf.calibrate(capture, trim=None)
    raw = 1.0 - clf.estimator_.predict_proba(capture)[:, 1]  # classes: dos, normal
    assert np.allclose(np.sort(raw), clf.calibration_scores_["normal_proba"])


def test_same_seed_same_calibration():
    a = fitted().calibrate(site_normal(300))
    b = fitted().calibrate(site_normal(300))
    assert a.offset_ == b.offset_
    assert a.site_calibration_ == b.site_calibration_


def test_too_few_rows_for_the_rate_are_refused_before_anything_changes():
    clf = fitted(false_alarm_rate=0.01)
    offset = clf.offset_
    with pytest.raises(ValueError, match="false_alarm_rate=0.01.*50 capture rows"):
        clf.calibrate(site_normal(50))
    assert clf.offset_ == offset and not hasattr(clf, "site_calibration_")


def test_a_rate_above_the_share_called_normal_is_refused():
    X, y = training_rows()
    capture = np.vstack([site_normal(30), X[y == "dos"][:100]])
    with pytest.raises(ValueError, match=r"share of the capture .* \(30 of 130 rows"):
        fitted(false_alarm_rate=0.5).calibrate(capture)


def site_with_rows_called_attack(n, seed):
    """Site normal traffic of which a tenth the classifier calls an attack."""
    rng = np.random.default_rng(seed)
    odd = rng.normal((6, 0), 0.5, (n // 10, 2))
    return np.vstack([site_normal(n - n // 10, seed=seed), odd])


def test_with_trim_the_promise_counts_the_alarms_the_flag_adds():
    clf = fitted().calibrate(site_with_rows_called_attack(1000, seed=3))
    fresh = site_with_rows_called_attack(4000, seed=11)
    called_normal = clf.estimator_.predict(fresh) == "normal"
    flagged = clf.score_samples(fresh) < clf.offset_
    assert 0.025 < np.mean(flagged & called_normal) < 0.075
    assert clf.site_calibration_["held_out_false_alarm_rate"] <= 0.05
    # the classifier's own alarms come on top of the flag's
    assert np.mean(~called_normal) > 0.08


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cv": 1}, "cv must be an int of at least 2, got 1"),
        ({"cv": "5"}, "cv must be an int"),
        ({"trim": "novel"}, "trim must be one of"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fitted().calibrate(site_normal(300), **kwargs)


def test_a_score_that_would_need_refitting_is_refused_with_its_reason():
    clf = fitted(novelty=["knn", "isolation"])
    with pytest.raises(ValueError, match="isolation.*refitted"):
        clf.calibrate(site_normal(300))


def test_calibrate_needs_a_fitted_detector_and_its_columns():
    from sklearn.exceptions import NotFittedError

    forest = RandomForestClassifier(n_estimators=5)
    with pytest.raises(NotFittedError):
        OpenSetClassifier(forest).calibrate(site_normal(300))
    with pytest.raises(ValueError, match="features"):
        fitted().calibrate(np.zeros((300, 3)))


def test_a_second_capture_reports_what_the_first_calibration_flagged():
    clf = fitted().calibrate(site_normal(400), trim=None)
    assert clf.site_calibration_["flagged_before"] > 0.3  # the training threshold
    clf.calibrate(site_normal(400, seed=8), trim=None)
    assert clf.site_calibration_["flagged_before"] < 0.12  # the first capture's


def test_the_knn_score_searches_the_training_rows_and_the_capture_as_one():
    from sklearn.neighbors import NearestNeighbors

    clf = fitted().calibrate(site_normal(300), trim=None)
    state = clf.score_states_["knn"]
    rows = np.vstack([site_normal(50, seed=9), novel_rows(50)])
    union = np.vstack([state["reference"], state["site"]])
    expected = NearestNeighbors(n_neighbors=5).fit(union).kneighbors(rows)[0]
    raw = clf._raw_scores(clf.estimator_, clf.score_states_, rows)["knn"]
    assert np.allclose(raw, expected.mean(axis=1), atol=1e-5)
