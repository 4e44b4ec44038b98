import numpy as np
import pytest
import torch

from awdids import AWDConvLSTMClassifier
from awdids.classification._averaging import WeightAverage

from .test_awd_convlstm import TINY, make_problem


def _net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4, momentum=None)
    )


def test_average_follows_the_warmed_up_decay():
    net = _net()
    start = net[0].weight.detach().clone()
    average = WeightAverage(net, decay=0.99)
    expected = start.clone()
    for t in range(1, 30):
        with torch.no_grad():
            net[0].weight.add_(1.0)
        average.update()
        decay = min(0.99, (1 + t) / (10 + t))
        expected = decay * expected + (1 - decay) * net[0].weight.detach()
    torch.testing.assert_close(average.average[0], expected)


def test_swapping_restores_the_raw_weights_exactly():
    net = _net()
    average = WeightAverage(net, decay=0.9)
    with torch.no_grad():
        net[0].weight.mul_(3.0)
    raw = [p.detach().clone() for p in net.parameters()]
    average.update()
    average.use_average(torch.randn(64, 3), batch_size=16)
    assert not torch.equal(net[0].weight, raw[0])
    average.use_raw()
    for p, r in zip(net.parameters(), raw):
        assert torch.equal(p, r)
    average.use_raw()  # a second call changes nothing
    assert torch.equal(net[0].weight, raw[0])


def test_batch_norm_statistics_describe_the_averaged_weights():
    net = _net().train()
    average = WeightAverage(net, decay=0.5)
    with torch.no_grad():
        net[0].weight.add_(2.0)
    average.update()
    X = torch.randn(512, 3)
    average.use_average(X, batch_size=512)
    with torch.no_grad():
        hidden = net[0](X)
    torch.testing.assert_close(net[1].running_mean, hidden.mean(0))
    torch.testing.assert_close(net[1].running_var, hidden.var(0))
    assert net.training  # the module's mode is left as it was


@pytest.mark.parametrize("ema_decay", [None, 0.999])
def test_classifier_learns_with_and_without_averaging(ema_decay):
    X, y = make_problem(1500)
    clf = AWDConvLSTMClassifier(
        hidden_channels=8,
        num_layers=2,
        max_epochs=15,
        batch_size=32,
        lr=3e-3,
        validation_fraction=None,
        ema_decay=ema_decay,
        random_state=0,
    )
    clf.fit(X[:1200], y[:1200])
    assert np.mean(clf.predict(X[1200:]) == y[1200:]) > 0.9
    assert getattr(clf, "_weight_average_", None) is None  # nothing left to pickle


def test_the_fitted_classifier_predicts_with_the_averaged_weights(monkeypatch):
    swaps = []
    use_average = WeightAverage.use_average

    def recording_use_average(self, X, batch_size):
        use_average(self, X, batch_size)
        swaps.append(([a.clone() for a in self.average], self.raw))

    monkeypatch.setattr(WeightAverage, "use_average", recording_use_average)
    X, y = make_problem(600)
    params = {**TINY, "ema_decay": 0.9, "callbacks__early_stopping": None}
    clf = AWDConvLSTMClassifier(**params).fit(X, y)
    assert len(swaps) == params["max_epochs"]
    average, raw = swaps[-1]
    fitted = [p.detach() for p in clf.module_.parameters()]
    for param, averaged in zip(fitted, average):
        assert torch.equal(param, averaged)
    assert any(not torch.equal(p, r) for p, r in zip(fitted, raw))


def test_ema_decay_out_of_range_is_refused_before_training():
    X, y = make_problem()
    with pytest.raises(ValueError, match="ema_decay"):
        AWDConvLSTMClassifier(**{**TINY, "ema_decay": 1.0}).fit(X, y)
