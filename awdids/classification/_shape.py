"""The (T, C, H, W) view of a flat feature row."""

import math

from .._validation import is_int

__all__ = ["default_input_shape", "check_input_shape"]


def default_input_shape(n_features):
    """A sensible ``(T, C, H, W)`` for ``n_features`` flat features.

    Frames are 2x2 when ``n_features`` is a multiple of 4 (else 1x2, else
    1x1); the remaining ``m`` features are split into ``T`` time steps of ``C``
    channels with ``T`` the smallest divisor of ``m`` not below ``sqrt(m)``.
    80 features (the paper's PCA output) give ``(5, 4, 2, 2)``.

    Parameters
    ----------
    n_features : int
        Number of flat features of a row.

    Returns
    -------
    input_shape : tuple of 4 int
        ``(T, C, H, W)`` whose product is ``n_features``.

    Examples
    --------
    >>> from awdids.classification import default_input_shape
    >>> default_input_shape(80)
    (5, 4, 2, 2)
    >>> default_input_shape(30)
    (5, 3, 1, 2)
    """
    if n_features < 1:
        raise ValueError(f"n_features must be positive, got {n_features}.")
    for height, width in ((2, 2), (1, 2), (1, 1)):
        if n_features % (height * width) == 0:
            rest = n_features // (height * width)
            steps = next(
                d for d in range(1, rest + 1) if rest % d == 0 and d * d >= rest
            )
            return (steps, rest // steps, height, width)
    raise AssertionError("unreachable: 1x1 frames fit any n_features")


def check_shape_values(input_shape):
    """``input_shape`` as a tuple of four positive ints, or a ``ValueError``."""
    if not (len(input_shape) == 4 and all(is_int(s) and s >= 1 for s in input_shape)):
        raise ValueError(
            f"input_shape must be four positive ints (T, C, H, W), got {input_shape!r}."
        )
    return tuple(int(s) for s in input_shape)


def check_input_shape(input_shape, n_features):
    """Return ``input_shape`` as a tuple, or derive it; raise on a mismatch."""
    if input_shape is None:
        return default_input_shape(n_features)
    shape = check_shape_values(input_shape)
    if math.prod(shape) != n_features:
        raise ValueError(
            f"input_shape={shape} holds {math.prod(shape)} features but X has "
            f"{n_features} features."
        )
    return shape
