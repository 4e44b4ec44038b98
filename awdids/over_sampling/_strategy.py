"""Sampling strategies that are awkward to write as imbalanced-learn dicts."""

import warnings
from collections import Counter

from .._validation import is_int

__all__ = ["AddRows"]


class AddRows:
    """Sampling strategy: add a fixed number of rows to each named class.

    A picklable callable for ``sampling_strategy`` (imbalanced-learn calls it
    with ``y`` and expects class -> target count). The paper adds 10,000 rows to
    U2R and to R2L: ``AddRows(10000, ["u2r", "r2l"])``. Named classes absent
    from ``y`` are ignored; when none is in ``y``, a warning says so.

    Parameters
    ----------
    n_rows : int
        Rows to add to each class.
    classes : sequence
        The classes to grow.

    Examples
    --------
    >>> from awdids.over_sampling import AddRows
    >>> AddRows(100, ["u2r"])(["normal", "u2r", "u2r"])
    {'u2r': 102}
    """

    def __init__(self, n_rows, classes):
        if not is_int(n_rows) or n_rows < 0:
            raise ValueError(f"n_rows must be a non-negative int, got {n_rows!r}.")
        if isinstance(classes, (str, bytes)):
            raise ValueError(
                f"classes must be a list of class labels, got the string {classes!r}; "
                f"write [{classes!r}] for one class."
            )
        self.n_rows = int(n_rows)
        self.classes = list(classes)

    def __call__(self, y):
        counts = Counter(y.tolist() if hasattr(y, "tolist") else list(y))
        if self.classes and not any(c in counts for c in self.classes):
            warnings.warn(
                f"AddRows: none of the classes {self.classes!r} is in y (classes "
                f"{sorted(map(str, counts))[:10]}); no rows are added. Labels are "
                "compared exactly: check their case and type.",
                UserWarning,
                stacklevel=2,
            )
        return {c: counts[c] + self.n_rows for c in self.classes if c in counts}

    def __repr__(self):
        return f"AddRows({self.n_rows}, {self.classes!r})"

    def __eq__(self, other):
        return isinstance(other, AddRows) and (self.n_rows, self.classes) == (
            other.n_rows,
            other.classes,
        )

    def __hash__(self):
        return hash((self.n_rows, tuple(self.classes)))
