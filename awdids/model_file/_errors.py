"""The one exception a model file refusal raises."""

import contextlib

__all__ = ["ModelFileError", "refuse_names_other_than", "refuse_on_failure"]


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


@contextlib.contextmanager
def refuse_on_failure(what):
    """Turn any failure inside into ``ModelFileError(f"{what} (...)")``.

    Reading untrusted bytes can fail anywhere in a parser, with any exception;
    each such failure means the file is damaged or crafted. ModelFileErrors
    raised inside pass unchanged.
    """
    try:
        yield
    except ModelFileError:
        raise
    except Exception as error:  # noqa: BLE001 - any parse failure means damage
        raise ModelFileError(f"{what} ({type(error).__name__}: {error}).") from None


def refuse_names_other_than(what, names, expected, noun):
    """Refuse ``names`` unless they are exactly ``expected`` (in any order).

    The message, after ``what``, lists the unknown and the missing ``noun``.
    """
    extra = sorted(set(names) - set(expected))
    missing = sorted(set(expected) - set(names))
    if extra or missing:
        raise ModelFileError(
            f"{what}: unknown {noun} {extra[:5]}, missing {noun} {missing[:5]}."
        )
