"""The classifier's default validation split, as a skorch ``train_split`` callable."""

import warnings

import numpy as np
from skorch.dataset import ValidSplit

__all__ = ["StratifiedValidSplit"]


class StratifiedValidSplit(ValidSplit):
    """A seeded, stratified hold-out split that steps aside when it cannot stratify.

    skorch's :class:`~skorch.dataset.ValidSplit` with ``stratified=True`` and a
    float ``cv``, except that when a class has fewer than 2 rows, or the
    validation part would have fewer rows than there are classes, it warns and
    returns ``(dataset, None)``: the net then trains on every row without
    validation (and early stopping stands aside) instead of failing.

    Parameters
    ----------
    fraction : float
        Share of the rows held out, in (0, 1).
    random_state : int, RandomState instance or None, default=None
        Seed of the split.

    Examples
    --------
    >>> import numpy as np
    >>> from skorch.dataset import Dataset
    >>> from awdids.classification import StratifiedValidSplit
    >>> X, y = np.zeros((10, 2), dtype=np.float32), np.array([0, 1] * 5)
    >>> train, valid = StratifiedValidSplit(0.2, random_state=0)(Dataset(X, y), y)
    >>> len(train), len(valid)
    (8, 2)
    """

    def __init__(self, fraction, random_state=None):
        if not (isinstance(fraction, float) and 0 < fraction < 1):
            raise ValueError(f"fraction must be a float in (0, 1), got {fraction!r}.")
        super().__init__(fraction, stratified=True, random_state=random_state)

    def __call__(self, dataset, y=None, groups=None):
        codes = np.unique(np.asarray(y), return_inverse=True)[1]
        counts = np.bincount(codes)
        n_valid = int(np.ceil(self.cv * len(codes)))
        if counts.min() < 2 or n_valid < len(counts):
            warnings.warn(
                "validation split dropped: a stratified split needs at least 2 "
                f"rows per class and {len(counts)} validation rows (class counts "
                f"{counts.tolist()}); training on all rows without validation.",
                UserWarning,
                stacklevel=4,
            )
            return dataset, None
        return super().__call__(dataset, y, groups)
