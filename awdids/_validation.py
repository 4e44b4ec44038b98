"""Small checks of parameter values shared by the estimators and readers."""

import numbers

__all__ = ["is_int"]


def is_int(value):
    """An integer (numpy's included), not a bool, a float or a string.

    Examples
    --------
    >>> from awdids._validation import is_int
    >>> is_int(3), is_int(True), is_int(3.0), is_int("3")
    (True, False, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
