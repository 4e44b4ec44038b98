import numpy as np
import pytest

from awdids.experiments import flag_drift_table, novel_attack_table
from awdids.experiments._figures import plot_novel_detection
from awdids.experiments._novel import novel_attack_metrics

Y = np.array(["normal"] * 4 + ["dos"] * 4)
ATTACK = np.array(["normal"] * 4 + ["neptune", "neptune", "apache2", "apache2"])
DIFFICULTY = np.array([21, 21, 10, 15, 21, 5, 12, 21])


def _data():
    return {
        "y_test": Y,
        "attack_test": ATTACK,
        "test_subsets": {"KDDTest+": np.ones(8, bool), "KDDTest-21": DIFFICULTY < 21},
        "seen_attacks": ["neptune", "smurf"],
        "classes": ["normal", "dos"],
    }


def _records():
    # seed 0 misses one novel row, seed 1 both; both call normal row 3 an attack
    seed0 = ["normal", "normal", "normal", "dos", "dos", "dos", "dos", "normal"]
    seed1 = ["normal", "normal", "normal", "dos", "dos", "dos", "normal", "normal"]
    score = [0.1, 0.2, 0.3, 0.9, 0.8, 0.7, 0.95, 0.25]
    flag = {"target": 0.25, "held_out_folds": [0.2, 0.3], "test_normal_flagged": 0.5}
    return {
        (0, "model"): {"y_pred": seed0, "attack_score": score, "novelty_flag": flag},
        (1, "model"): {"y_pred": seed1, "novelty_flag": flag},
    }


def test_known_and_novel_rows_are_split_per_seed_and_subset():
    metrics = novel_attack_metrics(_data(), _records())
    assert metrics["novel_attacks"] == ["apache2"]
    assert metrics["rows"] == {
        "KDDTest+": {"rows": 8, "novel": 2},
        "KDDTest-21": {"rows": 4, "novel": 1},  # difficulty below 21
    }
    scores = metrics["subsets"]["KDDTest+"]["model"]
    assert scores["novel_attack_rows_flagged"]["values"] == [0.5, 0.0]
    assert scores["normal_rows_flagged"]["values"] == [0.25, 0.25]
    assert scores["known_accuracy"]["values"] == [5 / 6, 5 / 6]
    hard = metrics["subsets"]["KDDTest-21"]["model"]
    assert hard["novel_attack_rows_flagged"]["values"] == [1.0, 0.0]


def test_curve_of_seed_zero_and_its_operating_point():
    curve = novel_attack_metrics(_data(), _records())["curves"]["model"]
    assert curve["operating_point"] == [0.25, 0.5]
    # 0.95 beats every normal row: half the novel rows at no false alarm
    assert curve["novel_flagged"][0] == 0.5
    assert curve["novel_flagged"][-1] == 1.0
    assert len(curve["normal_flagged"]) == len(curve["novel_flagged"])


def test_flag_drift_is_summarised_over_seeds():
    drift = novel_attack_metrics(_data(), _records())["flag_drift"]["model"]
    assert drift["target"] == 0.25
    assert drift["held_out_folds"]["mean"] == pytest.approx(0.25)
    assert drift["test_normal"]["values"] == [0.5, 0.5]
    columns, rows = flag_drift_table({"model": drift})
    assert rows == [["model", "0.2500", "0.2500 ± 0.0000", "0.5000 ± 0.0000"]]


def test_tables_and_figure_come_from_the_metrics(tmp_path):
    pytest.importorskip("matplotlib")
    metrics = novel_attack_metrics(_data(), _records())
    columns, rows = novel_attack_table(metrics["subsets"]["KDDTest+"])
    assert columns[0] == "model" and rows[0][0] == "model"
    assert rows[0][columns.index("novel attacks flagged")] == "0.2500 ± 0.2500"
    plot_novel_detection(metrics["curves"], tmp_path / "novel.png")
    assert (tmp_path / "novel.png").stat().st_size > 0
