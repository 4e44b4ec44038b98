import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.model_selection import StratifiedKFold

from awdids import make_awdids_pipeline
from awdids.model_selection import (
    check_fold_class_counts,
    fold_class_shortfalls,
    search_pipeline,
)
from awdids.over_sampling import AddRows, GPGANSampler

Y = np.array(["normal"] * 30 + ["dos"] * 12 + ["u2r"] * 3)


def _gan(strategy):
    return Pipeline([("oversample", GPGANSampler(sampling_strategy=strategy))])


def test_each_training_fold_and_the_refit_rows_are_counted():
    shortfalls = fold_class_shortfalls(
        _gan(AddRows(5, ["u2r"])), StratifiedKFold(3), Y, Y
    )
    assert shortfalls == []  # 3 u2r rows: each training fold keeps 2, enough
    starved = fold_class_shortfalls(
        _gan(AddRows(5, ["u2r"])), StratifiedKFold(3), Y[:-1], Y[:-1]
    )
    assert {(s.label, s.n_rows) for s in starved} == {("u2r", 1)}
    assert "all rows" not in {s.where for s in starved}


def test_a_class_the_sampler_does_not_grow_or_that_is_absent_is_not_a_shortfall():
    y = Y[:-2]  # one u2r row
    assert fold_class_shortfalls(_gan({"dos": 20}), StratifiedKFold(2), y, y) == []
    absent = y[y != "u2r"]
    assert (
        fold_class_shortfalls(
            _gan(AddRows(5, ["u2r"])), StratifiedKFold(2), absent, absent
        )
        == []
    )


def test_smote_needs_its_neighbours_and_a_grid_candidate_is_checked():
    smote = Pipeline([("oversample", SMOTE(k_neighbors=5))])
    shortfalls = fold_class_shortfalls(smote, StratifiedKFold(3), Y, Y)
    # "auto" grows dos too, whose 8 training rows a fold are enough
    assert {(s.label, s.minimum) for s in shortfalls} == {("u2r", 6)}
    grid = {"oversample__sampling_strategy": [{"dos": 20}, {"u2r": 9}]}
    assert fold_class_shortfalls(_gan({"dos": 20}), StratifiedKFold(3), Y, Y) == []
    flagged = fold_class_shortfalls(
        _gan({"dos": 20}), StratifiedKFold(3), Y[:-1], Y[:-1], param_grid=grid
    )
    assert {s.label for s in flagged} == {"u2r"}


def test_a_passthrough_pipeline_has_nothing_to_check():
    pipeline = make_awdids_pipeline(oversample="passthrough")
    assert fold_class_shortfalls(pipeline, StratifiedKFold(2), Y, Y) == []


def test_search_pipeline_refuses_a_starved_fold_before_any_fit(
    nsl_kdd_like_data, monkeypatch
):
    from sklearn.model_selection import GridSearchCV

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted before the folds were checked")

    monkeypatch.setattr(GridSearchCV, "fit", no_fit)
    X, y = nsl_kdd_like_data
    keep = np.flatnonzero(y != "u2r")[: len(y) - 1]
    keep = np.sort(np.r_[keep, np.flatnonzero(y == "u2r")[:2]])
    with pytest.raises(ValueError, match="hold 1 'u2r' row") as error:
        search_pipeline(
            X.iloc[keep],
            y[keep],
            {"clf__weight_drop": [0.0]},
            cv=2,
            oversample__sampling_strategy=AddRows(5, ["u2r"]),
        )
    assert "use more rows or more folds" in str(error.value)


def test_the_check_names_the_fold_and_the_step():
    with pytest.raises(
        ValueError, match=r"fold \d of 3 hold 1 'u2r' row\(s\), and step 'oversample'"
    ):
        check_fold_class_counts(
            _gan(AddRows(5, ["u2r"])), StratifiedKFold(3), Y[:-1], Y[:-1]
        )
