import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from awdids import AWDConvLSTMClassifier
from awdids.classification import default_input_shape

TINY = dict(
    hidden_channels=4,
    num_layers=1,
    head_hidden=(16, 8),
    max_epochs=4,
    validation_fraction=None,
    random_state=0,
)

#: Small, but learns ``make_problem(2000)`` to above 80% in 8 epochs of 512 rows
#: (on the default cosine schedule, whose mean rate is half its start).
LEARNER = dict(hidden_channels=4, num_layers=2, max_epochs=8, lr=2e-3, random_state=0)


def make_problem(n=600, n_features=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, n_features)
    score = X[:, 0] + X[:, 1]
    y = np.where(score > 1.3, "dos", np.where(score < 0.7, "normal", "probe"))
    return X, y


def test_learns_a_small_multiclass_problem():
    X, y = make_problem(3000)
    clf = AWDConvLSTMClassifier(
        hidden_channels=8,
        num_layers=2,
        max_epochs=40,
        batch_size=32,
        callbacks__early_stopping__patience=10,
        lr=3e-3,
        random_state=0,
    )
    clf.fit(X[:2400], y[:2400])
    assert (clf.predict(X[2400:]) == y[2400:]).mean() > 0.95
    assert "valid_loss" in clf.history_[-1]


def test_string_labels_round_trip_and_probabilities_sum_to_one():
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**TINY).fit(X, y)
    assert clf.classes_.tolist() == ["dos", "normal", "probe"]
    assert set(clf.predict(X)) <= {"dos", "normal", "probe"}
    proba = clf.predict_proba(X)
    assert proba.shape == (600, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert clf.n_features_in_ == 8


def test_integer_labels_and_pandas_input():
    X, y = make_problem()
    labels = np.unique(y, return_inverse=True)[1] + 10
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(8)])
    clf = AWDConvLSTMClassifier(**TINY).fit(frame, labels)
    assert set(clf.predict(frame)) <= {10, 11, 12}
    assert list(clf.feature_names_in_) == list(frame.columns)


def test_same_seed_same_predictions():
    X, y = make_problem()
    a = AWDConvLSTMClassifier(**{**TINY, "weight_drop": 0.5}).fit(X, y)
    b = AWDConvLSTMClassifier(**{**TINY, "weight_drop": 0.5}).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_pickle_round_trip_keeps_predictions():
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**TINY).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_save_and_load_params(tmp_path):
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**TINY).fit(X, y)
    clf.save_params(f_params=tmp_path / "params.pt")
    other = AWDConvLSTMClassifier(**{**TINY, "random_state": 1}).fit(X, y)
    other.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(other.predict_proba(X), clf.predict_proba(X))


def test_clone_and_params():
    clf = AWDConvLSTMClassifier(weight_drop=0.4, hidden_channels=5)
    cloned = clone(clf)
    assert cloned.get_params()["weight_drop"] == 0.4
    assert cloned.set_params(weight_drop=0.1).weight_drop == 0.1


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search(n_jobs):
    # a learning rate of 1e-9 leaves the network at its initial weights: the
    # search must pick the one that learns, and refit with it
    X, y = make_problem(400)
    search = GridSearchCV(
        AWDConvLSTMClassifier(**{**TINY, "max_epochs": 6, "batch_size": 32}),
        {"lr": [1e-9, 1e-2]},
        cv=2,
        n_jobs=n_jobs,
    )
    search.fit(X, y)
    assert search.best_params_ == {"lr": 1e-2}
    low, high = search.cv_results_["mean_test_score"]
    assert high > 0.75 and high > low + 0.25
    assert search.best_estimator_.lr == 1e-2
    assert search.predict(X[:5]).dtype.kind == "U"


@pytest.mark.parametrize("ema_decay", [None, 0.5])
def test_early_stopping_restores_best_epoch(ema_decay):
    X, y = make_problem(600)
    clf = AWDConvLSTMClassifier(
        **{
            **TINY,
            "ema_decay": ema_decay,
            "validation_fraction": 0.2,
            "max_epochs": 30,
            "callbacks__early_stopping__patience": 2,
            "lr": 0.05,
        }
    )
    clf.fit(X, y)
    losses = clf.history_[:, "valid_loss"]
    best = int(np.argmin(losses))
    assert len(losses) < 30 and best < len(losses) - 1  # stopped after the best
    stopper = dict(clf.callbacks_)["early_stopping"]
    final = clf.module_.state_dict()
    for name, weights in stopper.best_model_weights_.items():
        torch.testing.assert_close(final[name], weights)


def test_class_weight_balanced_sets_loss_weights():
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**{**TINY, "class_weight": "balanced"}).fit(X, y)
    counts = np.unique(y, return_counts=True)[1]
    expected = len(y) / (3 * counts)
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), expected, rtol=1e-6)


def test_class_weight_dict_uses_original_labels():
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**{**TINY, "class_weight": {"probe": 3.0}}).fit(X, y)
    assert clf.criterion_.weight.tolist() == [1.0, 1.0, 3.0]
    with pytest.raises(ValueError, match="u2r"):
        AWDConvLSTMClassifier(**{**TINY, "class_weight": {"u2r": 2.0}}).fit(X, y)


def test_default_input_shape_for_paper_features():
    assert default_input_shape(80) == (5, 4, 2, 2)
    X, y = make_problem(n_features=12)
    assert AWDConvLSTMClassifier(**TINY).fit(X, y).input_shape_ == (3, 1, 2, 2)


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"input_shape": (2, 2, 2, 2)},
            r"input_shape=\(2, 2, 2, 2\) holds 16 features but X has 8",
        ),
        ({"weight_drop": 1.0}, "weight_drop"),
        ({"weight_drop": -0.1}, "weight_drop"),
        ({"kernel_size": 2}, "kernel_size must be odd"),
        ({"class_weight": "auto"}, "class_weight"),
        (
            {"train_split": lambda ds, y: (ds, None), "validation_fraction": 0.1},
            "both choose the validation rows",
        ),
        ({"train_split": "yes"}, "train_split"),
        ({"classes": ["a", "b"]}, "classes"),
        ({"module__hidden_channels": 3}, "module__hidden_channels repeats"),
        ({"module__dropout": 0.5}, "module__dropout is not a parameter of"),
        (
            {"iterator_train__num_workers": 2},
            "iterator_train__num_workers is not a parameter of TensorBatchIterator",
        ),
        (
            {"class_weight": "balanced", "criterion__weight": torch.ones(3)},
            "criterion__weight and class_weight",
        ),
    ],
)
def test_bad_parameters_fail_before_training(params, match):
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**{**TINY, **params})
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)
    assert not hasattr(clf, "module_")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_refused(bad):
    X, y = make_problem()
    X[5, 2] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        AWDConvLSTMClassifier(**TINY).fit(X, y)


def test_single_class_is_refused():
    X, _ = make_problem()
    with pytest.raises(ValueError, match="one class only"):
        AWDConvLSTMClassifier(**TINY).fit(X, ["dos"] * len(X))


def test_feature_count_mismatch_at_predict_names_both():
    X, y = make_problem()
    clf = AWDConvLSTMClassifier(**TINY).fit(X, y)
    with pytest.raises(ValueError, match="X has 7 features.*expecting 8"):
        clf.predict(X[:, :7])


def test_eval_mode_is_right_after_few_large_batches():
    # 4 batches an epoch: too few for an exponential batch-norm average that
    # starts at variance 1, and eval mode once predicted a single class here.
    X, y = make_problem(2000)
    clf = AWDConvLSTMClassifier(**LEARNER, batch_size=512).fit(X, y)
    assert len(set(clf.predict(X))) == 3
    assert np.mean(clf.predict(X) == y) > 0.8
    assert clf.history_[-1, "valid_acc"] > 0.75


def test_device_auto_runs_and_is_kept_as_given():
    X, y = make_problem(200)
    # with a validation split, so that skorch's scoring callbacks run too
    params = {**TINY, "device": "auto", "validation_fraction": 0.2}
    clf = AWDConvLSTMClassifier(**params).fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.device_.type == expected
    assert clf.get_params()["device"] == "auto"
    assert clf.predict(X).shape == (200,)
    assert clone(clf).device == "auto"
    restored = pickle.loads(pickle.dumps(clf))
    assert restored.get_params()["device"] == "auto"
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_device_auto_save_and_load_params(tmp_path):
    X, y = make_problem(200)
    clf = AWDConvLSTMClassifier(**{**TINY, "device": "auto"}).fit(X, y)
    clf.save_params(f_params=tmp_path / "params.pt")
    other = AWDConvLSTMClassifier(**{**TINY, "device": "auto", "random_state": 1})
    other.fit(X, y).load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(other.predict_proba(X), clf.predict_proba(X))
    assert other.get_params()["device"] == "auto"


def test_mixed_precision_learns_and_returns_float32_probabilities():
    X, y = make_problem(2000)
    clf = AWDConvLSTMClassifier(mixed_precision=True, **LEARNER).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert np.mean(clf.predict(X) == y) > 0.8
    again = AWDConvLSTMClassifier(mixed_precision=True, **LEARNER).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), proba)
    # the network really runs in bfloat16 (the CPU's autocast type), and only then
    seen = []
    for net, expected in (
        (clf, torch.bfloat16),
        (clone(clf).set_params(mixed_precision=False).fit(X, y), torch.float32),
    ):
        hook = net.module_.head[0].register_forward_hook(
            lambda module, inputs, output: seen.append(output.dtype)
        )
        net.predict_proba(X[:10])
        hook.remove()
        assert seen.pop() == expected


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("mixed_precision", [False, True])
def test_cuda_end_to_end(mixed_precision):
    X, y = make_problem(2000)
    clf = AWDConvLSTMClassifier(
        **LEARNER, device="cuda", mixed_precision=mixed_precision
    ).fit(X, y)
    assert next(clf.module_.parameters()).is_cuda
    assert np.mean(clf.predict(X) == y) > 0.8
    assert pickle.loads(pickle.dumps(clf)).predict(X).shape == (2000,)


def test_fit_without_a_possible_validation_split_warns_and_trains():
    # one 'u2r' row cannot be split stratified: the fit goes on without
    # validation, and early stopping must not look for a validation loss
    X, y = make_problem(300)
    y = y.astype(object)
    y[0] = "u2r"
    clf = AWDConvLSTMClassifier(**{**TINY, "validation_fraction": 0.1})
    with pytest.warns(UserWarning, match="validation split dropped"):
        clf.fit(X, y)
    assert len(clf.history_) == TINY["max_epochs"]
    assert "valid_loss" not in clf.history_[-1]
    assert set(clf.predict(X)) <= set(y)


def test_decision_function_gives_the_logits_of_predict_proba():
    X, y = make_problem(300)
    clf = AWDConvLSTMClassifier(**TINY).fit(X, y)
    logits = clf.decision_function(X[:50])
    assert logits.shape == (50, 3)
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    assert np.allclose(softmax, clf.predict_proba(X[:50]), atol=1e-6)
    binary = AWDConvLSTMClassifier(**TINY).fit(X, np.where(y == "dos", "dos", "other"))
    margin = binary.decision_function(X[:50])
    assert margin.shape == (50,)
    assert np.array_equal(
        binary.classes_[(margin > 0).astype(int)], binary.predict(X[:50])
    )


def test_open_set_energy_score_reads_the_network_logits():
    from scipy.special import logsumexp

    from awdids.novelty import OpenSetClassifier

    X, y = make_problem(300)
    open_set = OpenSetClassifier(
        AWDConvLSTMClassifier(**TINY), novelty="energy", cv=2, false_alarm_rate=0.05
    ).fit(X, y)
    # the energy of each row's logits, ranked among the held-out normal ones
    energy = -logsumexp(open_set.estimator_.decision_function(X[:50]), axis=1)
    calibration = open_set.calibration_scores_["energy"]
    rank = np.searchsorted(calibration, energy, side="left") / len(calibration)
    assert np.allclose(open_set.score_samples(X[:50]), 1 - rank)


def test_partial_fit_honours_classes_declared_on_the_first_call():
    X, y = make_problem(600)
    first = y != "probe"  # the stream's first batch has no probe rows
    clf = AWDConvLSTMClassifier(**TINY)
    clf.partial_fit(X[first], y[first], classes=["probe", "normal", "dos"])
    assert clf.classes_.tolist() == ["dos", "normal", "probe"]
    assert clf.predict_proba(X[:3]).shape == (3, 3)
    clf.partial_fit(X, y)  # the next batch brings probe rows
    assert set(clf.predict(X)) <= {"dos", "normal", "probe"}
    with pytest.raises(ValueError, match="differs from the classes of the first"):
        clf.partial_fit(X, y, classes=["dos", "normal"])


def test_the_classes_parameter_declares_classes_for_fit_and_the_stream():
    X, y = make_problem(600)
    first = y != "probe"
    clf = AWDConvLSTMClassifier(classes=["dos", "normal", "probe"], **TINY)
    clf.fit(X[first], y[first])
    assert clf.classes_.tolist() == ["dos", "normal", "probe"]
    clf.partial_fit(X, y)
    with pytest.raises(ValueError, match=r"outside classes=\['dos', 'normal'\]"):
        AWDConvLSTMClassifier(classes=["dos", "normal"], **TINY).fit(X, y)


def test_standardisation_statistics_come_from_the_training_rows_only():
    from awdids.classification import StratifiedValidSplit

    X, y = make_problem(600)
    X[:, 2] += np.arange(600) * 0.01  # a drifting column: any leak shows in it
    clf = AWDConvLSTMClassifier(**{**TINY, "validation_fraction": 0.2}).fit(X, y)
    split_seed = clf._split_seed_
    train, _ = StratifiedValidSplit(0.2, random_state=split_seed)(
        _dataset(X.astype(np.float32), np.searchsorted(clf.classes_, y)),
        np.searchsorted(clf.classes_, y),
    )
    rows = X.astype(np.float32)[train.indices]
    assert np.allclose(clf.feature_mean_, rows.mean(axis=0), atol=1e-5)
    assert not np.allclose(clf.feature_mean_, X.mean(axis=0), atol=1e-3)


def _dataset(X, y):
    from skorch.dataset import Dataset

    return Dataset(X, y)
