"""The one exception a model file refusal raises."""

__all__ = ["ModelFileError"]


class ModelFileError(ValueError):
    """A model file was refused: not an awdids model, damaged, or unsafe.

    Raised by :func:`~awdids.load_model` for every refusal (and by
    :func:`~awdids.save_model` for a pipeline it cannot store as data). The
    message says what was refused and why. A subclass of ``ValueError``, so
    ``except ValueError`` catches it too.

    Examples
    --------
    >>> from awdids import ModelFileError
    >>> issubclass(ModelFileError, ValueError)
    True
    """
