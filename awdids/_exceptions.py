"""Exceptions shared by the estimators."""

__all__ = ["TrainingDivergedError"]


class TrainingDivergedError(RuntimeError):
    """A network's loss became NaN or infinite during training.

    Raised by :class:`~awdids.over_sampling.GPGANSampler` (its message names the
    class, the epoch and the losses, and suggests a lower ``learning_rate``, a
    larger ``gp_lambda`` or ``loss="wgan-gp"``) and by
    :class:`~awdids.AWDConvLSTMClassifier` (the epoch, the batch and the loss,
    with a lower ``lr`` as the usual cure), instead of training on to weights
    that predict one class. It is a ``RuntimeError``, so code that catches
    training failures in general catches it too.

    Examples
    --------
    >>> from awdids.over_sampling import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, RuntimeError)
    True
    """
