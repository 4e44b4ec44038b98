import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from awdids.model_selection import NovelAttackKFold
from awdids.novelty import OpenSetClassifier


def blobs(seed=0, n_normal=600, n_dos=300):
    """Normal rows around 0, known attack rows around (6, 0)."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (n_normal, 2)), rng.normal((6, 0), 1, (n_dos, 2))])
    y = np.array(["normal"] * n_normal + ["dos"] * n_dos)
    return X, y


def novel_rows(seed=1, n=200):
    """An attack type never trained on, near (0, -10): a forest calls it normal."""
    return np.random.default_rng(seed).normal((0, -10), 0.5, (n, 2))


def forest():
    return RandomForestClassifier(n_estimators=30, random_state=0)


# An isolation forest cannot tell rows beyond the range of its training rows
# from the most extreme of them (they fall in the same leaves), so it flags
# fewer of these rows than the distance does.
@pytest.mark.parametrize(
    "score, share",
    [("knn", 0.95), ("isolation", 0.3), (["normal_proba", "knn"], 0.95)],
)
def test_flags_an_unseen_attack_type_the_classifier_calls_normal(score, share):
    X, y = blobs()
    novel = novel_rows()
    assert np.mean(forest().fit(X, y).predict(novel) == "normal") > 0.9
    clf = OpenSetClassifier(forest(), novelty=score, random_state=0).fit(X, y)
    assert np.mean(clf.predict(novel) == "unknown") > share


@pytest.mark.parametrize("far", [0.02, 0.1])
def test_new_normal_rows_are_flagged_at_about_the_false_alarm_rate(far):
    X, y = blobs()
    clf = OpenSetClassifier(forest(), novelty="knn", false_alarm_rate=far).fit(X, y)
    fresh_normal = np.random.default_rng(5).normal(0, 1, (4000, 2))
    flagged = np.mean(clf.score_samples(fresh_normal) < clf.offset_)
    assert far / 2 < flagged < far * 2
    # calibrated on held-out rows: each fold's normal rows near the target too
    assert np.allclose(clf.calibration_["false_alarm_rate"], far, atol=far)


def test_threshold_comes_from_held_out_rows_not_training_rows():
    # a forest's P(normal) is ~1 on its own training rows: calibrating there
    # would flag far more new normal rows than promised
    X, y = blobs(n_normal=300)
    clf = OpenSetClassifier(forest(), novelty="normal_proba", false_alarm_rate=0.05)
    clf.fit(X, y)
    fresh = np.random.default_rng(9).normal(0, 1, (4000, 2))
    assert np.mean(clf.score_samples(fresh) < clf.offset_) < 0.1


def test_policy_attack_gives_the_most_likely_attack_and_keeps_other_rows():
    X, y = blobs()
    novel = novel_rows()
    unknown = OpenSetClassifier(forest(), novelty="knn").fit(X, y)
    attack = clone(unknown).set_params(policy="attack").fit(X, y)
    plain = forest().fit(X, y)
    assert set(attack.predict(novel)) == {"dos"}
    # a binary decision_function (one column) needs no argmax over attacks
    svc = OpenSetClassifier(LinearSVC(), novelty="knn", policy="attack").fit(X, y)
    assert set(svc.predict(novel)) == {"dos"}
    assert list(attack.classes_) == ["dos", "normal"]
    assert list(unknown.classes_) == ["dos", "normal", "unknown"]
    # rows the classifier already calls an attack are never changed
    known = X[y == "dos"]
    assert np.array_equal(unknown.predict(known), plain.predict(known))
    y_pred, scores = unknown.predict_with_scores(novel)
    flagged = scores < unknown.offset_
    assert np.array_equal(
        y_pred == "unknown", flagged & (plain.predict(novel) == "normal")
    )


def test_combined_scores_flag_what_either_score_flags_at_its_rank():
    X, y = blobs()
    both = OpenSetClassifier(forest(), novelty=["normal_proba", "knn"]).fit(X, y)
    rows = np.vstack([novel_rows(), X[:50]])
    raw = both._raw_scores(both.estimator_, both.score_states_, rows)  # no pipeline
    ranks = [
        np.searchsorted(both.calibration_scores_[n], raw[n], side="left")
        / len(both.calibration_scores_[n])
        for n in ("normal_proba", "knn")
    ]
    assert np.allclose(1 - both.score_samples(rows), np.max(ranks, 0))


def test_knn_works_in_the_pipeline_feature_space():
    X, y = blobs()
    X = X * [1000.0, 1.0]  # the scaler, not raw distances, must decide
    pipe = make_pipeline(StandardScaler(), forest())
    clf = OpenSetClassifier(pipe, novelty="knn").fit(X, y)
    reference = clf.score_states_["knn"]["reference"]
    assert reference[:, 0].std() < 5  # scaled, not raw (std ~1000)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_energy_uses_binary_and_multiclass_decision_functions(n_classes):
    X, y = blobs()
    if n_classes == 3:
        X = np.vstack([X, np.random.default_rng(3).normal((-6, 0), 1, (300, 2))])
        y = np.append(y, ["probe"] * 300)
    clf = OpenSetClassifier(LogisticRegression(), novelty="energy").fit(X, y)
    rows = np.vstack([X[:20], novel_rows(n=20)])
    logits = clf.estimator_.decision_function(rows)
    if n_classes == 2:  # the log-odds of the second class against a zero first
        logits = np.column_stack([np.zeros_like(logits), logits])
    energy = -np.log(np.exp(logits).sum(axis=1))
    calibration = clf.calibration_scores_["energy"]
    expected = 1 - np.searchsorted(calibration, energy, side="left") / len(calibration)
    assert np.allclose(clf.score_samples(rows), expected)
    # a row that is sure of its class has low energy: it looks more normal
    sure = np.array([[0.0, 0.0]] if n_classes == 2 else [[0.0, 0.0], [6.0, 0.0]])
    assert clf.score_samples(sure).min() > clf.offset_


def test_novel_attack_folds_report_held_out_attack_detection():
    X, y = blobs()
    X = np.vstack([X, novel_rows(n=100)])
    y = np.append(y, ["dos"] * 100)
    attack = np.where(y == "normal", "normal", "neptune")
    attack[-100:] = "apache2"
    clf = OpenSetClassifier(forest(), novelty="knn", cv=NovelAttackKFold(2))
    clf.fit(X, y, groups=attack)
    assert len(clf.calibration_["attack_rows_flagged"]) == 2
    assert min(clf.calibration_["attack_rows_flagged"]) > 0.9


def test_same_seed_same_result_and_pickle_round_trip():
    X, y = blobs()
    make = lambda: OpenSetClassifier(forest(), novelty="isolation", random_state=3)  # noqa: E731
    a, b = make().fit(X, y), make().fit(X, y)
    rows = np.vstack([novel_rows(), X])
    assert np.array_equal(a.score_samples(rows), b.score_samples(rows))
    loaded = pickle.loads(pickle.dumps(a))
    assert np.array_equal(loaded.predict(rows), a.predict(rows))


def test_grid_search_over_the_operating_point():
    X, y = blobs()
    search = GridSearchCV(
        OpenSetClassifier(forest(), novelty="knn", policy="attack"),
        {"false_alarm_rate": [0.01, 0.3]},
        cv=2,
    ).fit(X, y)
    # flagging 30% of normal rows as attacks costs accuracy on this data
    assert search.best_params_ == {"false_alarm_rate": 0.01}


@pytest.mark.parametrize("far", [0, 1, 1.5, -0.1])
def test_refuses_a_false_alarm_rate_outside_zero_one(far):
    X, y = blobs()
    with pytest.raises(ValueError, match="false_alarm_rate"):
        OpenSetClassifier(forest(), false_alarm_rate=far).fit(X, y)


def test_refuses_a_classifier_without_the_output_a_score_reads():
    X, y = blobs()
    with pytest.raises(TypeError, match="predict_proba.*LinearSVC"):
        OpenSetClassifier(LinearSVC(), novelty="normal_proba").fit(X, y)
    with pytest.raises(TypeError, match="decision_function"):
        OpenSetClassifier(forest(), novelty="energy").fit(X, y)


def test_refuses_a_normal_label_absent_from_y():
    X, y = blobs()
    with pytest.raises(ValueError, match="normal_label='benign'"):
        OpenSetClassifier(forest(), normal_label="benign").fit(X, y)


def test_refuses_an_unknown_label_that_is_a_class_and_unknown_scores():
    X, y = blobs()
    with pytest.raises(ValueError, match="unknown_label='dos'"):
        OpenSetClassifier(forest(), unknown_label="dos").fit(X, y)
    with pytest.raises(ValueError, match="novelty must name"):
        OpenSetClassifier(forest(), novelty=["knn", "magic"]).fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors=5000"):
        OpenSetClassifier(forest(), novelty="knn", n_neighbors=5000).fit(X, y)


def test_a_rate_below_one_over_n_plus_one_is_refused_before_training():
    # 200 normal rows cannot calibrate 0.4%: the threshold would flag nothing
    X, y = blobs(n_normal=200)
    with pytest.raises(
        ValueError, match=r"false_alarm_rate=0.004 cannot.*1/\(n \+ 1\)"
    ):
        OpenSetClassifier(forest(), false_alarm_rate=0.004).fit(X, y)


def test_a_row_beyond_every_calibration_score_is_flagged_at_the_smallest_rate():
    # 0.005 is reachable with 200 normal rows (0.005 * 201 >= 1): the single
    # largest held-out score is the threshold, and a far row lies above it
    X, y = blobs(n_normal=200)
    clf = OpenSetClassifier(forest(), novelty="knn", false_alarm_rate=0.005).fit(X, y)
    assert clf.offset_ > 0
    assert clf.predict([[-1000.0, 0.0]]).tolist() == ["unknown"]
    assert clf.score_samples([[-1000.0, 0.0]])[0] == 0.0


def test_conformal_threshold_keeps_its_promise_on_exchangeable_rows():
    from awdids.novelty._open_set import conformal_threshold

    rng = np.random.default_rng(0)
    flagged = []
    for _ in range(400):
        calibration, fresh = rng.normal(size=50), rng.normal(size=200)
        flagged.append(np.mean(fresh > conformal_threshold(calibration, 0.1)))
    assert 0.07 < np.mean(flagged) <= 0.1 + 0.005  # at most the rate, on average


def test_fit_params_reach_the_estimator_in_every_fold():
    X, y = blobs()
    weight = np.where(y == "dos", 1e-6, 1.0)  # the regression all but ignores dos
    clf = OpenSetClassifier(LogisticRegression(), novelty="normal_proba")
    weighted = clone(clf).fit(X, y, sample_weight=weight)
    plain = clone(clf).fit(X, y)
    assert not np.allclose(
        weighted.calibration_scores_["normal_proba"],
        plain.calibration_scores_["normal_proba"],
    )
    expected = LogisticRegression().fit(X, y, sample_weight=weight)
    assert np.allclose(weighted.estimator_.coef_, expected.coef_)


def test_metadata_routing_sends_groups_to_the_splitter_and_weights_on_request():
    from sklearn import config_context
    from sklearn.exceptions import UnsetMetadataPassedError

    X, y = blobs()
    attack = np.where(y == "normal", "normal", "neptune")
    attack[np.flatnonzero(y == "dos")[:150]] = "smurf"
    weight = np.where(y == "dos", 1e-6, 1.0)
    with config_context(enable_metadata_routing=True):
        inner = LogisticRegression().set_fit_request(sample_weight=True)
        clf = OpenSetClassifier(inner, novelty="normal_proba", cv=NovelAttackKFold(2))
        clf.fit(X, y, groups=attack, sample_weight=weight)
        expected = LogisticRegression().fit(X, y, sample_weight=weight)
        assert np.allclose(clf.estimator_.coef_, expected.coef_)
        unrequested = OpenSetClassifier(LogisticRegression(), novelty="normal_proba")
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            unrequested.fit(X, y, sample_weight=weight)


class _TextForest(RandomForestClassifier):
    """A forest that says it takes strings, as a pipeline with an encoder does."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


def test_tags_follow_the_wrapped_estimator():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.utils import get_tags

    # OpenSetClassifier's own defaults are string=False and allow_nan=False
    assert get_tags(OpenSetClassifier(_TextForest())).input_tags.string
    assert not get_tags(OpenSetClassifier(forest())).input_tags.string
    hgb = OpenSetClassifier(HistGradientBoostingClassifier())
    assert get_tags(hgb).input_tags.allow_nan
    assert not get_tags(OpenSetClassifier(LogisticRegression())).input_tags.allow_nan
    assert not get_tags(hgb).input_tags.sparse


@pytest.mark.parametrize("prefit", [False, True])
def test_n_jobs_gives_the_same_threshold_as_one_job(prefit):
    X, y = blobs()
    model, cv = (forest().fit(X, y), "prefit") if prefit else (forest(), 3)
    common = dict(novelty="knn", cv=cv, random_state=0)
    one = OpenSetClassifier(model, n_jobs=1, **common).fit(X, y)
    two = OpenSetClassifier(model, n_jobs=2, **common).fit(X, y)
    assert one.offset_ == two.offset_
    for name in one.calibration_scores_:
        assert np.array_equal(
            one.calibration_scores_[name], two.calibration_scores_[name]
        )


def test_prefit_folds_run_in_n_jobs_workers(monkeypatch):
    from awdids.novelty import _open_set

    asked, real = [], _open_set.Parallel

    def recording(*args, **kwargs):
        asked.append(kwargs.get("n_jobs"))
        return real(*args, **kwargs)

    monkeypatch.setattr(_open_set, "Parallel", recording)
    X, y = blobs()
    OpenSetClassifier(forest().fit(X, y), cv="prefit", n_jobs=2).fit(X, y)
    assert asked == [2]


def test_reference_size_keeps_a_seeded_subsample_of_the_normal_rows():
    X, y = blobs()
    clf = OpenSetClassifier(forest(), reference_size=100, random_state=0).fit(X, y)
    reference = clf.score_states_["knn"]["reference"]
    assert reference.shape == (100, 2)
    normal = X[y == "normal"].astype(np.float32)
    assert all((row == normal).all(axis=1).any() for row in reference)
    again = OpenSetClassifier(forest(), reference_size=100, random_state=0).fit(X, y)
    assert np.array_equal(reference, again.score_states_["knn"]["reference"])
    # it still flags the unseen type
    assert np.mean(clf.predict(novel_rows()) == "unknown") > 0.95


def test_a_rate_of_exactly_k_over_n_plus_one_gives_k():
    from awdids.novelty._open_set import conformal_threshold

    values = np.arange(99.0)  # n = 99: 0.29 * 100 rounds below 29 in floating point
    assert conformal_threshold(values, 0.29) == values[99 - 29]
    assert conformal_threshold(values, 1 / 100) == values[98]


def test_prefit_wraps_a_fitted_classifier_without_refitting_it():
    X, y = blobs()
    model = forest().fit(X, y)
    before = model.predict(novel_rows())
    clf = OpenSetClassifier(model, cv="prefit", false_alarm_rate=0.05).fit(X, y)
    assert clf.estimator_ is model
    assert np.array_equal(model.predict(novel_rows()), before)
    fresh_normal = np.random.default_rng(5).normal(0, 1, (4000, 2))
    assert 0.025 < np.mean(clf.score_samples(fresh_normal) < clf.offset_) < 0.1
    assert np.mean(clf.predict(novel_rows()) == "unknown") > 0.95
    assert len(clf.calibration_["false_alarm_rate"]) == 5


def test_prefit_refuses_an_unfitted_classifier_groups_and_fit_params():
    from sklearn.exceptions import NotFittedError

    X, y = blobs()
    with pytest.raises(NotFittedError):
        OpenSetClassifier(forest(), cv="prefit").fit(X, y)
    prefit = OpenSetClassifier(forest().fit(X, y), cv="prefit")
    with pytest.raises(ValueError, match="no groups"):
        prefit.fit(X, y, groups=y)
    with pytest.raises(ValueError, match="sample_weight"):
        prefit.fit(X, y, sample_weight=np.ones(len(y)))
