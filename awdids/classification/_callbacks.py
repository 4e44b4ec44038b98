"""skorch callbacks of AWDConvLSTMClassifier: batch-norm reset, early stopping,
weight averaging."""

import torch
from skorch.callbacks import Callback, EarlyStopping

from .._exceptions import TrainingDivergedError
from ._averaging import WeightAverage
from ._batching import TensorBatchIterator

__all__ = [
    "EpochBatchNormStats",
    "EarlyStoppingWhenValidated",
    "FiniteLoss",
    "WeightAveraging",
]


class EpochBatchNormStats(Callback):
    """Reset batch-norm statistics at each epoch's start (see AWDConvLSTMNet)."""

    def on_epoch_begin(self, net, **kwargs):
        for module in net.module_.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.reset_running_stats()


class FiniteLoss(Callback):
    """Stop training with :class:`TrainingDivergedError` at a non-finite loss.

    Without it, a diverged network trains on to NaN weights and then predicts
    one class without a word.
    """

    def on_batch_end(self, net, training=False, loss=None, **kwargs):
        if training and loss is not None and not torch.isfinite(loss).all():
            raise TrainingDivergedError(
                f"{type(net).__name__}: the training loss became {loss.item()} in "
                f"epoch {len(net.history)} (lr={net.lr}); lower lr, or check the "
                "inputs and class_weight."
            )


class EarlyStoppingWhenValidated(EarlyStopping):
    """skorch's early stopping, standing aside when a fit has no validation split.

    The default split drops itself (with a warning) when a class has too few
    rows for it; there is then no validation loss to watch.
    """

    def on_epoch_end(self, net, **kwargs):
        if self.monitor in net.history[-1]:
            super().on_epoch_end(net, **kwargs)


class WeightAveraging(Callback):
    """Validate, checkpoint and predict with a moving average of the weights.

    Training steps update the raw weights; after each one the average follows
    (:class:`~awdids.classification._averaging.WeightAverage`). When an epoch's
    training pass ends (at the first validation batch, or at the epoch's end
    without validation) the average is loaded, with batch-norm statistics
    re-estimated on the training rows; the next epoch starts from the raw
    weights again. A fit ends with the average loaded. Each (partial) fit starts
    a fresh average from the weights the module holds.

    Parameters
    ----------
    decay : float
        Weight of the old average at each update, in [0, 1).
    batch_size : int
        Rows a forward pass when re-estimating batch-norm statistics.
    """

    def __init__(self, decay, batch_size):
        self.decay = decay
        self.batch_size = batch_size

    def on_train_begin(self, net, **kwargs):
        self.average_ = WeightAverage(net.module_, self.decay)
        self.train_rows_ = None

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if self.train_rows_ is None:  # the fit's training split, as tensors once
            rows = TensorBatchIterator(dataset_train, self.batch_size).X
            self.train_rows_ = net._standardize(rows)  # as the network sees them
        self.average_.use_raw()

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            self.average_.update()

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            self._load_average()

    def on_epoch_end(self, net, **kwargs):
        self._load_average()

    def on_train_end(self, net, **kwargs):
        self._load_average()
        del self.average_, self.train_rows_

    def _load_average(self):
        if self.average_.raw is None:
            self.average_.use_average(self.train_rows_, self.batch_size)
