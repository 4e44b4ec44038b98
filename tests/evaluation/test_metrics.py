import json

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import f1_score

from awdids.evaluation import (
    classification_scores,
    evaluate_models,
    format_results_table,
    make_baselines,
)


def test_scores_match_scikit_learn():
    rng = np.random.default_rng(0)
    y_true = rng.choice(["a", "b", "c"], 200)
    y_pred = rng.choice(["a", "b", "c"], 200)
    scores = classification_scores(y_true, y_pred)
    assert scores["macro_f1"] == pytest.approx(
        f1_score(y_true, y_pred, average="macro")
    )
    assert scores["weighted_f1"] == pytest.approx(
        f1_score(y_true, y_pred, average="weighted")
    )
    per_class = f1_score(y_true, y_pred, average=None, labels=["a", "b", "c"])
    assert [scores["per_class"][c]["f1"] for c in "abc"] == pytest.approx(per_class)
    json.dumps(scores)


def test_absent_class_gets_zero_not_an_error():
    scores = classification_scores(["a", "a"], ["a", "a"], labels=["a", "u2r"])
    assert scores["per_class"]["u2r"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 0,
    }


def test_evaluate_models_times_and_scores():
    X, y = np.arange(20).reshape(-1, 1), ["a"] * 15 + ["b"] * 5
    results = evaluate_models({"d": DummyClassifier()}, X, y, X, y, labels=["a", "b"])
    assert results["d"]["accuracy"] == 0.75
    assert results["d"]["fit_seconds"] >= 0 and results["d"]["predict_seconds"] >= 0
    table = format_results_table(results, classes=["b"])
    assert "| d | 0.7500 |" in table and "b F1" in table


def test_baselines_are_the_four_classical_detectors():
    assert set(make_baselines()) == {
        "LinearSVC",
        "RandomForest",
        "KNN",
        "HistGradientBoosting",
    }
