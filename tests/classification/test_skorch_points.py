"""The classifier honours skorch's public extension points."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from skorch.dataset import ValidSplit
from torch.utils.data import DataLoader

from awdids import AWDConvLSTMClassifier
from awdids.nn import AWDConvLSTMNet

from .test_awd_convlstm import TINY, make_problem


class _Record(Callback):
    """Records what a callback sees; the net's device parameter, first batches."""

    def initialize(self):
        self.devices, self.first_batches, self.batch_sizes = [], [], []
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        self.devices.append(net.get_params(deep=False)["device"])
        if training and len(self.first_batches) < 1:
            self.first_batches.append(batch[1].clone())
        self.batch_sizes.append((training, len(batch[0])))

    def on_epoch_end(self, net, **kwargs):
        self.devices.append(net.get_params(deep=False)["device"])


def _fit(**params):
    X, y = make_problem(300)
    record = _Record()
    clf = AWDConvLSTMClassifier(**{**TINY, "callbacks": [record], **params})
    return clf.fit(X, y), record, X, y


def test_warm_start_trains_on_from_the_fitted_weights():
    clf, _, X, y = _fit(warm_start=True, max_epochs=2)
    before = {k: v.clone() for k, v in clf.module_.state_dict().items()}
    clf.fit(X, y)
    assert len(clf.history_) == 4
    cold, _, _, _ = _fit(max_epochs=2)
    cold.fit(X, y)
    assert len(cold.history_) == 2
    # a cold refit starts from the same initial weights, so it ends where the
    # first warm fit ended; the warm refit went on from there
    after_cold = cold.module_.state_dict()
    assert all(torch.equal(before[k], after_cold[k]) for k in before)
    assert not all(torch.equal(before[k], clf.module_.state_dict()[k]) for k in before)


class _ScaledNet(AWDConvLSTMNet):
    def __init__(self, *args, logit_scale=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.logit_scale = logit_scale

    def forward(self, x):
        return super().forward(x) * self.logit_scale


def test_module_parameters_reach_the_module():
    clf, _, X, _ = _fit(module=_ScaledNet, module__logit_scale=0.0)
    assert clf.module_.logit_scale == 0.0
    np.testing.assert_allclose(clf.predict_proba(X[:3]), 1 / 3, rtol=1e-6)


def test_iterator_batch_sizes_are_honoured():
    clf, record, X, _ = _fit(
        validation_fraction=0.2,
        max_epochs=1,
        iterator_train__batch_size=50,
        iterator_valid__batch_size=7,
    )
    train = [n for training, n in record.batch_sizes if training]
    valid = [n for training, n in record.batch_sizes if not training]
    assert train == [50] * 4 + [40]  # 240 training rows
    assert valid == [7] * 8 + [4]  # 60 validation rows


def test_iterator_train_shuffle_false_keeps_the_row_order():
    clf, record, X, y = _fit(iterator_train__shuffle=False, batch_size=16)
    codes = np.searchsorted(clf.classes_, y[:16])
    np.testing.assert_array_equal(record.first_batches[0].numpy(), codes)
    shuffled, record, _, _ = _fit(batch_size=16)
    assert not np.array_equal(record.first_batches[0].numpy(), codes)


def test_a_dataloader_iterator_gives_the_same_kind_of_model():
    clf, _, X, y = _fit(iterator_train=DataLoader, max_epochs=3)
    assert clf.predict(X).shape == y.shape
    again, _, _, _ = _fit(iterator_train=DataLoader, max_epochs=3)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_a_train_split_callable_is_used():
    clf, record, _, _ = _fit(
        validation_fraction=None,
        train_split=ValidSplit(0.25, stratified=True, random_state=0),
        max_epochs=1,
    )
    assert sum(n for training, n in record.batch_sizes if not training) == 75
    assert "valid_loss" in clf.history_[-1]


def test_get_params_keeps_the_device_as_given_during_fit_and_predict():
    clf, record, X, _ = _fit(device="auto", validation_fraction=0.2)
    clf.predict(X)
    assert set(record.devices) == {"auto"}
    assert clf.get_params()["device"] == "auto"


def test_early_stopping_is_configured_through_callbacks_parameters():
    X, y = make_problem(600)
    params = {**TINY, "validation_fraction": 0.2, "max_epochs": 30, "lr": 0.05}
    patient = AWDConvLSTMClassifier(**params, callbacks__early_stopping__patience=8)
    hasty = AWDConvLSTMClassifier(**params, callbacks__early_stopping__patience=1)
    assert len(patient.fit(X, y).history_) > len(hasty.fit(X, y).history_)
    off = AWDConvLSTMClassifier(**params, callbacks__early_stopping=None).fit(X, y)
    assert len(off.history_) == 30


def test_the_learning_rate_follows_a_cosine_over_max_epochs_by_default():
    clf, *_ = _fit(max_epochs=4, lr=0.01)
    # skorch records the rate each epoch trained with
    expected = [0.01 * (1 + np.cos(np.pi * e / 4)) / 2 for e in range(4)]
    np.testing.assert_allclose(clf.history_[:, "event_lr"], expected, atol=1e-12)
    assert clf.optimizer_.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)


def test_the_schedule_is_configured_through_callbacks_parameters():
    constant, *_ = _fit(lr=0.01, callbacks__lr_scheduler=None)
    assert "event_lr" not in constant.history_[-1]
    assert constant.optimizer_.param_groups[0]["lr"] == 0.01
    longer, *_ = _fit(lr=0.01, callbacks__lr_scheduler__T_max=8)
    assert longer.history_[-1, "event_lr"] == pytest.approx(
        0.01 * (1 + np.cos(np.pi * 3 / 8)) / 2
    )


@pytest.mark.parametrize(
    "params",
    [
        {"warm_start": "yes"},
        {"iterator_valid__pin_memory": True},
    ],
)
def test_refused_before_training(params):
    X, y = make_problem(100)
    clf = AWDConvLSTMClassifier(**{**TINY, **params})
    with pytest.raises(ValueError, match=next(iter(params))):
        clf.fit(X, y)
    assert not hasattr(clf, "module_")
