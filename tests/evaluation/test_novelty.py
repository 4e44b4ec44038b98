import numpy as np
import pytest

from awdids.evaluation import known_novel_scores


def _case():
    # 3 normal rows (one flagged), 2 rows of a seen attack type, 3 of a novel one
    y_true = np.array(["normal"] * 3 + ["dos"] * 2 + ["dos"] * 3)
    y_pred = np.array(
        ["normal", "normal", "dos", "dos", "dos", "normal", "probe", "dos"]
    )
    attack = np.array(["normal"] * 3 + ["neptune"] * 2 + ["apache2"] * 3)
    return y_true, y_pred, attack


def test_rows_are_split_by_the_attack_types_seen_in_training():
    scores = known_novel_scores(*_case(), seen_attacks=["neptune", "smurf"])
    assert scores["all"]["rows"] == 8 and scores["all"]["accuracy"] == 5 / 8
    assert scores["known"]["rows"] == 5 and scores["known"]["accuracy"] == 4 / 5
    assert scores["novel"]["rows"] == 3 and scores["novel"]["accuracy"] == 1 / 3
    detection = scores["detection"]
    assert detection["normal_rows_flagged"] == 1 / 3
    assert detection["attack_rows_flagged"] == 4 / 5
    assert detection["novel_attack_rows_flagged"] == 2 / 3  # 'probe' is an attack


def test_macro_f1_of_the_novel_rows_counts_the_classes_they_miss():
    y_true, y_pred, attack = _case()
    scores = known_novel_scores(
        y_true, y_pred, attack, ["neptune"], labels=["normal", "dos", "probe"]
    )
    # novel rows: dos F1 = 2*1*(1/3)/(1+1/3) = 0.5; normal and probe F1 = 0
    assert scores["novel"]["macro_f1"] == pytest.approx(0.5 / 3)


def test_no_novel_rows_gives_nan_not_an_error():
    y_true, y_pred, attack = _case()
    scores = known_novel_scores(y_true, y_pred, attack, ["neptune", "apache2"])
    assert scores["novel"]["rows"] == 0 and np.isnan(scores["novel"]["accuracy"])
    assert np.isnan(scores["detection"]["novel_attack_rows_flagged"])


def test_arrays_of_different_lengths_are_refused_with_their_lengths():
    y_true, y_pred, attack = _case()
    with pytest.raises(ValueError, match="differ in length: 8, 8 and 7"):
        known_novel_scores(y_true, y_pred, attack[:7], ["neptune"])


def test_attack_score_reads_proba_decision_function_and_open_set_novelty():
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from awdids.evaluation import attack_score
    from awdids.novelty import OpenSetClassifier

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (100, 2)), rng.normal(5, 1, (60, 2))])
    y = np.array(["normal"] * 100 + ["dos"] * 60)
    far_attack, normal_row = [[6.0, 6.0]], [[0.0, 0.0]]
    for model in (LogisticRegression(), LinearSVC()):
        model.fit(X, y)
        assert attack_score(model, far_attack)[0] > attack_score(model, normal_row)[0]
    three = np.append(y[:150], ["probe"] * 10)
    svc = LinearSVC().fit(X, three)  # one decision column per class
    assert attack_score(svc, far_attack)[0] > attack_score(svc, normal_row)[0]
    open_set = OpenSetClassifier(
        RandomForestClassifier(n_estimators=10, random_state=0), novelty="knn"
    ).fit(X, y)
    assert np.allclose(attack_score(open_set, X), 1 - open_set.score_samples(X))


def test_novel_detection_curve_ignores_known_attack_rows():
    import numpy as np

    from awdids.evaluation import novel_detection_curve

    score = [0.9, 0.1, 0.2, 0.05, 0.3]
    y = ["dos", "normal", "normal", "dos", "dos"]
    attack = ["apache2", "normal", "normal", "neptune", "apache2"]
    far, tpr = novel_detection_curve(score, y, attack, ["neptune"])
    # counted, the known neptune row (0.05) would keep the curve below 1 at 0
    assert tpr[far == 0].max() == 1.0
    assert set(np.round(tpr, 6)) <= {0.0, 0.5, 1.0}
